"""Certificates issued on approval: signed payload, public ID, status.

A new table only: nothing existing changes. Its triggers (footprint.certificates.guard) refuse
deleting a certificate and changing what was signed; the status columns may change.

Revision ID: 0012
Revises: 0011
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from footprint.certificates import guard

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=40), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('scheme', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('issued_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('payload_canonical', sa.Text(), nullable=False),
    sa.Column('signature', sa.String(length=120), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('pdf_name', sa.String(length=200), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('status_reason', sa.String(length=4000), nullable=False),
    sa.Column('status_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('restore_until', sa.Date(), nullable=True),
    sa.Column('surveillance_due', sa.Date(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_certificates_application_id_applications')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_certificates_assessment_id_assessments')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_certificates_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_certificates_product_id_products')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_certificates_site_id_sites')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['certificates.id'], name=op.f('fk_certificates_superseded_by_id_certificates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('application_id', name=op.f('uq_certificates_application_id'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_public_id'), ['public_id'], unique=True)
    guard.install(op.get_bind())


def downgrade() -> None:
    guard.remove(op.get_bind())
    # dropping a table drops its indexes
    op.drop_table('certificates')
