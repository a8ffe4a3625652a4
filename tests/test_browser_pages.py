"""Every page each role can open, on a 320 px phone (WCAG 1.4.10 reflow) and on a desktop: nothing
scrolls sideways, tables turn into stacked rows labelled by their headers, and axe finds nothing.
The pages are the GET routes of the access matrix that answer 200 for the role, so a new page is
checked as soon as it is in the matrix."""
import re

import pytest
from flask import current_app

from access_matrix import EXPECTED, QUERY, USERS
from browser import axe_violations, settle, sign_in
from test_access_matrix import _objects

pytestmark = pytest.mark.browser

# Not pages: downloads and what only makes sense as a step of something else.
NOT_PAGES = {"workspace.download_evidence", "auth.logout", "auth.oidc_callback", "auth.oidc_start",
             "accounts.two_step", "accounts.two_step_setup", "notifications.change_setting"}
WIDTHS = (320, 1280)


def _pages(role, objects):
    pages = []
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        key = f"GET {rule.endpoint}"
        if "GET" not in rule.methods or key not in EXPECTED or rule.endpoint in NOT_PAGES:
            continue
        if re.search(r"\.\w+$", rule.rule) or rule.endpoint in QUERY:
            continue  # a download (PDF, CSV, Excel)
        if EXPECTED[key][("anon", "own", "other", "reviewer", "viewer", "admin").index(role)] != 200:
            continue
        path = rule.rule
        for name in rule.arguments:
            value = objects["cqc_submission_id" if rule.endpoint == "reports.submission_pdf" else name]
            path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
        pages.append(path + QUERY.get(rule.endpoint, ""))
    return pages


@pytest.mark.parametrize("role", ["own", "other", "reviewer", "viewer", "admin"])  # two organisations' users
def test_no_page_scrolls_sideways_on_a_phone_and_axe_finds_nothing(live_server, browser, role):
    pages = _pages(role, _objects())
    assert len(pages) > 5
    checked, problems = 0, []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        sign_in(page, live_server.url, USERS[role])
        for path in pages:
            response = page.goto(live_server.url + path)
            if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
                continue  # a page that needs more than the matrix's objects
            checked += 1
            settle(page)
            overflow = page.evaluate("""() => {
                const width = document.documentElement.clientWidth;
                const wide = [...document.querySelectorAll('body *')].filter(e => {
                    const r = e.getBoundingClientRect();
                    return r.width > 0 && r.right > width + 1 && getComputedStyle(e).position !== 'absolute';
                }).slice(0, 3).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.'));
                return {scroll: document.documentElement.scrollWidth, width, wide};
            }""")
            if overflow["scroll"] > overflow["width"]:
                problems.append(f"{path} at {width} px scrolls sideways: {overflow}")
            if width == 320:
                # Every table cell that is not a row header carries its column's label on a phone.
                unlabelled = page.evaluate("""() => [...document.querySelectorAll('table.nhsuk-table tbody td')]
                    .filter(td => !td.hasAttribute('data-label') && !td.hasAttribute('colspan')).length""")
                if unlabelled:
                    problems.append(f"{path}: {unlabelled} table cells without data-label")
            problems += [f"{path} at {width} px: {v}" for v in axe_violations(page)]
        context.close()
    assert problems == []
    assert checked >= len(pages)  # each page at each width, downloads aside
