"""Forms of the evidence routes: they check the CSRF token and that a file came."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired


class FindingEvidenceForm(FlaskForm):
    file = FileField(validators=[FileRequired()])


class EvidenceForm(FindingEvidenceForm):
    item_id = HiddenField(validators=[DataRequired()])


class RemoveEvidenceForm(FlaskForm):
    """Only the CSRF token."""
