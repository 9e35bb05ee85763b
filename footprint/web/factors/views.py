"""The factor library: every background factor with its source, searchable, exportable as CSV.

Public: the open dataset is what every footprint rests on, so anyone may inspect it.
"""
import csv
import io

from flask import jsonify, render_template, request
from flask_babel import get_locale

from ...lca.dataset import load_factors
from ...products.spreadsheet import safe_row
from ..downloads import attachment
from . import bp

CSV_COLUMNS = ("code", "name_zh", "name_en", "category", "unit", "co2_fossil", "ch4_fossil",
               "n2o", "co2e_fossil", "co2e_biogenic", "co2e_land_use", "water_m3", "year",
               "geography", "scope", "source", "water_source", "confidence", "notes")


def matching(query: str, category: str = "") -> list:
    words = query.lower().split()
    found = []
    for factor in load_factors().values():
        if category and factor.category != category:
            continue
        text = f"{factor.code} {factor.name_zh} {factor.name_en}".lower()
        if all(word in text for word in words):
            found.append(factor)
    return found


@bp.get("/")
def index():
    query, category = request.args.get("q", "").strip(), request.args.get("category", "")
    categories = sorted({f.category for f in load_factors().values()})
    return render_template("factors/index.html", factors=matching(query, category), query=query,
                           category=category, categories=categories)


@bp.get("/search.json")
def search():
    chinese = str(get_locale()).startswith("zh")
    rows = matching(request.args.get("q", "").strip())[:20]
    return jsonify([{"code": f.code, "name": f.name_zh if chinese else f.name_en,
                     "name_zh": f.name_zh, "name_en": f.name_en, "unit": f.unit,
                     "year": f.year, "geography": f.geography, "source": f.source,
                     "confidence": f.confidence} for f in rows])


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
