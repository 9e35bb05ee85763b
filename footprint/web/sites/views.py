from typing import NamedTuple

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from ... import db
from ...access import Action
from ...accounts import operations
from ...accounts.models import Site, SiteYear
from ...accounts.roles import Role
from ...certs import annual_data
from ...errors import ChangedMeanwhile, InputError, StillInUse
from ...lca.dataset import load_grid_regions
from ..access import load, role_required
from ..fields import posted_lock_version
from ..labels import error_message, show_on_form
from . import bp
from .forms import NewYearForm, SiteForm, SiteYearForm


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


# --- annual data per year ----------------------------------------------------------------------

JUDGED_YEAR_KEPT = _l("The data of %(year)s is kept as it is: a submitted application is judged "
                      "on it.")

class Indicator(NamedTuple):
    """A derived indicator shown beside the annual data, by annual_data.compute's formula."""
    key: str
    label: str
    unit: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    scale: float = 1.0


# The fields shown as they were entered, and the indicators computed from them, in the list.
HEADLINE_FIELDS = ("output_value_10k_cny", "energy_tce", "carbon_t_co2e", "water_withdrawal_m3")
INDICATORS = (
    Indicator("energy_intensity", _l("Energy per 10k CNY of output"), "tce / 10k CNY",
              ("energy_tce",), ("output_value_10k_cny",)),
    Indicator("carbon_intensity", _l("Emissions per 10k CNY of output"), "t CO2e / 10k CNY",
              ("carbon_t_co2e",), ("output_value_10k_cny",)),
    # reused / (reused + withdrawn): the share of all water used that was used again
    Indicator("water_reuse_rate", _l("Water reuse rate"), "%", ("water_reused_m3",),
              ("water_reused_m3", "water_withdrawal_m3"), 100),
    Indicator("solid_waste_use_rate", _l("Solid waste use rate"), "%", ("solid_waste_used_t",),
              ("solid_waste_generated_t",), 100),
    Indicator("plot_ratio", _l("Plot ratio"), "", ("total_floor_area_m2",), ("land_area_m2",)),
)


class Computed(NamedTuple):
    indicator: Indicator
    value: float | None
    why_not: str  # when value is None: which fields are missing or sum to zero


def _computed(data: dict[str, float]) -> list[Computed]:
    shown = []
    for indicator in INDICATORS:
        value, code, params = annual_data.compute(list(indicator.numerator),
                                                  list(indicator.denominator),
                                                  indicator.scale, data)
        if value is not None:
            why_not = ""
        elif code == "missing_annual_data":
            why_not = _("not given: %(fields)s", fields=_meanings(params["fields"], ", "))
        else:
            why_not = _("zero: %(fields)s", fields=_meanings(params["fields"], " + "))
        shown.append(Computed(indicator, value, why_not))
    return shown


def _meanings(names: str, separator: str) -> str:
    """compute names the fields joined by the separator; the user reads their meanings."""
    return separator.join(_(annual_data.FIELDS[name].meaning) for name in names.split(separator))


def _site_year(site: Site, year: int, action: Action) -> SiteYear | None:
    """The site's data of that year through the access policy, None if none was entered; a
    year no data can be entered for is a 404."""
    if year not in operations.data_years():
        abort(404)
    found = operations.find_site_year(db.session(), site.id, year)
    return load(SiteYear, found.id, action) if found is not None else None


@bp.get("/<int:site_id>/years")
@role_required(Role.APPLICANT)
def years(site_id: int):
    site = load(Site, site_id)
    rows = operations.years_of(db.session(), site)
    return render_template("sites/years.html", site=site, rows=rows, fields=annual_data.FIELDS,
                           headline=HEADLINE_FIELDS,
                           computed={row.year: _computed(row.data) for row in rows})


@bp.route("/<int:site_id>/years/new", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def new_year(site_id: int):
    site = load(Site, site_id, Action.EDIT)
    entered = {row.year for row in operations.years_of(db.session(), site)}
    form = NewYearForm(years=[y for y in reversed(operations.data_years()) if y not in entered])
    if form.validate_on_submit():
        return redirect(url_for(".year", site_id=site.id, year=form.year.data))
    return render_template("sites/new_year.html", site=site, form=form)


@bp.route("/<int:site_id>/years/<int:year>", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def year(site_id: int, year: int):
    site = load(Site, site_id, Action.EDIT)
    site_year = _site_year(site, year, Action.EDIT)
    form = SiteYearForm(data=site_year.data if site_year else {})
    lock_version = site_year.lock_version if site_year else 0
    if form.validate_on_submit():
        try:
            operations.save_site_year(db.session(), current_user, site, year,
                                      form.annual_data(),
                                      lock_version=posted_lock_version(lock_version, lowest=0))
        except ChangedMeanwhile as error:
            # Nothing saved; the form keeps what was typed, with the version saved meanwhile,
            # so that saving again is a deliberate overwrite.
            db.session().rollback()
            flash(error_message(error), "error")
            saved = operations.find_site_year(db.session(), site_id, year)
            lock_version = saved.lock_version if saved else 0
        except InputError as error:
            db.session().rollback()
            show_on_form(form, error)
        except StillInUse:
            db.session().rollback()
            flash(JUDGED_YEAR_KEPT % {"year": year}, "error")
            return redirect(url_for(".years", site_id=site_id))
        else:
            db.session().commit()
            flash(_("Annual data of %(year)s saved.", year=year), "success")
            return redirect(url_for(".years", site_id=site_id))
    return render_template("sites/year_form.html", site=site, year=year, form=form,
                           lock_version=lock_version)


@bp.post("/<int:site_id>/years/<int:year>/delete")
@role_required(Role.APPLICANT)
def delete_year(site_id: int, year: int):
    site = load(Site, site_id, Action.EDIT)
    site_year = _site_year(site, year, Action.EDIT)
    if site_year is None:
        abort(404)
    try:
        operations.delete_site_year(db.session(), current_user, site, site_year)
    except StillInUse:
        db.session().rollback()
        flash(JUDGED_YEAR_KEPT % {"year": year}, "error")
    else:
        db.session().commit()
        flash(_("Annual data of %(year)s deleted.", year=year), "success")
    return redirect(url_for(".years", site_id=site_id))
