"""Products, their lines and supplier factors: parse the form, call an operation, render."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError

from ... import db
from ...access import Action
from ...accounts.models import Site
from ...accounts.operations import sites_of
from ...accounts.roles import Role
from ...assessments.operations import PAGE_SIZE, assessments_page, is_current, latest_of
from ...errors import ChangedMeanwhile, InputError, StillInUse
from ...lca.dataset import load_grid_regions
from ...lca.spec import BOUNDARY_STAGES, STAGES
from ...products import operations
from ...products.models import Line, Product, SupplierFactor
from ...products.specs import FACTOR_COLUMNS, spec_line
from ..access import load, load_child, role_required
from ..fields import posted_lock_version
from ..labels import error_message, pydantic_message, show_on_form
from . import bp
from .forms import LineForm, ProductForm, SupplierFactorForm


def _refused_as_stale(error: ChangedMeanwhile, model, object_id: int) -> int:
    """Nothing is saved; the form is shown again with what was typed, the message, and the
    lock_version saved meanwhile, so that saving again is a deliberate overwrite."""
    db.session().rollback()
    flash(error_message(error), "error")
    return db.session().get(model, object_id).lock_version


def _product_form(product=None) -> ProductForm:
    sites = sites_of(db.session(), current_user.organisation_id)
    form = ProductForm(obj=product, sites=sites)
    if product is not None and request.method == "GET":
        form.site_id.data = product.site_id or 0
    return form


def _product_data(form: ProductForm) -> dict:
    return {key: getattr(form, key).data for key in operations.PRODUCT_FIELDS}


@bp.get("/")
@role_required(Role.APPLICANT)
def index():
    archived = request.args.get("archived") == "1"
    products = operations.products_of(db.session(), current_user.organisation_id,
                                      archived=archived)
    latest = latest_of(db.session(), [p.id for p in products])
    return render_template("products/index.html", products=products, latest=latest,
                           archived=archived)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def new():
    form = _product_form()
    if form.validate_on_submit():
        try:
            product = operations.create_product(db.session(), current_user,
                                                organisation_id=current_user.organisation_id,
                                                data=_product_data(form))
        except InputError as error:
            db.session().rollback()
            show_on_form(form, error)
        else:
            db.session().commit()
            flash(_("Product saved. Add its lines next."), "success")
            return redirect(url_for(".show", product_id=product.id))
    return render_template("products/form.html", form=form, product=None)


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def edit(product_id: int):
    product = load(Product, product_id, Action.EDIT)
    form = _product_form(product)
    lock_version = product.lock_version
    if form.validate_on_submit():
        try:
            operations.update_product(db.session(), current_user, product, _product_data(form),
                                      lock_version=posted_lock_version(product.lock_version))
        except ChangedMeanwhile as error:
            lock_version = _refused_as_stale(error, Product, product_id)
        except InputError as error:
            db.session().rollback()
            show_on_form(form, error)
        else:
            db.session().commit()
            flash(_("Product saved."), "success")
            return redirect(url_for(".show", product_id=product.id))
    return render_template("products/form.html", form=form, product=product,
                           lock_version=lock_version)


@bp.get("/<int:product_id>")
@role_required(Role.APPLICANT)
def show(product_id: int):
    product = load(Product, product_id)
    session = db.session()
    lines = operations.lines_of(session, product.id)
    by_stage = {stage: [l for l in lines if l.stage == stage]
                for stage in BOUNDARY_STAGES[product.boundary]}
    site = session.get(Site, product.site_id) if product.site_id else None
    assessments, total, page = assessments_page(session, product.id,
                                                request.args.get("page", 1, type=int))
    newest = assessments[0] if page == 1 and assessments else latest_of(
        session, [product.id]).get(product.id)
    return render_template(
        "products/show.html", product=product, by_stage=by_stage, site=site,
        region=load_grid_regions().get(site.grid_region) if site else None,
        factors=operations.factors_of(session, product.id), assessments=assessments,
        pages=_pages(page, total), outdated=newest is not None
        and not is_current(session, product, newest))


def _pages(page: int, total: int) -> dict:
    """For the history's page links: the page shown, how many pages, how many assessments."""
    return {"page": page, "count": max(1, -(-total // PAGE_SIZE)), "total": total}


@bp.post("/<int:product_id>/copy")
@role_required(Role.APPLICANT)
def copy(product_id: int):
    product = load(Product, product_id)
    new_version = operations.copy_as_new_version(db.session(), current_user, product)
    db.session().commit()
    flash(_("Version %(version)s created from version %(old)s.", version=new_version.version,
            old=product.version), "success")
    return redirect(url_for(".show", product_id=new_version.id))


@bp.post("/<int:product_id>/delete")
@role_required(Role.APPLICANT)
def delete(product_id: int):
    product = load(Product, product_id, Action.EDIT)
    if request.form.get("confirm_name", "").strip() != product.name:
        flash(_("Type the product's name to confirm the deletion."), "error")
        return redirect(url_for(".show", product_id=product.id))
    outcome = operations.remove_product(db.session(), current_user, product)
    db.session().commit()
    flash(_("Product archived: its assessments are kept.") if outcome == "archived"
          else _("Product deleted."), "success")
    return redirect(url_for(".index"))


def _line_form(product: Product, line: Line | None = None) -> LineForm:
    custom = {f.code: f.unit for f in operations.factors_of(db.session(), product.id)}
    form = LineForm(boundary=product.boundary, end_of_life_method=product.end_of_life_method,
                    custom_units=custom)
    if line is not None and request.method == "GET":
        form.load(spec_line(line))
    if request.method == "GET" and line is None and request.args.get("stage") in STAGES:
        form.stage.data = request.args["stage"]
    return form


def _line_page(product: Product, form: LineForm, line: Line | None, lock_version=None):
    site = db.session().get(Site, product.site_id) if product.site_id else None
    region = load_grid_regions().get(site.grid_region) if site else None
    return render_template("products/line_form.html", product=product, form=form, line=line,
                           grid_factor=region.pcf_electricity_factor if region else
                           "elec-cn-lca-2024", region=region,
                           factors=operations.factors_of(db.session(), product.id),
                           lock_version=lock_version if lock_version is not None
                           else (line.lock_version if line else None))


def _line_view(product: Product, line: Line | None):
    """Shared by adding and editing a line: validate, store, or show the form again."""
    form = _line_form(product, line)
    lock_version = None
    if form.validate_on_submit():
        try:
            line = operations.save_line(
                db.session(), current_user, product, form.spec_line(), line=line,
                lock_version=posted_lock_version(line.lock_version) if line else None)
        except ChangedMeanwhile as error:
            lock_version = _refused_as_stale(error, Line, line.id)
        except InputError as error:
            db.session().rollback()
            show_on_form(form, error, fallback=form.amount)
        except ValidationError as error:
            db.session().rollback()
            for problem in error.errors():
                form.amount.errors.append(pydantic_message(problem))
        else:
            db.session().commit()
            flash(_("Line saved."), "success")
            return redirect(url_for(".show", product_id=product.id,
                                    _anchor=f"stage-{line.stage}"))
    return _line_page(product, form, line, lock_version)


@bp.route("/<int:product_id>/lines/new", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def new_line(product_id: int):
    return _line_view(load(Product, product_id, Action.EDIT), None)


@bp.route("/<int:product_id>/lines/<int:line_id>/edit", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def edit_line(product_id: int, line_id: int):
    product = load(Product, product_id, Action.EDIT)
    return _line_view(product, load_child(Line, line_id, product, Action.EDIT))


@bp.post("/<int:product_id>/lines/<int:line_id>/delete")
@role_required(Role.APPLICANT)
def delete_line(product_id: int, line_id: int):
    product = load(Product, product_id, Action.EDIT)
    operations.delete_line(db.session(), current_user, product,
                           load_child(Line, line_id, product, Action.EDIT))
    db.session().commit()
    flash(_("Line removed."), "success")
    return redirect(url_for(".show", product_id=product.id))


def _factor_view(product: Product, factor: SupplierFactor | None):
    """Shared by adding and editing a supplier factor."""
    existing = operations.factors_of(db.session(), product.id)
    form = SupplierFactorForm(obj=factor, taken_codes=[f.code for f in existing
                                                       if factor is None or f.id != factor.id])
    lock_version = factor.lock_version if factor else None
    if form.validate_on_submit():
        try:
            operations.save_factor(
                db.session(), current_user, product,
                {key: getattr(form, key).data for key in FACTOR_COLUMNS}, factor=factor,
                lock_version=posted_lock_version(factor.lock_version) if factor else None)
        except ChangedMeanwhile as error:
            lock_version = _refused_as_stale(error, SupplierFactor, factor.id)
        except InputError as error:
            db.session().rollback()
            show_on_form(form, error)
        else:
            db.session().commit()
            flash(_("Supplier factor saved."), "success")
            return redirect(url_for(".show", product_id=product.id, _anchor="supplier-factors"))
    return render_template("products/factor_form.html", product=product, form=form,
                           factor=factor, lock_version=lock_version)


@bp.route("/<int:product_id>/factors/new", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def new_factor(product_id: int):
    return _factor_view(load(Product, product_id, Action.EDIT), None)


@bp.route("/<int:product_id>/factors/<int:factor_id>/edit", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def edit_factor(product_id: int, factor_id: int):
    product = load(Product, product_id, Action.EDIT)
    return _factor_view(product, load_child(SupplierFactor, factor_id, product, Action.EDIT))


@bp.post("/<int:product_id>/factors/<int:factor_id>/delete")
@role_required(Role.APPLICANT)
def delete_factor(product_id: int, factor_id: int):
    product = load(Product, product_id, Action.EDIT)
    factor = load_child(SupplierFactor, factor_id, product, Action.EDIT)
    try:
        operations.delete_factor(db.session(), current_user, product, factor)
    except StillInUse as error:
        db.session().rollback()
        flash(_("Lines still use this factor: %(lines)s", lines=", ".join(error.params["lines"])),
              "error")
    else:
        db.session().commit()
        flash(_("Supplier factor removed."), "success")
    return redirect(url_for(".show", product_id=product.id, _anchor="supplier-factors"))
