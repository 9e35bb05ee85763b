from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

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
