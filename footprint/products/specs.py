"""The one mapping between stored rows (Line, SupplierFactor) and ProductSpec dicts.

Forms, spreadsheet import and export, copies and assessments all go through these functions, so
a stored line and a spec line can never disagree about a field.
"""
from __future__ import annotations

from .models import LINE_KINDS, Line, SupplierFactor

ALLOCATION_FIELDS = {"annual_amount": "annual_amount", "basis": "allocation_basis",
                     "product_quantity": "product_quantity", "plant_quantity": "plant_quantity",
                     "units_per_year": "units_per_year"}  # spec key -> Line column
FACTOR_FIELDS = ("code", "name", "unit", "co2e_fossil", "co2e_biogenic", "co2e_land_use",
                 "water_m3", "water_region", "source")


def spec_line(line: Line) -> dict:
    """A stored line as a ProductSpec line."""
    data = {"stage": line.stage, "name": line.name, "unit": line.unit, line.kind: line.reference}
    if line.is_allocated:
        data["allocation"] = {key: getattr(line, column)
                              for key, column in ALLOCATION_FIELDS.items()}
    else:
        data["amount"] = line.amount
    return data


def line_fields(data: dict) -> dict:
    """The Line columns of a (validated) ProductSpec line."""
    kind = next(k for k in LINE_KINDS if data.get(k))
    allocation = data.get("allocation") or {}
    fields = {"stage": data["stage"], "name": data["name"], "unit": data["unit"], "kind": kind,
              "reference": data[kind], "amount": None if allocation else data.get("amount")}
    fields.update({column: allocation.get(key) for key, column in ALLOCATION_FIELDS.items()})
    return fields


def factor_data(factor: SupplierFactor) -> dict:
    """A stored supplier factor as a ProductSpec custom factor."""
    return {field: getattr(factor, field) for field in FACTOR_FIELDS}
