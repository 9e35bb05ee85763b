"""Notifications: who is told about each application and finding event (the table below, written
out from the requirement), that nobody else is, and each user's own list, count and marks."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from footprint.accounts import operations as accounts
from footprint.accounts.models import Organisation
from footprint.accounts.roles import Role
from footprint.audit.models import AuditEvent
from footprint.audit.operations import record, verify_database
from footprint.certs import findings, operations as ops
from footprint.notifications import operations as notifications
from footprint.notifications.models import Notification
from tests.certs.test_workflow import ITEM, PCF, attempt, in_state, world  # noqa: F401 (fixture)

APPLICANTS = {"applicant", "colleague"}  # the enabled applicants of the applying organisation

# (transition, by whom, from which state) -> who is told
CASES = [
    ("save_draft", "applicant", "draft", set()),
    ("submit", "applicant", "draft", {"evaluator", "decider"}),
    ("take", "evaluator", "submitted", APPLICANTS),
    ("request_changes", "evaluator", "in_evaluation", APPLICANTS),
    ("resubmit", "applicant", "changes_requested", {"evaluator"}),
    ("complete_evaluation", "evaluator", "in_evaluation", {"decider"}),
    ("approve", "decider", "decision_pending", APPLICANTS | {"evaluator"}),
    ("reject", "decider", "decision_pending", APPLICANTS | {"evaluator"}),
    ("withdraw", "applicant", "submitted", set()),  # nobody took it yet
    ("withdraw", "colleague", "in_evaluation", {"evaluator"}),
    ("raise_finding", "evaluator", "in_evaluation", APPLICANTS),
    ("answer_finding", "colleague", "in_evaluation", {"evaluator"}),
    ("close_finding", "evaluator", "in_evaluation", APPLICANTS),
    ("reopen_finding", "evaluator", "in_evaluation", APPLICANTS),
    ("escalate", None, "in_evaluation", APPLICANTS),
]


@pytest.fixture
def people(world):  # noqa: F811
    """The workflow tests' world, and around it whoever must not be told: an enabled and a
    disabled colleague of the applicant, a disabled certifier of the certification body; the
    applicant of another organisation ("stranger"), a certifier inside the applying organisation
    ("own_certifier") and the admin are already there."""
    session, users = world["session"], world["users"]
    applying = session.get(Organisation, users["applicant"].organisation_id)
    body = session.get(Organisation, users["evaluator"].organisation_id)
    for name, organisation, role in (("colleague", applying, Role.APPLICANT),
                                     ("disabled_colleague", applying, Role.APPLICANT),
                                     ("disabled_certifier", body, Role.CERTIFIER)):
        users[name] = accounts.create_user(session, organisation=organisation, name=name,
                                           email=f"{name}@x.cn", password="correct horse 1",
                                           role=role)
    for name in ("disabled_colleague", "disabled_certifier"):
        accounts.set_enabled(session, users[name], False, actor=users["admin"])
    session.commit()
    return world


def act(w, transition: str, actor: str | None):
    """Make the transition on an application brought to the state; returns the event."""
    s, u = w["session"], w["users"]
    if transition == "escalate":
        application = w["application"]
        findings.raise_finding(s, u["evaluator"], application, criteria=PCF, item_id=ITEM,
                               kind="minor", text="late", due_date=date.today() - timedelta(1))
        assert len(findings.escalate_overdue(s, date.today())) == 1
    else:
        attempt(w, transition, u[actor], w["application"], w["finding"])
    s.commit()
    # the transition's event: an approval's certificate issuance follows it
    return s.exec(select(AuditEvent).where(AuditEvent.object_type != "certificate")
                  .order_by(AuditEvent.id.desc())).first()


def told(w, event: AuditEvent) -> set[str]:
    names = {user.id: name for name, user in w["users"].items()}
    return {names[n.user_id] for n in w["session"].exec(
        select(Notification).where(Notification.audit_event_id == event.id))}


@pytest.mark.parametrize("transition, actor, state, expected", CASES,
                         ids=[f"{c[0]}-by-{c[1]}-from-{c[2]}" for c in CASES])
def test_each_event_tells_the_users_it_concerns_and_nobody_else(people, transition, actor,
                                                                 state, expected):
    people["application"], people["finding"] = in_state(people, state)
    event = act(people, transition, actor)
    assert event.action.split(".")[1] in transition  # the event of this transition
    assert told(people, event) == expected


def test_every_action_that_notifies_is_in_the_table_above():
    """Certificates' actions are tested in tests/certificates/test_lifecycle.py."""
    actions = {f"finding.{t.removesuffix('_finding')}" if t.endswith("_finding") or t == "escalate"
               else f"application.{t}" for t, _, _, expected in CASES if expected}
    assert actions == {a for a in notifications.AUDIENCES if not a.startswith("certificate.")}


def test_a_notification_links_to_the_latest_version_of_the_application(people):
    s, u = people["session"], people["users"]
    application, finding = in_state(people, "superseded")  # resubmitted: version 2 is current
    findings.close_finding(s, u["evaluator"], finding)  # raised on version 1
    s.commit()
    latest = ops.latest_version(s, application)
    assert latest.id != application.id
    event = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, told(people, event)) == ("finding.close", APPLICANTS)
    assert {n.application_id for n in s.exec(select(Notification).where(
        Notification.audit_event_id == event.id))} == {latest.id}


def test_the_actor_is_never_told_even_when_of_the_audience(people):
    s, u = people["session"], people["users"]
    application, finding = in_state(people, "in_evaluation")
    # an applicant's event that tells the applicants (not one the workflow makes)
    event = record(s, actor=u["applicant"], action="finding.close", obj=finding,
                   organisation_id=application.organisation_id)
    assert told(people, event) == {"colleague"}


def test_the_evaluator_is_not_asked_to_decide_whoever_completed_the_evaluation(people):
    s, u = people["session"], people["users"]
    application, _ = in_state(people, "in_evaluation")
    # without an actor: the evaluator is left out as the evaluator, not as the actor
    event = record(s, actor=None, action="application.complete_evaluation", obj=application)
    assert told(people, event) == {"decider"}


def test_a_disabled_evaluator_is_not_told(people):
    s, u = people["session"], people["users"]
    people["application"], people["finding"] = in_state(people, "in_evaluation")
    accounts.set_enabled(s, u["evaluator"], False, actor=u["admin"])
    assert told(people, act(people, "answer_finding", "applicant")) == set()


def test_events_not_about_applications_tell_nobody_and_the_chain_still_verifies(people):
    s, u = people["session"], people["users"]
    in_state(people, "approved")  # every application event on the way
    events = s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    notified = set(s.exec(select(Notification.audit_event_id)))
    other = [e.action for e in events if not e.action.startswith(("application.", "finding."))]
    assert other and not notified & {e.id for e in events
                                     if not e.action.startswith(("application.", "finding."))}
    assert {e.action for e in events if e.id in notified} == {
        "application.submit", "application.take", "finding.raise", "finding.answer",
        "application.complete_evaluation", "application.approve"}
    for name in ("stranger", "admin", "own_certifier", "disabled_colleague",
                 "disabled_certifier"):
        assert notifications.unread_count(s, u[name]) == 0, name
    assert verify_database(s).intact


# --- one user's notifications ------------------------------------------------------------------

def test_count_list_and_marks_are_each_users_own(people, monkeypatch):
    s, u = people["session"], people["users"]
    # applicants: take, raise, approve; the evaluator: submit, answer, approve
    in_state(people, "approved")
    applicant, colleague, evaluator = u["applicant"], u["colleague"], u["evaluator"]
    assert [notifications.unread_count(s, x) for x in (applicant, colleague, evaluator)] == [
        3, 3, 3]
    monkeypatch.setattr(notifications, "PAGE_SIZE", 2)
    first, second = (notifications.notifications_of(s, applicant, page) for page in (1, 2))
    actions = [e.action for _, e in first.items + second.items]
    assert actions == ["application.approve", "finding.raise", "application.take"]  # newest first
    assert (first.has_next, second.has_next) == (True, False)
    assert all(n.user_id == applicant.id for n, _ in first.items + second.items)
    newest = first.items[0][0]
    theirs = notifications.notifications_of(s, colleague).items[0][0]
    # another user's id is ignored, and found by nobody else
    assert notifications.mark_read(s, applicant, [theirs.id]) == 0
    assert notifications.notification_of(s, applicant, theirs.id) is None
    assert notifications.mark_read(s, applicant, [newest.id]) == 1
    assert notifications.unread_count(s, applicant) == 2
    assert notifications.mark_read(s, applicant, notifications.ALL) == 2
    assert [notifications.unread_count(s, x) for x in (applicant, colleague, evaluator)] == [
        0, 3, 3]
    assert s.get(Notification, newest.id).read_dt is not None
    assert s.get(Notification, theirs.id).read_dt is None


def test_a_page_number_beyond_any_row_is_an_empty_page(people):
    s, u = people["session"], people["users"]
    in_state(people, "in_evaluation")
    for page in (2, 10**30):
        listing = notifications.notifications_of(s, u["applicant"], page)
        assert (listing.items, listing.has_next) == ([], False)
    assert s.exec(select(func.count()).select_from(Notification)).one() > 0
