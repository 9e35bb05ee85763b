"""Applications for certification (one row per submitted version) and their findings.

New tables only: nothing existing changes.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.String(length=30), nullable=False),
    sa.Column('criteria_key', sa.String(length=120), nullable=False),
    sa.Column('criteria_version', sa.String(length=40), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('evaluator_id', sa.Integer(), nullable=True),
    sa.Column('decider_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.String(length=4000), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_applications_assessment_id_assessments')),
    sa.ForeignKeyConstraint(['decider_id'], ['users.id'], name=op.f('fk_applications_decider_id_users')),
    sa.ForeignKeyConstraint(['evaluator_id'], ['users.id'], name=op.f('fk_applications_evaluator_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_applications_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['previous_id'], ['applications.id'], name=op.f('fk_applications_previous_id_applications')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_applications_product_id_products')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_applications_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('previous_id', name=op.f('uq_applications_previous_id'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_state'), ['state'], unique=False)

    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=4000), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('answer', sa.String(length=4000), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_dt', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_findings_application_id_applications')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_findings_closed_by_id_users')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'], name=op.f('fk_findings_raised_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings'))
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_findings_application_id'), ['application_id'], unique=False)


def downgrade() -> None:
    # dropping a table drops its indexes
    op.drop_table('findings')
    op.drop_table('applications')
