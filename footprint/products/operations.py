"""Products and their lines: editing, versions, and the ProductSpec they stand for.

Functions flush; the request commits once. `build_spec` is the single bridge from stored rows to
the ProductSpec that `footprint.lca` assesses, the same shape the CLI reads.
"""
from __future__ import annotations

from sqlmodel import Session, select

from ..accounts.models import Site
from ..lca.dataset import load_grid_regions
from ..lca.spec import STAGES
from ..timeutil import utcnow
from .models import Line, Product, SupplierFactor

LINE_COPY_FIELDS = ("position", "stage", "name", "kind", "reference", "amount", "unit",
                    "annual_amount", "allocation_basis", "product_quantity", "plant_quantity",
                    "units_per_year")
FACTOR_COPY_FIELDS = ("code", "name", "unit", "co2e_fossil", "co2e_biogenic", "co2e_land_use",
                      "water_m3", "water_region", "source")


def products_of(session: Session, organisation_id: int) -> list[Product]:
    return list(session.exec(select(Product).where(Product.organisation_id == organisation_id)
                             .order_by(Product.name, Product.version)))


def lines_of(session: Session, product_id: int) -> list[Line]:
    lines = session.exec(select(Line).where(Line.product_id == product_id)).all()
    return sorted(lines, key=lambda l: (STAGES.index(l.stage) if l.stage in STAGES else 99,
                                        l.position, l.id))


def factors_of(session: Session, product_id: int) -> list[SupplierFactor]:
    return list(session.exec(select(SupplierFactor).where(SupplierFactor.product_id == product_id)
                             .order_by(SupplierFactor.code)))


def next_position(session: Session, product_id: int) -> int:
    return max((l.position for l in lines_of(session, product_id)), default=-1) + 1


def touch(session: Session, product: Product) -> None:
    product.updated_dt = utcnow()
    session.add(product)


def line_data(line: Line) -> dict:
    """A stored line as a ProductSpec line."""
    data = {"stage": line.stage, "name": line.name, "unit": line.unit, line.kind: line.reference}
    if line.is_allocated:
        data["allocation"] = {"annual_amount": line.annual_amount,
                              "basis": line.allocation_basis,
                              "product_quantity": line.product_quantity,
                              "plant_quantity": line.plant_quantity,
                              "units_per_year": line.units_per_year}
    else:
        data["amount"] = line.amount
    return data


def factor_data(factor: SupplierFactor) -> dict:
    return {field: getattr(factor, field) for field in FACTOR_COPY_FIELDS}


def water_region(session: Session, product: Product) -> str:
    site = session.get(Site, product.site_id) if product.site_id else None
    region = load_grid_regions().get(site.grid_region) if site else None
    return region.water_region if region else "CN"


def build_spec(session: Session, product: Product) -> dict:
    return {
        "product": {"name": product.name, "functional_unit": product.functional_unit,
                    "boundary": product.boundary, "water_region": water_region(session, product)},
        "factors": [factor_data(f) for f in factors_of(session, product.id)],
        "lines": [line_data(l) for l in lines_of(session, product.id)],
    }


def copy_as_new_version(session: Session, product: Product) -> Product:
    copy = Product(**{field: getattr(product, field) for field in (
        "organisation_id", "site_id", "name", "model", "category", "functional_unit",
        "reference_flow", "boundary")})
    copy.version = 1 + max(p.version for p in session.exec(
        select(Product).where(Product.organisation_id == product.organisation_id,
                              Product.name == product.name)))
    copy.copied_from_id = product.id
    session.add(copy)
    session.flush()
    for line in lines_of(session, product.id):
        session.add(Line(product_id=copy.id, **{f: getattr(line, f) for f in LINE_COPY_FIELDS}))
    for factor in factors_of(session, product.id):
        session.add(SupplierFactor(product_id=copy.id, **factor_data(factor)))
    session.flush()
    return copy


def delete_product(session: Session, product: Product) -> None:
    from ..assessments.models import Assessment

    for model in (Line, SupplierFactor, Assessment):
        for row in session.exec(select(model).where(model.product_id == product.id)):
            session.delete(row)
    for later in session.exec(select(Product).where(Product.copied_from_id == product.id)):
        later.copied_from_id = None
        session.add(later)
    session.flush()
    session.delete(product)
    session.flush()


def replace_lines(session: Session, product: Product, lines: list[Line], *, append: bool,
                  factors: list[dict] = ()) -> None:
    """Store imported lines, and the new supplier factors they use, in one go (the caller has
    validated all of them)."""
    for data in factors:
        session.add(SupplierFactor(product_id=product.id, **data))
    if not append:
        for line in lines_of(session, product.id):
            session.delete(line)
        session.flush()
    start = next_position(session, product.id)
    for offset, line in enumerate(lines):
        line.product_id, line.position = product.id, start + offset
        session.add(line)
    touch(session, product)
    session.flush()
