"""Issue 9 inputs. A product records its end-of-life method (cut-off by default, as every
product was computed so far) and the year its data represent. A supplier factor gains its
biogenic removal, its biogenic carbon content, whether its land-use value is assessed, the
user's data-quality ratings and the supplier's own GSD.

A stored supplier factor with a non-zero land-use value stated that value: it is marked
assessed. One with 0 is left "not assessed", since the column defaulted to 0 whether or not the
supplier said anything about land use.

Revision ID: 0016
Revises: 0015
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_of_life_method', sa.String(length=20), nullable=False,
                                      server_default='cut-off'))
        batch_op.add_column(sa.Column('reference_year', sa.Integer(), nullable=True))

    with op.batch_alter_table('supplier_factors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('co2_biogenic_removal', sa.Float(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('biogenic_carbon_kg', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('land_use_assessed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('dq_technological', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('dq_temporal', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('dq_geographical', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('gsd', sa.Float(), nullable=True))
    op.execute(sa.text("UPDATE supplier_factors SET land_use_assessed = :yes "
                       "WHERE co2e_land_use <> 0").bindparams(yes=True))


def downgrade() -> None:
    with op.batch_alter_table('supplier_factors', schema=None) as batch_op:
        batch_op.drop_column('gsd')
        batch_op.drop_column('dq_geographical')
        batch_op.drop_column('dq_temporal')
        batch_op.drop_column('dq_technological')
        batch_op.drop_column('land_use_assessed')
        batch_op.drop_column('biogenic_carbon_kg')
        batch_op.drop_column('co2_biogenic_removal')

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('reference_year')
        batch_op.drop_column('end_of_life_method')
