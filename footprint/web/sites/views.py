from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from ... import db
from ...accounts.models import Site
from ...accounts.operations import sites_of
from ...lca.dataset import load_grid_regions
from ...products.models import Product
from ..access import owned, role_required
from . import bp
from .forms import SiteForm


def _apply(form: SiteForm, site: Site) -> None:
    site.name = form.name.data.strip()
    site.address = (form.address.data or "").strip()
    site.grid_region = form.grid_region.data
    site.annual_output = float(form.annual_output.data or 0)
    site.output_unit = (form.output_unit.data or "piece").strip()
    site.land_area_m2 = float(form.land_area_m2.data or 0)


@bp.get("/")
@role_required("applicant")
def index():
    return render_template("sites/index.html", sites=sites_of(db.session(),
                           current_user.organisation_id), regions=load_grid_regions())


def _site_view(site: Site | None):
    """Shared by adding and editing a site: validate, store, or show the form again."""
    form = SiteForm(obj=site)
    if form.validate_on_submit():
        site = site or Site(organisation_id=current_user.organisation_id, name="", grid_region="")
        _apply(form, site)
        db.session().add(site)
        db.session().commit()
        flash(_("Site saved."), "success")
        return redirect(url_for(".index"))
    return render_template("sites/form.html", form=form, site=site)


@bp.route("/new", methods=["GET", "POST"])
@role_required("applicant")
def new():
    return _site_view(None)


@bp.route("/<int:site_id>/edit", methods=["GET", "POST"])
@role_required("applicant")
def edit(site_id: int):
    return _site_view(owned(Site, site_id))


@bp.post("/<int:site_id>/delete")
@role_required("applicant")
def delete(site_id: int):
    site = owned(Site, site_id)
    in_use = db.session().exec(select(Product).where(Product.site_id == site.id)).first()
    if in_use:
        flash(_("This site is used by product %(name)s; change the product first.",
                name=in_use.name), "error")
    else:
        db.session().delete(site)
        db.session().commit()
        flash(_("Site deleted."), "success")
    return redirect(url_for(".index"))
