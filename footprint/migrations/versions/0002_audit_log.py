"""Audit log (append-only, with its triggers), archived products, lock versions, unique numbering.

Before the unique constraints are made, numbers that simultaneous requests gave twice are made
distinct: line positions are renumbered within their product, and a product version that occurs
twice for one name is moved to the next free version.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 02:39:23.663396
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from footprint.audit import triggers

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_audit_events_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_events_hash'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_organisation_id'), ['organisation_id'], unique=False)
    triggers.install(op.get_bind())
    _renumber_lines()
    _renumber_versions()

    with op.batch_alter_table('lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.create_unique_constraint(batch_op.f('uq_lines_product_id'), ['product_id', 'position'])

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_dt', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.create_unique_constraint(batch_op.f('uq_products_organisation_id'), ['organisation_id', 'name', 'version'])

    with op.batch_alter_table('supplier_factors', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_supplier_factors_product_id'), ['product_id', 'code'])


def _renumber_lines() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, product_id, position FROM lines "
                                "ORDER BY product_id, position, id")).all()
    product, position = None, -1
    for line_id, product_id, old in rows:
        position = position + 1 if product_id == product else 0
        product = product_id
        if old != position:
            bind.execute(sa.text("UPDATE lines SET position = :p WHERE id = :id"),
                         {"p": position, "id": line_id})


def _renumber_versions() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, organisation_id, name, version FROM products "
                                "ORDER BY organisation_id, name, version, id")).all()
    latest: dict[tuple, int] = {}
    for organisation_id, name in {(r[1], r[2]) for r in rows}:
        latest[(organisation_id, name)] = max(r[3] for r in rows
                                              if (r[1], r[2]) == (organisation_id, name))
    seen = set()
    for product_id, organisation_id, name, version in rows:
        if (organisation_id, name, version) in seen:
            latest[(organisation_id, name)] += 1
            bind.execute(sa.text("UPDATE products SET version = :v WHERE id = :id"),
                         {"v": latest[(organisation_id, name)], "id": product_id})
        seen.add((organisation_id, name, version))


def downgrade() -> None:
    triggers.remove(op.get_bind())
    with op.batch_alter_table('supplier_factors', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_supplier_factors_product_id'), type_='unique')

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_products_organisation_id'), type_='unique')
        batch_op.drop_column('lock_version')
        batch_op.drop_column('archived_dt')

    with op.batch_alter_table('lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_lines_product_id'), type_='unique')
        batch_op.drop_column('lock_version')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_organisation_id'))

    op.drop_table('audit_events')
