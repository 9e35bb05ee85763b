"""Forms of the certificate management page. Each is posted with the lock_version the page was
loaded with (a plain hidden "lock_version", read by fields.posted_lock_version), so acting on a
page someone else changed meanwhile is refused, not applied."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...certificates.lifecycle import MAX_RESTORE_DAYS, REASON_MAX


class ReasonForm(FlaskForm):
    """Restore, withdraw, correct: the reason, kept with the status and in the history."""
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_MAX)])


class SuspendForm(ReasonForm):
    restore_days = IntegerField(
        _l("Days to restore it in"), validators=[Optional(),
                                                  NumberRange(min=1, max=MAX_RESTORE_DAYS)],
        description=_l("Unless restored by then, it is withdrawn. Empty: the platform's "
                       "default."))


class SurveillanceForm(FlaskForm):
    outcome_note = TextAreaField(_l("Outcome of the surveillance"),
                                 validators=[DataRequired(), Length(max=REASON_MAX)])
