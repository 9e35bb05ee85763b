"""The certificate lifecycle: suspension and restoration by a deadline, withdrawal, lapse, renewal
and correction superseding the old certificate, yearly surveillance; who may do each, from which
status; one audit event each, told to the holder; what was signed never changes."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from footprint.access import Action, can
from footprint.accounts.models import Organisation
from footprint.audit.models import AuditEvent
from footprint.audit.operations import events_of, verify_database
from footprint.certificates import keys, lifecycle, payload, signing
from footprint.certificates.models import Certificate
from footprint.certificates.operations import issue, of_application, status_of
from footprint.certs import operations as ops
from footprint.errors import ChangedMeanwhile, Immutable, InputError, NotAllowed
from footprint.notifications.models import Notification
from footprint.notifications.operations import AUDIENCES
from tests.certs.test_workflow import in_state

REASON = "surveillance audit found the boundary misstated"


@pytest.fixture
def certified(approved):
    """(world, certificate): the certificate issued when the application was approved."""
    world, application = approved
    return world, of_application(world["session"], application.id)


def today_of(certificate):
    return certificate.valid_from


def run(operation: str, world, actor: str, certificate, app, **extra):
    """One lifecycle operation by the named user of the world, with what it needs."""
    user, today = world["users"][actor], extra.pop("today", today_of(certificate))
    s = world["session"]
    if operation == "suspend":
        return lifecycle.suspend(s, user, certificate, reason=REASON, today=today, **extra)
    if operation == "restore":
        return lifecycle.restore(s, user, certificate, reason="fixed", today=today, **extra)
    if operation == "withdraw":
        return lifecycle.withdraw(s, user, certificate, reason=REASON, today=today, **extra)
    if operation == "correct":
        return lifecycle.correct(s, user, certificate, reason="holder renamed",
                                 config=app.config, today=today, **extra)
    return lifecycle.record_surveillance(s, user, certificate, outcome_note="all in order",
                                         today=today, **extra)


OPERATIONS = ("suspend", "restore", "withdraw", "correct", "surveillance")
# the status each operation starts from in the tests below
STARTS = {"suspend": "valid", "restore": "suspended", "withdraw": "valid", "correct": "valid",
          "surveillance": "valid"}


def bring_to(world, certificate, status: str) -> None:
    if status == "suspended":
        lifecycle.suspend(world["session"], world["users"]["evaluator"], certificate,
                          reason=REASON, today=today_of(certificate))


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("actor, code", [("applicant", "wrong_role"), ("stranger", "wrong_role"),
                                         ("admin", "wrong_role"),
                                         ("own_certifier", "own_organisation")])
def test_only_a_certifier_of_another_organisation_may(certified, app, operation, actor, code):
    world, certificate = certified
    bring_to(world, certificate, STARTS[operation])
    before = certificate.status
    with pytest.raises(NotAllowed) as refused:
        run(operation, world, actor, certificate, app)
    assert refused.value.code == code
    assert certificate.status == before


@pytest.mark.parametrize("operation, status", [
    ("suspend", "suspended"), ("suspend", "withdrawn"), ("suspend", "expired"),
    ("restore", "valid"), ("restore", "withdrawn"),
    ("withdraw", "withdrawn"), ("withdraw", "expired"), ("withdraw", "superseded"),
    ("correct", "suspended"), ("correct", "expired"), ("correct", "superseded"),
    ("surveillance", "withdrawn")])
def test_each_operation_is_refused_from_the_wrong_status(certified, app, operation, status):
    world, certificate = certified
    s, certifier = world["session"], world["users"]["evaluator"]
    today = today_of(certificate)
    if status == "expired":
        today = certificate.valid_until + timedelta(days=1)
    elif status == "superseded":
        in_state(world, "approved")  # a renewal
        s.refresh(certificate)
    elif status != "valid":
        lifecycle.suspend(s, certifier, certificate, reason=REASON, today=today)
        if status == "withdrawn":
            lifecycle.withdraw(s, certifier, certificate, reason=REASON, today=today)
    assert status_of(certificate, today) == status
    with pytest.raises(NotAllowed) as refused:
        run(operation, world, "evaluator", certificate, app, today=today)
    assert (refused.value.code, refused.value.params["state"]) == ("wrong_state", status)


def test_suspension_sets_the_restore_deadline_and_restoring_lifts_it(certified, app):
    world, certificate = certified
    s, certifier = world["session"], world["users"]["decider"]
    today = today_of(certificate)
    lifecycle.suspend(s, certifier, certificate, reason=REASON, today=today)
    assert (certificate.status, certificate.status_reason) == ("suspended", REASON)
    assert certificate.restore_until == today + timedelta(days=90)  # CERT_RESTORE_DAYS
    assert app.config["CERT_RESTORE_DAYS"] == 90
    # restorable on the last day
    lifecycle.restore(s, certifier, certificate, reason="boundary corrected",
                      today=certificate.restore_until)
    assert (certificate.status, certificate.status_reason, certificate.restore_until) == (
        "valid", "boundary corrected", None)
    lifecycle.suspend(s, certifier, certificate, reason=REASON, restore_days=10, today=today)
    assert certificate.restore_until == today + timedelta(days=10)
    actions = [e.action for e in events_of(s, "certificate", certificate.id)]
    assert actions == ["certificate.issue", "certificate.suspend", "certificate.restore",
                       "certificate.suspend"]
    assert verify_database(s).intact


def test_restoring_after_the_deadline_is_refused(certified, app):
    world, certificate = certified
    s, certifier = world["session"], world["users"]["evaluator"]
    lifecycle.suspend(s, certifier, certificate, reason=REASON, restore_days=5,
                      today=today_of(certificate))
    with pytest.raises(NotAllowed) as refused:
        lifecycle.restore(s, certifier, certificate, reason="late",
                          today=certificate.restore_until + timedelta(days=1))
    assert refused.value.code == "restore_deadline_passed"
    assert certificate.status == "suspended"


@pytest.mark.parametrize("operation, field, code", [
    ("suspend", "reason", "reason_required"), ("restore", "reason", "reason_required"),
    ("withdraw", "reason", "reason_required"), ("correct", "reason", "reason_required"),
    ("surveillance", "outcome_note", "outcome_note_required")])
def test_a_reason_is_required(certified, app, operation, field, code):
    world, certificate = certified
    bring_to(world, certificate, STARTS[operation])
    s, certifier = world["session"], world["users"]["evaluator"]
    functions = {"suspend": lifecycle.suspend, "restore": lifecycle.restore,
                 "withdraw": lifecycle.withdraw, "correct": lifecycle.correct,
                 "surveillance": lifecycle.record_surveillance}
    extra = {"config": app.config} if operation == "correct" else {}
    with pytest.raises(InputError) as refused:
        functions[operation](s, certifier, certificate, **{field: "  "}, **extra)
    assert (refused.value.code, refused.value.field) == (code, field)


@pytest.mark.parametrize("days", [0, 366])
def test_the_restore_period_is_one_day_to_a_year(certified, days):
    world, certificate = certified
    with pytest.raises(InputError) as refused:
        lifecycle.suspend(world["session"], world["users"]["evaluator"], certificate,
                          reason=REASON, restore_days=days)
    assert refused.value.code == "restore_days_out_of_range"


def test_withdrawal_is_final_from_valid_or_suspended(certified, app):
    world, certificate = certified
    s, certifier = world["session"], world["users"]["evaluator"]
    lifecycle.suspend(s, certifier, certificate, reason=REASON)
    lifecycle.withdraw(s, certifier, certificate, reason="not corrected")
    assert (certificate.status, certificate.status_reason) == ("withdrawn", "not corrected")
    assert certificate.status_dt is not None
    for operation in ("restore", "suspend", "withdraw"):
        with pytest.raises(NotAllowed):
            run(operation, world, "evaluator", certificate, app)


def test_an_unrestored_suspension_lapses_into_withdrawal(certified):
    world, certificate = certified
    s = world["session"]
    lifecycle.suspend(s, world["users"]["evaluator"], certificate, reason=REASON,
                      restore_days=3, today=today_of(certificate))
    deadline = certificate.restore_until
    assert lifecycle.lapse_suspensions(s, deadline) == []  # restorable that day
    assert lifecycle.lapse_suspensions(s, deadline + timedelta(days=1)) == [certificate]
    assert certificate.status == "withdrawn"
    assert certificate.status_reason == f"not restored by {deadline.isoformat()}"
    event = events_of(s, "certificate", certificate.id)[-1]
    assert (event.action, event.actor_id, event.before["status"]) == (
        "certificate.lapse", None, "suspended")
    assert lifecycle.lapse_suspensions(s, deadline + timedelta(days=2)) == []
    assert verify_database(s).intact


def test_the_lapse_command_runs_the_daily_lapse(certified, app, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from footprint.cli import cli

    world, certificate = certified
    s = world["session"]
    lifecycle.suspend(s, world["users"]["evaluator"], certificate, reason=REASON,
                      restore_days=1, today=today_of(certificate))
    s.commit()
    deadline = certificate.restore_until
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("FOOTPRINT_INSTANCE_PATH", str(tmp_path / "cli"))
    before = CliRunner().invoke(cli, ["certificates", "lapse", "--today", deadline.isoformat()],
                                catch_exceptions=False)
    assert before.exit_code == 0 and before.output.startswith("0 suspended")
    after = CliRunner().invoke(cli, ["certificates", "lapse", "--today",
                                     (deadline + timedelta(days=1)).isoformat()],
                               catch_exceptions=False)
    assert after.exit_code == 0 and after.output.startswith("1 suspended")
    assert certificate.public_id in after.output
    s.expire_all()
    assert s.get(Certificate, certificate.id).status == "withdrawn"


def test_a_renewal_supersedes_the_certificate_it_renews(certified, client):
    world, old = certified
    s = world["session"]
    renewal, _ = in_state(world, "approved")  # a new application of the same product
    s.commit()
    new = of_application(s, renewal.id)
    s.refresh(old)
    assert (old.status, old.superseded_by_id) == ("superseded", new.id)
    assert old.status_reason == f"renewed by {new.public_id}"
    assert new.status == "valid"
    last = list(s.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(3)))[::-1]
    assert [(e.action, e.object_id) for e in last] == [
        ("application.approve", renewal.id), ("certificate.issue", new.id),
        ("certificate.supersede", old.id)]
    assert last[2].actor_id == world["users"]["decider"].id
    html = client.get(f"/verify/{old.public_id}").get_data(as_text=True)
    assert "status-superseded" in html and f'href="/verify/{new.public_id}"' in html
    old_json = client.get(f"/api/v1/certificates/{old.public_id}").json
    assert (old_json["status"], old_json["superseded_by"]) == (
        "superseded", f"http://localhost/verify/{new.public_id}")
    assert client.get(f"/api/v1/certificates/{new.public_id}").json["status"] == "valid"
    assert verify_database(s).intact


def test_an_expired_certificate_is_not_superseded_by_a_later_one(certified, app):
    world, old = certified
    s = world["session"]
    renewal, _ = in_state(world, "decision_pending")
    # approved as decide does, then issued on a day after the old certificate's last one
    ops._move(s, world["users"]["decider"], renewal, "application.approve", "approved", None,
              decider_id=world["users"]["decider"].id, decision_reason="ok")
    new = issue(s, renewal, world["users"]["decider"], config=app.config,
                today=old.valid_until + timedelta(days=1))
    s.refresh(old)
    assert (old.status, old.superseded_by_id, status_of(old, new.valid_from)) == (
        "valid", None, "expired")


def test_a_correction_reissues_the_facts_as_they_read_now_and_supersedes(certified, app,
                                                                         client):
    world, old = certified
    s = world["session"]
    organisation = s.get(Organisation, old.organisation_id)
    organisation.name = "applicant renamed"
    s.add(organisation)
    later = today_of(old) + timedelta(days=40)
    new = lifecycle.correct(s, world["users"]["evaluator"], old, reason="holder renamed",
                            config=app.config, today=later)
    s.commit()
    assert new.id != old.id and new.public_id != old.public_id
    assert new.application_id == old.application_id
    assert (new.status, new.valid_from, new.valid_until, new.surveillance_due) == (
        "valid", later, old.valid_until, old.surveillance_due)
    facts = json.loads(new.payload_canonical)
    assert facts["holder"]["name"] == "applicant renamed"
    assert old.payload["holder"]["name"] == "applicant"  # the old one still says what it said
    assert (facts["issued"], facts["valid_until"]) == (later.isoformat(),
                                                       old.valid_until.isoformat())
    assert signing.verify(new.payload_canonical, new.signature, new.key_id,
                          keys.public_keys(app.config["KEYS_DIR"])).valid
    assert new.signature != old.signature
    assert new.pdf_name == f"{new.public_id}.pdf" != old.pdf_name  # its own signed PDF
    assert (old.status, old.superseded_by_id, old.status_reason) == (
        "superseded", new.id, "holder renamed")
    assert of_application(s, old.application_id).id == new.id
    assert [e.action for e in events_of(s, "certificate", new.id)] == ["certificate.correct"]
    assert [e.action for e in events_of(s, "certificate", old.id)] == [
        "certificate.issue", "certificate.supersede"]
    html = client.get(f"/verify/{old.public_id}").get_data(as_text=True)
    assert "status-superseded" in html and f'href="/verify/{new.public_id}"' in html
    assert "holder renamed" in html
    assert client.get(f"/api/v1/certificates/{old.public_id}").json["status"] == "superseded"
    assert verify_database(s).intact


def test_what_was_signed_stays_fixed_after_a_correction(certified, app):
    """The guard triggers survive migration 0013's table copy, and the model listener holds."""
    world, old = certified
    s = world["session"]
    new = lifecycle.correct(s, world["users"]["evaluator"], old, reason="typo",
                            config=app.config)
    s.commit()
    for certificate_id in (old.id, new.id):
        for statement in ("UPDATE certificates SET signature = 'AAAA' WHERE id = :id",
                          "UPDATE certificates SET application_id = 999 WHERE id = :id",
                          "DELETE FROM certificates WHERE id = :id"):
            with pytest.raises(Exception, match="certificates keep what was signed"):
                s.execute(text(statement), {"id": certificate_id})
            s.rollback()
    new = s.get(Certificate, new.id)
    new.valid_until = new.valid_until + timedelta(days=365)
    with pytest.raises(Immutable):
        s.flush()
    s.rollback()


def test_surveillance_moves_the_due_date_on_a_year_until_the_certificate_ends(certified):
    world, certificate = certified
    s, certifier = world["session"], world["users"]["decider"]
    first = certificate.surveillance_due
    assert first == payload.surveillance_due(certificate.valid_from)
    lifecycle.record_surveillance(s, certifier, certificate, outcome_note="site visited",
                                  today=first)
    event = events_of(s, "certificate", certificate.id)[-1]
    assert (event.action, event.after["surveillance_note"]) == ("certificate.surveillance",
                                                                 "site visited")
    # pcf-verification is valid 2 years: the second anniversary is after the last valid day
    assert certificate.valid_until < payload.surveillance_due(first)
    assert certificate.surveillance_due is None and certificate.status == "valid"
    with pytest.raises(NotAllowed) as refused:
        lifecycle.record_surveillance(s, certifier, certificate, outcome_note="again")
    assert refused.value.code == "no_surveillance_due"


def test_overdue_surveillance_is_shown_not_acted_on(certified):
    world, certificate = certified
    due = certificate.surveillance_due
    assert not lifecycle.surveillance_overdue(certificate, due)
    assert lifecycle.surveillance_overdue(certificate, due + timedelta(days=1))
    assert lifecycle.surveillance_soon(certificate, due - timedelta(days=30))
    assert not lifecycle.surveillance_soon(certificate, due - timedelta(days=31))
    assert lifecycle.lapse_suspensions(world["session"], due + timedelta(days=100)) == []
    assert certificate.status == "valid"


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_stale_lock_version_is_refused_as_changed_meanwhile(certified, app, operation):
    world, certificate = certified
    bring_to(world, certificate, STARTS[operation])
    loaded = certificate.lock_version
    # someone else changed it meanwhile, in another session
    world["session"].execute(text("UPDATE certificates SET lock_version = lock_version + 1 "
                                  "WHERE id = :id"), {"id": certificate.id})
    with pytest.raises(ChangedMeanwhile):
        run(operation, world, "evaluator", certificate, app, lock_version=loaded)


def test_the_holder_is_told_of_every_status_change_and_nobody_else(certified, app):
    world, certificate = certified
    s, users = world["session"], world["users"]
    names = {user.id: name for name, user in users.items()}

    def told(action):
        event = s.exec(select(AuditEvent).where(AuditEvent.action == action)
                       .order_by(AuditEvent.id.desc())).first()
        if event is None:
            return set()
        notified = s.exec(select(Notification).where(Notification.audit_event_id == event.id))
        return {(names[n.user_id], n.application_id) for n in notified}

    today, application_id = today_of(certificate), certificate.application_id
    holder = {("applicant", application_id)}
    lifecycle.suspend(s, users["evaluator"], certificate, reason=REASON, restore_days=1,
                      today=today)
    assert told("certificate.suspend") == holder
    lifecycle.restore(s, users["evaluator"], certificate, reason="ok", today=today)
    assert told("certificate.restore") == holder
    lifecycle.suspend(s, users["evaluator"], certificate, reason=REASON, restore_days=1,
                      today=today)
    lifecycle.lapse_suspensions(s, today + timedelta(days=2))
    assert told("certificate.lapse") == holder
    renewal, _ = in_state(world, "approved")
    newer = of_application(s, renewal.id)
    assert told("certificate.supersede") == set()  # the lapsed one was not current
    corrected = lifecycle.correct(s, users["evaluator"], newer, reason="r", config=app.config)
    assert told("certificate.supersede") == {("applicant", renewal.id)}
    lifecycle.withdraw(s, users["evaluator"], corrected, reason=REASON)
    assert told("certificate.withdraw") == {("applicant", renewal.id)}
    assert {a for a in AUDIENCES if a.startswith("certificate.")} == {
        "certificate.suspend", "certificate.restore", "certificate.withdraw",
        "certificate.supersede", "certificate.lapse"}


def test_the_holder_views_and_certifiers_of_other_organisations_view_nobody_edits(certified):
    world, certificate = certified
    s, users = world["session"], world["users"]
    assert {name for name, user in users.items()
            if can(s, user, Action.VIEW, certificate)} == {"applicant", "evaluator", "decider"}
    assert not any(can(s, user, Action.EDIT, certificate) for user in users.values())
