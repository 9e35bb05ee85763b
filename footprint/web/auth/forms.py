from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ...accounts import credit_code
from ...accounts.operations import MIN_PASSWORD_LENGTH
from ..labels import error_message

CREDIT_CODE_PROBLEMS = {
    "must be 18 characters": _l("must be 18 characters"),
    "contains a character that a credit code cannot have":
        _l("contains a character that a credit code cannot have"),
    "check character does not match": _l("check character does not match"),
}

def valid_credit_code(form, field):
    problem = credit_code.problem(field.data or "")
    if problem:
        raise ValidationError(error_message(problem))


class SignupForm(FlaskForm):
    company = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    credit_code = StringField(_l("Unified social credit code"),
                              validators=[DataRequired(), valid_credit_code],
                              description=_l("18 characters, as on the business licence"))
    address = StringField(_l("Address"), validators=[Length(max=300)])
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(), EqualTo("password", message=_l("Passwords do not match"))])


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])
    confirm = PasswordField(_l("Repeat new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("Passwords do not match"))])
