"""The application workflow: every (state, transition, actor) against the table below, and the
rules the table cannot show (impartiality, open major findings, simultaneous decisions,
resubmission, overdue findings)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from footprint.accounts import operations as accounts
from footprint.accounts.models import Organisation, User
from footprint.accounts.roles import OrganisationKind, Role
from footprint.assessments.models import Assessment
from footprint.audit.models import AuditEvent
from footprint.audit.operations import events_of, record, verify_database
from footprint.certs import findings, operations as ops
from footprint.certs.criteria import load_all
from footprint.certs.models import Application, Finding
from footprint.config import CRITERIA_DIR
from footprint.errors import ChangedMeanwhile, InputError, NotAllowed
from footprint.products import operations as products
from tests.helpers import credit_code

CRITERIA = load_all(CRITERIA_DIR)
PCF = CRITERIA["pcf-verification/2025.1"]
FACTORY = CRITERIA["green-factory/2025.1"]
ITEM = PCF.items[0].id

# The specification, written out: who may make each transition, and from which states.
BEFORE_DECISION = {"draft", "submitted", "in_evaluation", "changes_requested",
                   "decision_pending"}
SPEC = {
    "save_draft": ("applicant", {"draft"}),
    "submit": ("applicant", {"draft"}),
    "take": ("certifier", {"submitted"}),
    "request_changes": ("evaluator", {"in_evaluation"}),
    "resubmit": ("applicant", {"changes_requested"}),
    "complete_evaluation": ("evaluator", {"in_evaluation"}),
    "approve": ("decider", {"decision_pending"}),
    "reject": ("decider", {"decision_pending"}),
    "withdraw": ("applicant", BEFORE_DECISION),
    "raise_finding": ("evaluator", {"in_evaluation"}),
    "answer_finding": ("applicant", {"in_evaluation", "changes_requested", "decision_pending"}),
    "close_finding": ("evaluator", {"in_evaluation", "decision_pending"}),
    "reopen_finding": ("evaluator", {"in_evaluation"}),
}
# The state an allowed transition leaves the application in (resubmit: the old version).
AFTER = {"save_draft": "draft", "submit": "submitted", "take": "in_evaluation",
         "request_changes": "changes_requested", "resubmit": "superseded",
         "complete_evaluation": "decision_pending", "approve": "approved", "reject": "rejected",
         "withdraw": "withdrawn"}
STATES = ["draft", "submitted", "in_evaluation", "changes_requested", "decision_pending",
          "approved", "rejected", "withdrawn", "superseded"]
# actor -> (role, of the applying organisation?)
ACTORS = {"applicant": ("applicant", True), "stranger": ("applicant", False),
          "evaluator": ("certifier", False), "decider": ("certifier", False),
          "own_certifier": ("certifier", True), "admin": ("admin", False)}


def expected(actor: str, state: str, transition: str) -> str | None:
    """The refusal code, or None when the move is allowed. The rules are checked in this order:
    role, organisation, state, which certifier."""
    who, states = SPEC[transition]
    role, own = ACTORS[actor]
    if role != ("applicant" if who == "applicant" else "certifier"):
        return "wrong_role"
    if who == "applicant" and not own:
        return "other_organisation"
    if who != "applicant" and own:
        return "own_organisation"
    if state not in states:
        return "wrong_state"
    if who == "evaluator" and actor != "evaluator":
        return "not_evaluator"
    if who == "decider" and actor == "evaluator":
        return "decider_is_evaluator"
    return None


@pytest.fixture
def world(db_session):
    """An applicant with a product and its stored assessment, an applicant of another
    organisation, two certifiers of one certification body, a certifier inside the applying
    organisation (never made by the accounts operations: the rule is checked anyway) and an
    admin."""
    session = db_session
    users = {}
    for n, (name, kind) in enumerate([("applicant", OrganisationKind.MANUFACTURER),
                                      ("stranger", OrganisationKind.MANUFACTURER),
                                      ("evaluator", OrganisationKind.CERTIFICATION_BODY),
                                      ("admin", OrganisationKind.PLATFORM)], start=1):
        users[name] = accounts.register_organisation(
            session, name=name, credit_code=credit_code(n), address="", user_name=name,
            email=f"{name}@x.cn", password="correct horse 1", kind=kind)
    body = users["evaluator"].organisation_id
    users["decider"] = accounts.create_user(
        session, organisation=session.get(Organisation, body), name="decider",
        email="decider@x.cn", password="correct horse 1", role=Role.CERTIFIER)
    users["own_certifier"] = User(organisation_id=users["applicant"].organisation_id,
                                  email="own@x.cn", name="own", password_hash="x",
                                  role=Role.CERTIFIER)
    session.add(users["own_certifier"])
    applicant = users["applicant"]
    site = accounts.save_site(session, applicant, {"name": "s", "grid_region": "CN-CQ"},
                              organisation_id=applicant.organisation_id)
    product = products.create_product(session, applicant,
                                      organisation_id=applicant.organisation_id,
                                      data={"name": "p", "boundary": "cradle-to-gate",
                                            "functional_unit": "1 piece", "site_id": site.id})
    assessments = [assessment_of(session, applicant, product) for _ in range(2)]
    session.commit()
    return {"session": session, "users": users, "product": product, "site": site,
            "assessments": assessments}


def assessment_of(session, user, product) -> Assessment:
    # Stored directly: running Brightway is not what these tests are about.
    assessment = Assessment(organisation_id=user.organisation_id, product_id=product.id,
                            user_id=user.id, spec={}, result={}, dataset_version="x",
                            carbon_total=0, water_consumption_m3=0, content_hash="")
    session.add(assessment)
    session.flush()
    # with its creation event, as run_assessment records it (audit verify checks for it)
    record(session, actor=user, action="assessment.create", obj=assessment,
           after={"product_id": product.id})
    return assessment


def in_state(w, state: str) -> tuple[Application, Finding | None]:
    """An application brought to `state` through the operations; from in_evaluation on it has
    an answered minor finding (so that every finding transition has something to work on)."""
    s, u = w["session"], w["users"]
    application = ops.create_draft(s, u["applicant"], criteria=PCF, product=w["product"])
    ops.save_draft(s, u["applicant"], application, criteria=PCF, answers={ITEM: {"answer": "yes"}},
                   assessment_id=w["assessments"][0].id)
    finding = None
    if state != "draft":
        ops.submit(s, u["applicant"], application, criteria=PCF)
    if state not in ("draft", "submitted"):
        ops.take(s, u["evaluator"], application)
        finding = findings.raise_finding(s, u["evaluator"], application, criteria=PCF,
                                         item_id=ITEM, kind="minor", text="unclear",
                                         due_date=date.today() + timedelta(days=30))
        findings.answer_finding(s, u["applicant"], finding, answer="see page 3")
    if state in ("changes_requested", "superseded"):
        ops.request_changes(s, u["evaluator"], application)
    if state == "superseded":
        ops.resubmit(s, u["applicant"], application, criteria=PCF)
    if state in ("decision_pending", "approved", "rejected"):
        ops.complete_evaluation(s, u["evaluator"], application)
    if state in ("approved", "rejected"):
        ops.decide(s, u["decider"], application, approve=state == "approved", reason="r")
    if state == "withdrawn":
        ops.withdraw(s, u["applicant"], application)
    s.commit()
    assert application.state == state
    return application, finding


def attempt(w, transition: str, actor, application: Application, finding: Finding | None):
    s = w["session"]
    calls = {
        "save_draft": lambda: ops.save_draft(s, actor, application, criteria=PCF, answers={},
                                             assessment_id=w["assessments"][1].id),
        "submit": lambda: ops.submit(s, actor, application, criteria=PCF),
        "take": lambda: ops.take(s, actor, application),
        "request_changes": lambda: ops.request_changes(s, actor, application),
        "resubmit": lambda: ops.resubmit(s, actor, application, criteria=PCF, answers={}),
        "complete_evaluation": lambda: ops.complete_evaluation(s, actor, application),
        "approve": lambda: ops.decide(s, actor, application, approve=True, reason="meets all"),
        "reject": lambda: ops.decide(s, actor, application, approve=False, reason="fails"),
        "withdraw": lambda: ops.withdraw(s, actor, application),
        "raise_finding": lambda: findings.raise_finding(
            s, actor, application, criteria=PCF, item_id=ITEM, kind="observation", text="t"),
        "answer_finding": lambda: findings.answer_finding(s, actor, finding, answer="a"),
        "close_finding": lambda: findings.close_finding(s, actor, finding),
        "reopen_finding": lambda: findings.reopen_finding(s, actor, finding),
    }
    return calls[transition]()


def event_count(session) -> int:
    return session.exec(select(func.count()).select_from(AuditEvent)).one()


@pytest.mark.parametrize("state", STATES)
def test_every_transition_by_every_actor_from_every_state(world, state):
    session = world["session"]
    application, finding = in_state(world, state)
    # Finding transitions need a finding (none before evaluation); on a superseded version they
    # act on the latest version (test_a_resubmission_is_a_new_version_and_the_old_one_stays).
    transitions = [t for t in SPEC if not t.endswith("_finding")
                   or (finding is not None and state != "superseded")]
    wrong = []
    for transition in transitions:
        for actor in ACTORS:
            want = expected(actor, state, transition)
            events = event_count(session)
            savepoint = session.begin_nested()
            try:
                attempt(world, transition, world["users"][actor], application, finding)
            except NotAllowed as error:
                got = error.code
            else:
                got = None
                # approval issues the certificate, whose own event follows
                expected_events = 2 if transition == "approve" else 1
                if event_count(session) != events + expected_events:
                    wrong.append(f"{transition} by {actor}: {event_count(session) - events} "
                                 "audit events")
                if transition in AFTER and application.state != AFTER[transition]:
                    wrong.append(f"{transition} by {actor}: ended in {application.state}")
                if not verify_database(session).intact:
                    wrong.append(f"{transition} by {actor}: audit chain broken")
            finally:
                savepoint.rollback()
            if got != want:
                wrong.append(f"{transition} by {actor} from {state}: got {got}, want {want}")
    assert wrong == []


def test_the_table_has_allowed_moves_from_every_state_before_a_decision():
    for state in BEFORE_DECISION:
        assert any(expected(a, state, t) is None for t in SPEC for a in ACTORS)
    assert not any(expected(a, s, t) is None for s in ("approved", "rejected", "withdrawn",
                                                       "superseded")
                   for t in SPEC if not t.endswith("_finding") for a in ACTORS)


def test_the_evaluator_cannot_decide_and_another_certifier_can(world):
    s, u = world["session"], world["users"]
    application, _ = in_state(world, "decision_pending")
    with pytest.raises(NotAllowed) as refused:
        ops.decide(s, u["evaluator"], application, approve=True, reason="fine")
    assert refused.value.code == "decider_is_evaluator"
    with pytest.raises(InputError, match="reason"):
        ops.decide(s, u["decider"], application, approve=True, reason="  ")
    ops.decide(s, u["decider"], application, approve=True, reason="meets all items")
    s.commit()
    assert (application.state, application.decider_id, application.evaluator_id,
            application.decision_reason) == ("approved", u["decider"].id, u["evaluator"].id,
                                              "meets all items")
    assert application.decided_dt is not None
    (event,) = [e for e in events_of(s, "application", application.id)
                if e.action == "application.approve"]
    assert (event.actor_id, event.before["state"], event.after["state"]) == (
        u["decider"].id, "decision_pending", "approved")
    assert verify_database(s).intact


def test_an_open_major_finding_blocks_completing_the_evaluation(world):
    s, u = world["session"], world["users"]
    application, _ = in_state(world, "in_evaluation")
    major = findings.raise_finding(s, u["evaluator"], application, criteria=PCF, item_id=ITEM,
                                   kind="major", text="boundary excludes 8 %",
                                   due_date=date.today())
    findings.answer_finding(s, u["applicant"], major, answer="now included")
    with pytest.raises(NotAllowed) as refused:
        ops.complete_evaluation(s, u["evaluator"], application)
    assert refused.value.code == "open_major_finding"  # answered is not closed
    findings.close_finding(s, u["evaluator"], major)
    ops.complete_evaluation(s, u["evaluator"], application)
    assert application.state == "decision_pending"


def test_an_overdue_minor_becomes_major_and_blocks_the_decision_until_closed(world):
    s, u = world["session"], world["users"]
    application, answered = in_state(world, "in_evaluation")
    today = date(2030, 1, 10)
    minor = findings.raise_finding(s, u["evaluator"], application, criteria=PCF, item_id=ITEM,
                                   kind="minor", text="data older than 5 years",
                                   due_date=date(2030, 1, 9))
    due_today = findings.raise_finding(s, u["evaluator"], application, criteria=PCF,
                                       item_id=ITEM, kind="minor", text="t",
                                       due_date=today)
    findings.raise_finding(s, u["evaluator"], application, criteria=PCF, item_id=ITEM,
                           kind="observation", text="consider primary data")
    ops.complete_evaluation(s, u["evaluator"], application)  # minors do not block
    events = event_count(s)
    # answered (waits for the evaluator) and due today are not overdue
    assert findings.escalate_overdue(s, today) == [minor]
    assert (minor.kind, due_today.kind, answered.kind) == ("major", "minor", "minor")
    assert event_count(s) == events + 1
    (event,) = [e for e in events_of(s, "finding", minor.id) if e.action == "finding.escalate"]
    assert (event.actor_id, event.before["kind"], event.after["kind"]) == (None, "minor", "major")
    assert findings.escalate_overdue(s, today) == []  # once
    with pytest.raises(NotAllowed) as refused:
        ops.decide(s, u["decider"], application, approve=False, reason="r")
    assert refused.value.code == "open_major_finding"
    findings.answer_finding(s, u["applicant"], minor, answer="updated to 2024 data")
    findings.close_finding(s, u["evaluator"], minor)
    ops.decide(s, u["decider"], application, approve=True, reason="closed")
    assert application.state == "approved"
    assert verify_database(s).intact


def test_overdue_findings_of_a_withdrawn_application_stay_as_they_are(world):
    s, u = world["session"], world["users"]
    application, _ = in_state(world, "in_evaluation")
    minor = findings.raise_finding(s, u["evaluator"], application, criteria=PCF, item_id=ITEM,
                                   kind="minor", text="t", due_date=date(2030, 1, 1))
    ops.withdraw(s, u["applicant"], application)
    assert findings.escalate_overdue(s, date(2031, 1, 1)) == []
    assert minor.kind == "minor"


def test_two_certifiers_deciding_at_once_cannot_both_succeed(world, app):
    s, u = world["session"], world["users"]
    application, _ = in_state(world, "decision_pending")
    second_decider = accounts.create_user(
        s, organisation=s.get(Organisation, u["decider"].organisation_id),
        name="second", email="second@x.cn", password="correct horse 1", role=Role.CERTIFIER)
    s.commit()
    with Session(app.extensions["db_engine"], expire_on_commit=False) as first, \
            Session(app.extensions["db_engine"], expire_on_commit=False) as second:
        mine, theirs = first.get(Application, application.id), second.get(Application,
                                                                           application.id)
        assert mine.lock_version == theirs.lock_version
        start = mine.lock_version
        ops.decide(first, first.get(User, u["decider"].id), mine, approve=True,
                   reason="meets all", lock_version=start)
        first.commit()
        with pytest.raises(ChangedMeanwhile):
            ops.decide(second, second.get(User, second_decider.id), theirs, approve=False,
                       reason="fails", lock_version=start)
        second.rollback()
    s.expire_all()
    stored = s.get(Application, application.id)
    assert (stored.state, stored.decider_id) == ("approved", u["decider"].id)
    assert [e.action for e in events_of(s, "application", application.id)].count(
        "application.approve") == 1
    assert not [e for e in events_of(s, "application", application.id)
                if e.action == "application.reject"]
    assert verify_database(s).intact


def test_a_resubmission_is_a_new_version_and_the_old_one_stays(world):
    s, u = world["session"], world["users"]
    first, finding = in_state(world, "changes_requested")
    first_answers, first_assessment = dict(first.answers), first.assessment_id
    second = ops.resubmit(s, u["applicant"], first, criteria=PCF, answers={ITEM: {"answer": "no"}},
                          assessment_id=world["assessments"][1].id)
    s.commit()
    assert (first.state, first.answers, first.assessment_id, first.version) == (
        "superseded", first_answers, first_assessment, 1)
    assert (second.state, second.previous_id, second.version, second.evaluator_id) == (
        "in_evaluation", first.id, 2, u["evaluator"].id)
    assert (second.answers, second.assessment_id) == ({ITEM: {"answer": "no"}},
                                                      world["assessments"][1].id)
    assert (second.criteria_key, second.criteria_version) == (PCF.key, PCF.version)
    assert ops.versions(s, first) == ops.versions(s, second) == [first, second]
    # the finding raised on version 1 still counts, and is closed on version 2's watch
    assert ops.findings_of(s, second) == [finding]
    findings.close_finding(s, u["evaluator"], finding)
    with pytest.raises(NotAllowed) as refused:
        ops.resubmit(s, u["applicant"], first, criteria=PCF)
    assert refused.value.code == "wrong_state"
    (event,) = [e for e in events_of(s, "application", second.id)
                if e.action == "application.resubmit"]
    assert event.before["previous"]["state"] == "changes_requested"
    assert (event.after["previous"]["state"], event.after["application"]["state"]) == (
        "superseded", "in_evaluation")
    assert verify_database(s).intact


def test_a_product_scheme_cannot_be_submitted_without_an_assessment(world):
    s, u = world["session"], world["users"]
    application = ops.create_draft(s, u["applicant"], criteria=PCF, product=world["product"])
    with pytest.raises(NotAllowed) as refused:
        ops.submit(s, u["applicant"], application, criteria=PCF)
    assert refused.value.code == "assessment_required"
    factory = ops.create_draft(s, u["applicant"], criteria=FACTORY, site=world["site"],
                               site_year=2024)
    ops.submit(s, u["applicant"], factory, criteria=FACTORY)
    assert (factory.scheme, factory.state, factory.criteria_key) == (
        "green-factory", "submitted", FACTORY.key)


def test_drafts_are_made_by_applicants_for_their_own_organisation(world):
    s, u = world["session"], world["users"]
    with pytest.raises(NotAllowed) as refused:
        ops.create_draft(s, u["evaluator"], criteria=PCF, product=world["product"])
    assert refused.value.code == "wrong_role"
    with pytest.raises(NotAllowed) as refused:
        ops.create_draft(s, u["stranger"], criteria=PCF, product=world["product"])
    assert refused.value.code == "other_organisation"
    with pytest.raises(InputError) as missing:
        ops.create_draft(s, u["applicant"], criteria=PCF)
    assert missing.value.code == "product_required"
    other = products.create_product(s, u["stranger"],
                                    organisation_id=u["stranger"].organisation_id,
                                    data={"name": "q", "boundary": "cradle-to-gate"})
    application = ops.create_draft(s, u["applicant"], criteria=PCF, product=world["product"])
    with pytest.raises(InputError) as foreign:
        ops.save_draft(s, u["applicant"], application, criteria=PCF, answers={},
                       assessment_id=assessment_of(s, u["stranger"], other).id)
    assert foreign.value.code == "assessment_of_other_product"


def test_finding_states_and_inputs(world):
    s, u = world["session"], world["users"]
    application, finding = in_state(world, "in_evaluation")
    with pytest.raises(InputError) as error:
        findings.raise_finding(s, u["evaluator"], application, criteria=PCF, item_id=ITEM,
                               kind="minor", text="t")
    assert error.value.code == "due_date_required"
    with pytest.raises(InputError) as error:
        findings.raise_finding(s, u["evaluator"], application, criteria=PCF, item_id="ZZ-9",
                               kind="observation", text="t")
    assert error.value.code == "unknown_item"
    findings.close_finding(s, u["evaluator"], finding)
    for operation, kwargs, who in ((findings.close_finding, {}, "evaluator"),
                                   (findings.answer_finding, {"answer": "a"}, "applicant")):
        with pytest.raises(NotAllowed) as refused:
            operation(s, u[who], finding, **kwargs)
        assert refused.value.code == "wrong_finding_state"
    findings.reopen_finding(s, u["evaluator"], finding)
    assert (finding.state, finding.closed_by_id) == ("open", None)
    with pytest.raises(NotAllowed) as refused:
        findings.reopen_finding(s, u["evaluator"], finding)
    assert refused.value.code == "wrong_finding_state"


def test_two_certifiers_deciding_in_parallel_threads_one_wins(world, app):
    import threading

    s, u = world["session"], world["users"]
    application, _ = in_state(world, "decision_pending")
    second = accounts.create_user(
        s, organisation=s.get(Organisation, u["decider"].organisation_id), name="second",
        email="second@x.cn", password="correct horse 1", role=Role.CERTIFIER)
    s.commit()
    start, outcomes = threading.Barrier(2), []

    def decide(user_id: int, approve: bool) -> None:
        with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
            mine = session.get(Application, application.id)
            version = mine.lock_version
            start.wait()
            try:
                # a thread has no app context: the certificate settings are passed
                ops.decide(session, session.get(User, user_id), mine, approve=approve,
                           reason="r", lock_version=version, config=app.config)
                session.commit()
                outcomes.append("decided")
            except ChangedMeanwhile:
                session.rollback()
                outcomes.append("changed_meanwhile")

    threads = [threading.Thread(target=decide, args=(u["decider"].id, True)),
               threading.Thread(target=decide, args=(second.id, False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["changed_meanwhile", "decided"]
    s.expire_all()
    decisions = [e for e in events_of(s, "application", application.id)
                 if e.action in ("application.approve", "application.reject")]
    assert len(decisions) == 1
    assert s.get(Application, application.id).state == decisions[0].after["state"]
    assert verify_database(s).intact


def test_the_escalate_command_runs_the_daily_escalation(world, app, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from footprint.cli import cli

    s, u = world["session"], world["users"]
    application, _ = in_state(world, "in_evaluation")
    minor = findings.raise_finding(s, u["evaluator"], application, criteria=PCF, item_id=ITEM,
                                   kind="minor", text="t", due_date=date(2030, 1, 1))
    s.commit()
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("FOOTPRINT_INSTANCE_PATH", str(tmp_path / "cli"))
    before = CliRunner().invoke(cli, ["findings", "escalate", "--today", "2030-01-01"],
                                catch_exceptions=False)
    assert before.output.startswith("0 overdue")  # due that day: not overdue yet
    after = CliRunner().invoke(cli, ["findings", "escalate", "--today", "2030-01-02"],
                               catch_exceptions=False)
    assert after.exit_code == 0 and after.output.startswith("1 overdue")
    assert f"finding {minor.id} (application {application.id}, item {ITEM})" in after.output
    s.expire_all()
    assert s.get(Finding, minor.id).kind == "major"
