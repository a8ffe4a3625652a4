"""Keyboard only (Tab, Enter, Space, typing; no clicks), with JavaScript on and off: the organisation
user's progress note, evidence and date request, and the reviewer's accept and return, asserting
where the keyboard's place is after each step. The starting control is given focus directly (the
Tab walk to it through the header is the same on every page and is not what is tested).

With JavaScript on, focus itself is asserted (static/js/app.js moves it into the updated row or to
the decision's heading). Without JavaScript nothing can move focus after a page load; the pages say
where the keyboard's place is with the address's fragment (the form's heading, the row, the decision
panel), so the test asserts what the next Tab reaches."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from browser import axe_violations, sign_in
from sefton.extensions import db
from sefton.models import EvidenceSubmission, Organisation, SubAction
from test_workspace import own_sub_action
from test_browser_workspace import goto_row

pytestmark = pytest.mark.browser
EVIDENCE = b"Minutes of the safeguarding board (illustrative demo file).\n"
IN_ROW = "(id) => !!document.activeElement.closest('#subaction-' + id)"


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def keyboard_page(request, browser, live_server):
    """A page with JavaScript on or off, and (off) a JavaScript page at the same origin for axe."""
    context = browser.new_context(java_script_enabled=request.param)
    page = context.new_page()
    page.set_default_timeout(15000)
    checker = None
    if not request.param:
        checker = browser.new_context().new_page()
        checker.goto(f"{live_server.url}/healthz")
    yield page, request.param, checker
    context.close()
    if checker is not None:
        checker.context.close()


def _arrived(page):
    """Without JavaScript: the new page has loaded and its address's fragment has been acted on
    (the target matched by :target is where the next Tab starts from). A Tab pressed before that,
    on a loaded machine, starts from the top of the page."""
    page.wait_for_load_state("load")
    expect(page.locator(":target")).to_have_count(1)
    # Chromium matches :target as soon as the fragment's element is parsed, but moves the keyboard's
    # starting point there only when it next draws the page. With JavaScript off no script can wait
    # for a frame; a screenshot waits for one to be drawn.
    page.screenshot()


def _tab_reaches(page, locator):
    page.keyboard.press("Tab")
    expect(locator).to_be_focused()


def _open_from_row(page, row, name, first_field, js):
    """Enter on the row's link: with JavaScript the form comes into the row with focus on its first
    field; without, the sub-action's page opens at the form's heading and Tab reaches that field.
    Returns where the form's fields are, with focus on `first_field` (its label)."""
    row.get_by_role("link", name=name).focus()
    page.keyboard.press("Enter")
    if js:
        expect(row.get_by_label(first_field)).to_be_focused()
        return row
    expect(page.locator("h1")).to_have_text(re.compile("Sub-action"))
    _arrived(page)
    form = page.locator(".app-page-forms")
    _tab_reaches(page, form.get_by_label(first_field))
    return form


def test_org_user_note_evidence_and_date_request_by_keyboard(live_server, keyboard_page):
    page, js, checker = keyboard_page
    base = live_server.url
    sa = own_sub_action()
    sign_in(page, base, "ahch@demo.test")
    row = goto_row(page, base, sa.id)

    def back_at_row():
        """After a change: focus on the row's status (JavaScript), or the page opened at the row
        and the next Tab lands in it (without)."""
        if js:
            expect(row.locator(".app-row-status")).to_be_focused()
        else:
            assert page.url.endswith(f"#subaction-{sa.id}"), page.url
            _arrived(page)
            page.keyboard.press("Tab")
            assert page.evaluate(IN_ROW, sa.id), "the next Tab does not land in the updated row"

    # A progress note.
    form = _open_from_row(page, row, "Write a progress note", "Progress note", js)
    page.keyboard.type("Agreed at the board, by keyboard.")
    _tab_reaches(page, form.get_by_role("button", name="Add note"))
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text("Progress note added.")
    expect(row).to_contain_text("Agreed at the board, by keyboard.")
    back_at_row()

    # Evidence. The file field is reached by Tab; the files are then given to it as the system's
    # file dialog would (that dialog is outside the page; opening it with Space is the browser's own
    # behaviour, and headless Chromium sometimes sent no file chooser for it on a loaded machine).
    form = _open_from_row(page, row, "Upload evidence", "What the evidence shows", js)
    page.keyboard.type("Minutes of the board that agreed the policy.")
    files = form.get_by_label("Files")
    _tab_reaches(page, files)
    files.set_input_files(files=[{"name": "board-minutes.txt", "mimeType": "text/plain", "buffer": EVIDENCE}])
    expect(files).to_be_focused()
    submit = form.get_by_role("button", name="Submit evidence")
    _tab_reaches(page, submit)
    page.keyboard.press("Space")
    expect(page.locator("#flash")).to_contain_text("Evidence submitted")
    expect(row).to_contain_text("Evidence submitted, awaiting review")
    back_at_row()

    # A new due date.
    form = _open_from_row(page, row, "Ask for a new due date", "New due date", js)
    page.keyboard.type("4 July 2019")
    _tab_reaches(page, form.get_by_label("Reason"))
    page.keyboard.type("The board meets again in June.")
    _tab_reaches(page, form.get_by_role("button", name="Request new date"))
    page.keyboard.press("Enter")
    expect(row).to_contain_text("New date requested: 4 July 2019")
    back_at_row()
    assert axe_violations(page, checker) == []


def _pending(code):
    return db.session.scalars(
        select(EvidenceSubmission).join(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
        .where(Organisation.code == code, EvidenceSubmission.status == EvidenceSubmission.PENDING)
        .order_by(EvidenceSubmission.id)).all()


def test_reviewer_accepts_and_returns_by_keyboard(live_server, keyboard_page):
    page, js, checker = keyboard_page
    base = live_server.url
    subs = _pending("ahch")
    assert len(subs) >= 2, "the demo has Alder Hey evidence awaiting review"
    sign_in(page, base, "reviewer@demo.test")

    def after_decision(word):
        """The decision's heading has focus (JavaScript), or the page opened at the decision panel
        (without); either way the outcome is there and the next Tab reaches "Next in the queue"."""
        panel = page.locator("#decision-panel")
        expect(panel).to_contain_text(word)
        if js:
            expect(page.locator("#decision-title")).to_be_focused()
        else:
            assert page.url.endswith("#decision-title"), page.url
            _arrived(page)
        _tab_reaches(page, page.locator("#next-link"))

    # Accept: a comment, then Space on the button.
    page.goto(f"{base}/review/submissions/{subs[0].id}")
    comment = page.get_by_label("Comment (optional)")
    comment.focus()
    page.keyboard.type("Board minutes seen.")
    _tab_reaches(page, page.get_by_role("button", name="Accept evidence"))
    page.keyboard.press("Space")
    after_decision("Accepted")
    assert axe_violations(page, checker) == []

    # Return: the reason, then Enter on the button.
    page.goto(f"{base}/review/submissions/{subs[1].id}")
    reason = page.get_by_label("Reason for returning it")
    reason.focus()
    page.keyboard.type("The minutes are unsigned.")
    _tab_reaches(page, page.get_by_role("button", name="Return with reason"))
    page.keyboard.press("Enter")
    after_decision("Returned")
    # Enter on "Next in the queue" goes straight on to the next decision.
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(re.compile("^Evidence for sub-action"))
    expect(page.get_by_role("button", name="Accept evidence")).to_be_visible()
    assert axe_violations(page, checker) == []
