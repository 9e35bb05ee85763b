from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import db
from ...access import Action
from ...accounts import operations
from ...accounts.models import Site
from ...accounts.roles import Role
from ...errors import StillInUse
from ...lca.dataset import load_grid_regions
from ..access import load, role_required
from . import bp
from .forms import SiteForm


@bp.get("/")
@role_required(Role.APPLICANT)
def index():
    return render_template("sites/index.html", sites=operations.sites_of(
        db.session(), current_user.organisation_id), regions=load_grid_regions())


def _site_view(site: Site | None):
    """Shared by adding and editing a site: validate, store, or show the form again."""
    form = SiteForm(obj=site)
    if form.validate_on_submit():
        operations.save_site(db.session(), current_user,
                             {key: getattr(form, key).data for key in operations.SITE_FIELDS},
                             organisation_id=current_user.organisation_id, site=site)
        db.session().commit()
        flash(_("Site saved."), "success")
        return redirect(url_for(".index"))
    return render_template("sites/form.html", form=form, site=site)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def new():
    return _site_view(None)


@bp.route("/<int:site_id>/edit", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def edit(site_id: int):
    return _site_view(load(Site, site_id, Action.EDIT))


@bp.post("/<int:site_id>/delete")
@role_required(Role.APPLICANT)
def delete(site_id: int):
    site = load(Site, site_id, Action.EDIT)
    try:
        operations.delete_site(db.session(), current_user, site)
    except StillInUse as error:
        db.session().rollback()
        flash(_("This site is used by product %(name)s; change the product first.",
                name=error.params["product"]), "error")
    else:
        db.session().commit()
        flash(_("Site deleted."), "success")
    return redirect(url_for(".index"))
