from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import db
from ...accounts.models import Site
from ...accounts.operations import sites_of
from ...assessments.operations import assessments_of
from ...lca.dataset import load_grid_regions
from ...lca.spec import BOUNDARY_STAGES, STAGES
from ...products import operations
from ...products.models import Line, Product, SupplierFactor
from ..access import owned, role_required
from ..labels import STAGE_LABELS
from . import bp
from .forms import LineForm, ProductForm, SupplierFactorForm

PRODUCT_FIELDS = ("name", "model", "category", "functional_unit", "reference_flow", "boundary")


def _product_form(product=None) -> ProductForm:
    sites = sites_of(db.session(), current_user.organisation_id)
    form = ProductForm(obj=product, sites=sites)
    if product is not None and request.method == "GET":
        form.site_id.data = product.site_id or 0
    return form


def _apply_product(form: ProductForm, product: Product) -> None:
    for field in PRODUCT_FIELDS:
        setattr(product, field, (getattr(form, field).data or "").strip())
    site_id = form.site_id.data or None
    if site_id is not None:
        owned(Site, site_id)
    product.site_id = site_id


@bp.get("/")
@role_required("applicant")
def index():
    products = operations.products_of(db.session(), current_user.organisation_id)
    latest = {p.id: next(iter(assessments_of(db.session(), p.id)), None) for p in products}
    return render_template("products/index.html", products=products, latest=latest)


@bp.route("/new", methods=["GET", "POST"])
@role_required("applicant")
def new():
    form = _product_form()
    if form.validate_on_submit():
        product = Product(organisation_id=current_user.organisation_id, name="")
        _apply_product(form, product)
        db.session().add(product)
        db.session().commit()
        flash(_("Product saved. Add its lines next."), "success")
        return redirect(url_for(".show", product_id=product.id))
    return render_template("products/form.html", form=form, product=None)


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
@role_required("applicant")
def edit(product_id: int):
    product = owned(Product, product_id)
    form = _product_form(product)
    if form.validate_on_submit():
        allowed = BOUNDARY_STAGES[form.boundary.data]
        outside = sorted({l.stage for l in operations.lines_of(db.session(), product.id)
                          if l.stage not in allowed}, key=STAGES.index)
        if outside:
            form.boundary.errors.append(_("Lines in these stages are outside this boundary: "
                                          "%(stages)s", stages=", ".join(
                                              str(STAGE_LABELS[s]) for s in outside)))
        else:
            _apply_product(form, product)
            operations.touch(db.session(), product)
            db.session().commit()
            flash(_("Product saved."), "success")
            return redirect(url_for(".show", product_id=product.id))
    return render_template("products/form.html", form=form, product=product)


@bp.get("/<int:product_id>")
@role_required("applicant")
def show(product_id: int):
    product = owned(Product, product_id)
    session = db.session()
    lines = operations.lines_of(session, product.id)
    by_stage = {stage: [l for l in lines if l.stage == stage]
                for stage in BOUNDARY_STAGES[product.boundary]}
    site = session.get(Site, product.site_id) if product.site_id else None
    return render_template(
        "products/show.html", product=product, by_stage=by_stage, site=site,
        region=load_grid_regions().get(site.grid_region) if site else None,
        factors=operations.factors_of(session, product.id),
        assessments=assessments_of(session, product.id))


@bp.post("/<int:product_id>/copy")
@role_required("applicant")
def copy(product_id: int):
    product = owned(Product, product_id)
    new_version = operations.copy_as_new_version(db.session(), product)
    db.session().commit()
    flash(_("Version %(version)s created from version %(old)s.", version=new_version.version,
            old=product.version), "success")
    return redirect(url_for(".show", product_id=new_version.id))


@bp.post("/<int:product_id>/delete")
@role_required("applicant")
def delete(product_id: int):
    product = owned(Product, product_id)
    if request.form.get("confirm_name", "").strip() != product.name:
        flash(_("Type the product's name to confirm the deletion."), "error")
        return redirect(url_for(".show", product_id=product.id))
    operations.delete_product(db.session(), product)
    db.session().commit()
    flash(_("Product deleted."), "success")
    return redirect(url_for(".index"))


def _line_form(product: Product, line: Line | None = None) -> LineForm:
    custom = {f.code: f.unit for f in operations.factors_of(db.session(), product.id)}
    form = LineForm(obj=line, boundary=product.boundary, custom_units=custom)
    if line is not None and request.method == "GET":
        form.kind.data = line.kind
        {"factor": form.factor, "emission": form.gas, "water": form.water}[line.kind].data = \
            line.reference
        form.allocated.data = line.is_allocated
    if request.method == "GET" and line is None and request.args.get("stage") in STAGES:
        form.stage.data = request.args["stage"]
    return form


def _apply_line(form: LineForm, line: Line) -> None:
    line.stage, line.name, line.unit = form.stage.data, form.name.data.strip(), \
        form.unit.data.strip()
    line.kind, line.reference = form.kind.data, form.reference()
    if form.allocated.data:
        line.amount = None
        line.annual_amount = form.annual_amount.data
        line.allocation_basis = form.allocation_basis.data
        line.product_quantity = form.product_quantity.data
        line.plant_quantity = form.plant_quantity.data
        line.units_per_year = form.units_per_year.data
    else:
        line.amount = form.amount.data
        line.annual_amount = line.allocation_basis = line.product_quantity = None
        line.plant_quantity = line.units_per_year = None


def _owned_line(product: Product, line_id: int) -> Line:
    line = db.session().get(Line, line_id)
    if line is None or line.product_id != product.id:
        abort(404)
    return line


def _line_page(product: Product, form: LineForm, line: Line | None):
    site = db.session().get(Site, product.site_id) if product.site_id else None
    region = load_grid_regions().get(site.grid_region) if site else None
    return render_template("products/line_form.html", product=product, form=form, line=line,
                           grid_factor=region.pcf_electricity_factor if region else
                           "elec-cn-lca-2024", region=region,
                           factors=operations.factors_of(db.session(), product.id))


def _line_view(product: Product, line: Line | None):
    """Shared by adding and editing a line: validate, store, or show the form again."""
    form = _line_form(product, line)
    if form.validate_on_submit():
        if line is None:
            line = Line(product_id=product.id, stage="", name="", kind="", reference="", unit="",
                        position=operations.next_position(db.session(), product.id))
        _apply_line(form, line)
        db.session().add(line)
        operations.touch(db.session(), product)
        db.session().commit()
        flash(_("Line saved."), "success")
        return redirect(url_for(".show", product_id=product.id, _anchor=f"stage-{line.stage}"))
    return _line_page(product, form, line)


@bp.route("/<int:product_id>/lines/new", methods=["GET", "POST"])
@role_required("applicant")
def new_line(product_id: int):
    return _line_view(owned(Product, product_id), None)


@bp.route("/<int:product_id>/lines/<int:line_id>/edit", methods=["GET", "POST"])
@role_required("applicant")
def edit_line(product_id: int, line_id: int):
    product = owned(Product, product_id)
    return _line_view(product, _owned_line(product, line_id))


@bp.post("/<int:product_id>/lines/<int:line_id>/delete")
@role_required("applicant")
def delete_line(product_id: int, line_id: int):
    product = owned(Product, product_id)
    db.session().delete(_owned_line(product, line_id))
    operations.touch(db.session(), product)
    db.session().commit()
    flash(_("Line removed."), "success")
    return redirect(url_for(".show", product_id=product.id))


@bp.route("/<int:product_id>/factors/new", methods=["GET", "POST"])
@role_required("applicant")
def new_factor(product_id: int):
    product = owned(Product, product_id)
    existing = operations.factors_of(db.session(), product.id)
    form = SupplierFactorForm(taken_codes=[f.code for f in existing])
    if form.validate_on_submit():
        factor = SupplierFactor(product_id=product.id, code="", name="", unit="", source="")
        form.populate_obj(factor)
        factor.code, factor.name = factor.code.strip(), factor.name.strip()
        db.session().add(factor)
        operations.touch(db.session(), product)
        db.session().commit()
        flash(_("Supplier factor saved."), "success")
        return redirect(url_for(".show", product_id=product.id, _anchor="supplier-factors"))
    return render_template("products/factor_form.html", product=product, form=form)


@bp.post("/<int:product_id>/factors/<int:factor_id>/delete")
@role_required("applicant")
def delete_factor(product_id: int, factor_id: int):
    product = owned(Product, product_id)
    factor = db.session().get(SupplierFactor, factor_id)
    if factor is None or factor.product_id != product.id:
        abort(404)
    users = [l.name for l in operations.lines_of(db.session(), product.id)
             if l.kind == "factor" and l.reference == factor.code]
    if users:
        flash(_("Lines still use this factor: %(lines)s", lines=", ".join(users)), "error")
    else:
        db.session().delete(factor)
        operations.touch(db.session(), product)
        db.session().commit()
        flash(_("Supplier factor removed."), "success")
    return redirect(url_for(".show", product_id=product.id, _anchor="supplier-factors"))
