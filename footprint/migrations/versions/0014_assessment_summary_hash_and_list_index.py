"""Assessments: a summary hash, so that lists check what they show without reading the content,
and the index by product extended to a product's assessments newest first (product_id,
created_dt, id; same name, as the naming convention wants).

summary_hash is the SHA-256 of the columns lists show, bound to the content hash
(footprint.assessments.models.summary_hash, written out below as it was at this revision). Stored
rows get it here, but only if their content still matches their content hash and totals: a row
altered before this migration keeps an empty summary hash and is listed as altered.

Assessments are append-only: the guard triggers are lifted for the backfill and installed again
(SQLite also drops them when batch_alter_table copies the table).

Revision ID: 0014
Revises: 0013
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from footprint.audit import triggers
from footprint.canonical import sha256_hex

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

BATCH = 500


def _summary_hash(row) -> str:
    return sha256_hex({"content_hash": row.content_hash,
                       "organisation_id": row.organisation_id,
                       "product_id": row.product_id,
                       "product_version": row.product_version,
                       "dataset_version": row.dataset_version,
                       "carbon_total": float(row.carbon_total),
                       "water_consumption_m3": float(row.water_consumption_m3)})


def _intact(row) -> bool:
    try:
        return (sha256_hex({"spec": row.spec, "result": row.result}) == row.content_hash
                and row.carbon_total == row.result["carbon"]["total"]
                and row.water_consumption_m3 == row.result["water"]["consumption_m3"])
    except (KeyError, TypeError):
        return False


def _backfill(connection) -> None:
    table = sa.table('assessments', sa.column('id', sa.Integer), sa.column('spec', sa.JSON),
                     sa.column('result', sa.JSON), sa.column('content_hash', sa.String),
                     sa.column('organisation_id', sa.Integer),
                     sa.column('product_id', sa.Integer),
                     sa.column('product_version', sa.Integer),
                     sa.column('dataset_version', sa.String),
                     sa.column('carbon_total', sa.Float),
                     sa.column('water_consumption_m3', sa.Float),
                     sa.column('summary_hash', sa.String))
    last = 0
    while True:  # in batches by id: a large table is never held in memory at once
        rows = connection.execute(sa.select(table).where(table.c.id > last)
                                  .order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            if _intact(row):
                connection.execute(table.update().where(table.c.id == row.id)
                                   .values(summary_hash=_summary_hash(row)))
        last = rows[-1].id


def upgrade() -> None:
    connection = op.get_bind()
    triggers.remove(connection)
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary_hash', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.drop_index('ix_assessments_product_id')
        batch_op.create_index('ix_assessments_product_id', ['product_id', 'created_dt', 'id'],
                              unique=False)
    _backfill(connection)
    triggers.install_all(connection)


def downgrade() -> None:
    connection = op.get_bind()
    triggers.remove(connection)
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_assessments_product_id')
        batch_op.create_index('ix_assessments_product_id', ['product_id'], unique=False)
        batch_op.drop_column('summary_hash')
    triggers.install_all(connection)
