"""ProductSpec: the one input model every entry point (form, Excel, JSON, CLI) builds.

`parse_spec` checks structure with pydantic, then `resolve` checks the spec against the background
catalogue (factor codes, gases, units) and returns lines in the units Brightway needs. Every
problem is collected and reported with the line it belongs to; nothing is computed from a spec that
has any.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import flows
from .units import UnitError, conversion_factor

STAGES = ("materials", "inbound_transport", "manufacturing", "packaging", "distribution", "use",
          "end_of_life")
BOUNDARY_STAGES = {
    "cradle-to-gate": STAGES[:4],
    "cradle-to-grave": STAGES,
}
WATER_KINDS = {"consumption": 1.0, "withdrawal": 1.0, "discharge": -1.0}


class SpecError(ValueError):
    """An invalid spec; `problems` lists one message per bad field or line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


class Product(_Strict):
    name: str = Field(min_length=1, max_length=200)
    functional_unit: str = Field(default="1 piece", min_length=1, max_length=100)
    boundary: Literal["cradle-to-gate", "cradle-to-grave"] = "cradle-to-gate"
    water_region: str = Field(default="CN", description="AWARE region of the factory's water")


class CustomFactor(_Strict):
    code: str = Field(min_length=1, max_length=80)
    name: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=30)
    co2e_fossil: float = 0.0
    co2e_biogenic: float = 0.0
    co2e_land_use: float = 0.0
    water_m3: float = 0.0
    water_region: str = "GLO"
    source: str = Field(min_length=1, max_length=300)

    _finite_values = field_validator("co2e_fossil", "co2e_biogenic", "co2e_land_use",
                                     "water_m3")(_finite)


class Line(_Strict):
    stage: str
    name: str = Field(min_length=1, max_length=200)
    amount: float
    unit: str = Field(min_length=1, max_length=30)
    factor: Optional[str] = None
    emission: Optional[str] = None
    water: Optional[str] = None

    @field_validator("amount")
    @classmethod
    def _non_negative(cls, value: float) -> float:
        if not math.isfinite(value) or value < 0:
            raise ValueError("must be a finite number, zero or more")
        return value


class ProductSpec(_Strict):
    product: Product
    factors: list[CustomFactor] = Field(default_factory=list)
    lines: list[Line] = Field(min_length=1)


@dataclass(frozen=True)
class Catalogue:
    """What a spec may refer to: background factor units by code, and AWARE regions."""
    factor_units: dict[str, str]
    water_regions: frozenset[str]


@dataclass(frozen=True)
class ResolvedLine:
    index: int
    stage: str
    name: str
    kind: Literal["factor", "custom_factor", "emission", "water"]
    reference: str  # factor code, gas name or water kind
    amount: float  # as entered
    unit: str  # as entered
    flow_amount: float  # in the unit of the factor / kg of gas / m3 of water (signed)


def _location(loc: tuple, data: dict) -> str:
    parts = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]"
            if parts[-1].startswith("lines[") and len(parts) == 1:
                name = _line_name(data, item)
                if name:
                    parts[-1] += f" ({name})"
        else:
            parts.append(str(item))
    return ".".join(parts) or "spec"


def _line_name(data: dict, index: int) -> str:
    try:
        return str(data["lines"][index].get("name") or "")
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""


def parse_spec(data: object) -> ProductSpec:
    """Structural validation of a dict (from JSON, YAML or a form)."""
    if not isinstance(data, dict):
        raise SpecError(["spec: must be an object with 'product' and 'lines'"])
    try:
        return ProductSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError([f"{_location(e['loc'], data)}: {e['msg']}" for e in exc.errors()]) from None


def load_spec_file(path: Path) -> ProductSpec:
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text) if Path(path).suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise SpecError([f"{Path(path).name}: not valid JSON/YAML: {exc}"]) from None
    return parse_spec(data)


def resolve(spec: ProductSpec, catalogue: Catalogue) -> list[ResolvedLine]:
    problems: list[str] = []
    custom_units = _check_custom_factors(spec, catalogue, problems)
    if spec.product.water_region not in catalogue.water_regions:
        problems.append(f"product.water_region: unknown region '{spec.product.water_region}' "
                        f"(known: {', '.join(sorted(catalogue.water_regions))})")
    allowed_stages = BOUNDARY_STAGES[spec.product.boundary]
    resolved = []
    for index, line in enumerate(spec.lines):
        where = f"lines[{index}] ({line.name})"
        try:
            resolved.append(_resolve_line(index, line, allowed_stages, spec.product.boundary,
                                          catalogue, custom_units))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    if problems:
        raise SpecError(problems)
    return resolved


def _check_custom_factors(spec, catalogue, problems) -> dict[str, str]:
    units: dict[str, str] = {}
    for index, factor in enumerate(spec.factors):
        where = f"factors[{index}] ({factor.code})"
        if factor.code in catalogue.factor_units:
            problems.append(f"{where}: code is already a dataset factor; choose another code")
        elif factor.code in units:
            problems.append(f"{where}: duplicate code")
        if factor.water_region not in catalogue.water_regions:
            problems.append(f"{where}: unknown water_region '{factor.water_region}'")
        try:
            conversion_factor(factor.unit, factor.unit)
        except UnitError as exc:
            problems.append(f"{where}: {exc}")
        units[factor.code] = factor.unit
    return units


def _resolve_line(index, line, allowed_stages, boundary, catalogue, custom_units) -> ResolvedLine:
    if line.stage not in STAGES:
        raise ValueError(f"unknown stage '{line.stage}' (stages: {', '.join(STAGES)})")
    if line.stage not in allowed_stages:
        raise ValueError(f"stage '{line.stage}' is outside the {boundary} boundary")
    given = [k for k in ("factor", "emission", "water") if getattr(line, k)]
    if len(given) != 1:
        raise ValueError("give exactly one of 'factor', 'emission' or 'water'")
    kind = given[0]
    reference = getattr(line, kind)
    sign = 1.0
    if kind == "factor":
        if reference in custom_units:
            kind, target_unit = "custom_factor", custom_units[reference]
        elif reference in catalogue.factor_units:
            target_unit = catalogue.factor_units[reference]
        else:
            raise ValueError(f"unknown factor '{reference}'")
    elif kind == "emission":
        if reference.lower() not in flows.GASES:
            raise ValueError(f"unknown gas '{reference}' (known: {', '.join(flows.GASES)})")
        reference, target_unit = reference.lower(), "kg"
    else:
        if reference not in WATER_KINDS:
            raise ValueError(f"unknown water kind '{reference}' (known: {', '.join(WATER_KINDS)})")
        target_unit, sign = "m3", WATER_KINDS[reference]
    factor = conversion_factor(line.unit, target_unit)  # UnitError is a ValueError
    return ResolvedLine(index=index, stage=line.stage, name=line.name, kind=kind,
                        reference=reference, amount=line.amount, unit=line.unit,
                        flow_amount=sign * line.amount * factor)
