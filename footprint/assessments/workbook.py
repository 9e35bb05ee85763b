"""An assessment's results as an XLSX workbook: Totals, Stages, Lines and Uncertainty.

Every text cell goes through products.spreadsheet.safe_cell (a line name or supplier code may
start with "="); figures a result does not state (results stored before issue 9) are left empty,
and land use without data says "not assessed", never 0.
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from ..products.spreadsheet import safe_cell
from . import summary

NOT_ASSESSED = "not assessed"
LINE_COLUMNS = ("index", "stage", "name", "kind", "reference", "amount", "unit",
                "kg_co2e_total", "share_of_total", "kg_co2e_fossil", "kg_co2e_biogenic",
                "kg_co2e_land_use", "credit", "water_consumption_m3",
                "water_scarcity_m3_world_eq", "has_water_data", "has_land_use_data", "primary",
                "dq_technological", "dq_temporal", "dq_geographical", "dq_rating", "flags",
                "cff_term")


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list],
           first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet(title)
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    sheet.column_dimensions["A"].width = 34
    return sheet


def _totals_rows(result: dict) -> list[list]:
    figures = summary.totals(result)
    quality = figures["data_quality"] or {}
    content = figures["biogenic_carbon_content"]
    coverage = figures["water_coverage"]
    return [
        ["carbon footprint, net total", figures["total"], "kg CO2e"],
        ["emissions excluding credits", figures["emissions_excluding_credits"], "kg CO2e"],
        ["credits", figures["credits"], "kg CO2e"],
        ["fossil", figures["fossil"], "kg CO2e"],
        ["biogenic (net)", figures["biogenic"], "kg CO2e"],
        ["biogenic emissions", figures["biogenic_emissions"], "kg CO2e"],
        ["biogenic removals", figures["biogenic_removals"], "kg CO2e"],
        ["land use change", figures["land_use"] if figures["land_use_assessed"]
         else NOT_ASSESSED, "kg CO2e"],
        ["biogenic carbon content, product", content.get("product"), "kg C"],
        ["biogenic carbon content, packaging", content.get("packaging"), "kg C"],
        ["water consumption", figures["water_consumption_m3"], "m3"],
        ["water scarcity (AWARE)", figures["water_scarcity_m3_world_eq"],
         f"m3 world-eq, region {figures['water_region'] or ''}".strip()],
        ["water coverage (share of lines by carbon contribution)", coverage, "0..1"],
        ["data quality, weighted rating (1 good .. 3 poor)", quality.get("total"), ""],
        ["primary data share", quality.get("primary_share"), "0..1"],
        ["end-of-life method", result.get("product", {}).get("end_of_life_method"), ""],
        ["reference year", result.get("product", {}).get("reference_year"), ""],
        ["dataset version", result.get("dataset_version"), ""],
    ]


def _line_rows(result: dict) -> list[list]:
    total = result["carbon"]["total"]
    flags = summary.flags_by_line(result)
    rows = []
    for position, line in enumerate(result["lines"]):
        detail = line.get("carbon_detail") or {}
        quality = line.get("data_quality") or {}
        index = line.get("index", position)
        rows.append([
            index, line["stage"], line["name"], line["kind"], line["reference"], line["amount"],
            line["unit"], line["carbon"], line["carbon"] / total if total else None,
            detail.get("fossil"), detail.get("biogenic"), detail.get("land_use"),
            line.get("credit"), line.get("water"), line.get("water_scarcity_m3_world_eq"),
            line.get("has_water_data"), line.get("has_land_use_data"), line.get("primary"),
            quality.get("technological"), quality.get("temporal"), quality.get("geographical"),
            quality.get("rating"), ", ".join(flags.get(index, [])),
            (line.get("cff") or {}).get("term")])
    return rows


def _uncertainty_rows(result: dict) -> list[list]:
    uncertainty = result.get("uncertainty")
    if not uncertainty:
        return [["(no uncertainty analysis in this assessment)"]]
    rows = [[row["key"], row["value"], *(row[p] for p in summary.PERCENTILES),
             row["iterations"]] for row in summary.interval_rows(result)]
    rows += [[], ["method", uncertainty.get("method")],
             ["iterations", uncertainty.get("iterations")], ["seed", uncertainty.get("seed")],
             [], ["sensitivity: line", "name", "reference", "variance_share"]]
    rows += [[item.get("line"), item.get("name"), item.get("reference"),
              item.get("variance_share")] for item in uncertainty.get("sensitivity") or []]
    return rows


def assessment_xlsx(result: dict) -> bytes:
    workbook = Workbook()
    _sheet(workbook, "Totals", ["figure", "value", "unit"], _totals_rows(result), first=True)
    water = result.get("water", {})
    _sheet(workbook, "Stages", ["stage", "kg_co2e", "water_consumption_m3",
                                "water_scarcity_m3_world_eq"],
           [[stage, value, water.get("by_stage", {}).get(stage),
             water.get("scarcity_by_stage", {}).get(stage)]
            for stage, value in result["carbon"]["by_stage"].items()])
    _sheet(workbook, "Lines", list(LINE_COLUMNS), _line_rows(result))
    _sheet(workbook, "Uncertainty", ["of", "calculated", *summary.PERCENTILES, "iterations"],
           _uncertainty_rows(result))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
