"""The plan import in a real browser, with JavaScript on and off: an admin uploads a small workbook
that adds one sub-action for Alder Hey, checks the preview, applies it, and Alder Hey finds it on
"My actions". axe scans every page."""
import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect
from sqlalchemy import func, select

from browser import axe_violations
from browser import sign_in
from sefton.extensions import db
from sefton.models import Recommendation, Section, SubAction
from sefton.plan.importing import IMPORTED

pytestmark = pytest.mark.browser
TEXT = "Audit the transition plans of young people leaving CAMHS (imported)"


def small_workbook(owner="AHCH"):
    """One new sub-action for recommendation 4.1 (Alder Hey's), after its last one."""
    rec = db.session.scalar(select(Recommendation).join(Section).where(Section.number == 4, Recommendation.position == 1))
    last = db.session.scalar(select(func.max(SubAction.position)).where(SubAction.recommendation_id == rec.id))
    wb = Workbook()
    ws = wb.active
    ws.title = "Sub-actions"
    ws.append(list(IMPORTED))
    ws.append(["CLAS-2018", 4, None, "4.1", None, None, f"4.1.{last + 1}", TEXT, owner,
               "Named Nurse for Safeguarding", "30 June 2019"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), f"4.1.{last + 1}"


def upload(page, name, data):
    page.get_by_label("Plan file").set_input_files(files=[{
        "name": name, "buffer": data, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="Upload and preview").click()


def journey(page, base, *, js, checker=None):

    data, ref = small_workbook()
    page.set_default_timeout(20000)
    sign_in(page, base, "admin@demo.test")
    page.get_by_role("link", name="Administration").first.click()
    page.get_by_role("link", name="Import the plan", exact=True).click()
    expect(page.locator("h1")).to_have_text("Import the plan")
    assert axe_violations(page, checker) == []

    # Nothing chosen: the error summary names the field.
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose the plan file to import")
    assert axe_violations(page, checker) == []

    # A file with a problem: the preview names the row and column and offers no Apply.
    upload(page, "wrong-owner.xlsx", small_workbook(owner="Alder Hay")[0])
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The file has 1 problem")
    expect(page.locator("#import-errors")).to_contain_text("I (Owner)")
    expect(page.get_by_role("button", name="Apply these changes")).to_have_count(0)
    assert axe_violations(page, checker) == []
    page.get_by_role("link", name="Import the plan").first.click()

    upload(page, "alder-hey.xlsx", data)
    expect(page.locator("h1")).to_have_text("Preview: alder-hey.xlsx")
    expect(page.locator("#import-adds")).to_contain_text(TEXT)
    expect(page.locator("#import-adds")).to_contain_text(ref)
    expect(page.locator("#import-counts")).to_contain_text("1 sub-action")
    assert axe_violations(page, checker) == []
    assert db.session.scalar(select(func.count()).select_from(SubAction).where(SubAction.text == TEXT)) == 0

    page.get_by_role("button", name="Apply these changes").first.click()
    expect(page.locator("#flash")).to_contain_text("Imported alder-hey.xlsx: 1 sub-action added, 0 changed, 0 retired.")
    assert axe_violations(page, checker) == []

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "ahch@demo.test")
    page.get_by_role("link", name="My actions").first.click()
    expect(page.locator("h1")).to_have_text("My actions")
    page.get_by_role("link", name="All sub-actions, by section").click()  # section 4: the first page
    expect(page.get_by_text(TEXT)).to_be_visible()
    assert axe_violations(page, checker) == []


def test_import_with_javascript(live_server, page):
    journey(page, live_server.url, js=True)


def test_import_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    checker = browser.new_context().new_page()
    checker.goto(f"{live_server.url}/healthz")
    try:
        journey(context.new_page(), live_server.url, js=False, checker=checker)
    finally:
        context.close()
        checker.context.close()
