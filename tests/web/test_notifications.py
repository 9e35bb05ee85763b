"""Notifications in the browser: the count in the header, the list of one's own, opening one
(marked read, on to the application) and marking read."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from footprint import db
from footprint.accounts import operations as accounts
from footprint.accounts.roles import OrganisationKind
from footprint.certs import findings, operations as ops
from footprint.notifications.models import Notification
from footprint.notifications.operations import AUDIENCES
from footprint.products.models import Product
from footprint.web.notifications.messages import ACTION_MESSAGES, SCHEME_LABELS
from tests.certs.test_workflow import ITEM, PCF, assessment_of
from tests.helpers import credit_code, login

EVALUATOR = "Li <i>Wei</i>"  # a name that would be markup if it were not escaped


@pytest.fixture
def flow(app, applicant):
    """The applicant's product applied for, submitted and taken by a certifier, who raised a
    finding: the applicant has two notifications (take, finding), the certifier one (submit).
    Returns the certifier's e-mail."""
    with app.app_context():
        session = db.session()
        user = accounts.find_user_by_email(session, applicant)
        certifier = accounts.register_organisation(
            session, name="Body", credit_code=credit_code(90), address="", user_name=EVALUATOR,
            email="li@body.cn", password="correct horse 1",
            kind=OrganisationKind.CERTIFICATION_BODY)
        product = session.get(Product, 1)
        application = ops.create_draft(session, user, criteria=PCF, product=product)
        ops.save_draft(session, user, application, criteria=PCF, answers={},
                       assessment_id=assessment_of(session, user, product).id)
        ops.submit(session, user, application, criteria=PCF)
        ops.take(session, certifier, application)
        findings.raise_finding(session, certifier, application, criteria=PCF, item_id=ITEM,
                               kind="minor", text="unclear",
                               due_date=date.today() + timedelta(days=30))
        session.commit()
    return "li@body.cn"


def ids_of(app, email: str) -> list[int]:
    with app.app_context():
        session = db.session()
        user = accounts.find_user_by_email(session, email)
        return list(session.exec(select(Notification.id).where(Notification.user_id == user.id)
                                 .order_by(Notification.id)))


def header_count(client) -> str | None:
    """The unread count shown in the header of a page, None when none is shown."""
    header = client.get("/sites/").get_data(as_text=True).split("</header>")[0]
    found = re.search(r'<span class="unread-count"[^>]*>([^<]*)</span>', header)
    return found.group(1) if found else None


def test_the_header_links_to_the_list_and_shows_no_count_at_zero(client, applicant):
    assert header_count(client) is None
    assert 'href="/notifications"' in client.get("/sites/").get_data(as_text=True)
    assert "No notifications yet." in client.get("/notifications").get_data(as_text=True)


def test_the_count_matches_the_unread_notifications(app, client, flow):
    assert header_count(client) == "2"
    client.get(f"/notifications/{ids_of(app, 'applicant1@example.cn')[0]}")
    assert header_count(client) == "1"
    client.post("/notifications/read")
    assert header_count(client) is None


def test_the_list_shows_my_notifications_only_in_words_escaped(app, client, flow):
    page = client.get("/notifications").get_data(as_text=True)
    mine = ids_of(app, "applicant1@example.cn")
    theirs = ids_of(app, flow)
    assert len(re.findall(r'<li class="unread">', page)) == 2
    for notification_id in mine:
        assert f'href="/notifications/{notification_id}"' in page
    for notification_id in theirs:
        assert f'href="/notifications/{notification_id}"' not in page
    with app.test_request_context():
        application = f"Application 1 ({SCHEME_LABELS['pcf-verification']}, Desk fan)"
    assert f"{application} taken for evaluation by Li &lt;i&gt;Wei&lt;/i&gt;" in page
    assert f"{application}: finding on item {ITEM} raised by Li &lt;i&gt;Wei&lt;/i&gt;" in page
    assert "<i>Wei" not in page and "submitted by" not in page
    # newest first
    assert page.index(f"/notifications/{mine[1]}") < page.index(f"/notifications/{mine[0]}")
    login(client, flow)
    page = client.get("/notifications").get_data(as_text=True)
    assert f"{application} submitted by User 1" in page
    assert "taken for evaluation" not in page


def test_opening_a_notification_marks_it_read_and_goes_to_the_application(app, client, flow):
    first, second = ids_of(app, "applicant1@example.cn")
    response = client.get(f"/notifications/{first}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/applications/1"
    landed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<span class="state state-in_evaluation" id="state">' in landed
    page = client.get("/notifications").get_data(as_text=True)
    assert len(re.findall(r'<li class="unread">', page)) == 1
    assert re.search(rf'<li class="unread">(?:(?!</li>).)*/notifications/{second}"', page,
                     re.S)


def test_another_users_notification_is_not_found_and_stays_unread(app, client, flow):
    (theirs,) = ids_of(app, flow)
    assert client.get(f"/notifications/{theirs}").status_code == 404
    client.post("/notifications/read", data={"notification_id": str(theirs)})
    login(client, flow)
    assert header_count(client) == "1"


def test_mark_one_and_mark_all_read(app, client, flow):
    first, second = ids_of(app, "applicant1@example.cn")
    response = client.post("/notifications/read", data={"notification_id": str(second)})
    assert (response.status_code, response.headers["Location"]) == (302, "/notifications")
    page = client.get("/notifications").get_data(as_text=True)
    assert re.findall(r'<li class="unread">(?:(?!</li>).)*/notifications/(\d+)"', page,
                      re.S) == [str(first)]
    for bad in ("x", "0", "-1", str(2**31)):
        assert client.post("/notifications/read",
                           data={"notification_id": bad}).status_code == 400
    assert header_count(client) == "1"  # nothing marked by a bad request
    client.post("/notifications/read")
    assert 'class="unread"' not in client.get("/notifications").get_data(as_text=True)
    assert header_count(client) is None


def test_marking_read_needs_the_csrf_token(app, client, flow):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/notifications/read").status_code == 400
    page = client.get("/notifications").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert header_count(client) == "2"
    assert client.post("/notifications/read", data={"csrf_token": token}).status_code == 302
    assert header_count(client) is None


def test_every_action_that_notifies_has_its_words():
    assert set(ACTION_MESSAGES) == set(AUDIENCES)
