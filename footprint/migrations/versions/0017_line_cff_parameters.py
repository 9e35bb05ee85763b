"""A line's EU Circular Footprint Formula parameters (A, R1, R2, Qs/Qp, the recycled-material and
disposal rows), as the spec's `cff`; empty for every line so far.

Revision ID: 0017
Revises: 0016
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cff', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('lines', schema=None) as batch_op:
        batch_op.drop_column('cff')
