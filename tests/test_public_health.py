"""Public Health Commissioners: a flag carries its reason, who set it and when; Sefton Council's
users (and viewers) see the flagged areas, acknowledge and comment; each audited and shown."""
import re

from sqlalchemy import func, select

from conftest import csrf_from
from sefton.extensions import db
from sefton.models import AuditEvent, PhcResponse, Recommendation, User
from sefton.reports import data, pdf
from sefton.web import current_review


def _rec(flagged=True):
    return db.session.scalars(select(Recommendation).where(Recommendation.phc_flag.is_(flagged))
                              .order_by(Recommendation.id)).first()


def _post(client, url, data, page="/"):
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def _flagged_page():
    return "/flagged"


def test_a_flag_needs_a_reason_and_keeps_who_and_when(app, client, auth):
    auth.login("reviewer@demo.test")
    rec = _rec(flagged=False)
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    refused = _post(client, f"/recommendations/{rec.id}/flag", {"flagged": "1", "reason": "  "}, _flagged_page())
    assert refused.status_code == 422
    assert "Give the reason the Public Health Commissioners should look at this area" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert not rec.phc_flag and db.session.scalar(select(func.count(AuditEvent.id))) == events
    reason = "Health visiting is commissioned by Public Health: the contract should require this."
    done = _post(client, f"/recommendations/{rec.id}/flag", {"flagged": "1", "reason": reason}, _flagged_page())
    assert done.status_code == 302
    db.session.expire_all()
    reviewer = db.session.scalar(select(User).where(User.email == "reviewer@demo.test"))
    assert rec.phc_flag and rec.phc_reason == reason and rec.phc_flagged_by_id == reviewer.id and rec.phc_flagged_at
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "recommendation.flagged" and event.review_id == rec.section.review_id
    assert event.after["phc_reason"] == reason


def test_sefton_council_sees_the_flagged_areas_with_reasons_and_status(app, client, auth):
    auth.login("sefton-council@demo.test")
    page = client.get("/flagged")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    flagged = db.session.scalars(select(Recommendation).where(Recommendation.phc_flag.is_(True))).all()
    assert len(flagged) == 4
    for rec in flagged:
        assert f"Recommendation {rec.ref}" in html and rec.phc_reason.replace("'", "&#39;") in html
    assert "app-status--" in html and "Acknowledge" in html
    assert 'href="/flagged"' in html  # in the header's navigation
    assert client.get(f"/recommendations/{flagged[0].id}").status_code == 200


def test_sefton_council_dashboard_shows_the_plan_and_the_flagged_areas(app, client, auth):
    auth.login("sefton-council@demo.test")
    html = client.get("/").get_data(as_text=True)
    total = re.search(r">Total</t[hd]>(.*?)</tr>", html, re.S).group(1)
    assert [int(n) for n in re.findall(r">\s*(\d+)\s*</td>", total)] == [49, 245, 93, 152, 0]
    assert "Flagged for Public Health" in html
    assert html.count("Recommendation ") >= 4


def test_acknowledge_and_comment_are_audited_and_shown(app, client, auth):
    auth.login("sefton-council@demo.test")
    rec = _rec()
    assert _post(client, f"/recommendations/{rec.id}/public-health", {"kind": "acknowledged"}, "/flagged").status_code == 302
    comment = "Raised at the contract review with the provider on 20 March."
    assert _post(client, f"/recommendations/{rec.id}/public-health", {"kind": "comment", "body": comment},
                 "/flagged").status_code == 302
    kinds = db.session.scalars(select(PhcResponse.kind).where(PhcResponse.recommendation_id == rec.id)
                               .order_by(PhcResponse.id)).all()
    assert kinds == ["acknowledged", "comment"]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "PhcResponse")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["recommendation.phc_acknowledged", "recommendation.phc_comment"]
    assert comment in client.get(f"/recommendations/{rec.id}").get_data(as_text=True)
    assert comment in client.get("/flagged").get_data(as_text=True)
    with app.test_request_context():
        viewer = db.session.scalar(select(User).where(User.email == "viewer@demo.test"))
        html = pdf.plan_html(data.load_plan(viewer, current_review(), app.config["SEFTON_TODAY"]))
    phc_page = html[html.index("For the attention of the Public Health Commissioners"):]
    assert comment in phc_page and "Acknowledged" in phc_page and rec.phc_reason.replace("'", "&#39;") in phc_page


def test_an_empty_or_huge_comment_is_refused(app, client, auth):
    auth.login("sefton-council@demo.test")
    rec = _rec()
    for body, message in (("", "Enter your comment"), ("x" * 1_000_000, "must be 5,000 characters or fewer")):
        response = _post(client, f"/recommendations/{rec.id}/public-health", {"kind": "comment", "body": body}, "/flagged")
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PhcResponse.id))) == 0


def test_other_organisations_cannot_see_or_respond(app, client, auth):
    auth.login("ahch@demo.test")
    assert client.get("/flagged").status_code == 403
    rec = _rec()
    owned = {o.code for o in rec.owners}
    token = csrf_from(client.get("/").get_data(as_text=True))
    response = client.post(f"/recommendations/{rec.id}/public-health", data={"kind": "acknowledged", "csrf_token": token})
    assert response.status_code == (403 if "ahch" in owned else 404)
    assert db.session.scalar(select(func.count(PhcResponse.id))) == 0


def test_reviewers_may_flag_but_not_respond(app, client, auth):
    auth.login("reviewer@demo.test")
    rec = _rec()
    response = _post(client, f"/recommendations/{rec.id}/public-health", {"kind": "acknowledged"}, "/flagged")
    assert response.status_code == 403


def test_the_flagged_page_shows_50_at_a_time_both_lists(app, client, auth):
    """At 15 times the demo the flagged recommendations and those that may be flagged are each paged
    in SQL (?page=, ?others_page=): every one on exactly one page."""
    from sefton.demo import scale
    from sefton.models import Recommendation

    scale.build(15)
    db.session.commit()
    flagged_total = db.session.scalar(select(func.count(Recommendation.id)).where(Recommendation.phc_flag.is_(True)))
    assert flagged_total > 50
    auth.login("reviewer@demo.test")
    def walk(param, pattern):
        found, page = [], 1
        while (response := client.get(f"/flagged?{param}={page}")).status_code == 200:
            rows = re.findall(pattern, response.get_data(as_text=True))
            assert 0 < len(rows) <= 50
            found += rows
            page += 1
        assert response.status_code == 404
        return found

    seen = walk("page", r'<section class="app-flagged[^"]*" id="flagged-(\d+)"')
    assert len(seen) == len(set(seen)) == flagged_total
    others = walk("others_page", r'id="reason-(\d+)"')
    assert len(others) == len(set(others)) == 49 * 15 - flagged_total
    assert client.get("/flagged?page=x").status_code == 400
