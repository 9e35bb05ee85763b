"""Criteria versions: the YAML source of every criteria version an application used or an admin
published from the web, kept so that a later change of a file never changes how it is read.

A new table only: nothing existing changes.

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('criteria_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('family', sa.String(length=120), nullable=False),
    sa.Column('scheme', sa.String(length=30), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_criteria_versions_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria_versions')),
    sa.UniqueConstraint('key', name=op.f('uq_criteria_versions_key'))
    )


def downgrade() -> None:
    op.drop_table('criteria_versions')
