"""Certificate lifecycle: a correction is a new certificate of the same application, so
application_id is no longer unique (an index instead). At most one certificate of a product (or
site) and scheme is current: issuing supersedes the one before (certificates.lifecycle).

SQLite alters the table by copying it, which drops its triggers: the certificate guard
(footprint.certificates.guard, installed by 0012) is removed first and installed again after,
on both databases, so it holds whichever way the table was altered. The downgrade fails while
an application has more than one certificate (a correction was issued): nothing is lost.

Revision ID: 0013
Revises: 0012
"""
from __future__ import annotations

from alembic import op

from footprint.certificates import guard

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    guard.remove(op.get_bind())
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_certificates_application_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_certificates_application_id'), ['application_id'], unique=False)
    guard.install(op.get_bind())


def downgrade() -> None:
    guard.remove(op.get_bind())
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_application_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_certificates_application_id'), ['application_id'])
    guard.install(op.get_bind())
