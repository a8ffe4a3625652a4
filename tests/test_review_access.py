"""Who may use the review routes: reviewers decide, viewers and admins read, organisation users are
refused; every decision needs the CSRF token."""
import pytest
from sqlalchemy import func, select

from sefton import access
from sefton.extensions import db
from sefton.models import AuditEvent, DueDateRequest, EvidenceSubmission, Recommendation

ORG_CODES = ["ss-ccg", "sf-ccg", "sefton-council", "s-and-o", "lwh", "nwbh", "ahch", "mersey-care", "addaction"]
SEES = ("reviewer", "viewer", "admin")
# endpoint -> roles it is classified for (a new review route must be added here, on purpose)
EXPECTED_ROUTES = {
    "review.queue": SEES, "review.submission": SEES,
    # open to every role; the view asks access.sees_flagged / access.can_respond_phc (Public Health)
    "review.flagged": access.EVERYONE, "review.respond": access.EVERYONE,
    "review.accept": ("reviewer",), "review.return_": ("reviewer",),
    "review.accept_date": ("reviewer",), "review.decline_date": ("reviewer",),
    "review.flag": ("reviewer", "admin"),
}


def objects():
    sub = db.session.scalars(select(EvidenceSubmission).where(EvidenceSubmission.status == "pending")).first()
    req = db.session.scalars(select(DueDateRequest).where(DueDateRequest.status == "pending")).first()
    rec = db.session.scalars(select(Recommendation).order_by(Recommendation.id)).first()
    return sub, req, rec


def gets(sub):
    return ["/review", f"/review/submissions/{sub.id}", "/flagged"]


def posts(sub, req, rec):
    v = sub.sub_action.version
    return [
        (f"/review/submissions/{sub.id}/accept", {"version": v}),
        (f"/review/submissions/{sub.id}/return", {"version": v, "reason": "Not enough"}),
        (f"/review/date-requests/{req.id}/accept", {"version": req.sub_action.version}),
        (f"/review/date-requests/{req.id}/decline", {"version": req.sub_action.version, "comment": "No"}),
        (f"/recommendations/{rec.id}/flag", {"flagged": "0" if rec.phc_flag else "1", "reason": "For the PHC."}),
    ]


def audit_count():
    return db.session.scalar(select(func.count(AuditEvent.id)))


def test_review_routes_are_classified_as_expected(demo_app):
    found = {}
    for rule in demo_app.url_map.iter_rules():
        if rule.endpoint.startswith("review."):
            kind, roles = access.classification(demo_app.view_functions[rule.endpoint])
            found[rule.endpoint] = (kind, tuple(sorted(roles)))
    assert found == {e: ("signed-in", tuple(sorted(r))) for e, r in EXPECTED_ROUTES.items()}


@pytest.mark.parametrize("code", ORG_CODES)
def test_organisation_users_are_refused_every_review_route(client, auth, code):
    sub, req, rec = objects()
    auth.login(f"{code}@demo.test")
    for url in gets(sub):
        if url == "/flagged" and code == "sefton-council":  # Public Health Commissioners: their page
            assert client.get(url).status_code == 200
            continue
        assert client.get(url).status_code == 403, url
    token, before = auth.token(), audit_count()
    for url, data in posts(sub, req, rec):
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 403, url
        assert client.post(url, data=data, headers={"HX-Request": "true", "X-CSRFToken": token}).status_code == 403
    assert audit_count() == before and sub.status == "pending" and req.status == "pending"
    assert 'href="/review"' not in client.get("/").get_data(as_text=True)  # no link to it either


@pytest.mark.parametrize("email", ["viewer@demo.test", "admin@demo.test"])
def test_viewers_and_admins_see_the_queues_and_decisions_read_only(client, auth, email):
    sub, req, rec = objects()
    auth.login(email)
    for url in gets(sub):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert 'name="version"' not in html and "/accept" not in html and "/decline" not in html, url
    assert "Only a reviewer can decide" in client.get("/review").get_data(as_text=True)
    assert "You can see it but not decide on it" in client.get(f"/review/submissions/{sub.id}").get_data(as_text=True)
    token, before = auth.token(), audit_count()
    for url, data in posts(sub, req, rec)[:4]:
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 403, url
    assert audit_count() == before and sub.status == "pending" and req.status == "pending"


def test_viewers_cannot_flag_and_see_no_flag_controls(client, auth):
    _, _, rec = objects()
    auth.login("viewer@demo.test")
    html = client.get("/flagged").get_data(as_text=True)
    assert "/flag\"" not in html and "Flag another recommendation" not in html
    before = rec.phc_flag
    response = client.post(f"/recommendations/{rec.id}/flag", data={"flagged": "1", "csrf_token": auth.token()})
    assert response.status_code == 403 and rec.phc_flag == before


@pytest.mark.parametrize("email", ["reviewer@demo.test", "admin@demo.test"])
def test_every_review_post_without_the_csrf_token_is_400(client, auth, email):
    sub, req, rec = objects()
    auth.login(email)
    before = audit_count()
    for url, data in posts(sub, req, rec):
        if email == "admin@demo.test" and "/flag" not in url:
            continue  # admins are refused these anyway (403 after CSRF)
        assert client.post(url, data=data).status_code == 400, url
        assert client.post(url, data=data, headers={"HX-Request": "true"}).status_code == 400, url
        assert client.post(url, data={**data, "csrf_token": "forged"}).status_code == 400, url
    assert audit_count() == before and sub.status == "pending" and req.status == "pending"


def test_the_header_count_is_shown_only_to_those_who_see_the_queue(client, auth):
    auth.login("reviewer@demo.test")
    assert 'id="review-count"' in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": auth.token()})
    auth.login("lwh@demo.test")
    assert 'id="review-count"' not in client.get("/").get_data(as_text=True)
