"""Lists of assessments stay cheap however many there are: a bounded number of queries, the
content (`result`, and `spec` but for the newest) never read, and a long history in pages."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from footprint import db
from footprint.assessments.models import Assessment
from tests.helpers import add_line

COPIES = 120  # with the one calculated: 121 = 50 + 50 + 21, three pages of 50


@contextmanager
def statements(app):
    """The SQL statements run meanwhile, as text."""
    seen: list[str] = []

    def remember(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def reads_result(sql: str) -> bool:
    return re.search(r"assessments\.result\b", sql) is not None


def store_copies(app, count: int) -> None:
    """`count` more assessments of product 1, copies of the first, each a minute later."""
    with app.app_context():
        session = db.session()
        first = session.get(Assessment, 1)
        fields = {k: getattr(first, k) for k in (
            "organisation_id", "product_id", "product_version", "user_id", "spec", "result",
            "dataset_version", "carbon_total", "water_consumption_m3", "content_hash")}
        session.add_all(Assessment(**fields, created_dt=first.created_dt + timedelta(minutes=i))
                        for i in range(1, count + 1))
        session.commit()


def get(client, app, url: str) -> tuple[str, list[str]]:
    with statements(app) as seen:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True), seen


def test_list_pages_run_as_many_queries_for_121_assessments_as_for_one(client, applicant, app):
    add_line(client)
    assert client.post("/products/1/calculate").status_code == 302
    urls = ("/products/", "/products/1")
    before = {url: get(client, app, url)[1] for url in urls}
    store_copies(app, COPIES)
    for url in urls:
        page, seen = get(client, app, url)
        assert len(seen) == len(before[url]), url
        assert not any(reads_result(sql) for sql in seen), url
    assert not any(reads_result(sql) for sql in get(client, app, "/products/1?page=3")[1])


def test_the_results_page_reads_the_content_of_its_own_assessment_only(client, applicant,
                                                                        app):
    add_line(client)
    assert client.post("/products/1/calculate").status_code == 302
    store_copies(app, COPIES)
    page, seen = get(client, app, "/assessments/60")
    assert len([sql for sql in seen if reads_result(sql)]) == 1
    assert 'href="/products/1/compare?a=59&amp;b=60"' in page  # the previous one: 59


def test_a_long_history_is_shown_in_pages_of_50_newest_first(client, applicant, app):
    add_line(client)
    assert client.post("/products/1/calculate").status_code == 302
    store_copies(app, COPIES)
    rows = re.compile(r'name="a" value="(\d+)"')
    first = client.get("/products/1").get_data(as_text=True)
    assert rows.findall(first) == [str(i) for i in range(121, 71, -1)]  # 121 down to 72
    assert "Page 1 of 3 (121 assessments)" in first
    assert 'rel="next" href="/products/1?page=2#history"' in first and 'rel="prev"' not in first
    last = client.get("/products/1?page=3").get_data(as_text=True)
    assert rows.findall(last) == [str(i) for i in range(21, 0, -1)]  # 121 - 2 x 50 = 21 left
    assert 'rel="prev" href="/products/1?page=2#history"' in last and 'rel="next"' not in last
    beyond = client.get("/products/1?page=99").get_data(as_text=True)
    assert rows.findall(beyond) == rows.findall(last)  # a page past the end: the last one


def test_a_list_sees_a_total_changed_in_the_database(client, applicant, app):
    add_line(client)
    assert client.post("/products/1/calculate").status_code == 302
    store_copies(app, 1)
    engine = app.extensions["db_engine"]
    from footprint.audit import triggers

    with engine.begin() as connection:  # a change behind the application's back
        triggers.remove(connection)
        connection.exec_driver_sql("UPDATE assessments SET carbon_total = 0.001234 WHERE id = 2")
        triggers.install_all(connection)
    page = client.get("/products/1").get_data(as_text=True)
    assert page.count("altered: does not match its content hash") == 1  # row 2; row 1 is fine
    assert "0.001234" not in page
