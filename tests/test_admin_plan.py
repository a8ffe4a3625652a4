"""Administration of the plan: add, edit, reorder, retire; original due date changes; every change
audited in the same transaction; stale forms refused; figures "as at" earlier dates never change."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from admin_helpers import EARLIER, TODAY, figures, form_token, org, rec, section, sefton, sub_action
from sefton.figures import progress
from sefton.extensions import db
from sefton.models import AuditEvent, OriginalDueChange, Recommendation, Section, SubAction


@pytest.fixture
def admin(client, auth):
    auth.login("admin@demo.test")
    return client


def post(client, path, data, page="/admin/plan"):
    return client.post(path, data={"csrf_token": form_token(client, page), **data})


def events():
    return db.session.scalar(select(func.count(AuditEvent.id)))


def test_admin_adds_a_sub_action_that_its_organisation_then_finds(app, admin, auth):
    r = rec("4.1")
    before = figures(sefton().id, EARLIER)
    n_events = events()
    response = post(admin, f"/admin/plan/recommendations/{r.id}/sub-actions/new",
                    {"text": "Audit of health assessments", "owner": org("ahch").id, "lead_name": "Named Nurse",
                     "original_due_on": "30 June 2019"})
    assert response.status_code == 302
    sa = db.session.scalars(select(SubAction).where(SubAction.recommendation_id == r.id)
                            .order_by(SubAction.position.desc())).first()
    assert (sa.text, sa.owner.code, sa.added_on, sa.original_due_on) == (
        "Audit of health assessments", "ahch", TODAY, dt.date(2019, 6, 30))
    assert sa.position == len(r.sub_actions)  # the next position: ref 4.1.N
    assert events() == n_events + 1
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.sub_action_id, event.review_id) == ("sub_action.added", sa.id, sefton().id)
    assert figures(sefton().id, EARLIER) == before  # not part of the plan before today
    assert "Sub-action added." in admin.get(response.headers["Location"]).get_data(as_text=True)
    admin.post("/logout", data={"csrf_token": form_token(admin, "/")})
    auth.login("ahch@demo.test")
    assert "Audit of health assessments" in admin.get("/my-actions/all").get_data(as_text=True)  # section 4: page 1


@pytest.mark.parametrize("data, message", [
    ({"text": "", "owner": "ahch", "lead_name": "L", "original_due_on": "1 May 2019"}, "Enter what the sub-action"),
    ({"text": "T", "owner": "lwh", "lead_name": "L", "original_due_on": "1 May 2019"}, "one of the recommendation"),
    ({"text": "T", "owner": "ahch", "lead_name": "L", "original_due_on": "31 February 2019"}, "Enter a real date"),
    ({"text": "T", "owner": "ahch", "lead_name": "", "original_due_on": ""}, "Enter the lead"),
])
def test_bad_sub_action_input_is_refused_with_nothing_written(app, admin, data, message):
    r = rec("4.1")
    data = {**data, "owner": org(data["owner"]).id}
    count, n_events = db.session.scalar(select(func.count(SubAction.id))), events()
    response = post(admin, f"/admin/plan/recommendations/{r.id}/sub-actions/new", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "nhsuk-error-summary" in html and message in html
    assert db.session.scalar(select(func.count(SubAction.id))) == count and events() == n_events


def test_retiring_a_sub_action_keeps_every_earlier_figure_and_drops_it_from_today(app, admin):
    sa = sub_action("4.1.1")
    review_id = sefton().id
    before = figures(review_id, EARLIER + [TODAY])
    response = post(admin, f"/admin/plan/sub-actions/{sa.id}/retire", {"version": sa.version})
    assert response.status_code == 302
    assert sa.retired_on == TODAY
    after = figures(review_id, EARLIER + [TODAY])
    for day in EARLIER:
        assert after[day] == before[day], day
    assert after[TODAY]["by_section"]["total"]["sub_actions"] == before[TODAY]["by_section"]["total"]["sub_actions"] - 1
    # Gone from the lists, its own page still opens and says so.
    assert f"/sub-actions/{sa.id}\"" not in admin.get(f"/recommendations/{sa.recommendation_id}").get_data(as_text=True)
    assert "Retired on 1 April 2019" in admin.get(f"/sub-actions/{sa.id}").get_data(as_text=True)
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.sub_action_id, event.after["retired_on"]) == ("sub_action.retired", sa.id, "2019-04-01")


def test_retiring_a_section_retires_its_recommendations_and_sub_actions(app, admin):
    sec = section(4)
    review_id = sefton().id
    before = figures(review_id, EARLIER)
    today_before = progress.by_section(review_id, TODAY)
    assert post(admin, f"/admin/plan/sections/{sec.id}/retire", {"version": sec.version}).status_code == 302
    assert all(r.retired_on == TODAY for r in sec.recommendations)
    assert all(sa.retired_on == TODAY for r in sec.recommendations for sa in r.sub_actions)
    assert figures(review_id, EARLIER) == before
    today = progress.by_section(review_id, TODAY)
    assert "4" not in [row.label for row in today.rows]
    assert today.total.actions == today_before.total.actions - 5
    assert today.total.sub_actions == today_before.total.sub_actions - 10
    assert db.session.scalar(select(func.count(SubAction.id))) == 245  # nothing deleted


def test_retiring_a_recommendation_drops_it_from_lists_and_counts(app, admin):
    r = rec("4.2")
    assert post(admin, f"/admin/plan/recommendations/{r.id}/retire", {"version": r.version}).status_code == 302
    assert r.retired_on == TODAY and all(sa.retired_on == TODAY for sa in r.sub_actions)
    html = admin.get(f"/sections/{r.section_id}").get_data(as_text=True)
    assert f'/recommendations/{r.id}"' not in html
    assert "Retired on 1 April 2019" in admin.get(f"/recommendations/{r.id}").get_data(as_text=True)


def test_changing_an_original_due_date_needs_a_reason_and_keeps_earlier_figures(app, admin):
    sa = sub_action("4.1.1")
    review_id = sefton().id
    old = sa.original_due_on
    data = {"version": sa.version, "text": sa.text, "owner": sa.owner_id, "lead_name": sa.lead_name,
            "original_due_on": "1 January 2019"}
    response = post(admin, f"/admin/plan/sub-actions/{sa.id}/edit", data)
    assert response.status_code == 422 and "Give a reason" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OriginalDueChange.id))) == 0
    before = figures(review_id, EARLIER)
    response = post(admin, f"/admin/plan/sub-actions/{sa.id}/edit", {**data, "reason": "Typed wrongly in the plan"})
    assert response.status_code == 302
    change = db.session.scalar(select(OriginalDueChange))
    assert (change.previous_due_on, change.new_due_on, change.effective_on) == (old, dt.date(2019, 1, 1), TODAY)
    assert sa.original_due_on == dt.date(2019, 1, 1)
    assert figures(review_id, EARLIER) == before
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "sub_action.original_due_changed" and event.sub_action_id == sa.id
    history = admin.get(f"/sub-actions/{sa.id}/history").get_data(as_text=True)
    assert "Original due date changed" in history and "Typed wrongly in the plan" in history


def test_a_stale_edit_is_refused_and_shows_the_current_values(app, admin):
    sa = sub_action("4.1.1")
    stale = sa.version
    sa.lead_name = "Changed by someone else"
    db.session.commit()
    response = post(admin, f"/admin/plan/sub-actions/{sa.id}/edit",
                    {"version": stale, "text": "Mine", "owner": sa.owner_id, "lead_name": "Mine",
                     "original_due_on": sa.original_due_on.isoformat()})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this sub-action" in html and "Nothing was saved" in html
    assert "Changed by someone else" in html
    db.session.refresh(sa)
    assert sa.text != "Mine"


@pytest.mark.parametrize("kind", ["section", "recommendation", "sub-action"])
def test_a_stale_retire_is_refused(app, admin, kind):
    obj = {"section": lambda: section(4), "recommendation": lambda: rec("4.1"),
           "sub-action": lambda: sub_action("4.1.1")}[kind]()
    path = {"section": f"/admin/plan/sections/{obj.id}/retire",
            "recommendation": f"/admin/plan/recommendations/{obj.id}/retire",
            "sub-action": f"/admin/plan/sub-actions/{obj.id}/retire"}[kind]
    n_events = events()
    response = post(admin, path, {"version": obj.version - 1})
    assert response.status_code == 409 and "Nothing was saved" in response.get_data(as_text=True)
    db.session.refresh(obj)
    assert obj.retired_on is None and events() == n_events


def test_moving_swaps_positions_and_refs(app, admin):
    first, second = sub_action("4.1.1"), sub_action("4.1.2")
    ids = first.id, second.id
    assert post(admin, f"/admin/plan/sub-actions/{second.id}/move", {"version": second.version,
                                                                     "direction": "up"}).status_code == 302
    assert (sub_action("4.1.1").id, sub_action("4.1.2").id) == (ids[1], ids[0])
    r1, r2 = rec("4.1"), rec("4.2")
    assert post(admin, f"/admin/plan/recommendations/{r1.id}/move", {"version": r1.version,
                                                                     "direction": "down"}).status_code == 302
    assert (rec("4.1").id, rec("4.2").id) == (r2.id, r1.id)
    s4, s5 = section(4), section(5)
    assert post(admin, f"/admin/plan/sections/{s5.id}/move", {"version": s5.version,
                                                              "direction": "up"}).status_code == 302
    assert (section(4).id, section(5).id) == (s5.id, s4.id)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.like("%.moved"))) == 3


def test_adding_a_section_and_a_recommendation_with_a_flag(app, admin):
    assert post(admin, "/admin/plan/sections/new", {"title": "Transition to adult services"}).status_code == 302
    sec = section(16)
    assert sec.added_on == TODAY and sec.title == "Transition to adult services"
    data = {"text": "Plan transitions early", "owners": [org("ahch").id, org("nwbh").id], "phc_flag": "1",
            "phc_reason": ""}
    response = post(admin, f"/admin/plan/sections/{sec.id}/recommendations/new", data)
    assert response.status_code == 422 and "Give the reason" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Recommendation.id)).where(Recommendation.section_id == sec.id)) == 0
    response = post(admin, f"/admin/plan/sections/{sec.id}/recommendations/new",
                    {**data, "phc_reason": "Affects public health nursing"})
    assert response.status_code == 302
    r = rec("16.1")
    assert sorted(o.code for o in r.owners) == ["ahch", "nwbh"]
    assert r.phc_flag and r.phc_reason == "Affects public health nursing" and r.phc_flagged_at is not None
    assert r.added_on == TODAY
    before = figures(sefton().id, EARLIER)
    assert "16" not in [row["label"] for row in before[EARLIER[-1]]["by_section"]["rows"]]


def test_a_recommendation_keeps_the_owners_of_its_sub_actions(app, admin):
    r = rec("4.1")
    response = post(admin, f"/admin/plan/recommendations/{r.id}/edit",
                    {"version": r.version, "text": r.text, "owners": [org("nwbh").id]})
    assert response.status_code == 422
    assert "Keep as owners" in response.get_data(as_text=True)
    db.session.refresh(r)
    assert [o.code for o in r.owners] == ["ahch"]


def test_a_deactivated_organisation_is_not_offered_as_an_owner(app, admin):
    lwh = org("lwh")
    assert post(admin, f"/admin/organisations/{lwh.id}/deactivate", {"version": lwh.version},
                "/admin/organisations").status_code == 302
    r = rec("4.1")
    html = admin.get(f"/admin/plan/recommendations/{r.id}/edit").get_data(as_text=True)
    assert f'value="{lwh.id}"' not in html
    response = post(admin, f"/admin/plan/recommendations/{r.id}/edit",
                    {"version": r.version, "text": r.text, "owners": [org("ahch").id, lwh.id]})
    assert response.status_code == 302
    db.session.refresh(r)
    assert [o.code for o in r.owners] == ["ahch"]  # the deactivated one was not taken


def test_plan_pages_are_of_the_current_review_only(app, admin):
    from sefton.models import Review

    other = Review(title="Other", body="Ofsted", area="Sefton", on_site_from=TODAY, on_site_to=TODAY,
                   published_on=TODAY, plan_due_on=TODAY, code="OTHER")
    db.session.add(other)
    db.session.flush()
    sec = Section(review_id=other.id, number=1, title="Elsewhere")
    db.session.add(sec)
    db.session.commit()
    assert admin.get(f"/admin/plan/sections/{sec.id}").status_code == 404
    assert admin.get(f"/admin/plan/sections/{section(4).id}").status_code == 200


def test_a_retired_sub_action_leaves_the_review_queue_and_its_count(app, admin, client):
    from sefton.models import EvidenceSubmission

    pending = db.session.scalars(select(EvidenceSubmission).where(EvidenceSubmission.status == "pending")).first()
    sa = pending.sub_action
    queue = admin.get("/review").get_data(as_text=True)
    assert f"/review/submissions/{pending.id}\"" in queue
    count = int(queue.split('id="review-count" class="app-count">')[1].split("<")[0])
    assert post(admin, f"/admin/plan/sub-actions/{sa.id}/retire", {"version": sa.version}).status_code == 302
    queue = admin.get("/review").get_data(as_text=True)
    assert f"/review/submissions/{pending.id}\"" not in queue
    assert int(queue.split('id="review-count" class="app-count">')[1].split("<")[0]) == count - 1


def test_the_section_page_loads_in_a_fixed_number_of_queries(app, admin):
    from sqlalchemy import event

    counts = {}
    for number in (7, 15):  # 3 and 61 sub-actions
        statements = []

        def count(*args, **kwargs):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert admin.get(f"/admin/plan/sections/{section(number).id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        counts[number] = len(statements)
    assert counts[15] == counts[7]


def test_a_retired_sub_action_is_read_only_for_its_organisation(app, admin):
    from conftest import Auth

    sa = sub_action("4.1.1")
    assert post(admin, f"/admin/plan/sub-actions/{sa.id}/retire", {"version": sa.version}).status_code == 302
    db.session.refresh(sa)
    ahch = app.test_client()
    Auth(ahch).login("ahch@demo.test")
    token = form_token(ahch, "/my-actions")
    response = ahch.post(f"/sub-actions/{sa.id}/notes", data={"csrf_token": token, "version": sa.version,
                                                              "body": "Still working on it"})
    assert response.status_code == 403
    assert "Retired on 1 April 2019" in ahch.get(f"/sub-actions/{sa.id}").get_data(as_text=True)
