from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from ...accounts.operations import MIN_PASSWORD_LENGTH
from ...accounts.roles import Role
from ..labels import ROLE_LABELS
from ..auth.forms import valid_credit_code


class StaffUserForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[(role.value, ROLE_LABELS[role])
                                            for role in (Role.CERTIFIER, Role.ADMIN)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Initial password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])
    organisation_id = SelectField(_l("Organisation"), coerce=int,
                                  description=_l("Or register a new certification body below"))
    new_organisation = StringField(_l("New certification body"), validators=[Length(max=200)])
    new_credit_code = StringField(_l("Its unified social credit code"),
                                  validators=[Optional(), valid_credit_code])


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])
