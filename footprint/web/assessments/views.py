import csv
import io
import json
from datetime import date
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import db
from ...access import Action
from ...accounts.models import Organisation, Site, User
from ...accounts.roles import Role
from ...assessments import operations
from ...assessments.charts import bar_chart, top_contributors
from ...assessments.models import Assessment
from ...certificates.report import study_report_pdf
from ...errors import IntegrityBroken
from ...lca import SpecError
from ...lca.dataset import load_factors
from ...products.spreadsheet import safe_row
from ...products.models import Product
from ..access import load, role_required
from ..downloads import attachment
from ..formatting import significant
from ..labels import STAGE_LABELS, error_message
from . import bp


def _load_checked(assessment_id: int) -> Assessment:
    """The assessment, if the user may see it and its content still matches its hash."""
    assessment = load(Assessment, assessment_id)
    try:
        return operations.checked(assessment)
    except IntegrityBroken as error:
        abort(409, description=error_message(error))


@bp.post("/products/<int:product_id>/calculate")
@role_required(Role.APPLICANT)
def calculate(product_id: int):
    product = load(Product, product_id, Action.EDIT)
    try:
        assessment = operations.run_assessment(
            db.session(), current_user, product=product,
            bw_dir=Path(current_app.config["BRIGHTWAY2_DIR"]))
    except SpecError as exc:
        db.session().rollback()
        for problem in exc.errors:
            where = problem.location.line_name
            flash(_("%(line)s: %(message)s", line=where, message=error_message(problem))
                  if where else error_message(problem), "error")
        return redirect(url_for("products.show", product_id=product.id))
    db.session().commit()
    return redirect(url_for(".show", assessment_id=assessment.id))


def _charts(result: dict) -> dict:
    stages = [(str(STAGE_LABELS[s]), v) for s, v in result["carbon"]["by_stage"].items()]
    top = [(l["name"], l["carbon"]) for l in top_contributors(result["lines"])]
    return {
        "stages": bar_chart(stages, unit="kg CO2e", title=_("Carbon footprint by stage"),
                            number=significant, max_lines=None),
        "top": bar_chart(top, unit="kg CO2e", title=_("Top contributors"), number=significant),
    }


@bp.get("/assessments/<int:assessment_id>")
@role_required(Role.APPLICANT)
def show(assessment_id: int):
    assessment = _load_checked(assessment_id)
    product = db.session().get(Product, assessment.product_id)
    previous = operations.previous_of(db.session(), assessment)
    return render_template("assessments/show.html", assessment=assessment, product=product,
                           result=assessment.result, charts=_charts(assessment.result),
                           author=db.session().get(User, assessment.user_id), previous=previous)


@bp.get("/assessments/<int:assessment_id>.json")
@role_required(Role.APPLICANT)
def export_json(assessment_id: int):
    assessment = _load_checked(assessment_id)
    return attachment(json.dumps(assessment.result, ensure_ascii=False, indent=2),
                      "application/json", f"assessment-{assessment.id}.json")


@bp.get("/assessments/<int:assessment_id>.csv")
@role_required(Role.APPLICANT)
def export_csv(assessment_id: int):
    assessment = _load_checked(assessment_id)
    result = assessment.result
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # every cell through safe_row: a supplier-factor code or a line name may start with "="
    writer.writerow(["stage", "name", "kind", "reference", "amount", "unit", "kg_co2e_total",
                     "kg_co2e_fossil", "kg_co2e_biogenic", "kg_co2e_land_use",
                     "water_consumption_m3", "water_scarcity_m3_world_eq"])
    for line in result["lines"]:
        detail = line["carbon_detail"]
        writer.writerow(safe_row([line["stage"], line["name"], line["kind"], line["reference"],
                                  line["amount"], line["unit"], line["carbon"], detail["fossil"],
                                  detail["biogenic"], detail["land_use"], line["water"],
                                  line["water_scarcity_m3_world_eq"]]))
    carbon, water = result["carbon"], result["water"]
    writer.writerow(safe_row(["total", "", "", "", "", "", carbon["total"], carbon["fossil"],
                              carbon["biogenic"], carbon["land_use"], water["consumption_m3"],
                              water["scarcity_m3_world_eq"]]))
    return attachment(buffer.getvalue(), "text/csv", f"assessment-{assessment.id}.csv")


@bp.get("/assessments/<int:assessment_id>/report.pdf")
@role_required(Role.APPLICANT, Role.CERTIFIER)
def report(assessment_id: int):
    """The CFP study report: for the applicant's organisation and for certifiers who may view
    the assessment (it is part of an application submitted to them); 404 for anyone else."""
    assessment = _load_checked(assessment_id)
    session = db.session()
    product = session.get(Product, assessment.product_id)
    site = session.get(Site, product.site_id) if product.site_id else None
    organisation = session.get(Organisation, assessment.organisation_id)
    pdf = study_report_pdf(
        assessment={"id": assessment.id, "created": assessment.created_dt.date().isoformat(),
                    "spec": assessment.spec, "result": assessment.result,
                    "dataset_version": assessment.dataset_version,
                    "content_hash": assessment.content_hash},
        product={"name": product.name, "model": product.model,
                 "functional_unit": assessment.result["product"].get(
                     "functional_unit", product.functional_unit),
                 "reference_flow": product.reference_flow,
                 "boundary": assessment.result["product"].get("boundary", product.boundary)},
        organisation=organisation.name if organisation else "",
        site={"name": site.name, "address": site.address, "grid_region": site.grid_region}
        if site else None,
        factors=load_factors(), generated=date.today())
    # The file name is ours (the assessment's number), never the product's name.
    return attachment(pdf, "application/pdf", f"cfp-report-assessment-{assessment.id}.pdf")


@bp.get("/products/<int:product_id>/compare")
@role_required(Role.APPLICANT)
def compare(product_id: int):
    product = load(Product, product_id)
    try:
        first, second = (_load_checked(int(request.args[k])) for k in ("a", "b"))
    except (KeyError, ValueError):
        flash(_("Choose two assessments to compare."), "error")
        return redirect(url_for("products.show", product_id=product.id, _anchor="history"))
    if {first.product_id, second.product_id} != {product.id}:
        abort(404)
    before, after = sorted([first, second], key=lambda a: (a.created_dt, a.id))
    return render_template("assessments/compare.html", product=product, before=before,
                           after=after, diff=operations.compare(before, after))
