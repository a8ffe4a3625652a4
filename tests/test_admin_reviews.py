"""Administration of reviews: create, edit, choose the current review (header switcher, per session),
every page and count on the current review only, and the CLI's --review."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from admin_helpers import EARLIER, TODAY, figures, form_token, org, sefton
from sefton.figures import progress
from sefton.extensions import db
from sefton.models import AuditEvent, EvidenceSubmission, Review, Section, SubAction

JTAI = {"title": "Joint targeted area inspection: children living with domestic abuse", "code": "JTAI-2019",
        "body": "Ofsted, CQC, HMICFRS and HMI Probation", "area": "Sefton", "on_site_from": "4 March 2019",
        "on_site_to": "8 March 2019", "published_on": "25/03/2019", "plan_due_on": "2019-06-30",
        "summary": "4 inspectorates; 30 children's records", "chair": "Demo Chair", "plan_agreed_on": "",
        "governance": "Reported to the Local Safeguarding Children Board."}


@pytest.fixture
def admin(client, auth):
    auth.login("admin@demo.test")
    return client


def post(client, path, data, page="/admin/reviews"):
    return client.post(path, data={"csrf_token": form_token(client, page), **data})


def create_jtai(client):
    response = post(client, "/admin/reviews/new", JTAI)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(Review).where(Review.code == "JTAI-2019"))


def test_admin_creates_a_review_with_dates_as_people_write_them(app, admin):
    n = db.session.scalar(select(func.count(AuditEvent.id)))
    review = create_jtai(admin)
    assert (review.on_site_from, review.published_on, review.plan_due_on) == (
        dt.date(2019, 3, 4), dt.date(2019, 3, 25), dt.date(2019, 6, 30))
    assert review.summary == JTAI["summary"] and review.plan_agreed_on is None
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.review_id, event.after["code"]) == ("review.created", review.id, "JTAI-2019")
    assert db.session.scalar(select(func.count(AuditEvent.id))) == n + 1


@pytest.mark.parametrize("change, field, message", [
    ({"title": ""}, "title", "Enter the review"),
    ({"code": "CLAS-2018"}, "code", "already has the short name"),
    ({"code": "has spaces"}, "code", "letters, numbers and hyphens"),
    ({"on_site_to": "1 March 2019"}, "on_site_to", "same as or after"),
    ({"published_on": "31 June 2019"}, "published_on", "Enter a real date"),
])
def test_bad_review_input_is_refused_with_nothing_written(app, admin, change, field, message):
    count = db.session.scalar(select(func.count(Review.id)))
    response = post(admin, "/admin/reviews/new", {**JTAI, **change})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "nhsuk-error-summary" in html and message in html and f'href="#{field}"' in html
    assert db.session.scalar(select(func.count(Review.id))) == count


def test_editing_a_review_and_a_stale_edit(app, admin):
    review = sefton()
    data = {**JTAI, "code": "CLAS-2018", "title": "Renamed", "version": review.version}
    assert post(admin, f"/admin/reviews/{review.id}/edit", data).status_code == 302
    assert sefton().title == "Renamed"
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "review.edited" and event.after["title"] == "Renamed"
    response = post(admin, f"/admin/reviews/{review.id}/edit", {**data, "title": "Stale"})  # the old version
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this review" in html and "Nothing was saved" in html and "Renamed" in html
    assert sefton().title == "Renamed"


def test_switcher_shows_with_two_reviews_and_chooses_per_session(app, admin, auth):
    assert 'id="review-switcher"' not in admin.get("/").get_data(as_text=True)
    jtai = create_jtai(admin)
    html = admin.get("/").get_data(as_text=True)
    assert 'id="review-switcher"' in html and "CLAS-2018" in html  # still on the first review
    response = post(admin, "/choose-review", {"review": jtai.id, "next": "/reports/"}, page="/")
    assert response.status_code == 302 and response.headers["Location"] == "/reports/"
    assert JTAI["title"] in admin.get("/").get_data(as_text=True)
    assert post(admin, "/choose-review", {"review": 9999}, page="/").status_code == 404
    response = admin.post("/choose-review", data={"review": sefton().id})  # no CSRF token
    assert response.status_code == 400


def _evidence(sa, day):
    db.session.add(EvidenceSubmission(sub_action=sa, description="Done", status="accepted", submitted_on=day,
                                      decided_on=day))


def test_a_second_review_leaves_the_first_reviews_figures_identical(app, admin, runner):
    first = sefton().id
    days = EARLIER + [TODAY, dt.date(2019, 7, 5)]
    before = figures(first, days)
    cli_before = runner.invoke(args=["progress", "--format", "csv"]).output
    jtai = create_jtai(admin)
    assert post(admin, "/choose-review", {"review": jtai.id}, page="/").status_code == 302
    assert post(admin, "/admin/plan/sections/new", {"title": "Early help"}, page="/admin/plan").status_code == 302
    sec = db.session.scalar(select(Section).where(Section.review_id == jtai.id))
    assert sec.number == 1
    assert post(admin, f"/admin/plan/sections/{sec.id}/recommendations/new",
                {"text": "Share information at the front door", "owners": [org("ahch").id, org("ss-ccg").id]},
                page="/admin/plan").status_code == 302
    rec = sec.recommendations[0]
    for owner, due in (("ahch", "1 March 2019"), ("ss-ccg", "1 May 2019")):
        assert post(admin, f"/admin/plan/recommendations/{rec.id}/sub-actions/new",
                    {"text": f"Work of {owner}", "owner": org(owner).id, "lead_name": "Lead",
                     "original_due_on": due}, page="/admin/plan").status_code == 302
    _evidence(rec.sub_actions[0], TODAY)
    db.session.commit()
    assert figures(first, days) == before
    assert runner.invoke(args=["progress", "--format", "csv"]).output == cli_before
    jtai_table = progress.by_section(jtai.id, TODAY)
    assert [(r.label, r.actions, r.sub_actions, r.green, r.grey) for r in jtai_table.rows] == [("1", 1, 2, 1, 1)]
    # Every page works on the chosen review: the dashboard, reports, the workspace.
    html = admin.get("/").get_data(as_text=True)
    assert "Early help" in html and "Section 15" not in html
    csv_text = admin.get("/reports/plan.csv").get_data(as_text=True)
    assert "Work of ahch" in csv_text and "1.1.1" in csv_text and "15.1.1" not in csv_text
    from conftest import Auth

    auth_client = app.test_client()  # another person, another session
    Auth(auth_client).login("ahch@demo.test")
    mine = auth_client.get("/my-actions/all").get_data(as_text=True)
    assert "Work of ahch" not in mine  # ahch's session still works on the first review
    assert post(auth_client, "/choose-review", {"review": jtai.id}, page="/").status_code == 302
    mine = auth_client.get("/my-actions/all").get_data(as_text=True)
    assert "Work of ahch" in mine and "Work of ss-ccg" in mine  # its own and its co-owner's
    assert f'/sub-actions/{sefton_sub_action_id()}"' not in mine


def sefton_sub_action_id():
    return db.session.scalar(select(SubAction.id).join(SubAction.recommendation).where(SubAction.owner_id == org("ahch").id)
                             .order_by(SubAction.id))


def test_cli_progress_takes_a_review_by_code_or_id(app, admin, runner):
    jtai = create_jtai(admin)
    default = runner.invoke(args=["progress", "--format", "csv"]).output
    assert runner.invoke(args=["progress", "--format", "csv", "--review", "CLAS-2018"]).output == default
    assert runner.invoke(args=["progress", "--format", "csv", "--review", str(sefton().id)]).output == default
    result = runner.invoke(args=["progress", "--format", "csv", "--review", "jtai-2019"])
    assert result.exit_code == 0 and result.output.splitlines() == [
        "Section,Number of actions,Number of sub-actions,Green,Grey (not yet due),Red", "Total,0,0,0,0,0"]
    result = runner.invoke(args=["progress", "--review", "NOPE"])
    assert result.exit_code != 0 and "no review" in result.output
    assert jtai.id
