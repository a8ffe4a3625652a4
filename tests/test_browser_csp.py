"""The Content-Security-Policy in a real browser: the main pages of each role, with JavaScript on,
report no violation (no `securitypolicyviolation` event, no console message about it)."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from browser import sign_in
from sefton.extensions import db
from sefton.models import EvidenceSubmission, Organisation, Section, SubAction

pytestmark = pytest.mark.browser

WATCH = """document.addEventListener("securitypolicyviolation", function (e) {
  (window.__csp = window.__csp || []).push(e.violatedDirective + " " + e.blockedURI);
});"""


def _pages(role):
    ahch = db.session.scalar(select(Organisation.id).where(Organisation.code == "ahch"))
    section = db.session.scalar(select(Section.id).where(Section.number == 4))
    sub_action = db.session.scalar(select(SubAction.id).where(SubAction.owner_id == ahch).order_by(SubAction.id))
    submission = db.session.scalar(select(EvidenceSubmission.id).where(EvidenceSubmission.status == "pending")
                                   .order_by(EvidenceSubmission.id))
    common = ["/", f"/sections/{section}", f"/sub-actions/{sub_action}", "/reports/"]
    if role == "org":
        submitted = db.session.scalar(select(SubAction.id).where(SubAction.owner_id == ahch, SubAction.state == "submitted")
                                      .order_by(SubAction.id))
        return common + ["/my-actions", "/my-actions/all", "/my-actions/all?page=2",
                         f"/sub-actions/{submitted}/withdraw"]
    return common + ["/review", f"/review/submissions/{submission}", "/flagged", "/reports/submissions",
                     "/reports/meeting-pack"]


@pytest.mark.parametrize("email,role", [("ahch@demo.test", "org"), ("reviewer@demo.test", "reviewer"),
                                        ("viewer@demo.test", "viewer"), ("admin@demo.test", "admin")])
def test_no_page_of_any_role_breaks_the_content_security_policy(live_server, page, email, role):
    console = []
    page.on("console", lambda msg: console.append(msg.text))
    page.add_init_script(WATCH)
    page.goto(f"{live_server.url}/login")
    sign_in(page, live_server.url, email)
    for path in _pages(role):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        expect(page.locator("body.js-enabled")).to_have_count(1)  # the inline script ran (allowed by hash)
        assert page.evaluate("window.__csp || []") == [], path
    if role == "org":  # an htmx swap (the history of a sub-action) with the indicator styles of app.css
        page.goto(f"{live_server.url}/my-actions")
        page.locator("[id^=subaction-] a[data-hx-get]").first.click()  # a row's form, fetched when opened
        expect(page.locator("[id^=subaction-] .app-row-form")).to_have_count(1)
        assert page.evaluate("window.__csp || []") == []
    about_csp = [text for text in console if "Content Security Policy" in text or "Content-Security-Policy" in text]
    assert about_csp == []
