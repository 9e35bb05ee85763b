"""Products, their lines and supplier factors: reads, and every change with its audit event.

Functions flush; the request or command commits once. `build_spec` is the single bridge from
stored rows to the ProductSpec that `footprint.lca` assesses, the same shape the CLI reads.
"""
from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, select

from ..accounts.models import Site
from ..audit.operations import record, snapshot
from ..errors import ChangedMeanwhile, InputError, Location, StillInUse
from ..lca.dataset import catalogue, load_grid_regions
from ..lca.spec import BOUNDARY_STAGES, STAGES, Line as SpecLine, check_spec_line
from ..timeutil import utcnow
from .models import (DATA_QUALITY_RATINGS, END_OF_LIFE_METHODS, Line, Product,
                     SupplierFactor)
from .specs import (DATA_QUALITY_COLUMNS, FACTOR_COLUMNS, factor_columns, factor_data,
                    line_fields, spec_line)

PRODUCT_FIELDS = ("name", "model", "category", "functional_unit", "reference_flow", "boundary",
                  "site_id", "end_of_life_method", "reference_year")
TEXT_PRODUCT_FIELDS = ("name", "model", "category", "functional_unit", "reference_flow",
                       "boundary")
COPIED_FIELDS = ("organisation_id", *PRODUCT_FIELDS)
LINE_COPY_FIELDS = ("position", "stage", "name", "kind", "reference", "amount", "unit",
                    "annual_amount", "allocation_basis", "product_quantity", "plant_quantity",
                    "units_per_year", "cff")


# --- reads -------------------------------------------------------------------------------------

def products_of(session: Session, organisation_id: int, *,
                archived: bool = False) -> list[Product]:
    archive_filter = Product.archived_dt.is_not(None) if archived else Product.archived_dt.is_(None)
    return list(session.exec(select(Product).where(Product.organisation_id == organisation_id,
                                                   archive_filter)
                             .order_by(Product.name, Product.version)))


def lines_of(session: Session, product_id: int) -> list[Line]:
    lines = session.exec(select(Line).where(Line.product_id == product_id)).all()
    return sorted(lines, key=lambda l: (STAGES.index(l.stage) if l.stage in STAGES else 99,
                                        l.position, l.id))


def factors_of(session: Session, product_id: int) -> list[SupplierFactor]:
    return list(session.exec(select(SupplierFactor).where(SupplierFactor.product_id == product_id)
                             .order_by(SupplierFactor.code)))


def water_region(session: Session, product: Product) -> str:
    site = session.get(Site, product.site_id) if product.site_id else None
    region = load_grid_regions().get(site.grid_region) if site else None
    return region.water_region if region else "CN"


# The engine compares a factor row's `geography` with the product's. Grid regions whose factor
# rows name a place (datasets/factors/electricity.csv: "Chongqing", "Sichuan") map to that name;
# the regional grids' rows carry the grid code itself ("CN-Central" ... "CN-South"), and "CN" (the
# rest of China) is the rows' "China".
GEOGRAPHY_OF_GRID_REGION = {"CN-CQ": "Chongqing", "CN-SC": "Sichuan", "CN": "China"}
# The earliest and latest reference years a product may state (data represent a year we have
# factors for, and not a future one far off).
REFERENCE_YEARS = (1990, 2100)


# Methods under which a credit line is refused (check_line), and the refusal to switch a
# product that has one to them.
CREDIT_LINES_REFUSED = {"cut-off": "credit_lines_under_cut_off",
                        "cff": "credit_lines_under_cff"}


def geography(session: Session, product: Product) -> str | None:
    """The product's geography for the engine, from its site's grid region; None without a
    site (the engine then takes China)."""
    site = session.get(Site, product.site_id) if product.site_id else None
    if site is None or not site.grid_region:
        return None
    return GEOGRAPHY_OF_GRID_REGION.get(site.grid_region, site.grid_region)


def build_spec(session: Session, product: Product) -> dict:
    return {
        "product": {"name": product.name, "functional_unit": product.functional_unit,
                    "boundary": product.boundary, "water_region": water_region(session, product),
                    "end_of_life_method": product.end_of_life_method,
                    "reference_year": product.reference_year,
                    "geography": geography(session, product)},
        "factors": [factor_data(f) for f in factors_of(session, product.id)],
        "lines": [spec_line(l) for l in lines_of(session, product.id)],
    }


# --- products ----------------------------------------------------------------------------------

def _checked_product_data(session: Session, organisation_id: int, data: dict,
                          product: Product | None = None) -> dict:
    fields = {key: (data.get(key) or "").strip() for key in TEXT_PRODUCT_FIELDS}
    fields["site_id"] = data.get("site_id") or None
    fields["end_of_life_method"] = (data.get("end_of_life_method") or "cut-off").strip()
    if fields["end_of_life_method"] not in END_OF_LIFE_METHODS:
        raise InputError(f"unknown end-of-life method '{fields['end_of_life_method']}'",
                         code="unknown_end_of_life_method",
                         location=Location(field="end_of_life_method"),
                         method=fields["end_of_life_method"])
    fields["reference_year"] = data.get("reference_year") or None
    if fields["reference_year"] is not None and not (
            isinstance(fields["reference_year"], int)
            and REFERENCE_YEARS[0] <= fields["reference_year"] <= REFERENCE_YEARS[1]):
        raise InputError(f"the reference year must be a year from {REFERENCE_YEARS[0]} to "
                         f"{REFERENCE_YEARS[1]}", code="reference_year_out_of_range",
                         location=Location(field="reference_year"), low=REFERENCE_YEARS[0],
                         high=REFERENCE_YEARS[1])
    if fields["site_id"] is not None:
        site = session.get(Site, fields["site_id"])
        if site is None or site.organisation_id != organisation_id:
            raise InputError("choose one of your organisation's sites", code="unknown_site",
                             location=Location(field="site_id"))
    if fields["boundary"] not in BOUNDARY_STAGES:
        raise InputError(f"unknown boundary '{fields['boundary']}'", code="unknown_boundary",
                         location=Location(field="boundary"), boundary=fields["boundary"])
    if product is not None:
        outside = sorted({l.stage for l in lines_of(session, product.id)
                          if l.stage not in BOUNDARY_STAGES[fields["boundary"]]}, key=STAGES.index)
        if outside:
            raise InputError("lines in these stages are outside this boundary: "
                             + ", ".join(outside), code="lines_outside_boundary",
                             location=Location(field="boundary"), stages=outside)
    if product is not None and fields["end_of_life_method"] in CREDIT_LINES_REFUSED:
        credits = [l.name for l in lines_of(session, product.id)
                   if l.kind == "factor" and l.reference in catalogue().credit_factors]
        if credits:
            method = fields["end_of_life_method"]
            raise InputError(f"{method} takes no credit line, and these lines are credits: "
                             + ", ".join(credits), code=CREDIT_LINES_REFUSED[method],
                             location=Location(field="end_of_life_method"), lines=credits)
    renamed = product is None or fields["name"] != product.name
    if renamed and session.exec(select(Product.id).where(
            Product.organisation_id == organisation_id,
            Product.name == fields["name"])).first() is not None:
        raise InputError("a product with this name exists: copy it as a new version or choose "
                         "another name", code="product_name_taken",
                         location=Location(field="name"), name=fields["name"])
    return fields


def create_product(session: Session, actor, *, organisation_id: int, data: dict) -> Product:
    product = Product(organisation_id=organisation_id,
                      **_checked_product_data(session, organisation_id, data))
    session.add(product)
    session.flush()
    record(session, actor=actor, action="product.create", obj=product, after=snapshot(product))
    return product


def _take_lock(session: Session, model, obj, lock_version: int) -> None:
    """Move the row's lock_version on, or raise ChangedMeanwhile if someone else did first.

    One conditional UPDATE, so two saves that started from the same version cannot both pass.
    """
    result = session.execute(update(model).where(model.id == obj.id,
                                                 model.lock_version == lock_version)
                             .values(lock_version=lock_version + 1))
    if result.rowcount != 1:
        session.refresh(obj)
        raise ChangedMeanwhile(f"{model.__tablename__} {obj.id} was changed by someone else "
                               "meanwhile", location=Location(field="lock_version"))
    obj.lock_version = lock_version + 1


def update_product(session: Session, actor, product: Product, data: dict, *,
                   lock_version: int) -> Product:
    # Lock first, check after: the boundary check then sees every line saved before ours.
    before = snapshot(product)
    _take_lock(session, Product, product, lock_version)
    fields = _checked_product_data(session, product.organisation_id, data, product)
    for key, value in fields.items():
        setattr(product, key, value)
    product.updated_dt = utcnow()
    session.add(product)
    session.flush()
    record(session, actor=actor, action="product.update", obj=product, before=before,
           after=snapshot(product))
    return product


def _touch(session: Session, product: Product) -> None:
    """Mark the product changed, and flush: the UPDATE takes the product's row lock (PostgreSQL)
    or the database write lock (SQLite), so that simultaneous changes to one product queue up
    here and then read each other's committed numbers (next line position, next version)."""
    product.updated_dt = utcnow()
    session.add(product)
    session.flush()


def _lock_for_change(session: Session, product: Product) -> None:
    """Take the product's lock, then reload it: checks made after this see the product (its
    boundary) and its lines and factors as another request may just have committed them."""
    _touch(session, product)
    session.refresh(product)


def copy_as_new_version(session: Session, actor, product: Product) -> Product:
    # A no-op UPDATE of the source (which may be archived: its content stays as it is) takes its
    # row lock (PostgreSQL) or the write lock (SQLite), so simultaneous copies number one after
    # the other.
    session.execute(update(Product).where(Product.id == product.id).values(id=Product.id))
    latest = session.exec(select(func.max(Product.version)).where(
        Product.organisation_id == product.organisation_id,
        Product.name == product.name)).one()
    copy = Product(**{f: getattr(product, f) for f in COPIED_FIELDS},
                   version=(latest or 0) + 1, copied_from_id=product.id)
    session.add(copy)
    session.flush()
    for line in lines_of(session, product.id):
        session.add(Line(product_id=copy.id, **{f: getattr(line, f) for f in LINE_COPY_FIELDS}))
    for factor in factors_of(session, product.id):
        session.add(SupplierFactor(product_id=copy.id, **factor_columns(factor)))
    session.flush()
    record(session, actor=actor, action="product.copy", obj=copy,
           before={"copied_from_id": product.id}, after=snapshot(copy))
    return copy


def has_assessments(session: Session, product: Product) -> bool:
    from ..assessments.models import Assessment

    return session.exec(select(Assessment.id).where(Assessment.product_id == product.id)
                        .limit(1)).first() is not None


def remove_product(session: Session, actor, product: Product) -> str:
    """Archive a product that has assessments (they must stay explainable); delete it otherwise.
    Returns "archived" or "deleted"."""
    before = snapshot(product)
    if has_assessments(session, product):
        product.archived_dt = utcnow()
        session.add(product)
        session.flush()
        record(session, actor=actor, action="product.archive", obj=product, before=before,
               after=snapshot(product))
        return "archived"
    before["lines"] = [spec_line(l) for l in lines_of(session, product.id)]
    before["factors"] = [factor_data(f) for f in factors_of(session, product.id)]
    for model in (Line, SupplierFactor):
        for row in session.exec(select(model).where(model.product_id == product.id)):
            session.delete(row)
    for later in session.exec(select(Product).where(Product.copied_from_id == product.id)):
        later.copied_from_id = None
        session.add(later)
    session.flush()
    session.delete(product)
    session.flush()
    record(session, actor=actor, action="product.delete", obj=product,
           organisation_id=product.organisation_id, before=before)
    return "deleted"


# --- lines -------------------------------------------------------------------------------------

def check_line_data(session: Session, product: Product, data: dict,
                    custom_units: dict[str, str] | None = None) -> None:
    """A ProductSpec line checked against the catalogue, the boundary and the product's own
    supplier factors (their units by code, read here unless given); raises InputError naming
    the field (or pydantic's ValidationError)."""
    if custom_units is None:
        custom_units = _custom_units(session, product)
    check_spec_line(SpecLine.model_validate(data), product.boundary, catalogue(), custom_units,
                    end_of_life_method=product.end_of_life_method)


def _custom_units(session: Session, product: Product) -> dict[str, str]:
    return {f.code: f.unit for f in factors_of(session, product.id)}


def _next_position(session: Session, product_id: int) -> int:
    latest = session.exec(select(func.max(Line.position)).where(
        Line.product_id == product_id)).one()
    return -1 if latest is None else latest


def save_line(session: Session, actor, product: Product, data: dict, *,
              line: Line | None = None, lock_version: int | None = None) -> Line:
    """Add a line (line=None) or change one, from a ProductSpec line dict."""
    _lock_for_change(session, product)
    check_line_data(session, product, data)
    fields = line_fields(data)
    if line is None:
        line = Line(product_id=product.id, position=_next_position(session, product.id) + 1,
                    **fields)
        before, action = None, "line.create"
    else:
        before, action = snapshot(line), "line.update"
        _take_lock(session, Line, line, line.lock_version if lock_version is None
                   else lock_version)
        for key, value in fields.items():
            setattr(line, key, value)
    session.add(line)
    session.flush()
    record(session, actor=actor, action=action, obj=line,
           organisation_id=product.organisation_id, before=before, after=snapshot(line))
    return line


def delete_line(session: Session, actor, product: Product, line: Line) -> None:
    before = snapshot(line)
    session.delete(line)
    _touch(session, product)
    session.flush()
    record(session, actor=actor, action="line.delete", obj=line,
           organisation_id=product.organisation_id, before=before)


def replace_lines(session: Session, actor, product: Product, lines: list[dict], *,
                  append: bool, factors: list[dict] = ()) -> int:
    """Store imported (already validated) ProductSpec lines, and the new supplier factors they
    use, in one go; with append=False the product's lines are replaced. Returns how many lines
    were removed."""
    _lock_for_change(session, product)
    for data in factors:
        session.add(SupplierFactor(product_id=product.id, **data))
    session.flush()
    custom_units = _custom_units(session, product)
    for data in lines:  # checked by the import already; again now that the product is locked
        check_line_data(session, product, data, custom_units)
    removed = [] if append else lines_of(session, product.id)
    for line in removed:
        session.delete(line)
    session.flush()
    start = _next_position(session, product.id) + 1
    for offset, data in enumerate(lines):
        session.add(Line(product_id=product.id, position=start + offset, **line_fields(data)))
    session.flush()
    record(session, actor=actor, action="product.import_lines", obj=product,
           before={"lines": [spec_line(l) for l in removed]} if removed else None,
           after={"append": append, "lines": lines, "factors": list(factors)})
    return len(removed)


# --- supplier factors --------------------------------------------------------------------------

def save_factor(session: Session, actor, product: Product, data: dict, *,
                factor: SupplierFactor | None = None,
                lock_version: int | None = None) -> SupplierFactor:
    """Add or change a supplier factor; a new code is carried over to the lines that use it,
    and a new unit must still fit every line that uses the factor."""
    _lock_for_change(session, product)
    # Fields added later (issue 9) are optional: a caller that does not know them keeps defaults.
    fields = {key: data[key] if key in data else SupplierFactor.model_fields[key].default
              for key in FACTOR_COLUMNS}
    fields["code"], fields["name"] = fields["code"].strip(), fields["name"].strip()
    fields["land_use_assessed"] = bool(fields["land_use_assessed"])
    if fields["co2_biogenic_removal"] is None:  # an empty field: no removal
        fields["co2_biogenic_removal"] = 0.0
    _check_factor_quality(fields)
    if fields["code"] in catalogue().factor_units:
        raise InputError("this code is a dataset factor; choose another", code="dataset_code",
                         location=Location(field="code"))
    clash = session.exec(select(SupplierFactor.id).where(
        SupplierFactor.product_id == product.id, SupplierFactor.code == fields["code"])).first()
    if clash is not None and (factor is None or clash != factor.id):
        raise InputError("this product already has a factor with this code",
                         code="duplicate_code", location=Location(field="code"))
    if factor is None:
        before, action = None, "supplier_factor.create"
        factor = SupplierFactor(product_id=product.id, **fields)
    else:
        before, action = snapshot(factor), "supplier_factor.update"
        _take_lock(session, SupplierFactor, factor,
                   factor.lock_version if lock_version is None else lock_version)
        users = [l for l in lines_of(session, product.id)
                 if l.kind == "factor" and l.reference == factor.code]
        _check_unit_fits(session, product, users, fields["unit"])
        for line in users:
            if line.reference != fields["code"]:
                line_before = snapshot(line)
                line.reference = fields["code"]
                session.add(line)
                session.flush()
                record(session, actor=actor, action="line.update", obj=line,
                       organisation_id=product.organisation_id, before=line_before,
                       after=snapshot(line))
        for key, value in fields.items():
            setattr(factor, key, value)
    session.add(factor)
    session.flush()
    record(session, actor=actor, action=action, obj=factor,
           organisation_id=product.organisation_id, before=before, after=snapshot(factor))
    return factor


def _check_factor_quality(fields: dict) -> None:
    """The ranges the spec requires of the issue-9 fields, named by field."""
    for column in ("co2_biogenic_removal", "biogenic_carbon_kg"):
        if fields[column] is not None and not fields[column] >= 0:
            raise InputError("must be zero or more", code="negative",
                             location=Location(field=column))
    if fields["gsd"] is not None and not fields["gsd"] >= 1:
        raise InputError("a geometric standard deviation is 1 or more", code="gsd_below_one",
                         location=Location(field="gsd"))
    for column in DATA_QUALITY_COLUMNS.values():
        if fields[column] is not None and fields[column] not in DATA_QUALITY_RATINGS:
            raise InputError("a rating is 1, 2 or 3", code="rating_out_of_range",
                             location=Location(field=column))


def _check_unit_fits(session: Session, product: Product, lines: list[Line], unit: str) -> None:
    for line in lines:
        try:
            check_line_data(session, product, spec_line(line), {line.reference: unit})
        except InputError as problem:
            raise InputError(f"line '{line.name}' uses this factor in '{line.unit}', which "
                             f"cannot be converted to '{unit}'", code="factor_unit_in_use",
                             location=Location(field="unit"), line=line.name,
                             line_unit=line.unit, unit=unit) from problem


def delete_factor(session: Session, actor, product: Product, factor: SupplierFactor) -> None:
    _lock_for_change(session, product)
    users = [l.name for l in lines_of(session, product.id)
             if l.kind == "factor" and l.reference == factor.code]
    if users:
        raise StillInUse(f"lines still use this factor: {', '.join(users)}", lines=users)
    before = snapshot(factor)
    session.delete(factor)
    session.flush()
    record(session, actor=actor, action="supplier_factor.delete", obj=factor,
           organisation_id=product.organisation_id, before=before)
