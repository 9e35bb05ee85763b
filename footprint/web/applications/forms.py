"""Forms of the application pages. The answers form is generated from the criteria: one answer,
value and comment per item, named "<item id>__answer" and so on."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, HiddenField, IntegerField, RadioField, SelectField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...certs.criteria import Criteria, Item
from ...certs.operations import FIRST_SITE_YEAR
from ..fields import NumberField, plain
from .labels import ANSWER_LABELS, FINDING_KIND_LABELS

ANSWER_PARTS = ("answer", "value", "comment")
COMMENT_MAX = 2000


class LockForm(FlaskForm):
    """A transition without other input: only the version of the application it started from."""
    lock_version = HiddenField()


class NewApplicationForm(FlaskForm):
    criteria_key = SelectField(_l("Scheme and criteria"), validators=[DataRequired()])
    product_id = SelectField(_l("Product"), coerce=int, validators=[Optional()],
                             description=_l("Product schemes: the product to certify."))
    site_id = SelectField(_l("Site"), coerce=int, validators=[Optional()],
                          description=_l("Green factory: the site to certify."))
    site_year = IntegerField(_l("Year of site data"), validators=[
        Optional(), NumberRange(min=FIRST_SITE_YEAR, max=2100)],
        description=_l("Green factory: the year of annual data the site is judged on."))


def item_field_name(item_id: str, part: str) -> str:
    return f"{item_id}__{part}"


def answers_form(criteria: Criteria, *, assessments: list[tuple[int, str]] | None,
                 site_year: bool, formdata=None, data: dict | None = None) -> FlaskForm:
    """A form for the criteria's items. `assessments`: choices for a product scheme (None for a
    site scheme); `site_year`: whether the year of site data is asked."""

    class AnswersForm(FlaskForm):
        lock_version = HiddenField()

    if assessments is not None:
        AnswersForm.assessment_id = SelectField(
            _l("Assessment judged"), coerce=int, choices=[(0, "—"), *assessments],
            description=_l("A stored calculation of the product; its numbers fill the "
                           "indicators that come from the assessment."))
    if site_year:
        AnswersForm.site_year = IntegerField(_l("Year of site data"), validators=[
            Optional(), NumberRange(min=FIRST_SITE_YEAR, max=2100)])
    for item in criteria.items:
        for part, field in _item_fields(item).items():
            setattr(AnswersForm, item_field_name(item.id, part), field)
    return AnswersForm(formdata=formdata, data=data)


def _item_fields(item: Item) -> dict:
    fields = {}
    if item.kind != "indicator":
        choices = [("", "—"), ("yes", ANSWER_LABELS["yes"]), ("no", ANSWER_LABELS["no"])]
        if item.na_allowed:
            choices.append(("na", ANSWER_LABELS["na"]))
        fields["answer"] = SelectField(_l("Answer"), choices=choices, validators=[Optional()])
    if item.kind == "indicator" or item.unit:
        fields["value"] = NumberField(_l("Value"), validators=[Optional()])
    fields["comment"] = TextAreaField(_l("Comment"), validators=[Length(max=COMMENT_MAX)])
    return fields


def form_data(answers: dict) -> dict:
    """Stored answers as the form's data."""
    data = {}
    for item_id, entry in (answers or {}).items():
        for part in ANSWER_PARTS:
            value = entry.get(part)
            if value is not None:
                data[item_field_name(item_id, part)] = plain(value) if part == "value" else value
    return data


def answers_of(form, criteria: Criteria) -> dict:
    """The answers the form holds: only the items with something given."""
    answers = {}
    for item in criteria.items:
        entry = {}
        for part in ANSWER_PARTS:
            field = form._fields.get(item_field_name(item.id, part))
            value = field.data if field is not None else None
            if value not in (None, ""):
                entry[part] = value.strip() if isinstance(value, str) else value
        if entry:
            answers[item.id] = entry
    return answers


class FindingForm(FlaskForm):
    lock_version = HiddenField()
    item_id = SelectField(_l("Criterion"), validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=list(FINDING_KIND_LABELS.items()),
                       validators=[DataRequired()])
    text = TextAreaField(_l("Finding"), validators=[DataRequired(), Length(max=4000)])
    due_date = DateField(_l("Answer due by"), validators=[Optional()],
                         description=_l("Nonconformities only."))


class FindingAnswerForm(FlaskForm):
    lock_version = HiddenField()
    answer = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=4000)])


class DecisionForm(FlaskForm):
    lock_version = HiddenField()
    decision = RadioField(_l("Decision"), choices=[("approve", _l("Approve")),
                                                   ("reject", _l("Reject"))],
                          validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=4000)])
