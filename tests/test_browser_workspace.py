"""The organisation user's journey in a real browser, with JavaScript on (htmx swaps rows in place)
and off (plain forms that post and come back), with an axe scan of every page and state."""
import re

import pytest
from playwright.sync_api import expect

from browser import axe_violations
from browser import sign_in
from test_workspace import PDF, own_sub_action

pytestmark = pytest.mark.browser


def goto_row(page, base, sa_id):
    """The page of "My actions"' full list that holds the sub-action's row (plan order, 50 a page)."""
    for n in range(1, 10):
        page.goto(f"{base}/my-actions/all?page={n}")
        if page.locator(f"#subaction-{sa_id}").count():
            return page.locator(f"#subaction-{sa_id}")
    raise AssertionError(f"sub-action {sa_id} is on no page of the full list")


def journey(page, base, sa_id, *, js, checker=None):
    """checker: with JavaScript off, axe (which is JavaScript) runs on a copy of the page's HTML in a
    page of its own at the same origin."""

    page.set_default_timeout(15000)
    sign_in(page, base, "ahch@demo.test")
    page.get_by_role("link", name="My actions").first.click()
    expect(page.locator("h1")).to_have_text("My actions")
    expect(page.locator("#needs-due_30")).to_contain_text("Due within 30 days")
    assert axe_violations(page, checker) == []
    # The full list is one click away (the sub-action, in section 4, is on its first page).
    page.get_by_role("link", name="All sub-actions, by section").click()
    expect(page.get_by_role("link", name="All sub-actions, by section")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("navigation", name="Pages of the list")).to_be_visible()
    assert axe_violations(page, checker) == []
    row = page.locator(f"#subaction-{sa_id}")
    submitted = int(page.locator('#workspace-counts [data-count="submitted"]').inner_text())

    def open_form(name):
        """Open a form from the row: in place with JavaScript (fetched into the row), else on the
        sub-action's own page, where every form is a plain form. Returns where its fields are."""
        row.get_by_role("link", name=name).click()
        if js:
            expect(row.locator(".app-row-form")).to_be_visible()
            # The swap has settled: static/js/app.js has put focus in the form (a field filled
            # before that raced it on a loaded machine).
            expect(row.locator(".app-row-form :focus")).to_have_count(1)
            return row
        expect(page.locator("h1")).to_have_text(re.compile("Sub-action|Withdraw submission"))
        return page.locator(".app-page-forms") if page.locator(".app-page-forms").count() else page

    # A refused note: the form comes back with its error, linked to the field, in an error summary.
    form = open_form("Write a progress note")
    if js:
        expect(row.get_by_label("Progress note")).to_be_focused()
    form.get_by_role("button", name="Add note").click()
    if js:
        expect(row.locator(".nhsuk-error-message")).to_contain_text("Enter the progress note")
        expect(row.locator(".nhsuk-error-summary")).to_be_focused()
    else:
        expect(page.locator(".nhsuk-error-summary").first).to_contain_text("Enter the progress note")
    assert axe_violations(page, checker) == []

    # Add a note (in the row, open with its error).
    row.get_by_label("Progress note").fill("Policy agreed at the safeguarding board.")
    row.get_by_role("button", name="Add note").click()
    expect(page.locator("#flash")).to_contain_text("Progress note added.")
    expect(row).to_contain_text("Policy agreed at the safeguarding board.")
    if js:
        expect(row.locator(".app-row-status")).to_be_focused()
        expect(row.locator("textarea")).to_have_count(0)
    assert axe_violations(page, checker) == []

    # Submit evidence: a small real PDF.
    form = open_form("Upload evidence")
    form.get_by_label("What the evidence shows").fill("Minutes of the board meeting that agreed the policy.")
    form.get_by_label("Files").set_input_files(files=[{"name": "board-minutes.pdf", "mimeType": "application/pdf",
                                                       "buffer": PDF}])
    form.get_by_role("button", name="Submit evidence").click()
    expect(row).to_contain_text("Evidence submitted, awaiting review")
    expect(row.get_by_role("link", name="board-minutes.pdf")).to_be_visible()
    if not js:  # the plain forms came back to the sub-action's page; the counts are on My actions
        page.goto(f"{base}/my-actions/all")
    expect(page.locator('#workspace-counts [data-count="submitted"]')).to_have_text(str(submitted + 1))
    # The progress table swapped out of band is whole, in its place, and not inside the plan table.
    expect(page.locator("#progress-own table tbody tr")).not_to_have_count(0)
    assert page.locator("#progress-own").count() == 1
    assert page.locator("table table, tbody #progress-own, tr + div").count() == 0
    assert axe_violations(page, checker) == []

    # Withdraw it: asked first ("Are you sure?"), in the row or on a page of its own.
    open_form("Withdraw submission")
    expect(page.get_by_text("Are you sure you want to withdraw the evidence")).to_be_visible()
    assert axe_violations(page, checker) == []
    page.get_by_role("button", name="Withdraw", exact=True).click()
    expect(page.locator("#flash")).to_contain_text("Submission withdrawn.")
    expect(row).not_to_contain_text("awaiting review")
    expect(page.locator('#workspace-counts [data-count="submitted"]')).to_have_text(str(submitted))

    # Ask for a new due date: it shows beside the current date.
    form = open_form("Ask for a new due date")
    form.get_by_label("New due date").fill("4 July 2019")
    form.get_by_label("Reason").fill("The board meets again in June.")
    form.get_by_role("button", name="Request new date").click()
    expect(row).to_contain_text("New date requested: 4 July 2019")
    expect(page.get_by_role("button", name="Request new date")).to_have_count(0)
    expect(row.get_by_role("button", name=re.compile("Cancel this request"))).to_be_visible()
    assert axe_violations(page, checker) == []
    if js:
        assert page.url.endswith("/my-actions/all")  # everything happened in place
    else:
        assert page.url.endswith(f"#subaction-{sa_id}")

    # The history: every change, newest first.
    row.get_by_role("link", name=re.compile("History")).click()
    expect(page.locator("h1")).to_have_text("History")
    whats = page.locator(".app-history-table tbody tr td:nth-child(3)").all_inner_texts()
    assert [w.split("\n")[0] for w in whats[:4]] == ["New due date requested", "Evidence withdrawn",
                                                    "Evidence submitted", "Progress note added"]
    assert axe_violations(page, checker) == []

    # The plain sub-action page: controls, evidence with its file, notes.
    page.goto(f"{base}/sub-actions/{sa_id}")
    expect(page.get_by_role("link", name="board-minutes.pdf")).to_be_visible()
    assert axe_violations(page, checker) == []
    page.goto(f"{base}/my-actions/all?status=grey&due=next30")
    assert axe_violations(page, checker) == []
    # The second page of the full list, and a section's full theme on demand.
    page.goto(f"{base}/my-actions/all?page=2")
    expect(page.locator('.nhsuk-pagination [aria-current="page"]')).to_have_text("2")
    theme = page.locator("details", has_text="Show the full theme").first
    theme.locator("summary").click()
    expect(theme.locator(".nhsuk-details__text")).to_be_visible()
    assert axe_violations(page, checker) == []


def test_org_user_journey_with_javascript(live_server, page):
    journey(page, live_server.url, own_sub_action().id, js=True)


def test_org_user_journey_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    checker = browser.new_context().new_page()
    checker.goto(f"{live_server.url}/healthz")
    try:
        journey(context.new_page(), live_server.url, own_sub_action().id, js=False, checker=checker)
    finally:
        context.close()
        checker.context.close()


def test_keyboard_only_row_forms_and_where_focus_lands(live_server, page):
    """Tab and Enter only: a form opened from the row takes focus on its first field; a refused post
    puts focus on the row's error summary; a change puts it on the row's status; Cancel gives it back
    to the link that opened the form. Never <body>."""
    base = live_server.url
    sa = own_sub_action()
    page.set_default_timeout(15000)
    sign_in(page, base, "ahch@demo.test")
    row = goto_row(page, base, sa.id)
    opener = row.get_by_role("link", name="Write a progress note")
    body_focused = "document.activeElement === document.body"

    # Open, then cancel: focus goes to the field, then back to the link.
    opener.focus()
    page.keyboard.press("Enter")
    field = row.get_by_label("Progress note")
    expect(field).to_be_focused()
    page.keyboard.press("Tab")
    expect(row.get_by_role("button", name="Add note")).to_be_focused()
    page.keyboard.press("Tab")
    expect(row.get_by_role("link", name=re.compile("^Cancel"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(row.locator(".app-row-form")).to_have_count(0)
    expect(row.get_by_role("link", name="Write a progress note")).to_be_focused()

    # A refused note: the error summary, announced, has focus and links to the field.
    page.keyboard.press("Enter")
    expect(field).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    summary = row.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("link", name="Enter the progress note")).to_be_visible()
    assert not page.evaluate(body_focused)

    # Typed and sent with the keyboard: the row is updated and its status has focus.
    row.get_by_label("Progress note").focus()
    page.keyboard.type("Agreed at the board by keyboard.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text("Progress note added.")
    expect(row).to_contain_text("Agreed at the board by keyboard.")
    expect(row.locator(".app-row-status")).to_be_focused()
    assert page.locator("#flash").get_attribute("aria-live") == "polite"  # the live region stayed

    # Ask for a new due date, then cancel the request: focus stays in the row each time.
    row.get_by_role("link", name="Ask for a new due date").focus()
    page.keyboard.press("Enter")
    expect(row.get_by_label("New due date")).to_be_focused()
    page.keyboard.type("4 July 2019")
    page.keyboard.press("Tab")
    page.keyboard.type("The board meets in June.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(row).to_contain_text("New date requested: 4 July 2019")
    expect(row.locator(".app-row-status")).to_be_focused()
    row.get_by_role("button", name=re.compile("Cancel this request")).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text("Request for a new due date cancelled")
    expect(row).not_to_contain_text("New date requested")
    expect(row.locator(".app-row-status")).to_be_focused()
    assert axe_violations(page) == []


def test_a_note_typed_on_a_row_someone_else_changed_is_kept(live_server, page):
    """409 in place: the row as it is now, the note still in its box, the error summary focused;
    sent again it is saved. Withdraw asks first and "Keep it" changes nothing."""
    from sqlalchemy import update

    from sefton.extensions import db
    from sefton.models import SubAction

    base = live_server.url
    sa = own_sub_action()
    page.set_default_timeout(15000)
    sign_in(page, base, "ahch@demo.test")
    row = goto_row(page, base, sa.id)
    row.get_by_role("link", name="Write a progress note").click()
    expect(row.get_by_label("Progress note")).to_be_focused()
    # Meanwhile someone else changes the sub-action.
    db.session.execute(update(SubAction).where(SubAction.id == sa.id).values(version=SubAction.version + 1))
    db.session.commit()
    row.get_by_label("Progress note").fill("Written while someone else was changing it.")
    row.get_by_role("button", name="Add note").click()
    summary = row.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Someone else changed this sub-action")
    expect(summary).to_contain_text("Your note is kept")
    expect(summary).to_be_focused()
    expect(row.get_by_label("Progress note")).to_have_value("Written while someone else was changing it.")
    assert axe_violations(page) == []
    row.get_by_role("button", name="Add note").click()
    expect(page.locator("#flash")).to_contain_text("Progress note added.")
    expect(row).to_contain_text("Written while someone else was changing it.")
    expect(row.locator(".app-row-status")).to_be_focused()

    submitted = own_sub_action(state="submitted")
    other = goto_row(page, base, submitted.id)
    other.get_by_role("link", name="Withdraw submission").click()
    expect(other).to_contain_text("Are you sure you want to withdraw the evidence")
    expect(other.get_by_role("button", name="Withdraw", exact=True)).to_be_focused()
    other.get_by_role("link", name=re.compile("^Keep it")).click()
    expect(other.get_by_role("link", name="Withdraw submission")).to_be_focused()
    expect(other).to_contain_text("Evidence submitted, awaiting review")
