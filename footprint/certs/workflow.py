"""The application workflow as a table: who may make which transition from which state.

The operations (operations.py, findings.py) call `check` before changing anything, so the rule is
written once and the refusal codes are the same everywhere. Checks run in a fixed order, so one
refused attempt always names the same rule: the actor's role, then the organisation, then the
state, then the rules about which certifier (evaluator, decider).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..accounts.roles import Role
from ..errors import NotAllowed
from .models import Application, ApplicationState as S


class Who(StrEnum):
    APPLICANT = "applicant"  # a user of the applying organisation
    CERTIFIER = "certifier"  # any certifier of another organisation
    EVALUATOR = "evaluator"  # the certifier who took the application
    DECIDER = "decider"  # a certifier who is not the evaluator (ISO/IEC 17065 impartiality)


@dataclass(frozen=True)
class Rule:
    who: Who
    states: frozenset[S]  # the states it may start from
    to: S | None  # the state it ends in (None: unchanged; findings)


BEFORE_DECISION = frozenset({S.DRAFT, S.SUBMITTED, S.IN_EVALUATION, S.CHANGES_REQUESTED,
                             S.DECISION_PENDING})

RULES: dict[str, Rule] = {
    "save_draft": Rule(Who.APPLICANT, frozenset({S.DRAFT}), S.DRAFT),
    "submit": Rule(Who.APPLICANT, frozenset({S.DRAFT}), S.SUBMITTED),
    "take": Rule(Who.CERTIFIER, frozenset({S.SUBMITTED}), S.IN_EVALUATION),
    "request_changes": Rule(Who.EVALUATOR, frozenset({S.IN_EVALUATION}), S.CHANGES_REQUESTED),
    # the old version becomes superseded; the new one starts in evaluation
    "resubmit": Rule(Who.APPLICANT, frozenset({S.CHANGES_REQUESTED}), S.SUPERSEDED),
    "complete_evaluation": Rule(Who.EVALUATOR, frozenset({S.IN_EVALUATION}),
                                S.DECISION_PENDING),
    "approve": Rule(Who.DECIDER, frozenset({S.DECISION_PENDING}), S.APPROVED),
    "reject": Rule(Who.DECIDER, frozenset({S.DECISION_PENDING}), S.REJECTED),
    "withdraw": Rule(Who.APPLICANT, BEFORE_DECISION, S.WITHDRAWN),
    # Findings: raised and reopened during the evaluation; answered while the application is
    # with certifiers after a first look; closed also while the decision is pending, so that a
    # minor that became major when overdue can be closed once answered.
    "raise_finding": Rule(Who.EVALUATOR, frozenset({S.IN_EVALUATION}), None),
    "answer_finding": Rule(Who.APPLICANT, frozenset({S.IN_EVALUATION, S.CHANGES_REQUESTED,
                                                     S.DECISION_PENDING}), None),
    "close_finding": Rule(Who.EVALUATOR, frozenset({S.IN_EVALUATION, S.DECISION_PENDING}), None),
    "reopen_finding": Rule(Who.EVALUATOR, frozenset({S.IN_EVALUATION}), None),
}


def refuse(code: str, message: str, **params) -> NotAllowed:
    return NotAllowed(message, code=code, **params)


def check(transition: str, actor, application: Application) -> Rule:
    """The rule of the transition, or NotAllowed naming the rule the actor breaks."""
    rule = RULES[transition]
    role = Role.APPLICANT if rule.who == Who.APPLICANT else Role.CERTIFIER
    if actor is None or not actor.is_enabled:
        raise refuse("disabled", "no enabled user")
    if actor.role != role:
        raise refuse("wrong_role", f"only a {role} may {transition.replace('_', ' ')}",
                     role=str(role), transition=transition)
    own = actor.organisation_id == application.organisation_id
    if role == Role.APPLICANT and not own:
        raise refuse("other_organisation", "this application is another organisation's")
    if role == Role.CERTIFIER and own:
        raise refuse("own_organisation", "a certifier never handles an application of their "
                     "own organisation")
    if application.state not in rule.states:
        raise refuse("wrong_state", f"not possible while the application is "
                     f"{application.state.replace('_', ' ')}", state=str(application.state),
                     transition=transition)
    if rule.who == Who.EVALUATOR and actor.id != application.evaluator_id:
        raise refuse("not_evaluator", "only the certifier evaluating this application may do "
                     "this")
    if rule.who == Who.DECIDER and actor.id == application.evaluator_id:
        raise refuse("decider_is_evaluator", "the certifier who evaluated this application "
                     "may not decide it")
    return rule
