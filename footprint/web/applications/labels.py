"""The words of certification in the user's language: states, schemes, answers, finding kinds,
audit actions, workflow refusals and the reasons on score sheets and pre-checks (by code, with
the params stored beside them)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..formatting import precise

STATE_LABELS = {
    "draft": _l("Draft"), "submitted": _l("Submitted"), "in_evaluation": _l("In evaluation"),
    "changes_requested": _l("Changes requested"), "decision_pending": _l("Decision pending"),
    "approved": _l("Approved"), "rejected": _l("Rejected"), "withdrawn": _l("Withdrawn"),
    "superseded": _l("Superseded by a resubmission"),
}
SCHEME_LABELS = {
    "pcf-verification": _l("Product carbon footprint (ISO 14067 / GB/T 24067)"),
    "green-design": _l("Green-design product (GB/T 32161)"),
    "green-factory": _l("Green factory (GB/T 36132)"),
}
ANSWER_LABELS = {"yes": _l("Yes"), "no": _l("No"), "na": _l("Not applicable")}
FINDING_KIND_LABELS = {"observation": _l("Observation"), "minor": _l("Minor nonconformity"),
                       "major": _l("Major nonconformity")}
FINDING_STATE_LABELS = {"open": _l("Open"), "answered": _l("Answered"), "closed": _l("Closed")}
ITEM_KIND_LABELS = {"checklist": _l("checklist"), "baseline": _l("baseline requirement"),
                    "veto": _l("basic requirement (veto)"), "required": _l("required"),
                    "optional": _l("optional"), "indicator": _l("indicator")}
ACTION_LABELS = {
    "application.create": _l("created the application"),
    "application.save": _l("saved the draft"),
    "application.submit": _l("submitted"),
    "application.take": _l("took the application for evaluation"),
    "application.request_changes": _l("requested changes"),
    "application.resubmit": _l("resubmitted a new version"),
    "application.complete_evaluation": _l("completed the evaluation"),
    "application.approve": _l("approved"),
    "application.reject": _l("rejected"),
    "application.withdraw": _l("withdrew the application"),
    "finding.raise": _l("raised a finding"),
    "finding.answer": _l("answered a finding"),
    "finding.close": _l("closed a finding"),
    "finding.reopen": _l("reopened a finding"),
    "finding.escalate": _l("made an overdue minor finding major"),
    "evidence.add": _l("attached evidence"),
    "evidence.remove": _l("removed evidence"),
}
WORKFLOW_MESSAGES = {
    "disabled": _l("Your account is disabled."),
    "wrong_role": _l("Your role cannot do this."),
    "other_organisation": _l("This application is another organisation's."),
    "own_organisation": _l("A certifier never handles an application of their own "
                           "organisation."),
    "wrong_state": _l("Not possible while the application is in this state."),
    "wrong_finding_state": _l("Not possible while the finding is in this state."),
    "not_evaluator": _l("Only the certifier evaluating this application may do this."),
    "decider_is_evaluator": _l("The certifier who evaluated this application may not decide "
                               "it: another certifier decides."),
    "open_major_finding": _l("A major nonconformity is still open: it must be closed first."),
    "assessment_required": _l("A product scheme needs a stored assessment: calculate the "
                              "product and choose the assessment."),
    "site_year_required": _l("Choose the year of site data the application is judged on."),
    "changed_meanwhile": _l("Someone else acted on this application meanwhile; nothing was "
                            "changed. The page now shows its current state."),
}
# The reasons of score sheets and pre-checks; %(name)s placeholders, numbers formatted first.
REASON_MESSAGES = {
    "met": _l("met (answered yes)"),
    "not_met": _l("not met (answered no)"),
    "not_applicable": _l("not applicable"),
    "na_not_allowed": _l("'not applicable' is not accepted for this item"),
    "unanswered": _l("not answered"),
    "benchmark_met": _l("%(value)s %(unit)s meets the benchmark (%(direction)s %(benchmark)s)"),
    "benchmark_missed": _l("%(value)s %(unit)s misses the benchmark (%(direction)s "
                           "%(benchmark)s)"),
    "no_value": _l("no value given"),
    "no_value_from_assessment": _l("no value: neither the assessment (%(key)s) nor the answer "
                                   "gives one"),
    "missing_annual_data": _l("cannot be computed: annual data missing (%(fields)s)"),
    "zero_denominator": _l("cannot be computed: %(fields)s is zero"),
    "no_better_than_benchmark": _l("%(value)s %(unit)s is no better than the benchmark "
                                   "%(benchmark)s: 0 of %(max)s points"),
    "leading_reached": _l("%(value)s %(unit)s reaches the leading value %(leading)s: "
                          "%(max)s of %(max)s points"),
    "interpolated": _l("%(value)s %(unit)s lies %(fraction)s of the way from the benchmark "
                       "%(benchmark)s to the leading value %(leading)s: %(points)s of %(max)s "
                       "points"),
    "veto_failed": _l("basic requirement %(item)s not met"),
    "baseline_failed": _l("baseline requirement %(item)s not met"),
    "required_failed": _l("required item %(item)s not met"),
    "benchmark_failed": _l("indicator %(item)s does not meet its benchmark"),
    "no_assessment": _l("no LCA assessment: the scheme qualifies a product only with one"),
    "below_pass_score": _l("total %(total)s is below the pass score %(pass_score)s"),
    "functional_unit_differs": _l("the assessment is per '%(assessment)s', the criteria per "
                                  "'%(criteria)s': check the values are comparable"),
    "answer_missing": _l("item %(item)s: no answer"),
    "value_missing": _l("item %(item)s: no value"),
    "annual_data_missing": _l("item %(item)s: annual site data missing (%(fields)s)"),
    "evidence_missing": _l("item %(item)s: no evidence attached, and the item asks for it"),
    "excluded_share_missing": _l("item %(item)s: the excluded share of the result is not "
                                 "given"),
    "excluded_share_high": _l("item %(item)s: the cut-off leaves out %(value)s %% of the "
                              "result (more than %(limit)s %%)"),
    "functional_unit_missing": _l("the assessment states no functional unit"),
    "boundary_missing": _l("the assessment states no system boundary"),
    "line_zero_amount": _l("line %(line)s (%(name)s) has an amount of zero"),
    "line_dominates": _l("line %(line)s (%(name)s) carries %(percent)s %% of the total: check "
                         "its amount and unit"),
    "supplier_factor_without_source": _l("supplier factor %(code)s names no source"),
    "factor_old": _l("factor row %(code)s (lines %(lines)s) dates from %(year)s, more than "
                     "%(max_age)s years before the assessment"),
    "factor_to_recheck": _l("factor row %(code)s (lines %(lines)s) is a transcription "
                            "(%(confidence)s): re-check it against its source"),
}


DIRECTION_SYMBOLS = {"at most": "≤", "at least": "≥"}


def reason_text(reason: dict) -> str:
    """A stored reason ({code, params, message}) in the user's language; a code this version
    does not know shows the English message stored with it."""
    template = REASON_MESSAGES.get(reason.get("code"))
    if template is None:
        return str(reason.get("message") or reason.get("code"))
    params = {key: precise(value) if isinstance(value, float) else value
              for key, value in (reason.get("params") or {}).items()}
    if "direction" in params:  # stored as English words ("at most"): shown as a symbol
        params["direction"] = DIRECTION_SYMBOLS.get(params["direction"], params["direction"])
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(reason.get("message") or reason.get("code"))


def context() -> dict:
    return {"state_labels": STATE_LABELS, "scheme_labels": SCHEME_LABELS,
            "answer_labels": ANSWER_LABELS, "finding_kind_labels": FINDING_KIND_LABELS,
            "finding_state_labels": FINDING_STATE_LABELS, "item_kind_labels": ITEM_KIND_LABELS,
            "action_labels": ACTION_LABELS, "reason_text": reason_text}
