from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import ValidationError as PydanticError
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from ...lca.dataset import catalogue
from ...lca.spec import (FORMULA_STARTS, STAGES, Line as SpecLine, LineProblem,
                         check_spec_line)
from ...lca.units import is_known
from ...products.models import DATA_QUALITY_RATINGS
from ...products.operations import REFERENCE_YEARS
from ..fields import NumberField
from ..labels import (BASIS_LABELS, BOUNDARY_LABELS, END_OF_LIFE_HELP, END_OF_LIFE_LABELS,
                      GAS_LABELS, KIND_LABELS, RATING_LABELS, STAGE_LABELS, WATER_LABELS,
                      WATER_REGION_LABELS, error_message, number_message, pydantic_message)


def default_functional_unit() -> str:
    """"1 件" in Chinese, "1 piece" in English: both a valid unit expression (件 is read as piece)
    and readable free text, stored as the user saw it."""
    return "1 件" if str(get_locale()).startswith("zh") else "1 piece"


class ProductForm(FlaskForm):
    name = StringField(_l("Product name"), validators=[DataRequired(), Length(max=200)])
    model = StringField(_l("Model"), validators=[Length(max=100)])
    category = StringField(_l("Category"), validators=[Length(max=100)])
    functional_unit = StringField(_l("Functional unit"), default=default_functional_unit,
                                  validators=[DataRequired(), Length(max=100)],
                                  description=_l("e.g. 1 piece, 1 kWh of battery capacity, 1 t"))
    reference_flow = StringField(_l("Reference flow"), validators=[Length(max=200)],
                                 description=_l("e.g. one motorcycle of 110 kg"))
    boundary = SelectField(_l("System boundary"),
                           choices=[(k, v) for k, v in BOUNDARY_LABELS.items()])
    site_id = SelectField(_l("Factory site"), coerce=int, validators=[InputRequired()],
                          description=_l("Its grid region sets the water-scarcity region and "
                                         "the geography factor rows are rated against"))
    end_of_life_method = SelectField(_l("End-of-life and recycling method"), default="cut-off",
                                     choices=[(k, v) for k, v in END_OF_LIFE_LABELS.items()])
    reference_year = IntegerField(
        _l("Reference year"), validators=[Optional(), NumberRange(*REFERENCE_YEARS)],
        description=_l("The year the product data represent; empty = the year of each "
                       "assessment. Factor rows are rated against it."))

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.site_id.choices = [(0, "—")] + [(s.id, s.name) for s in sites]
        # One short help text per method, so the choice is made knowingly.
        self.end_of_life_method.description = " ".join(
            f"{END_OF_LIFE_LABELS[key]}: {END_OF_LIFE_HELP[key]}" for key in END_OF_LIFE_LABELS)


def _rating(value):
    """A select's value as a rating: "" (not rated) is None."""
    return int(value) if value not in (None, "", "None") else None


def rating_field(label):
    return SelectField(label, coerce=_rating, default=None, validators=[Optional()],
                       choices=[(None, _l("not rated"))]
                       + [(r, RATING_LABELS[r]) for r in DATA_QUALITY_RATINGS])


class SupplierFactorForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=80)],
                       description=_l("Used by lines of this product, e.g. acme-pcb"))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=30)])
    co2e_fossil = NumberField(_l("kg CO2e fossil per unit"), default=0.0, sign="non_negative",
                              validators=[InputRequired()])
    co2e_biogenic = NumberField(_l("kg CO2e biogenic per unit"), default=0.0,
                                validators=[InputRequired()])
    co2_biogenic_removal = NumberField(
        _l("kg CO2 biogenic removal per unit"), default=0.0, sign="non_negative",
        validators=[Optional()],
        description=_l("CO2 taken up from air by the biomass in the product (counted negative)"))
    biogenic_carbon_kg = NumberField(
        _l("kg biogenic carbon contained per unit"), default=None, sign="non_negative",
        validators=[Optional()],
        description=_l("Carbon (C, not CO2) in wood, paper, board, cotton ...: reported as "
                       "content, never added to the footprint; empty = not stated"))
    co2e_land_use = NumberField(_l("kg CO2e land use per unit"), default=0.0,
                                validators=[InputRequired()])
    land_use_assessed = BooleanField(
        _l("The supplier assessed land-use change (the value above is stated, 0 included)"))
    water_m3 = NumberField(_l("m³ water consumed per unit"), default=0.0, sign="non_negative",
                           validators=[InputRequired()])
    water_region = SelectField(_l("Where the supplier consumes that water"), default="GLO",
                               description=_l("Sets the AWARE water-scarcity factor"))
    source = StringField(_l("Source"), validators=[DataRequired(), Length(max=300)],
                         description=_l("e.g. supplier PCF 2025, verified by ..."))
    dq_technological = rating_field(_l("Technological representativeness"))
    dq_temporal = rating_field(_l("Temporal representativeness"))
    dq_geographical = rating_field(_l("Geographical representativeness"))
    gsd = NumberField(_l("Geometric standard deviation (GSD)"), sign="positive",
                      validators=[Optional()],
                      description=_l("The supplier's own uncertainty range, 1 or more; empty = "
                                     "estimated from the data-quality ratings"))

    def __init__(self, *args, taken_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._taken = set(taken_codes)
        self.water_region.choices = [(code, str(WATER_REGION_LABELS.get(code, code)))
                                     for code in sorted(catalogue().water_regions)]

    def validate_code(self, field):
        code = field.data.strip()
        if code.startswith(FORMULA_STARTS):
            raise ValidationError(number_message("formula_like_code", {}))
        if code in catalogue().factor_units:
            raise ValidationError(_l("this code is a dataset factor; choose another"))
        if code in self._taken:
            raise ValidationError(_l("this product already has a factor with this code"))

    def validate_gsd(self, field):
        if field.data is not None and field.data < 1:
            raise ValidationError(_l("a geometric standard deviation is 1 or more"))

    def validate_unit(self, field):
        if not is_known(field.data or ""):
            raise ValidationError(_l("unknown unit '%(unit)s'", unit=field.data))


CFF_FIELDS = ("a", "r1", "r2", "qsin_qp", "qsout_qp", "recycled", "disposal", "r3", "b",
              "energy_recovery", "lhv", "xer_heat", "xer_electricity", "heat", "electricity")


def _given(value):
    """A form value, None when left empty (the spec's default then applies)."""
    if isinstance(value, str):
        return value.strip() or None
    return value


class LineForm(FlaskForm):
    stage = SelectField(_l("Life-cycle stage"), choices=[(s, STAGE_LABELS[s]) for s in STAGES])
    name = StringField(_l("Line name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[(k, v) for k, v in KIND_LABELS.items()])
    factor = StringField(_l("Factor code"), validators=[Length(max=80)],
                         description=_l("Type a code or a name in Chinese or English to search"))
    gas = SelectField(_l("Gas"), choices=[(k, v) for k, v in GAS_LABELS.items()])
    water = SelectField(_l("Water"), choices=[(k, v) for k, v in WATER_LABELS.items()])
    amount = NumberField(_l("Amount per functional unit"), sign="non_negative",
                         validators=[Optional()])
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=30)],
                       description=_l("e.g. kg, g, t, kWh, MWh, m3, L, t*km, piece"))
    allocated = BooleanField(_l("Plant-level annual data, allocated to this product"))
    annual_amount = NumberField(_l("Plant total per year"), sign="non_negative",
                                validators=[Optional()])
    allocation_basis = SelectField(_l("Allocation basis"),
                                   choices=[(k, v) for k, v in BASIS_LABELS.items()])
    product_quantity = NumberField(_l("This product's annual output in that basis"),
                                   sign="positive", validators=[Optional()],
                                  description=_l("pieces, t or CNY, the same basis as below"))
    plant_quantity = NumberField(_l("Plant's annual output in that basis"), sign="positive",
                                 validators=[Optional()])
    units_per_year = NumberField(_l("Functional units of this product per year"),
                                 sign="positive", validators=[Optional()])
    # The EU Circular Footprint Formula of a material line (products under the cff method).
    cff_used = BooleanField(_l("Circular Footprint Formula parameters for this material"))
    cff_a = NumberField(_l("A: share of burdens and credits on the supplier side (0.2 to 0.8)"),
                        sign="non_negative", validators=[Optional()],
                        description=_l("The material's value in PEF Annex C"))
    cff_r1 = NumberField(_l("R1: recycled content (0 to 1)"), sign="non_negative",
                         validators=[Optional()])
    cff_r2 = NumberField(_l("R2: share recycled at end of life (0 to 1)"), sign="non_negative",
                         validators=[Optional()])
    cff_qsin_qp = NumberField(_l("Qsin/Qp: quality of the recycled input (0 to 1)"),
                              sign="positive", validators=[Optional()])
    cff_qsout_qp = NumberField(_l("Qsout/Qp: quality of the recycled output (0 to 1)"),
                               sign="positive", validators=[Optional()])
    cff_recycled = StringField(_l("Factor code of the recycled material"),
                               validators=[Length(max=80)],
                               description=_l("Its production, and the recycling at end of life"))
    cff_disposal = StringField(_l("Factor code of the disposal of the rest"),
                               validators=[Length(max=80)],
                               description=_l("Landfill or incineration of what is not recycled"))
    cff_r3 = NumberField(_l("R3: share burnt with energy recovery (0 to 1)"),
                         sign="non_negative", validators=[Optional()])
    cff_b = NumberField(_l("B: share of energy recovery given to the supplier (0 to 1)"),
                        sign="non_negative", validators=[Optional()],
                        description=_l("PEF default 0"))
    cff_energy_recovery = StringField(_l("Factor code of the energy-recovery process"),
                                      validators=[Length(max=80)],
                                      description=_l("A gross incineration row: the formula "
                                                     "gives the energy credits"))
    cff_lhv = NumberField(_l("LHV: lower heating value of the material (MJ/kg)"),
                          sign="positive", validators=[Optional()])
    cff_xer_heat = NumberField(_l("XER,heat: efficiency of recovery as heat (0 to 1)"),
                               sign="non_negative", validators=[Optional()])
    cff_xer_electricity = NumberField(_l("XER,elec: efficiency of recovery as electricity "
                                         "(0 to 1)"), sign="non_negative",
                                      validators=[Optional()])
    cff_heat = StringField(_l("Factor code of the heat replaced"), validators=[Length(max=80)],
                           description=_l("Per unit of energy, e.g. ng-combustion-per-gj"))
    cff_electricity = StringField(_l("Factor code of the electricity replaced"),
                                  validators=[Length(max=80)])

    def __init__(self, *args, boundary="cradle-to-gate", end_of_life_method="cut-off",
                 custom_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._boundary = boundary
        self._end_of_life_method = end_of_life_method
        self._custom_units = custom_units or {}

    def load(self, data: dict) -> None:
        """Fill the form from a ProductSpec line (the inverse of spec_line)."""
        self.stage.data, self.name.data, self.unit.data = data["stage"], data["name"], data["unit"]
        self.kind.data = next(k for k in ("factor", "emission", "water") if data.get(k))
        {"factor": self.factor, "emission": self.gas,
         "water": self.water}[self.kind.data].data = data[self.kind.data]
        allocation = data.get("allocation") or {}
        self.allocated.data = bool(allocation)
        self.amount.data = data.get("amount")
        self.annual_amount.data = allocation.get("annual_amount")
        self.allocation_basis.data = allocation.get("basis") or "units"
        self.product_quantity.data = allocation.get("product_quantity")
        self.plant_quantity.data = allocation.get("plant_quantity")
        self.units_per_year.data = allocation.get("units_per_year")
        cff = data.get("cff") or {}
        self.cff_used.data = bool(cff)
        for key in CFF_FIELDS:
            getattr(self, f"cff_{key}").data = cff.get(key)

    def reference(self) -> str:
        return {"factor": (self.factor.data or "").strip(), "emission": self.gas.data,
                "water": self.water.data}[self.kind.data]

    def spec_line(self) -> dict:
        data = {"stage": self.stage.data, "name": (self.name.data or "").strip(),
                "unit": (self.unit.data or "").strip(), self.kind.data: self.reference()}
        if self.allocated.data:
            data["allocation"] = {"annual_amount": self.annual_amount.data,
                                  "basis": self.allocation_basis.data,
                                  "product_quantity": self.product_quantity.data,
                                  "plant_quantity": self.plant_quantity.data,
                                  "units_per_year": self.units_per_year.data}
        else:
            data["amount"] = self.amount.data
        if self.cff_used.data:
            data["cff"] = {key: value for key in CFF_FIELDS
                           if (value := _given(getattr(self, f"cff_{key}").data)) is not None}
        return data

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        required = ([self.annual_amount, self.product_quantity, self.plant_quantity,
                     self.units_per_year] if self.allocated.data else [self.amount])
        missing = [f for f in required if f.data is None]
        for field in missing:
            field.errors.append(_l("This field is required."))
        if self.kind.data == "factor" and not self.reference():
            self.factor.errors.append(_l("This field is required."))
            return False
        if missing:
            return False
        try:
            check_spec_line(SpecLine.model_validate(self.spec_line()), self._boundary,
                            catalogue(), self._custom_units,
                            end_of_life_method=self._end_of_life_method)
        except PydanticError as exc:
            fallback = self.plant_quantity if self.allocated.data else self.amount
            for error in exc.errors():
                loc = error["loc"]
                name = f"cff_{loc[-1]}" if loc and loc[0] == "cff" else str(loc[-1]) if loc else ""
                field = getattr(self, name, None) or (self.cff_used if loc and loc[0] == "cff"
                                                      else fallback)
                field.errors.append(pydantic_message(error))
            return False
        except LineProblem as problem:
            field = {"reference": {"factor": self.factor, "emission": self.gas,
                                   "water": self.water}[self.kind.data],
                     "stage": self.stage, "unit": self.unit, "cff": self.cff_used}[problem.field]
            field.errors.append(error_message(problem))
            return False
        return True
