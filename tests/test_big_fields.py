"""Numbers too large for the database (issue 21), beside tests/test_big_numbers.py: every route, with each of its integer path arguments
and every integer query or form field the app reads set to 2^31 (past PostgreSQL's integer) and 2^63
(past SQLite's), answers 4xx or a normal page, never 500, for the roles that reach it."""
import re

import pytest

from test_access_matrix import SESSION_ENDING, SKIP, _client, _objects

HUGE = (2 ** 31, 2 ** 63)
# Every integer the app reads from a query string or a form (grep request.args/values/form for ids,
# page numbers, versions): all of them are sent to every route.
FIELDS = ("page", "others_page", "dates_page", "section", "person", "organisation", "review", "owner", "owners",
          "organisation_id", "version", "header_row")


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in SESSION_ENDING, r.rule)):
        if rule.endpoint in SKIP or rule.endpoint in SESSION_ENDING or rule.endpoint == "auth.logout":
            continue
        yield rule


def _path(rule, objects, big=None):
    path = rule.rule
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        value = big if big is not None and "Int" in converter else objects.get(name, "x")
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
    return path


@pytest.mark.parametrize("role", ["admin", "own", "reviewer"])
def test_every_integer_argument_and_field_too_large_for_the_database_answers_4xx(app, role):
    objects = _objects()
    client, token = _client(app, role)
    failures, checked = [], 0
    for rule in _routes(app):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        has_int = any("Int" in rule._converters[n].__class__.__name__ for n in rule.arguments)
        for big in HUGE:
            fields = {name: str(big) for name in FIELDS}
            paths = [_path(rule, objects)] + ([_path(rule, objects, big)] if has_int else [])
            for path in paths:
                for method in methods:
                    if method == "GET":
                        response = client.get(path, query_string=fields)
                    else:
                        response = client.post(path, data={**fields, "csrf_token": token})
                    checked += 1
                    if response.status_code >= 500:
                        failures.append(f"{method} {path} with {big}: {response.status_code}")
                    elif path != paths[0] and response.status_code < 400 and response.status_code != 302:
                        failures.append(f"{method} {path}: {response.status_code}, expected 4xx for an id of {big}")
    assert checked > 200
    assert not failures, "\n".join(failures)
