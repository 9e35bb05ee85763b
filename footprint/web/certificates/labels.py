"""The words of the certificate lifecycle in the user's language: statuses, history actions and
why an operation was refused (by code, with the params stored beside it)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..labels import error_message

CERTIFICATE_STATUS_LABELS = {
    "valid": _l("Valid"), "suspended": _l("Suspended"), "withdrawn": _l("Withdrawn"),
    "superseded": _l("Superseded"), "expired": _l("Expired"),
}
CERTIFICATE_ACTION_LABELS = {
    "certificate.issue": _l("issued the certificate"),
    "certificate.correct": _l("issued the certificate as a correction"),
    "certificate.suspend": _l("suspended the certificate"),
    "certificate.restore": _l("restored the certificate"),
    "certificate.withdraw": _l("withdrew the certificate"),
    "certificate.supersede": _l("superseded the certificate by a renewal or correction"),
    "certificate.lapse": _l("withdrew the certificate: the suspension was not lifted in time"),
    "certificate.surveillance": _l("recorded the yearly surveillance"),
}
LIFECYCLE_MESSAGES = {
    "disabled": _l("Your account is disabled."),
    "wrong_role": _l("Your role cannot do this."),
    "own_organisation": _l("A certifier never handles a certificate of their own "
                           "organisation."),
    "wrong_state": _l("Not possible while the certificate has this status."),
    "restore_deadline_passed": _l("The suspension could be lifted up to %(restore_until)s only."),
    "no_surveillance_due": _l("No surveillance is due before this certificate ends: renewal "
                              "comes next."),
    "changed_meanwhile": _l("Someone else changed this certificate meanwhile; nothing was "
                            "changed. The page now shows its current status."),
    "reason_required": _l("Give the reason."),
    "outcome_note_required": _l("Describe the outcome of the surveillance."),
    "restore_days_out_of_range": _l("From 1 to %(max)s days."),
    "text_too_long": _l("At most %(max)s characters."),
    "not_approved": _l("Only an approved application gets a certificate."),
}


def lifecycle_message(error) -> str:
    """A refusal or input error of footprint.certificates.lifecycle, found by its code."""
    template = LIFECYCLE_MESSAGES.get(error.code)
    return str(template) % error.params if template is not None else error_message(error)


def context() -> dict:
    return {"certificate_status_labels": CERTIFICATE_STATUS_LABELS,
            "certificate_action_labels": CERTIFICATE_ACTION_LABELS}
