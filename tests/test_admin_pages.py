"""Administration pages: every /admin route refused to non-admins, every page opens for the admin."""
import re

import pytest

from sefton import access


def admin_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin"):
            yield rule


def _url(rule):
    return re.sub(r"<[^>]+>", "1", rule.rule)


def test_every_admin_route_is_for_administrators_only(demo_app):
    rules = list(admin_rules(demo_app))
    assert len(rules) > 20
    for rule in rules:
        kind = access.classification(demo_app.view_functions[rule.endpoint])
        assert kind == ("signed-in", access.ADMINISTRATORS), rule.rule


@pytest.mark.parametrize("email", ["ahch@demo.test", "reviewer@demo.test", "viewer@demo.test"])
def test_non_admins_get_403_on_every_admin_route(demo_app, demo_client, demo_auth, email):
    demo_auth.login(email)
    token = demo_auth.token()
    for rule in admin_rules(demo_app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = demo_client.open(_url(rule), method=method, data={"csrf_token": token})
            assert response.status_code == 403, (email, method, rule.rule, response.status_code)


@pytest.mark.parametrize("path", ["/admin/", "/admin/reviews", "/admin/reviews/new", "/admin/reviews/1/edit",
                                  "/admin/organisations", "/admin/organisations/new", "/admin/organisations/1/edit",
                                  "/admin/plan", "/admin/plan/sections/new", "/admin/audit", "/admin/audit.csv"])
def test_admin_pages_open(demo_client, demo_auth, path):
    demo_auth.login("admin@demo.test")
    response = demo_client.get(path)
    assert response.status_code == 200, path


def test_landing_page_links_to_each_area(demo_client, demo_auth):
    demo_auth.login("admin@demo.test")
    html = demo_client.get("/admin/").get_data(as_text=True)
    for href in ("/admin/reviews", "/admin/organisations", "/admin/plan", "/admin/audit"):
        assert f'href="{href}"' in html
