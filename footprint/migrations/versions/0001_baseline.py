"""Baseline: the schema of the platform when migrations were introduced (organisations,
users, sites, products, supplier factors, lines, assessments).

Revision ID: 0001
Revises: (none, the first revision)
Create Date: 2026-11-22 02:19:08.065080
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_index(op.f("ix_organisations_credit_code"), "organisations", ["credit_code"],
                    unique=True)

    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("grid_region", sa.String(length=20), nullable=False),
        sa.Column("annual_output", sa.Float(), nullable=False),
        sa.Column("output_unit", sa.String(length=30), nullable=False),
        sa.Column("land_area_m2", sa.Float(), nullable=False),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_sites_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
    )
    op.create_index(op.f("ix_sites_organisation_id"), "sites", ["organisation_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_users_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_email"), "users", ["email"], unique=True)
    op.create_index(op.f("ix_users_organisation_id"), "users", ["organisation_id"], unique=False)

    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("functional_unit", sa.String(length=100), nullable=False),
        sa.Column("reference_flow", sa.String(length=200), nullable=False),
        sa.Column("boundary", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("copied_from_id", sa.Integer(), nullable=True),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_dt", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["copied_from_id"], ["products.id"],
                                name=op.f("fk_products_copied_from_id_products")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_products_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"],
                                name=op.f("fk_products_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    op.create_index(op.f("ix_products_organisation_id"), "products", ["organisation_id"],
                    unique=False)

    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("product_version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("dataset_version", sa.String(length=32), nullable=False),
        sa.Column("carbon_total", sa.Float(), nullable=False),
        sa.Column("water_consumption_m3", sa.Float(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_assessments_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"],
                                name=op.f("fk_assessments_product_id_products")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_assessments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    op.create_index(op.f("ix_assessments_organisation_id"), "assessments", ["organisation_id"],
                    unique=False)
    op.create_index(op.f("ix_assessments_product_id"), "assessments", ["product_id"], unique=False)

    op.create_table(
        "lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("annual_amount", sa.Float(), nullable=True),
        sa.Column("allocation_basis", sa.String(length=20), nullable=True),
        sa.Column("product_quantity", sa.Float(), nullable=True),
        sa.Column("plant_quantity", sa.Float(), nullable=True),
        sa.Column("units_per_year", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"],
                                name=op.f("fk_lines_product_id_products"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lines")),
    )
    op.create_index(op.f("ix_lines_product_id"), "lines", ["product_id"], unique=False)

    op.create_table(
        "supplier_factors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("co2e_fossil", sa.Float(), nullable=False),
        sa.Column("co2e_biogenic", sa.Float(), nullable=False),
        sa.Column("co2e_land_use", sa.Float(), nullable=False),
        sa.Column("water_m3", sa.Float(), nullable=False),
        sa.Column("water_region", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"],
                                name=op.f("fk_supplier_factors_product_id_products"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_factors")),
    )
    op.create_index(op.f("ix_supplier_factors_product_id"), "supplier_factors", ["product_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_table("supplier_factors")
    op.drop_table("lines")
    op.drop_table("assessments")
    op.drop_table("products")
    op.drop_table("users")
    op.drop_table("sites")
    op.drop_table("organisations")
