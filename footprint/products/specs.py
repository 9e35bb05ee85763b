"""The one mapping between stored rows (Line, SupplierFactor) and ProductSpec dicts.

Forms, spreadsheet import and export, copies and assessments all go through these functions, so
a stored line and a spec line can never disagree about a field.
"""
from __future__ import annotations

from .models import DATA_QUALITY_ASPECTS, LINE_KINDS, Line, SupplierFactor

ALLOCATION_FIELDS = {"annual_amount": "annual_amount", "basis": "allocation_basis",
                     "product_quantity": "product_quantity", "plant_quantity": "plant_quantity",
                     "units_per_year": "units_per_year"}  # spec key -> Line column
# Supplier-factor fields with the same name in the spec and in the SupplierFactor columns.
FACTOR_FIELDS = ("code", "name", "unit", "co2e_fossil", "co2e_biogenic", "co2e_land_use",
                 "water_m3", "water_region", "source", "co2_biogenic_removal",
                 "biogenic_carbon_kg", "land_use_assessed", "gsd")
# The spec's data_quality {aspect: rating} is three columns; None = not rated.
DATA_QUALITY_COLUMNS = {aspect: f"dq_{aspect}" for aspect in DATA_QUALITY_ASPECTS}
# Every stored column of a supplier factor: what forms, spreadsheets and copies carry.
FACTOR_COLUMNS = (*FACTOR_FIELDS, *DATA_QUALITY_COLUMNS.values())
# A rating the user left empty counts as 2, which the spec defines as "not rated".
UNRATED = 2


def spec_line(line: Line) -> dict:
    """A stored line as a ProductSpec line."""
    data = {"stage": line.stage, "name": line.name, "unit": line.unit, line.kind: line.reference}
    if line.is_allocated:
        data["allocation"] = {key: getattr(line, column)
                              for key, column in ALLOCATION_FIELDS.items()}
    else:
        data["amount"] = line.amount
    if line.cff:
        data["cff"] = dict(line.cff)
    return data


def line_fields(data: dict) -> dict:
    """The Line columns of a (validated) ProductSpec line."""
    kind = next(k for k in LINE_KINDS if data.get(k))
    allocation = data.get("allocation") or {}
    fields = {"stage": data["stage"], "name": data["name"], "unit": data["unit"], "kind": kind,
              "reference": data[kind], "amount": None if allocation else data.get("amount")}
    fields.update({column: allocation.get(key) for key, column in ALLOCATION_FIELDS.items()})
    fields["cff"] = _without_none(data.get("cff"))
    return fields


def _without_none(cff: dict | None) -> dict | None:
    """The CFF parameters as given: those left to their default are not stored."""
    return {key: value for key, value in cff.items() if value is not None} if cff else None


def factor_columns(factor: SupplierFactor) -> dict:
    """A stored supplier factor's columns (product_id, id and lock_version aside)."""
    return {column: getattr(factor, column) for column in FACTOR_COLUMNS}


def spec_factor(columns: dict) -> dict:
    """Supplier-factor columns as a ProductSpec custom factor. The optional parts (gsd,
    data_quality) are left out when the user gave none, so the engine's defaults apply."""
    data = {field: columns.get(field) for field in FACTOR_FIELDS if field != "gsd"}
    data["land_use_assessed"] = bool(data["land_use_assessed"])
    data["co2_biogenic_removal"] = data["co2_biogenic_removal"] or 0.0
    if columns.get("gsd") is not None:
        data["gsd"] = columns["gsd"]
    ratings = {aspect: columns.get(column) for aspect, column in DATA_QUALITY_COLUMNS.items()}
    if any(rating is not None for rating in ratings.values()):
        data["data_quality"] = {aspect: UNRATED if rating is None else rating
                                for aspect, rating in ratings.items()}
    return data


def factor_data(factor: SupplierFactor) -> dict:
    """A stored supplier factor as a ProductSpec custom factor."""
    return spec_factor(factor_columns(factor))
