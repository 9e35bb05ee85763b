"""Annual data of a site per calendar year (site_years), for green-factory indicators.

A new table only: nothing existing changes.

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('site_years',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_dt', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_site_years_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_years')),
    sa.UniqueConstraint('site_id', 'year', name=op.f('uq_site_years_site_id'))
    )


def downgrade() -> None:
    # dropping a table drops its constraints
    op.drop_table('site_years')
