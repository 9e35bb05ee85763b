"""ProductSpec: the one input model every entry point (form, Excel, JSON, CLI) builds.

`parse_spec` checks structure with pydantic, then `resolve` checks the spec against the background
catalogue (factor codes, gases, units) and returns lines in the units Brightway needs. Every
problem is collected and reported with the line it belongs to; nothing is computed from a spec that
has any.

End of life and recycling (ISO 14067 6.4.6.3 / 7; one method per product, recorded in the result
as `product.end_of_life_method`):
- `cut-off` (the default): recycled material comes in with the burden of its recycling only, and
  nothing leaving the product for recycling earns a credit. A credit line (a factor row whose net
  value is negative: recycling or energy-recovery credit) is refused (`credit_under_cut_off`).
- `substitution`: credit lines are allowed at end of life and counted at the value of their row
  (avoided primary production minus the recycling burden, as the row states).
- `cff` (EU Circular Footprint Formula): a material or packaging line carries its parameters
  (`cff`: A, R1, R2, Qs/Qp, the recycled-material row and the disposal row) and circular.py turns
  it into lines on those rows, one per term of the formula. Plain credit lines are refused
  (`credit_under_cff`): recycling at end of life is the material line's R2.
- Under every method, a line taking a material's recycled content in at the cut-off value (e.g.
  `al-recycled-cn`) together with an end-of-life credit for recycling the same material (e.g.
  `recycling-al-credit-cn`) is refused with a message naming both lines
  (`recycled_content_and_credit`): the recycling benefit would be counted twice. Which rows are
  recycled content and which credit belongs to which material is data
  (`datasets/recycling.csv`), never guessed from names.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional

import yaml
from pydantic import (BaseModel, ConfigDict, Field, ValidationError, field_validator,
                      model_validator)
from pydantic_core import PydanticCustomError

from ..errors import InputError, InputErrors, Location
from . import flows, numbers
from .units import UnitError, conversion_factor

STAGES = ("materials", "inbound_transport", "manufacturing", "packaging", "distribution", "use",
          "end_of_life")
BOUNDARY_STAGES = {
    "cradle-to-gate": STAGES[:4],
    "cradle-to-grave": STAGES,
}
WATER_KINDS = {"consumption": 1.0, "withdrawal": 1.0, "discharge": -1.0}
END_OF_LIFE_METHODS = ("cut-off", "substitution", "cff")


class LineProblem(InputError):
    """A problem with one field of one line: `code` and `params` let a form translate it."""

    def __init__(self, field: str, code: str, message: str, **params):
        super().__init__(message, code=code, location=Location(field=field), **params)


class SpecError(InputErrors):
    """An invalid spec: `errors` holds one InputError per bad field or line (with its code and
    location), `problems` the same as English text."""

    def __init__(self, errors: list[InputError]):
        super().__init__(errors)
        self.problems = [str(error) for error in self.errors]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_character(cls, value):
        # Text columns cannot hold NUL (PostgreSQL refuses it): refused here, for every entry
        # point (form, spreadsheet, JSON, CLI), with the field named.
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("nul_character", "contains a NUL character (\\0)")
        return value


# Text that a spreadsheet would run as a formula (CSV/formula injection): refused in codes.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _checked(value: float, sign: str = "any") -> float:
    """numbers.check as a pydantic error whose type is the NumberProblem code."""
    try:
        return numbers.check(value, sign)
    except numbers.NumberProblem as problem:
        raise PydanticCustomError(problem.code, str(problem), problem.params) from None


def _finite(value: float) -> float:
    return _checked(value)


def _non_negative(value: float) -> float:
    return _checked(value, "non_negative")


def _positive(value: float) -> float:
    return _checked(value, "positive")


def check_code(code: str) -> str:
    if code.startswith(FORMULA_STARTS):
        raise PydanticCustomError("formula_like_code", "must not start with = + - @, a tab or a "
                                  "line break", {})
    return code


class Product(_Strict):
    name: str = Field(min_length=1, max_length=200)
    functional_unit: str = Field(default="1 piece", min_length=1, max_length=100)
    boundary: Literal["cradle-to-gate", "cradle-to-grave"] = "cradle-to-gate"
    water_region: str = Field(default="CN", description="AWARE region of the factory's water")
    end_of_life_method: Literal["cut-off", "substitution", "cff"] = Field(
        default="cut-off", description="How recycling and end of life are modelled (see above)")
    # The year the product data represent (None: the year of the assessment) and the site's
    # region (None: China); factor rows are rated against both (quality.py).
    reference_year: Optional[int] = Field(default=None, ge=1900, le=2100)
    geography: Optional[str] = Field(default=None, min_length=1, max_length=100)


class DataQualityRating(_Strict):
    """The user's PACT-style rating of a supplier factor: 1 good, 2 fair, 3 poor."""
    technological: int = Field(default=2, ge=1, le=3)
    temporal: int = Field(default=2, ge=1, le=3)
    geographical: int = Field(default=2, ge=1, le=3)


def _gsd(value: Optional[float]) -> Optional[float]:
    if value is None:
        return None
    value = _finite(value)
    if value < 1:
        raise PydanticCustomError("gsd_below_one", "a geometric standard deviation is at least 1",
                                  {})
    return value


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
    # kg CO2 taken up from air per unit (a removal, reported apart from biogenic emissions).
    co2_biogenic_removal: float = 0.0
    # kg biogenic carbon (C) contained per unit; None = not stated (reported as unknown).
    biogenic_carbon_kg: Optional[float] = None
    # Whether co2e_land_use is a stated value (a stated 0 counts); a non-zero value always is.
    land_use_assessed: bool = False
    # 2, 2, 2 means "not rated"; the supplier's own range, when given, replaces the pedigree's.
    data_quality: DataQualityRating = Field(default_factory=DataQualityRating)
    gsd: Optional[float] = None

    _safe_code = field_validator("code")(check_code)
    _checked_gsd = field_validator("gsd")(_gsd)
    # Biogenic and land-use CO2e may be negative (removals); fossil CO2e and water may not.
    _finite_values = field_validator("co2e_biogenic", "co2e_land_use")(_finite)
    _non_negative_values = field_validator("co2e_fossil", "water_m3",
                                           "co2_biogenic_removal")(_non_negative)
    _non_negative_content = field_validator("biogenic_carbon_kg")(
        lambda value: value if value is None else _non_negative(value))


class Allocation(_Strict):
    """Plant-level annual data shared out to one functional unit of the product.

    per functional unit = annual_amount x product_quantity / plant_quantity / units_per_year,
    where the two quantities are annual outputs in the basis (pieces, t or CNY).
    """
    annual_amount: float
    basis: Literal["units", "mass", "economic"]
    product_quantity: float
    plant_quantity: float
    units_per_year: float

    _checked_annual = field_validator("annual_amount")(_non_negative)
    _checked_positive = field_validator("product_quantity", "plant_quantity",
                                        "units_per_year")(_positive)

    def per_unit(self) -> float:
        return allocated_per_unit(self.annual_amount, self.product_quantity,
                                  self.plant_quantity, self.units_per_year)


def allocated_per_unit(annual_amount: float, product_quantity: float, plant_quantity: float,
                       units_per_year: float) -> float:
    """The amount per functional unit of plant-level annual data (see Allocation)."""
    return annual_amount * product_quantity / plant_quantity / units_per_year


class CircularFootprint(_Strict):
    """A material line's parameters of the EU Circular Footprint Formula (circular.py)."""
    a: float = Field(ge=0.2, le=0.8, description="allocation of burdens and credits between "
                     "supplier and user of recycled material (PEF: 0.2 to 0.8)")
    r1: float = Field(default=0.0, ge=0.0, le=1.0, description="recycled content share")
    r2: float = Field(default=0.0, ge=0.0, le=1.0,
                      description="share recycled at end of life")
    qsin_qp: float = Field(default=1.0, gt=0.0, le=1.0,
                           description="quality of the recycled input against primary")
    qsout_qp: float = Field(default=1.0, gt=0.0, le=1.0,
                            description="quality of the recycled output against primary")
    recycled: str = Field(min_length=1, max_length=80, description="factor code of the "
                          "recycled material: its production, and the recycling at end of life")
    disposal: Optional[str] = Field(default=None, min_length=1, max_length=80,
                                    description="factor code of the disposal of what is neither "
                                    "recycled nor burnt for energy (landfill)")
    # The energy-recovery part (circular.py): R3 of the material burnt with energy recovery.
    r3: float = Field(default=0.0, ge=0.0, le=1.0,
                      description="share sent to energy recovery at end of life")
    b: float = Field(default=0.0, ge=0.0, le=1.0, description="allocation of the burdens and "
                     "credits of energy recovery to the supplier (PEF default 0)")
    energy_recovery: Optional[str] = Field(default=None, min_length=1, max_length=80,
                                           description="factor code of the energy-recovery "
                                           "process, gross (EER)")
    lhv: Optional[float] = Field(default=None, gt=0.0, le=200.0,
                                 description="lower heating value of the material, MJ per kg")
    xer_heat: float = Field(default=0.0, ge=0.0, le=1.0,
                            description="efficiency of the recovery as heat")
    xer_electricity: float = Field(default=0.0, ge=0.0, le=1.0,
                                   description="efficiency of the recovery as electricity")
    heat: Optional[str] = Field(default=None, min_length=1, max_length=80,
                                description="factor code of the heat replaced, per unit of "
                                "energy (ESE,heat)")
    electricity: Optional[str] = Field(default=None, min_length=1, max_length=80,
                                       description="factor code of the electricity replaced "
                                       "(ESE,elec)")

    @model_validator(mode="after")
    def _shares_at_end_of_life(self):
        if self.r2 + self.r3 > 1:
            raise PydanticCustomError("cff_r2_r3_above_one",
                                      "r2 + r3 is {total}: recycled and burnt shares cannot "
                                      "exceed the whole", {"total": round(self.r2 + self.r3, 6)})
        if self.xer_heat + self.xer_electricity > 1:
            raise PydanticCustomError("cff_efficiency_above_one",
                                      "xer_heat + xer_electricity is {total}: the recovered "
                                      "energy cannot exceed the heating value",
                                      {"total": round(self.xer_heat + self.xer_electricity, 6)})
        return self


class Line(_Strict):
    stage: str
    name: str = Field(min_length=1, max_length=200)
    amount: Optional[float] = None
    unit: str = Field(min_length=1, max_length=30)
    factor: Optional[str] = None
    emission: Optional[str] = None
    water: Optional[str] = None
    allocation: Optional[Allocation] = None
    cff: Optional[CircularFootprint] = None

    _checked_amount = field_validator("amount")(
        lambda value: value if value is None else _non_negative(value))

    @model_validator(mode="after")
    def _amount_or_allocation(self):
        if (self.amount is None) == (self.allocation is None):
            raise PydanticCustomError(
                "amount_or_allocation", "give either 'amount' per functional unit or an "
                "'allocation' of plant-level annual data")
        if self.allocation and self.allocation.product_quantity > self.allocation.plant_quantity:
            raise PydanticCustomError("allocation_exceeds_plant",
                                      "allocation: the product's quantity exceeds the plant's")
        if self.allocation and abs(self.allocation.per_unit()) > numbers.MAX_MAGNITUDE:
            # each quantity is within the bounds, their quotient need not be
            raise PydanticCustomError(
                "allocated_too_large", "allocation: the amount per functional unit comes to "
                "more than {max}", {"max": numbers.MAX_TEXT})
        return self

    def amount_per_unit(self) -> float:
        return self.amount if self.allocation is None else self.allocation.per_unit()


class ProductSpec(_Strict):
    product: Product
    factors: list[CustomFactor] = Field(default_factory=list)
    lines: list[Line] = Field(min_length=1)


@dataclass(frozen=True)
class Catalogue:
    """What a spec may refer to: background factor units by code, and AWARE regions."""
    factor_units: dict[str, str]
    water_regions: frozenset[str]
    # Net-negative factors (recycling or energy-recovery credits): end-of-life only.
    credit_factors: frozenset[str] = frozenset()
    # datasets/recycling.csv: recycled-content rows and recycling-credit rows -> their material.
    recycled_content: dict[str, str] = field(default_factory=dict)
    credit_materials: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)  # not frozen: cheaper to make, and a batch makes a hundred thousand
class ResolvedLine:
    index: int
    stage: str
    name: str
    kind: Literal["factor", "custom_factor", "emission", "water"]
    reference: str  # factor code, gas name or water kind
    amount: float  # as entered
    unit: str  # as entered
    flow_amount: float  # in the unit of the factor / kg of gas / m3 of water (signed)
    # A term of the Circular Footprint Formula this line stands for (circular.py), else None.
    cff: Optional[dict] = None


def _location(loc: tuple, data: dict) -> Location:
    parts, line, line_name = [], None, ""
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]"
            if parts[-1].startswith("lines[") and len(parts) == 1:
                line, line_name = item, _line_name(data, item)
                if line_name:
                    parts[-1] += f" ({line_name})"
        else:
            parts.append(str(item))
    field = str(loc[-1]) if loc and not isinstance(loc[-1], int) else ""
    return Location(field=field, line=line, line_name=line_name,
                    path=".".join(parts) or "spec")


def _line_name(data: dict, index: int) -> str:
    try:
        return str(data["lines"][index].get("name") or "")
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""


# pydantic error types that mean something of our own in a spec, by location
_CODES_BY_LOCATION = {("lines", "too_short"): "no_lines"}


def _pydantic_problem(error: dict, data: dict) -> InputError:
    loc = tuple(error["loc"])
    code = _CODES_BY_LOCATION.get((*loc[-1:], error["type"]), error["type"])
    params = {k: v for k, v in (error.get("ctx") or {}).items()
              if isinstance(v, (str, int, float))}
    return InputError(message(error), code=code, location=_location(loc, data), **params)


def parse_spec(data: object, catalogue: "Catalogue | None" = None) -> ProductSpec:
    """Structural validation of a dict (from JSON, YAML or a form).

    With a catalogue, a spec that fails also gets the catalogue problems of its well-formed
    lines (unknown factor, unit, stage), so that one round of fixes is enough.
    """
    if not isinstance(data, dict):
        raise SpecError([InputError("must be an object with 'product' and 'lines'",
                                    code="not_an_object", location=Location(path="spec"))])
    try:
        return ProductSpec.model_validate(data)
    except ValidationError as exc:
        problems = [_pydantic_problem(e, data) for e in exc.errors()]
        if catalogue is not None:
            problems += _problems_of_well_formed_lines(data, catalogue)
        raise SpecError(problems) from None


def _problems_of_well_formed_lines(data: dict, catalogue: "Catalogue") -> list[InputError]:
    product = data.get("product") if isinstance(data.get("product"), dict) else {}
    boundary = product.get("boundary", "cradle-to-gate")
    boundary = boundary if boundary in BOUNDARY_STAGES else "cradle-to-grave"
    method = product.get("end_of_life_method", "cut-off")
    method = method if method in END_OF_LIFE_METHODS else "substitution"  # reported above
    factors = data.get("factors") if isinstance(data.get("factors"), list) else []
    custom_units = {f["code"]: f["unit"] for f in factors
                    if isinstance(f, dict) and isinstance(f.get("code"), str)
                    and isinstance(f.get("unit"), str)}
    lines = data.get("lines") if isinstance(data.get("lines"), list) else []
    problems = []
    for index, raw in enumerate(lines):
        try:
            line = Line.model_validate(raw)
        except ValidationError:
            continue  # reported above
        try:
            check_spec_line(line, boundary, catalogue, custom_units, end_of_life_method=method)
        except LineProblem as problem:
            problems.append(_on_line(problem, index, line.name))
    return problems


def _on_line(problem: InputError, index: int, name: str) -> InputError:
    """The same problem, located on line `index` of the spec."""
    return InputError(problem.message, code=problem.code,
                      location=Location(field=problem.field, line=index, line_name=name),
                      **problem.params)


def message(error: dict) -> str:
    """A pydantic error message without pydantic's "Value error, " prefix for our own checks."""
    return error["msg"].removeprefix("Value error, ")


def load_spec_file(path: Path, catalogue: "Catalogue | None" = None) -> ProductSpec:
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text) if Path(path).suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise SpecError([InputError(f"not valid JSON/YAML: {exc}", code="not_json_or_yaml",
                                    location=Location(path=Path(path).name),
                                    detail=str(exc))]) from None
    return parse_spec(data, catalogue)


def resolve(spec: ProductSpec, catalogue: Catalogue) -> list[ResolvedLine]:
    problems: list[InputError] = []
    custom_units = _check_custom_factors(spec, catalogue, problems)
    if spec.product.water_region not in catalogue.water_regions:
        problems.append(InputError(
            f"unknown region '{spec.product.water_region}' (known: "
            f"{', '.join(sorted(catalogue.water_regions))})", code="unknown_water_region",
            location=Location(field="water_region", path="product.water_region"),
            region=spec.product.water_region))
    from .circular import cff_lines  # it builds on this module

    resolved = []
    boundary, method = spec.product.boundary, spec.product.end_of_life_method
    for index, line in enumerate(spec.lines):  # every line of every product of a batch
        try:
            if line.cff is None:
                kind, reference, sign, factor = _check_line(line, boundary, catalogue,
                                                            custom_units, method)
                amount = line.amount if line.allocation is None else line.amount_per_unit()
                resolved.append(ResolvedLine(index, line.stage, line.name, kind, reference,
                                             amount, line.unit, sign * amount * factor))
            else:
                resolved += cff_lines(index, line, boundary, catalogue, method)
        except LineProblem as problem:
            problems.append(_on_line(problem, index, line.name))
    problems += recycling_double_counts(resolved, catalogue)
    net_water = sum(line.flow_amount for line in resolved if line.kind == "water")
    if net_water < 0:
        problems.append(InputError(
            f"water discharged exceeds water withdrawn by {-net_water:g} m3 per functional unit",
            code="net_water_negative", location=Location(path="lines"), excess=-net_water))
    if problems:
        raise SpecError(problems)
    return resolved


def _check_custom_factors(spec, catalogue, problems) -> dict[str, str]:
    units: dict[str, str] = {}
    for index, factor in enumerate(spec.factors):
        def problem(message: str, code: str, field: str, **params):
            problems.append(InputError(message, code=code, location=Location(
                field=field, path=f"factors[{index}] ({factor.code})"), code_value=factor.code,
                **params))
        if factor.code in catalogue.factor_units:
            problem("code is already a dataset factor; choose another code", "dataset_code",
                    "code")
        elif factor.code in units:
            problem("duplicate code", "duplicate_code", "code")
        if factor.water_region not in catalogue.water_regions:
            problem(f"unknown water_region '{factor.water_region}'", "unknown_water_region",
                    "water_region", region=factor.water_region)
        try:
            conversion_factor(factor.unit, factor.unit)
        except UnitError as exc:
            problem(exc.message, exc.code, "unit", unit=factor.unit)
        units[factor.code] = factor.unit
    return units


def check_line(line: Line, boundary: str, catalogue: Catalogue,
               custom_units: dict[str, str] | None = None, *,
               end_of_life_method: str) -> tuple[str, str, float]:
    """Check one line against the catalogue; return (kind, reference, amount in flow units).

    Raises LineProblem naming the field at fault, so forms can show it beside that field.
    `end_of_life_method` is the product's (a credit line is refused under cut-off).
    """
    kind, reference, sign, factor = _check_line(line, boundary, catalogue, custom_units or {},
                                                end_of_life_method)
    return kind, reference, sign * line.amount_per_unit() * factor


def check_spec_line(line: Line, boundary: str, catalogue: Catalogue,
                    custom_units: dict[str, str] | None = None, *,
                    end_of_life_method: str) -> None:
    """Check one line as `resolve` will, with its Circular Footprint Formula parameters if it
    has them (a form or an import checks a line before it is stored); raises LineProblem."""
    if line.cff is None:
        check_line(line, boundary, catalogue, custom_units,
                   end_of_life_method=end_of_life_method)
    else:
        from .circular import cff_lines  # it builds on this module

        cff_lines(0, line, boundary, catalogue, end_of_life_method)


_STAGES_IN = {boundary: frozenset(stages) for boundary, stages in BOUNDARY_STAGES.items()}


def _check_line(line: Line, boundary: str, catalogue: Catalogue, custom_units: dict[str, str],
                end_of_life_method: str) -> tuple[str, str, float, float]:
    """check_line without the amount: (kind, reference, sign, unit conversion factor).
    Every line of every product of a batch passes here: the common case takes a few lookups."""
    if line.stage not in _STAGES_IN[boundary]:
        if line.stage not in STAGES:
            raise LineProblem("stage", "unknown_stage",
                              f"unknown stage '{line.stage}' (stages: {', '.join(STAGES)})",
                              stage=line.stage)
        raise LineProblem("stage", "outside_boundary",
                          f"stage '{line.stage}' is outside the {boundary} boundary",
                          stage=line.stage, boundary=boundary)
    factor, emission, water = line.factor, line.emission, line.water
    if (emission or water) if factor else (emission and water) or not (emission or water):
        raise LineProblem("reference", "one_reference",
                          "give exactly one of 'factor', 'emission' or 'water'")
    sign = 1.0
    if factor:
        kind, reference = "factor", factor
        target_unit = custom_units.get(factor)
        if target_unit is not None:
            kind = "custom_factor"
        else:
            target_unit = catalogue.factor_units.get(factor)
            if target_unit is None:
                raise LineProblem("reference", "unknown_factor", f"unknown factor '{factor}'",
                                  reference=factor)
        if factor in catalogue.credit_factors:
            _check_credit(line, factor, end_of_life_method)
    elif emission:
        reference = flows.gas_name(emission)
        if reference is None:
            raise LineProblem("reference", "unknown_gas",
                              f"unknown gas '{emission}' (known: {', '.join(flows.GASES)})",
                              reference=emission)
        kind, target_unit = "emission", "kg"
    else:
        if water not in WATER_KINDS:
            raise LineProblem("reference", "unknown_water_kind", f"unknown water kind "
                              f"'{water}' (known: {', '.join(WATER_KINDS)})",
                              reference=water)
        kind, reference, target_unit, sign = "water", water, "m3", WATER_KINDS[water]
    try:
        conversion = conversion_factor(line.unit, target_unit)
    except UnitError as exc:
        raise LineProblem("unit", exc.code, exc.message, unit=line.unit,
                          target=target_unit) from None
    return kind, reference, sign, conversion


def _check_credit(line: Line, reference: str, end_of_life_method: str) -> None:
    """A credit row (negative emissions) on a line: only at end of life, and only under
    substitution."""
    if line.stage != "end_of_life":
        raise LineProblem("reference", "credit_outside_end_of_life",
                          f"factor '{reference}' is a credit (negative emissions) and may "
                          f"only be used at end of life", reference=reference)
    if end_of_life_method == "cff":
        raise LineProblem("reference", "credit_under_cff",
                          f"factor '{reference}' is a credit line, and the product's "
                          f"end-of-life method is 'cff', where recycling at end of life is "
                          f"part of each material line's CFF parameters (cff.r2): remove "
                          f"the line and give the material line its 'cff'",
                          reference=reference)
    if end_of_life_method == "cut-off":
        raise LineProblem("reference", "credit_under_cut_off",
                          f"factor '{reference}' is a credit (negative emissions), and the "
                          f"product's end-of-life method (product.end_of_life_method) is "
                          f"'cut-off', which gives no credit for recycling or energy "
                          f"recovery; remove the line or choose 'substitution' or 'cff'",
                          reference=reference, end_of_life_method=end_of_life_method)


def recycling_double_counts(lines: list[ResolvedLine], catalogue: Catalogue) -> list[InputError]:
    """Recycled content taken in at the cut-off value and a recycling credit for the same
    material: one problem per such pair, on the credit line, naming both lines."""
    problems = []
    recycled = [line for line in lines
                if line.kind == "factor" and line.reference in catalogue.recycled_content]
    if not recycled:  # most products: nothing to look for
        return problems
    for credit in lines:
        material = (catalogue.credit_materials.get(credit.reference)
                    if credit.kind == "factor" else None)
        if material is None:
            continue
        for taken in recycled:
            if catalogue.recycled_content[taken.reference] != material:
                continue
            problems.append(InputError(
                f"line {taken.index} ({taken.name}) takes recycled {material} in at the cut-off "
                f"value (factor '{taken.reference}') and line {credit.index} ({credit.name}) "
                f"claims a credit for recycling {material} at end of life (factor "
                f"'{credit.reference}'): the recycling would be counted twice; remove the credit "
                f"or enter the material at its primary value", code="recycled_content_and_credit",
                location=Location(field="reference", line=credit.index, line_name=credit.name),
                material=material, recycled_line=taken.index, recycled_line_name=taken.name,
                recycled_factor=taken.reference, credit_line=credit.index,
                credit_line_name=credit.name, credit_factor=credit.reference))
    return problems
