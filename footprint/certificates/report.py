"""The CFP study report (ISO 14067:2018 clause 7 / GB/T 24067-2024) of one stored assessment.

A pure function of the stored snapshot (its spec, results, dataset version and hash), the
product's description and the factor rows of the open dataset, so a report printed today and
one printed next year from the same assessment say the same. What the platform does not assess
is said plainly in the limitations, not left out.
"""
from __future__ import annotations

from datetime import date

from ..assessments import summary
from ..lca.spec import allocated_per_unit
from . import rendering
from .vocabulary import BOUNDARIES, NOT_CNCA, STAGES, pair

STANDARD = "ISO 14067:2018 / GB/T 24067-2024"
CARBON_PARTS = ("fossil", "biogenic", "land_use")
# Line kinds whose numbers come from the organisation or its supplier (primary data), as
# opposed to the secondary factors of the background dataset.
PRIMARY_KINDS = {"custom_factor": ("供应商实测数据", "supplier-specific data"),
                 "emission": ("现场直接排放", "direct emission, site data"),
                 "water": ("现场水数据", "site water data")}
BASES = {"units": ("按产量", "by units"), "mass": ("按质量", "by mass"),
         "economic": ("按经济价值", "by economic value")}
ELECTRICITY = {"electricity": ("电网电力", "grid electricity (consumption mix)"),
               "electricity_green": ("绿色电力（有证书）", "green electricity with certificates")}


def _source_of(line: dict, spec_line: dict, factors: dict, custom: dict) -> dict:
    """Where the numbers of one line come from."""
    row = {"line": line, "stage": pair(STAGES, line["stage"]), "primary": False,
           "allocated": bool(spec_line.get("allocation"))}
    if line["kind"] == "factor" and line["reference"] in factors:
        factor = factors[line["reference"]]
        row.update(what=f"{factor.name_zh} / {factor.name_en}", source=factor.source,
                   year=factor.year, geography=factor.geography, quality=factor.confidence,
                   category=factor.category)
    elif line["kind"] == "custom_factor" and line["reference"] in custom:
        factor = custom[line["reference"]]
        row.update(what=factor.get("name", line["reference"]), source=factor.get("source", ""),
                   year="", geography=factor.get("water_region", ""), quality="supplier",
                   category="", primary=True)
    else:
        words = PRIMARY_KINDS.get(line["kind"], (line["kind"], line["kind"]))
        row.update(what=f"{line['reference']} ({words[0]} / {words[1]})", source="",
                   year="", geography="", quality="site", category="",
                   primary=line["kind"] in PRIMARY_KINDS)
    row["primary"] = row["primary"] or row["allocated"]  # plant data the factory keeps
    return row


def _stage_rows(result: dict) -> list[dict]:
    water = result["water"]
    rows = []
    for stage, total in result["carbon"]["by_stage"].items():
        lines = [l for l in result["lines"] if l["stage"] == stage]
        parts = {part: sum(l["carbon_detail"][part] for l in lines) for part in CARBON_PARTS}
        rows.append({"stage": pair(STAGES, stage), "total": total, **parts,
                     # credit lines where the result marks them (issue 9), else negative lines
                     "credits": sum(l["carbon"] for l in lines if l["credit"])
                     if all("credit" in l for l in lines)
                     else sum(min(l["carbon"], 0.0) for l in lines),
                     "water": water["by_stage"].get(stage, 0.0),
                     "scarcity": water.get("scarcity_by_stage", {}).get(stage, 0.0),
                     "lines": len(lines)})
    return rows


def _allocations(spec_lines: list[dict], result: dict) -> list[dict]:
    rows = []
    for line, spec_line in zip(result["lines"], spec_lines):
        allocation = spec_line.get("allocation")
        if allocation:
            rows.append({"line": line, "basis": pair(BASES, allocation["basis"]), **allocation,
                         "per_unit": allocated_per_unit(
                             allocation["annual_amount"], allocation["product_quantity"],
                             allocation["plant_quantity"], allocation["units_per_year"])})
    return rows


def _limitations(result: dict, boundary: str, sources: list[dict]) -> list[tuple[str, str]]:
    items = []
    if not summary.land_use_assessed(result):
        items.append(("土地利用变化（dLUC）排放未评估：所用数据均不含土地利用变化数值。",
                      "Land-use change (dLUC) emissions not assessed: none of the data used "
                      "carries land-use change values."))
    items.append(("间接土地利用变化、土壤碳、碳储存、排放时间效应与航空运输排放未单独计算。",
                  "Indirect land-use change, soil carbon, carbon storage, timing of emissions "
                  "and aircraft transport are not calculated separately."))
    if not (result["carbon"].get("biogenic_removals")
            or any(l["carbon_detail"]["biogenic"] < 0 for l in result["lines"])):
        items.append(("未计入生物源碳移除（清除量）。", "No biogenic carbon removals are included."))
    if boundary == "cradle-to-gate":
        items.append(("边界为从摇篮到大门（部分碳足迹）：分销、使用和废弃处置阶段未包括。",
                      "Cradle-to-gate boundary (partial CFP): distribution, use and end of "
                      "life are not included."))
    if result.get("uncertainty"):
        items.append(("未记录取舍准则，所录入的全部数据均已计入。",
                      "No cut-off criterion is recorded: every line entered is included."))
    else:
        items.append(("未进行不确定性（蒙特卡洛）与敏感性分析；未记录取舍准则，所录入的全部数据均已计入。",
                      "No uncertainty (Monte Carlo) or sensitivity analysis was made; no cut-off "
                      "criterion is recorded, every line entered is included."))
    coverage = result.get("water", {}).get("coverage")
    if coverage is not None and coverage < 1:
        items.append((f"水足迹不完整：有水数据的数据行按碳贡献计占 {100 * coverage:.0f}%。",
                      f"The water footprint is partial: lines with water data make up "
                      f"{100 * coverage:.0f}% of the lines by carbon contribution."))
    if any(not s["primary"] for s in sources):
        items.append(("部分数据为平台开放数据集的二手排放因子，代表性以其来源、年份和地域为限。",
                      "Part of the data are secondary factors of the platform's open dataset; "
                      "they are as representative as their source, year and geography."))
    items.append(("本报告未经鉴定性评审（critical review），也未经第三方核查。",
                  "This report has not been critically reviewed nor verified by a third party."))
    return items


def report_context(*, assessment: dict, product: dict, organisation: str, site: dict | None,
                   factors: dict, generated: date) -> dict:
    spec, result = assessment["spec"], assessment["result"]
    custom = {f["code"]: f for f in spec.get("factors", [])}
    spec_lines = spec["lines"] if len(spec["lines"]) == len(result["lines"]) else \
        [{}] * len(result["lines"])
    sources = [_source_of(line, spec_line, factors, custom)
               for line, spec_line in zip(result["lines"], spec_lines)]
    total = result["carbon"]["total"]
    primary = sum(s["line"]["carbon"] for s in sources if s["primary"])
    quality = result.get("data_quality") or {}
    boundary = product.get("boundary") or spec["product"].get("boundary", "cradle-to-gate")
    years = sorted({s["year"] for s in sources if s["year"]})
    return {
        "a": assessment, "product": product, "organisation": organisation, "site": site,
        "generated": generated.isoformat(), "standard": STANDARD,
        "boundary": pair(BOUNDARIES, boundary), "partial": boundary == "cradle-to-gate",
        "stages": _stage_rows(result), "carbon": result["carbon"], "water": result["water"],
        "sources": sources, "allocations": _allocations(spec_lines, result),
        "electricity": [s for s in sources if s.get("category") in ELECTRICITY],
        "electricity_words": ELECTRICITY,
        # The engine's |carbon|-weighted share where the result has it (issue 9), else the
        # share of the total as reports before it gave.
        "primary_share": quality["primary_share"] if "primary_share" in quality
        else primary / total if total else None, "years": years,
        "figures": summary.totals(result), "quality": quality,
        "intervals": summary.interval_rows(result, lambda stage: pair(STAGES, stage)),
        "rating_text": summary.rating_text, "flags": summary.flags_by_line(result),
        "geographies": sorted({s["geography"] for s in sources if s["geography"]}),
        "methods": [(key, " / ".join(name) if isinstance(name, list) else str(name))
                    for key, name in result.get("methods", {}).items()],
        "limitations": _limitations(result, boundary, sources), "not_cnca": NOT_CNCA,
        "lines": sorted(result["lines"], key=lambda l: -abs(l["carbon"])),
    }


def study_report_pdf(*, assessment: dict, product: dict, organisation: str,
                     site: dict | None, factors: dict, generated: date) -> bytes:
    """The report as PDF.

    assessment: id, created (date), spec, result, dataset_version, content_hash of the stored
    Assessment; product: name, model, functional_unit, reference_flow, boundary; site: name,
    address, grid_region or None; factors: the dataset's rows by code (lca.dataset.load_factors).
    """
    return rendering.render_pdf("report.html", **report_context(
        assessment=assessment, product=product, organisation=organisation, site=site,
        factors=factors, generated=generated))


def assessment_report_pdf(session, assessment, *, generated: date) -> bytes:
    """The report of one stored assessment, read with its product, site and organisation: what
    the report page serves and what a PDF batch job (footprint.jobs) writes. The caller checks
    that the assessment is intact and that the user may see it."""
    from ..accounts.models import Organisation, Site
    from ..lca.dataset import load_factors
    from ..products.models import Product

    product = session.get(Product, assessment.product_id)
    site = session.get(Site, product.site_id) if product.site_id else None
    organisation = session.get(Organisation, assessment.organisation_id)
    return study_report_pdf(
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
        factors=load_factors(), generated=generated)
