"""Pages issue a fixed number of SQL queries, however many sub-actions the plan holds."""
import contextlib
import datetime as dt

import pytest
from sqlalchemy import delete, event, select

from sefton.extensions import db
from sefton.models import EvidenceSubmission, ReportCache, Section, SubAction


@contextlib.contextmanager
def count_queries():
    counter = {"n": 0}

    def before(*args, **kwargs):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def multiply_sub_actions(factor):
    """Add (factor - 1) copies of every sub-action, with a note, a submission and a file each."""
    originals = db.session.scalars(select(SubAction)).all()
    for sa in originals:
        for k in range(1, factor):
            copy = SubAction(recommendation_id=sa.recommendation_id, owner_id=sa.owner_id,
                             position=sa.position + 100 * k, text=sa.text, lead_name=sa.lead_name,
                             original_due_on=sa.original_due_on, current_due_on=sa.current_due_on, state="submitted")
            copy.submissions.append(EvidenceSubmission(description="copy", submitted_on=dt.date(2019, 3, 1)))
            db.session.add(copy)
    db.session.commit()


@pytest.mark.parametrize("email", ["reviewer@demo.test", "ahch@demo.test"])
def test_dashboard_and_section_queries_do_not_grow_with_the_plan(app, client, auth, email):
    auth.login(email)
    section_id = db.session.scalar(select(Section.id).where(Section.number == 12))
    pages = ["/", f"/sections/{section_id}"]

    def measure():
        counts = []
        for page in pages:
            db.session.execute(delete(ReportCache))  # the dashboard's tables are rendered, not served
            db.session.commit()
            db.session.remove()  # tests share the app context with the client: start each page cold
            with count_queries() as c:
                assert client.get(page).status_code == 200
            counts.append(c["n"])
        return counts

    before = measure()
    multiply_sub_actions(5)
    after = measure()
    assert db.session.scalar(select(db.func.count(SubAction.id))) == 245 * 5
    assert after == before


def test_sub_action_page_queries_do_not_grow_with_its_history(app, client, auth):
    """Submissions, files and notes are loaded together, not one query each while rendering."""
    from sefton.models import EvidenceFile, ProgressNote, User

    auth.login("ahch@demo.test")
    sa = db.session.scalars(select(SubAction).join(SubAction.owner).where(
        SubAction.owner.has(code="ahch"), SubAction.state == "accepted")).first()
    sa_id, member_id = sa.id, db.session.scalar(select(User.id).where(User.email == "ahch@demo.test"))

    def measure():
        db.session.remove()
        with count_queries() as c:
            assert client.get(f"/sub-actions/{sa_id}").status_code == 200
        return c["n"]

    before = measure()
    sa = db.session.get(SubAction, sa_id)
    for n in range(4):
        sub = EvidenceSubmission(sub_action_id=sa.id, description="older", status="withdrawn",
                                 submitted_on=dt.date(2019, 2, 1), submitted_by_id=member_id)
        sub.files.append(EvidenceFile(original_name=f"f{n}.txt", content_type="text/plain", size=1, sha256="0" * 64,
                                      data=b"x", uploaded_by_id=member_id))
        db.session.add(sub)
        db.session.add(ProgressNote(sub_action_id=sa.id, noted_on=dt.date(2019, 2, 1), body="n", author_id=member_id))
    db.session.commit()
    assert measure() == before


def test_decision_page_queries_do_not_grow_with_notes_and_earlier_returns(app, client, auth):
    """The reviewer's decision page loads the notes (authors) and earlier submissions (reviewers)
    together, not one query per note or submission (sefton.queries.load_details)."""
    from sefton.models import ProgressNote, User

    auth.login("reviewer@demo.test")
    people = db.session.scalars(select(User.id).where(User.email.in_(
        ["ahch@demo.test", "reviewer@demo.test", "reviewer2@demo.test", "admin@demo.test", "viewer@demo.test"]))
        .order_by(User.id)).all()
    sa_id = db.session.scalar(select(SubAction.id).where(SubAction.owner.has(code="ahch"), SubAction.state == "open")
                              .order_by(SubAction.id))

    def add(k, person):
        """A returned submission and a note, by `person`."""
        db.session.add(ProgressNote(sub_action_id=sa_id, noted_on=dt.date(2019, 1, 1 + k), body=f"note {k}",
                                    author_id=person))
        db.session.add(EvidenceSubmission(sub_action_id=sa_id, description="older", status="returned",
                                          submitted_on=dt.date(2019, 1, 1 + k), decided_by_id=person,
                                          decided_on=dt.date(2019, 1, 2 + k), decision_comment=f"reason {k}"))
        db.session.flush()

    def awaiting():
        pending = EvidenceSubmission(sub_action_id=sa_id, description="now", submitted_on=dt.date(2019, 3, 1))
        db.session.add(pending)
        db.session.commit()
        return pending.id

    def measure(sub_id):
        db.session.execute(delete(ReportCache))  # the figures are worked out, not served (no audit here)
        db.session.commit()
        db.session.remove()
        with count_queries() as c:
            html = client.get(f"/review/submissions/{sub_id}").get_data(as_text=True)
        return c["n"], html

    add(0, people[0])
    first = awaiting()
    before, _ = measure(first)
    db.session.get(EvidenceSubmission, first).status = "returned"
    for k, person in enumerate(people[1:], start=1):  # a different author and reviewer each time
        add(k, person)
    after, html = measure(awaiting())
    assert f"reason {len(people) - 1}" in html and f"note {len(people) - 1}" in html
    assert after == before


def test_my_actions_queries_are_fixed_at_40_times_the_plan(app, client, auth):
    """The default view, the full list's first page and a later one, filtered or not: the same
    number of statements at the demo's size and at 40 times the plan (sefton.scale, as
    `flask --app app scale-demo --factor 40` builds it)."""
    from sefton.demo import scale

    auth.login("ahch@demo.test")
    pages = ["/my-actions", "/my-actions/all", "/my-actions/all?page=3", "/my-actions/all?status=grey&due=next30"]

    def measure():
        counts = []
        for page in pages:
            db.session.remove()
            with count_queries() as c:
                response = client.get(page)
                assert response.status_code == 200, page
            assert len(re_rows(response.get_data(as_text=True))) <= 50
            counts.append(c["n"])
        return counts

    before = measure()
    scale.build(40)
    db.session.commit()
    assert db.session.scalar(select(db.func.count(SubAction.id))) == 245 * 40
    assert measure() == before
    html = client.get("/my-actions/all?page=100").get_data(as_text=True)
    assert len(re_rows(html)) == 50 and "page 100 of" in html


def re_rows(html):
    import re

    return re.findall(r'app-workspace-row" id="subaction-(\d+)"', html)
