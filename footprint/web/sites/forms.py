from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ...certs.annual_data import FIELDS
from ...lca.dataset import load_grid_regions
from ..fields import NumberField


def grid_region_choices() -> list[tuple[str, str]]:
    chinese = str(get_locale()).startswith("zh")
    return [(r.code, r.name_zh if chinese else r.name_en) for r in load_grid_regions().values()]


class SiteForm(FlaskForm):
    name = StringField(_l("Site name"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    grid_region = SelectField(_l("Grid region"), validators=[DataRequired()],
                              description=_l("Sets the water-scarcity (AWARE) region of the site. "
                                             "Product footprints use the national life-cycle "
                                             "grid factor in every region, because no "
                                             "provincial life-cycle factor is published; the "
                                             "region's CO2-only factor is shown for information."))
    annual_output = NumberField(_l("Annual output"), sign="non_negative",
                                validators=[Optional()])
    output_unit = StringField(_l("Output unit"), default="piece",
                              validators=[Length(max=30)])
    land_area_m2 = NumberField(_l("Land area (m²)"), sign="non_negative",
                               validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid_region.choices = grid_region_choices()


class SiteYearForm(FlaskForm):
    """A site's annual data of one year: one NumberField per annual_data.FIELDS entry, labelled
    with its translated meaning and unit, the Chinese statistical term below it. An empty field
    is "not given" (never 0). Fields are added below, in the order of FIELDS."""

    def annual_data(self) -> dict[str, float]:
        return {name: self[name].data for name in FIELDS if self[name].data is not None}


for _name, _field in FIELDS.items():
    # The meanings are marked with N_ in annual_data (a module without Flask) and translated here.
    setattr(SiteYearForm, _name, NumberField(
        _l("%(meaning)s (%(unit)s)", meaning=_l(_field.meaning), unit=_field.unit),
        sign="non_negative", validators=[Optional()], description=_field.term))


class NewYearForm(FlaskForm):
    year = SelectField(_l("Year"), coerce=int, validators=[DataRequired()])

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = [(year, str(year)) for year in years]
