"""The plan import in a real browser, with JavaScript on and off: an admin uploads a small workbook
that adds one sub-action for Alder Hey, checks the preview, applies it, and Alder Hey finds it on
"My actions". Then the office's own spreadsheet (title rows, a merged two-row header): the Map page,
"Treat it as…" for a name the tracker does not know, the preview again and Apply. axe scans every page."""
import datetime as dt
import io
import pathlib
import re

import office_books as ob
import pytest
from browser import axe_violations, sign_in
from openpyxl import Workbook
from playwright.sync_api import expect
from sqlalchemy import func, select

from sefton.extensions import db
from sefton.models import Organisation, OrganisationAlias, Recommendation, Section, SubAction
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
    expect(page.locator("#flash")).to_contain_text("Imported alder-hey.xlsx: 1 sub-action added, 0 changed, 0 retired;")
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


# --- the office's own spreadsheet: title rows, a merged two-row header, the Map page and "Treat it as…" ---

OFFICE_ROWS = {
    "1.1.40": ("Refresh CSE training in every GP practice (office import)", "Alder Hey", "Named GP", "30.09.19"),
    "1.1.41": ("Audit the CSE referrals of 2019 (office import)", "AHCH", "Named Nurse", "TBC"),
}
SHOTS = pathlib.Path("/tmp/shots_import")


def _sub_action(ref):
    section, rec, position = (int(n) for n in ref.split("."))
    return db.session.scalar(select(SubAction).join(Recommendation).join(Section).where(
        Section.number == section, Recommendation.position == rec, SubAction.position == position))


def office_workbook():
    """The office's file: a title, a subtitle, "Responsibility" over Owner / Lead and "Timescale" over
    Original / Revised in rows 3-4, then two new sub-actions of recommendation 1.1."""
    for ref in OFFICE_ROWS:
        assert _sub_action(ref) is None, f"{ref} is taken in the demo: choose free positions"
    return ob.book({"Action plan": [[ref, text, owner, lead, due, None, None, None, None]
                                    for ref, (text, owner, lead, due) in OFFICE_ROWS.items()]})


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def office_journey(page, base, *, js, checker=None):
    mode = "js" if js else "nojs"
    data = office_workbook()
    page.set_default_timeout(20000)
    sign_in(page, base, "admin@demo.test")
    page.goto(f"{base}/admin/import")
    upload(page, "plan.xlsx", data)

    # The Map page: the sheet ticked, the two-row headings joined, every column already chosen.
    expect(page.locator("h1")).to_have_text("Map the columns of plan.xlsx")
    expect(page.get_by_label("Read the sheet Action plan")).to_be_checked()
    expect(page.locator("#map-sheets")).to_contain_text("Yes: headings in row 4 (two rows, 3 and 4)")
    columns = page.locator("#map-columns")
    for heading in ("Responsibility – Owner", "Responsibility – Lead", "Timescale – Original", "Timescale – Revised"):
        expect(columns).to_contain_text(heading)
    expect(page.locator("#col-2")).to_have_value("Owner")
    expect(page.locator("#col-5")).to_have_value("Revised due date")
    assert axe_violations(page, checker) == []
    shot(page, f"map-{mode}")
    page.get_by_role("button", name="Save and preview").click()

    # The preview: one problem, the unknown name and its "treat it as…" select.
    expect(page.locator("h1")).to_have_text("Preview: plan.xlsx")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The file has 1 problem")
    expect(page.get_by_role("heading", name="Organisation names the tracker does not know")).to_be_visible()
    expect(page.get_by_role("button", name="Apply these changes")).to_have_count(0)
    assert axe_violations(page, checker) == []
    shot(page, f"preview-unknown-name-{mode}")
    treat = page.get_by_label(re.compile(r'^"Alder Hey" \(.*rows? 5.*\): treat it as…$'))
    treat.select_option(label="AHCH (Alder Hey Children's NHS Foundation Trust)")
    page.get_by_role("button", name="Save the name and check again").click()

    # The preview again: the name is known, nothing to correct, the dates read as written.
    expect(page.locator("#flash")).to_contain_text('"Alder Hey" now means Alder Hey Children\'s NHS Foundation Trust.')
    expect(page.locator("h1")).to_have_text("Preview: plan.xlsx")
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    expect(page.get_by_role("heading", name="Organisation names the tracker does not know")).to_have_count(0)
    for ref, (text, *_rest) in OFFICE_ROWS.items():
        expect(page.locator("#import-adds")).to_contain_text(ref)
        expect(page.locator("#import-adds")).to_contain_text(text)
    expect(page.locator("body")).to_contain_text('"30.09.19" read as 30 September 2019')
    assert axe_violations(page, checker) == []
    shot(page, f"preview-clean-{mode}")
    assert _sub_action("1.1.40") is None  # nothing written before Apply

    page.get_by_role("button", name="Apply these changes").first.click()
    expect(page.locator("h1")).to_have_text("Import the plan")
    expect(page.locator("#flash")).to_contain_text("Imported plan.xlsx: 2 sub-actions added, 0 changed, 0 retired")

    db.session.expire_all()
    ahch = db.session.scalar(select(Organisation).where(Organisation.code == "ahch"))
    first, second = _sub_action("1.1.40"), _sub_action("1.1.41")
    assert (first.text, first.owner_id, first.lead_name, first.original_due_on) == (
        OFFICE_ROWS["1.1.40"][0], ahch.id, "Named GP", dt.date(2019, 9, 30))
    assert (second.text, second.owner_id, second.original_due_on, second.current_due_on) == (
        OFFICE_ROWS["1.1.41"][0], ahch.id, None, None)  # "TBC": to be confirmed
    [alias] = db.session.scalars(select(OrganisationAlias)).all()
    assert (alias.alias, alias.organisation_id) == ("Alder Hey", ahch.id)


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_office_spreadsheet_map_treat_as_and_apply(live_server, browser, js):
    viewport = {"width": 1280, "height": 900}
    context = browser.new_context(java_script_enabled=js, viewport=viewport)
    checker = None if js else browser.new_context(viewport=viewport).new_page()
    try:
        if checker is not None:
            checker.goto(f"{live_server.url}/healthz")
        office_journey(context.new_page(), live_server.url, js=js, checker=checker)
    finally:
        context.close()
        if checker is not None:
            checker.context.close()
