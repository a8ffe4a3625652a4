"""The admin's journey in a real browser, JavaScript on and off, axe on every page: add a
sub-action for Alder Hey to recommendation 4.1, then Alder Hey finds it on "My actions" (its full list)."""
import pytest
from playwright.sync_api import expect

from admin_helpers import rec
from browser import axe_violations as scan
from browser import sign_in

pytestmark = pytest.mark.browser
TEXT = "Audit 20 health assessments of children placed out of area"


def journey(page, base, rec_id, *, checker=None):
    def axe_violations(p):
        return scan(p, checker)

    page.set_default_timeout(15000)
    sign_in(page, base, "admin@demo.test")
    page.get_by_role("link", name="Administration").first.click()
    expect(page.locator("h1")).to_have_text("Administration")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Plan", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Plan")
    assert axe_violations(page) == []
    page.locator(f"#section-{section_of(rec_id)}").get_by_role("link").first.click()
    expect(page.locator("h1")).to_contain_text("Section 4")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Add a sub-action to recommendation 4.1").click()
    expect(page.locator("h1")).to_have_text("Add a sub-action to recommendation 4.1")
    # Refused first: nothing filled in.
    page.get_by_role("button", name="Add sub-action").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter what the sub-action will do")
    assert axe_violations(page) == []
    page.get_by_label("What will be done").fill(TEXT)
    page.get_by_label("Owning organisation").select_option(label="Alder Hey Children's NHS Foundation Trust")
    page.get_by_label("Lead").fill("Named Nurse for Children in Care")
    page.get_by_label("Original due date").fill("30 June 2019")
    page.get_by_role("button", name="Add sub-action").click()
    expect(page.locator("#flash")).to_contain_text("Sub-action added.")
    expect(page.locator("body")).to_contain_text(TEXT)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "ahch@demo.test")
    page.get_by_role("link", name="My actions").first.click()
    expect(page.locator("h1")).to_have_text("My actions")
    page.get_by_role("link", name="All sub-actions, by section").click()  # section 4: the first page
    expect(page.locator("main")).to_contain_text(TEXT)
    assert axe_violations(page) == []


def section_of(rec_id):
    from sefton.extensions import db
    from sefton.models import Recommendation

    return db.session.get(Recommendation, rec_id).section_id


def test_admin_adds_a_sub_action_with_javascript(live_server, page):
    journey(page, live_server.url, rec("4.1").id)


def test_admin_adds_a_sub_action_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    checker = browser.new_context().new_page()
    checker.goto(f"{live_server.url}/healthz")
    try:
        journey(context.new_page(), live_server.url, rec("4.1").id, checker=checker)
    finally:
        context.close()
        checker.context.close()
