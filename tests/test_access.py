"""Access rules: every route classified, each organisation sees only its own, others get 404."""
import pytest
from sqlalchemy import select

from sefton import access
from sefton.extensions import db
from sefton.models import Organisation, Recommendation, Section, SubAction, recommendation_owners

BUILTIN_PUBLIC = {"static"}
ORG_CODES = ["ss-ccg", "sf-ccg", "sefton-council", "s-and-o", "lwh", "nwbh", "ahch", "mersey-care", "addaction"]


def test_every_route_is_classified(demo_app):
    unclassified = []
    for rule in demo_app.url_map.iter_rules():
        if rule.endpoint in BUILTIN_PUBLIC:
            continue
        view = demo_app.view_functions[rule.endpoint]
        if access.classification(view) is None:
            unclassified.append(f"{rule.rule} -> {rule.endpoint}")
    assert not unclassified, "routes without an access rule: " + ", ".join(unclassified)


def signed_in_get_routes(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        kind = access.classification(view)
        if kind and kind[0] == "signed-in":
            yield rule


def test_every_signed_in_route_needs_sign_in(demo_app, demo_client):
    with demo_app.test_request_context():
        for rule in signed_in_get_routes(demo_app):
            url = rule.rule.replace("<int:", "<").replace(">", "")
            url = "".join(part if not part.startswith("<") else "1" for part in _split(rule.rule))
            method = "GET" if "GET" in rule.methods else "POST"
            response = demo_client.open(url, method=method)
            assert response.status_code in (302, 400), (rule.rule, response.status_code)
            if response.status_code == 302:
                assert "/login" in response.headers["Location"]


def _split(rule):
    import re

    return re.split(r"(<[^>]+>)", rule)


def test_htmx_request_with_expired_session_gets_hx_redirect(demo_client):
    response = demo_client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")
    assert "HX-Request" in response.headers["Vary"]


def _visible_rec_ids(code):
    org = db.session.scalar(select(Organisation).where(Organisation.code == code))
    mine = set(db.session.scalars(select(recommendation_owners.c.recommendation_id)
                                  .where(recommendation_owners.c.organisation_id == org.id)))
    if code == "sefton-council":  # Public Health Commissioners also see the areas flagged for them
        mine |= set(db.session.scalars(select(Recommendation.id).where(Recommendation.phc_flag.is_(True))))
        assert mine
    return mine


@pytest.mark.parametrize("code", ORG_CODES)
def test_each_org_user_sees_exactly_its_recommendations(demo_app, demo_client, demo_auth, code):
    demo_auth.login(f"{code}@demo.test")
    with demo_app.app_context():
        mine = _visible_rec_ids(code)
        sections = db.session.execute(select(Section.id, Section.number)).all()
        recs = db.session.execute(select(Recommendation.id, Recommendation.section_id)).all()
    seen = set()
    for section_id, number in sections:
        response = demo_client.get(f"/sections/{section_id}")
        expected_visible = any(sid == section_id and rid in mine for rid, sid in recs)
        assert response.status_code == (200 if expected_visible else 404), (code, number)
        if response.status_code == 200:
            html = response.get_data(as_text=True)
            seen |= {rid for rid, sid in recs if sid == section_id and f"/recommendations/{rid}\"" in html}
    assert seen == mine
    for rid, _ in recs:
        assert demo_client.get(f"/recommendations/{rid}").status_code == (200 if rid in mine else 404)


def test_ahch_has_a_recommendation_in_each_of_its_sections(demo_app, demo_client, demo_auth):
    demo_auth.login("ahch@demo.test")
    with demo_app.app_context():
        numbers = sorted(db.session.scalars(
            select(Section.number).join(Recommendation).join(recommendation_owners)
            .join(Organisation, Organisation.id == recommendation_owners.c.organisation_id)
            .where(Organisation.code == "ahch").distinct()))
    assert numbers == [4, 8, 9, 10, 11, 12, 15]
    html = demo_client.get("/").get_data(as_text=True)
    for n in range(1, 16):
        assert (f">Section {n}</a>" in html) == (n in numbers)


def test_other_organisations_sub_actions_are_404(demo_app, demo_client, demo_auth):
    demo_auth.login("ahch@demo.test")
    with demo_app.app_context():
        mine = _visible_rec_ids("ahch")
        ids = db.session.execute(select(SubAction.id, SubAction.recommendation_id)).all()
    for sid, rid in ids:
        assert demo_client.get(f"/sub-actions/{sid}").status_code == (200 if rid in mine else 404)


def test_co_owner_sub_actions_are_visible_on_shared_recommendations(demo_app, demo_client, demo_auth):
    demo_auth.login("ahch@demo.test")
    with demo_app.app_context():
        ahch = db.session.scalar(select(Organisation).where(Organisation.code == "ahch"))
        shared = db.session.scalars(select(SubAction).join(Recommendation).join(recommendation_owners).where(
            recommendation_owners.c.organisation_id == ahch.id, SubAction.owner_id != ahch.id)).first()
        sid = shared.id
    assert demo_client.get(f"/sub-actions/{sid}").status_code == 200


@pytest.mark.parametrize("email", ["reviewer@demo.test", "viewer@demo.test", "admin@demo.test"])
def test_reviewer_viewer_admin_see_all_fifteen_sections(demo_app, demo_client, demo_auth, email):
    demo_auth.login(email)
    html = demo_client.get("/").get_data(as_text=True)
    for n in range(1, 16):
        assert f">Section {n}</a>" in html
    with demo_app.app_context():
        ids = db.session.scalars(select(Section.id)).all()
    assert all(demo_client.get(f"/sections/{i}").status_code == 200 for i in ids)


def test_htmx_errors_swap_only_the_flash_banner(demo_client, demo_auth):
    demo_auth.login("ahch@demo.test")
    response = demo_client.get("/sub-actions/999999", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["HX-Reswap"] == "none"
    body = response.get_data(as_text=True)
    assert '<div id="flash" data-hx-swap-oob="innerHTML">' in body and "<html" not in body


def test_htmx_post_with_expired_session_goes_to_sign_in(demo_client):
    response = demo_client.post("/sub-actions/1/notes", data={"body": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")
