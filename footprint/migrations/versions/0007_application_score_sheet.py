"""Applications keep the year of site data they are judged on, and on submission their score
sheet and pre-check results.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.add_column(sa.Column('site_year', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('score_sheet', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('prechecks', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.drop_column('prechecks')
        batch.drop_column('score_sheet')
        batch.drop_column('site_year')
