from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
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


class PublishCriteriaForm(FlaskForm):
    source = TextAreaField(_l("Criteria (YAML)"), render_kw={"rows": 30, "spellcheck": "false",
                                                             "class": "code"},
                           description=_l("Edit a copy of a version and give it a new, higher "
                                          "version, e.g. 2025.2 after 2025.1."))
    upload = FileField(_l("Or upload a YAML file"), render_kw={"accept": ".yaml,.yml"},
                       description=_l("A chosen file is published instead of the text above."))

    def criteria_text(self) -> str | None:
        """The chosen file's text, else the typed text; None, with the error on the form, when
        there is neither or the file is not UTF-8 text."""
        if self.upload.data is not None:
            try:
                return self.upload.data.read().decode("utf-8")
            except UnicodeDecodeError:
                self.upload.errors = [_l("must be UTF-8 text")]
                return None
        if not (self.source.data or "").strip():
            self.source.errors = [_l("Paste the criteria or choose a file.")]
            return None
        # Browsers send a textarea's line breaks as CRLF: the text is kept as it was typed.
        return self.source.data.replace("\r\n", "\n")
