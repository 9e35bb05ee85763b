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
from ...accounts.models import User
from ...accounts.roles import Role
from ...assessments import operations
from ...assessments import summary
from ...assessments.charts import bar_chart, interval_chart, top_contributors
from ...assessments.models import Assessment
from ...jobs import operations as jobs
from ...jobs.models import JobState
from ...assessments.workbook import assessment_xlsx
from ...certificates.report import assessment_report_pdf
from ...errors import IntegrityBroken
from ...lca import SpecError
from ...lca.dataset import load_factors
from ...lca.whatif import SwapError
from ...products.spreadsheet import safe_row
from ...products.models import Product
from ..access import load, role_required
from ..downloads import XLSX, attachment
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


def _stage_label(stage: str) -> str:
    return str(STAGE_LABELS.get(stage, stage))


def _intervals(result: dict) -> list[dict]:
    rows = summary.interval_rows(result, _stage_label)
    for row in rows:
        row["label"] = row["label"] or _("Total")
    return rows


def _charts(result: dict) -> dict:
    stages = [(_stage_label(s), v) for s, v in result["carbon"]["by_stage"].items()]
    top = [(l["name"], l["carbon"]) for l in top_contributors(result["lines"])]
    intervals = _intervals(result)
    return {
        "stages": bar_chart(stages, unit="kg CO2e", title=_("Carbon footprint by stage"),
                            number=significant, max_lines=None),
        "top": bar_chart(top, unit="kg CO2e", title=_("Top contributors"), number=significant),
        "uncertainty": interval_chart(
            [(row["label"], row) for row in intervals], unit="kg CO2e", number=significant,
            title=_("Uncertainty range (Monte Carlo): 95 % and 90 % intervals"))
        if intervals else None,
    }


def _what_if_choices(assessment: Assessment) -> dict:
    return operations.what_if_choices(assessment, load_factors())


@bp.get("/assessments/<int:assessment_id>")
@role_required(Role.APPLICANT)
def show(assessment_id: int):
    assessment = _load_checked(assessment_id)
    product = db.session().get(Product, assessment.product_id)
    previous = operations.previous_of(db.session(), assessment)
    result = assessment.result
    return render_template("assessments/show.html", assessment=assessment, product=product,
                           result=result, charts=_charts(result),
                           figures=summary.totals(result), intervals=_intervals(result),
                           flags=summary.flags_by_line(result), rating_text=summary.rating_text,
                           what_if_choices=_what_if_choices(assessment),
                           author=db.session().get(User, assessment.user_id), previous=previous,
                           **_monte_carlo(assessment))


def _monte_carlo(assessment: Assessment) -> dict:
    """The longer Monte Carlo runs of the assessment (jobs), with their ranges when done."""
    runs = []
    for job in jobs.monte_carlo_runs(db.session(), assessment):
        intervals = []
        if job.state == JobState.DONE and job.result:
            intervals = _intervals({"uncertainty": job.result, "carbon": assessment.result["carbon"]})
        runs.append({"job": job, "intervals": intervals})
    return {"monte_carlo_runs": runs,
            "monte_carlo_iterations": jobs.MONTE_CARLO_ITERATIONS,
            "can_run_monte_carlo": (current_user.role == Role.APPLICANT
                                    and current_user.organisation_id == assessment.organisation_id)}


@bp.get("/assessments/<int:assessment_id>/what-if")
@role_required(Role.APPLICANT)
def what_if(assessment_id: int):
    """One factor swapped for another, computed now and stored nowhere (a GET: it changes
    nothing)."""
    assessment = _load_checked(assessment_id)
    replace, by = request.args.get("replace", ""), request.args.get("by", "")
    choices = _what_if_choices(assessment)
    outcome = None
    if replace and by:
        try:
            outcome = operations.what_if(assessment, replace=replace, by=by,
                                         bw_dir=Path(current_app.config["BRIGHTWAY2_DIR"]))
        except SwapError:
            flash(_("Choose a factor the assessment uses and a replacement of the same unit."),
                  "error")
        except SpecError as exc:
            for problem in exc.errors:
                flash(error_message(problem), "error")
    return render_template("assessments/what_if.html", assessment=assessment,
                           result=assessment.result, choices=choices, replace=replace, by=by,
                           outcome=outcome, factors=load_factors()), (
        400 if (replace or by) and outcome is None else 200)


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
    # The first twelve columns are those of the export before issue 9, in the same order.
    writer.writerow(["stage", "name", "kind", "reference", "amount", "unit", "kg_co2e_total",
                     "kg_co2e_fossil", "kg_co2e_biogenic", "kg_co2e_land_use",
                     "water_consumption_m3", "water_scarcity_m3_world_eq", "credit", "primary",
                     "has_water_data", "has_land_use_data", "dq_technological", "dq_temporal",
                     "dq_geographical", "dq_rating", "flags", "cff_term"])
    flags = summary.flags_by_line(result)
    for position, line in enumerate(result["lines"]):
        detail, quality = line["carbon_detail"], line.get("data_quality") or {}
        writer.writerow(safe_row([line["stage"], line["name"], line["kind"], line["reference"],
                                  line["amount"], line["unit"], line["carbon"], detail["fossil"],
                                  detail["biogenic"], detail["land_use"], line["water"],
                                  line["water_scarcity_m3_world_eq"], line.get("credit"),
                                  line.get("primary"), line.get("has_water_data"),
                                  line.get("has_land_use_data"), quality.get("technological"),
                                  quality.get("temporal"), quality.get("geographical"),
                                  quality.get("rating"),
                                  " ".join(flags.get(line.get("index", position), [])),
                                  (line.get("cff") or {}).get("term", "")]))
    carbon, water = result["carbon"], result["water"]
    # Land use without data is "not assessed", not 0 (ISO 14067 reporting).
    land_use = carbon["land_use"] if summary.land_use_assessed(result) else "not assessed"
    writer.writerow(safe_row(["total", "", "", "", "", "", carbon["total"], carbon["fossil"],
                              carbon["biogenic"], land_use, water["consumption_m3"],
                              water["scarcity_m3_world_eq"]]))
    return attachment(buffer.getvalue(), "text/csv", f"assessment-{assessment.id}.csv")


@bp.get("/assessments/<int:assessment_id>.xlsx")
@role_required(Role.APPLICANT)
def export_xlsx(assessment_id: int):
    assessment = _load_checked(assessment_id)
    return attachment(assessment_xlsx(assessment.result), XLSX,
                      f"assessment-{assessment.id}.xlsx")


@bp.get("/assessments/<int:assessment_id>/report.pdf")
@role_required(Role.APPLICANT, Role.CERTIFIER)
def report(assessment_id: int):
    """The CFP study report: for the applicant's organisation and for certifiers who may view
    the assessment (it is part of an application submitted to them); 404 for anyone else."""
    assessment = _load_checked(assessment_id)
    pdf = assessment_report_pdf(db.session(), assessment, generated=date.today())
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
