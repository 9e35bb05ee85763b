"""The application pages with the test client: the applicant's forms, the certifier's queue and
review page, findings, the decision by a second certifier, and the history."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from footprint import db
from footprint.audit.operations import verify_database
from footprint.certs.models import Application
from tests.helpers import add_line, login

PCF_KEY = "pcf-verification/2025.1"
FACTORY_KEY = "green-factory/2025.1"


def body(response) -> str:
    return response.get_data(as_text=True)


def flashed(response) -> list[str]:
    return re.findall(r'<p class="flash [a-z]+" role="status">(.*?)</p>', body(response))


@pytest.fixture
def calculated(applicant, client):
    """The applicant's product with one line (2.5 kg of BOF steel) and one stored assessment."""
    assert add_line(client).status_code == 302
    assert client.post("/products/1/calculate").status_code == 302
    return applicant


@pytest.fixture
def certifiers(app, make_user):
    """Two logged-in certifiers (of two certification bodies), by name."""
    clients = {}
    for name in ("evaluator", "decider"):
        clients[name] = app.test_client()
        assert login(clients[name], make_user("certifier")).status_code == 302
    return clients


def new_pcf_application(client) -> int:
    response = client.post("/applications/new", data={"criteria_key": PCF_KEY, "product_id": 1,
                                                       "site_id": 0})
    assert response.status_code == 302, body(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def stored(app, application_id: int) -> Application:
    with app.app_context():
        return db.session().get(Application, application_id)


def submit(client, application_id: int, answers: dict | None = None):
    data = {"assessment_id": 1, "lock_version": stored(client.application,
                                                        application_id).lock_version,
            "submit": "1", **(answers or {"FU-1__answer": "yes"})}
    return client.post(f"/applications/{application_id}/answers", data=data)


def test_a_draft_is_made_from_the_criteria_and_saved(app, client, calculated):
    page = client.get("/applications/new")
    assert page.status_code == 200 and PCF_KEY in body(page)
    application_id = new_pcf_application(client)
    page = client.get(f"/applications/{application_id}")
    # one answer, value (where the item has a unit) and comment per item of the criteria file
    assert 'name="FU-1__answer"' in body(page) and 'name="CO-2__value"' in body(page)
    assert 'name="FU-1__value"' not in body(page)  # FU-1 has no unit: nothing to measure
    saved = client.post(f"/applications/{application_id}/answers", data={
        "assessment_id": 1, "FU-1__answer": "yes",
        "CO-2__answer": "yes", "CO-2__value": "1.5", "FU-1__comment": "<b>see report</b>"})
    assert saved.status_code == 302
    application = stored(app, application_id)
    assert application.state == "draft" and application.assessment_id == 1
    assert application.answers == {"FU-1": {"answer": "yes", "comment": "<b>see report</b>"},
                                   "CO-2": {"answer": "yes", "value": 1.5}}
    page = client.get(f"/applications/{application_id}")
    assert "&lt;b&gt;see report&lt;/b&gt;" in body(page) and "<b>see report" not in body(page)


def test_a_bad_value_is_refused_beside_its_item_and_nothing_is_saved(app, client, calculated):
    application_id = new_pcf_application(client)
    response = client.post(f"/applications/{application_id}/answers", data={
        "assessment_id": 1, "FU-1__answer": "yes", "CO-2__value": "abc"})
    assert response.status_code == 422
    row = re.search(r'id="item-CO-2".*?</tr>', body(response), re.S).group(0)
    assert 'class="error"' in row
    assert stored(app, application_id).answers == {}


def test_submission_stores_the_score_sheet_and_the_pre_checks(app, client, calculated):
    application_id = new_pcf_application(client)
    response = submit(client, application_id, {"FU-1__answer": "yes", "CO-2__value": "8"})
    assert response.status_code == 302
    application = stored(app, application_id)
    assert application.state == "submitted" and application.submitted_dt is not None
    sheet = application.score_sheet
    # FU-1 answered yes; every other required checklist item unanswered -> the sheet fails
    assert sheet["criteria"] == PCF_KEY and sheet["passed"] is False
    assert {"code": "met", "params": {}, "message": "met (answered yes)"} == next(
        i["reason"] for i in sheet["items"] if i["item"] == "FU-1")
    codes = {(r["code"], r["params"].get("item")) for r in application.prechecks}
    assert ("answer_missing", "FU-2") in codes and ("answer_missing", "FU-1") not in codes
    # 8 % excluded > the 5 % flag; DS-1 asks for evidence and has none
    assert ("excluded_share_high", "CO-2") in codes and ("evidence_missing", "DS-1") in codes
    page = client.get(f"/applications/{application_id}")
    assert "leaves out 8 % of the result" in body(page)
    # frozen: the answers form is gone and a late save is refused
    assert 'name="FU-1__answer"' not in body(page)
    assert client.post(f"/applications/{application_id}/answers", data={
        "FU-1__answer": "no"}).status_code == 403


def test_other_organisations_and_admins_see_nothing(app, client, calculated, make_user):
    application_id = new_pcf_application(client)
    other = app.test_client()
    login(other, make_user("applicant"))
    assert other.get(f"/applications/{application_id}").status_code == 404
    certifier = app.test_client()
    login(certifier, make_user("certifier"))
    # a draft is not the certifiers' yet
    assert certifier.get(f"/applications/{application_id}").status_code == 404
    admin = app.test_client()
    login(admin, make_user("admin"))
    assert admin.get("/applications/").status_code == 403


def test_the_whole_path_to_an_independent_decision(app, client, calculated, certifiers):
    evaluator, decider = certifiers["evaluator"], certifiers["decider"]
    application_id = new_pcf_application(client)
    assert submit(client, application_id).status_code == 302
    queue = evaluator.get("/applications/")
    assert f'/applications/{application_id}"' in body(queue)
    assert evaluator.post(f"/applications/{application_id}/take",
                          data={}).status_code == 302
    # the review page: product data, lines, results, score sheet, pre-checks side by side
    page = body(evaluator.get(f"/applications/{application_id}"))
    for part in ('id="lines"', "Desk fan", 'id="prechecks"', 'id="verdict"', 'id="history"',
                 'id="raise-finding"'):
        assert part in page
    due = (date.today() + timedelta(days=14)).isoformat()
    raised = evaluator.post(f"/applications/{application_id}/findings", data={
        "item_id": "DS-1", "kind": "major",
        "text": "No primary data for the press shop", "due_date": due})
    assert raised.status_code == 302
    refused = evaluator.post(f"/applications/{application_id}/complete",
                             data={}, follow_redirects=True)
    assert any("major nonconformity is still open" in m for m in flashed(refused))
    assert evaluator.post(f"/applications/{application_id}/request-changes",
                          data={}).status_code == 302
    assert client.post("/applications/findings/1/answer", data={
        "answer": "Metered data attached"}).status_code == 302
    resubmitted = client.post(f"/applications/{application_id}/answers", data={
        "assessment_id": 1, "resubmit": "1", "FU-1__answer": "yes",
        "DS-1__answer": "yes"})
    assert resubmitted.status_code == 302
    second_id = int(resubmitted.headers["Location"].rsplit("/", 1)[1])
    assert (stored(app, application_id).state, stored(app, second_id).state) == (
        "superseded", "in_evaluation")
    assert evaluator.post("/applications/findings/1/close",
                          data={}).status_code == 302
    assert evaluator.post(f"/applications/{second_id}/complete",
                          data={}).status_code == 302
    # the evaluator may not decide: no form, and a forged post is refused with the reason
    page = body(evaluator.get(f"/applications/{second_id}"))
    assert 'id="decision"' not in page
    refused = evaluator.post(f"/applications/{second_id}/decide", data={
        "decision": "approve", "reason": "fine"}, follow_redirects=True)
    assert any("may not decide" in m for m in flashed(refused))
    assert stored(app, second_id).state == "decision_pending"
    assert 'id="decision"' in body(decider.get(f"/applications/{second_id}"))
    approved = decider.post(f"/applications/{second_id}/decide", data={
        "decision": "approve", "reason": "All items met"})
    assert approved.status_code == 302
    assert stored(app, second_id).state == "approved"
    history = body(client.get(f"/applications/{second_id}"))
    for words in ("submitted", "took the application for evaluation", "raised a finding",
                  "requested changes", "answered a finding", "resubmitted a new version",
                  "closed a finding", "completed the evaluation", "approved"):
        assert words in history
    with app.app_context():
        assert verify_database(db.session()).intact


def test_two_deciders_at_once_the_second_gets_a_conflict(app, client, calculated, certifiers,
                                                         make_user):
    evaluator, decider = certifiers["evaluator"], certifiers["decider"]
    third = app.test_client()
    login(third, make_user("certifier"))
    application_id = new_pcf_application(client)
    submit(client, application_id)
    evaluator.post(f"/applications/{application_id}/take", data={})
    evaluator.post(f"/applications/{application_id}/complete", data={})
    # both loaded the page at the same lock_version; the first decision moves it on
    loaded = stored(app, application_id).lock_version
    assert decider.post(f"/applications/{application_id}/decide", data={
        "lock_version": loaded, "decision": "approve", "reason": "ok"}).status_code == 302
    late = third.post(f"/applications/{application_id}/decide", data={
        "lock_version": loaded, "decision": "reject", "reason": "no"}, follow_redirects=True)
    assert any("acted on this application meanwhile" in m for m in flashed(late))
    assert stored(app, application_id).state == "approved"


def test_the_queue_filters(app, client, calculated, certifiers):
    evaluator = certifiers["evaluator"]
    first, second = new_pcf_application(client), new_pcf_application(client)
    submit(client, first)
    submit(client, second)
    evaluator.post(f"/applications/{first}/take", data={})

    def listed(query: str) -> set[int]:
        page = body(evaluator.get("/applications/" + query))
        return {int(n) for n in re.findall(r'href="/applications/(\d+)"', page)}

    assert listed("") == {first, second}
    assert listed("?mine=1") == {first}
    assert listed("?state=submitted") == {second}
    assert listed("?scheme=green-factory") == set()
    assert listed("?older_than_days=7") == set()  # both submitted just now


def test_a_green_factory_application_needs_its_year_of_site_data(app, client, applicant):
    response = client.post("/applications/new", data={"criteria_key": FACTORY_KEY,
                                                      "product_id": 0, "site_id": 1})
    application_id = int(response.headers["Location"].rsplit("/", 1)[1])
    refused = client.post(f"/applications/{application_id}/answers", data={
        "submit": "1"}, follow_redirects=True)
    assert any("year of site data" in m for m in flashed(refused))
    assert stored(app, application_id).state == "draft"


def test_stored_reasons_are_worded_in_the_users_language(app):
    from footprint.web.applications.labels import reason_text

    met = {"code": "benchmark_met", "params": {"value": 0.25, "unit": "tce / 10k CNY",
                                               "direction": "at most", "benchmark": 0.3}}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert reason_text(met) == "0.25 tce / 10k CNY meets the benchmark (≤ 0.3)"
        # a code this version does not know shows the English stored with it
        assert reason_text({"code": "from_the_future", "message": "as stored"}) == "as stored"


def test_every_reason_a_score_sheet_or_pre_check_can_store_has_words():
    from footprint.certs.sheet import MESSAGES
    from footprint.web.applications.labels import REASON_MESSAGES

    # "computed" is an internal step of an indicator, never shown as a reason
    assert set(MESSAGES) - {"computed"} - set(REASON_MESSAGES) == set()


def test_a_certifier_lands_on_the_queue_not_an_empty_page(app, make_user):
    # the finding of issue 7: "certifiers log in to a page with nothing to do"
    certifier = app.test_client()
    login(certifier, make_user("certifier"))
    landing = certifier.get("/")
    assert landing.status_code == 302 and landing.headers["Location"] == "/applications/"
    assert "Applications to review" in body(certifier.get("/applications/"))
