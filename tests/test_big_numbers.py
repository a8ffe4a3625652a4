"""Numbers too large for the database (ids are 32-bit INTEGER on PostgreSQL; 2^63 overflows SQLite) in a
path or a filter: 404 or ignored, never 500."""
import re

import pytest

from sefton import web

HUGE = ["2147483648", "9223372036854775808", "99999999999999999999", "1" + "0" * 400]


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        if "int" in {type(conv).__name__.lower() for conv in rule._converters.values()} or "<int:" in rule.rule:
            yield rule


@pytest.mark.parametrize("email", ["ahch@demo.test", "reviewer@demo.test", "admin@demo.test"])
def test_ids_too_large_for_the_database_are_not_found(demo_app, demo_client, demo_auth, email):
    demo_auth.login(email)
    token = demo_auth.token()
    rules = list(_int_routes(demo_app))
    assert len(rules) >= 10
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            # A huge id answers exactly as an id that is not there: 404, or 403 on a page that is
            # not the user's whatever the id; never a 500.
            missing = re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", str(web.MAX_ID), rule.rule))
            expected = demo_client.open(missing, method=method, headers={"X-CSRFToken": token}).status_code
            assert expected in (403, 404), (method, missing, expected)
            for huge in HUGE:
                url = re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", huge, rule.rule))
                response = demo_client.open(url, method=method, headers={"X-CSRFToken": token})
                assert response.status_code == expected, (method, url, response.status_code)


def test_largest_id_the_database_holds_is_looked_up(demo_client, demo_auth):
    demo_auth.login("reviewer@demo.test")
    assert demo_client.get(f"/sub-actions/{web.MAX_ID}").status_code == 404
    assert demo_client.get(f"/review/submissions/{web.MAX_ID}").status_code == 404


@pytest.mark.parametrize("value", HUGE + ["²", "-1", "1e3", " 12 ", "٣"])
def test_a_filter_that_is_not_a_number_the_database_holds_is_ignored(demo_client, demo_auth, value):
    demo_auth.login("reviewer@demo.test")
    response = demo_client.get("/review", query_string={"section": value})
    assert response.status_code == 200


def test_int_arg():
    assert web.int_arg("12") == 12 and web.int_arg(" 7 ") == 7
    assert web.int_arg(str(web.MAX_ID)) == web.MAX_ID
    assert [web.int_arg(v) for v in (None, "", "x", "²", "٣", "-1", str(web.MAX_ID + 1))] == [None] * 7
