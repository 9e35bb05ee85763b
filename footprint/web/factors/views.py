"""The factor library: every background factor with its source, searchable, exportable as CSV.

Public: the open dataset is what every footprint rests on, so anyone may inspect it.
"""
import csv
import io

import math

from flask import jsonify, render_template, request
from flask_babel import gettext as _

from ...lca.dataset import load_factors, load_grid_regions
from ...products.spreadsheet import safe_row
from ..downloads import attachment
from ..labels import GAS_LABELS, WATER_LABELS, label
from . import bp
from .search import describe, factor_name, gas_hint, matching

PAGE_SIZE = 50

CSV_COLUMNS = ("code", "name_zh", "name_en", "category", "unit", "co2_fossil", "ch4_fossil",
               "n2o", "co2e_fossil", "co2e_biogenic", "co2e_land_use", "water_m3", "year",
               "geography", "scope", "source", "water_source", "confidence", "notes")


@bp.app_template_global()
def factor_info(code: str) -> dict | None:
    """A dataset factor as the forms show it (value, unit, scope, confidence), or None."""
    factor = load_factors().get(code or "")
    return describe(factor) if factor else None


@bp.app_template_global()
def grid_regions() -> dict:
    return load_grid_regions()


@bp.app_template_global()
def reference_name(kind: str, reference: str, custom: dict | None = None) -> str:
    """What a line refers to, named for people: a factor's name, a gas or a water kind."""
    if kind == "emission":
        return label(GAS_LABELS, reference)
    if kind == "water":
        return label(WATER_LABELS, reference)
    return factor_name(reference) or (custom or {}).get(reference, "")


def refrigerant_hint(gases: list[str]) -> str:
    return _("Refrigerant leaks are not a factor: enter them as a line of kind “Direct emission” "
             "of the gas (kg leaked or refilled per functional unit), e.g. %(gases)s.",
             gases=", ".join(gases))


@bp.get("/")
def index():
    query, category = request.args.get("q", "").strip(), request.args.get("category", "")
    categories = sorted({f.category for f in load_factors().values()})
    found = matching(query, category)
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    try:
        page = min(max(1, int(request.args.get("page", 1))), pages)
    except ValueError:
        page = 1
    gases = gas_hint(query)
    return render_template("factors/index.html", factors=found[(page - 1) * PAGE_SIZE:
                                                              page * PAGE_SIZE],
                           total=len(found), page=page, pages=pages, query=query,
                           category=category, categories=categories,
                           hint=refrigerant_hint(gases) if gases else "")


@bp.get("/search.json")
def search():
    """Picker rows (life-cycle factors first) and, for refrigerant words, the hint to enter the
    leak as a direct emission of the gas."""
    query = request.args.get("q", "").strip()
    gases = gas_hint(query)
    return jsonify({"factors": [describe(f) for f in matching(query)[:20]],
                    "hint": {"text": refrigerant_hint(gases), "gases": gases} if gases else None})


@bp.get("/factors.csv")
def export_csv():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    query, category = request.args.get("q", "").strip(), request.args.get("category", "")
    for factor in matching(query, category):
        public = factor.public()
        writer.writerow(safe_row(public.get(k) for k in CSV_COLUMNS))  # every text cell escaped
    return attachment(buffer.getvalue(), "text/csv", "factors.csv")
