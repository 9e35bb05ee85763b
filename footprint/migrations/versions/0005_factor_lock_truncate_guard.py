"""Supplier factors get a lock_version (edits from a stale form are refused), and on PostgreSQL
TRUNCATE of the append-only tables is refused too (it fires no row trigger).

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from footprint.audit import triggers

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('supplier_factors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), nullable=False,
                                      server_default='1'))
    triggers.install_truncate_guard(op.get_bind())


def downgrade() -> None:
    triggers.remove_truncate_guard(op.get_bind())
    with op.batch_alter_table('supplier_factors', schema=None) as batch_op:
        batch_op.drop_column('lock_version')
