"""The "Needs your attention" panel and the e-mail settings in a real browser, with JavaScript on
(htmx marks a decision as seen in place) and off (plain forms), with an axe scan of each state."""
import pytest
from playwright.sync_api import expect

from browser import axe_violations
from browser import sign_in

pytestmark = pytest.mark.browser


def panel_journey(page, base, *, checker=None):

    page.set_default_timeout(15000)
    sign_in(page, base, "s-and-o@demo.test")
    panel = page.locator("#attention")
    expect(panel.get_by_role("heading", name="Needs your attention")).to_be_visible()
    expect(panel.locator('[data-category="returned"] li').first).to_contain_text("reason:")
    expect(panel.locator('[data-category="due_7"] li')).not_to_have_count(0)
    assert axe_violations(page, checker) == []

    decided = panel.locator('[data-category="decided"] li')
    before = decided.count()
    assert before > 1
    first_key = decided.first.get_attribute("data-key")
    decided.first.get_by_role("button", name="Mark as seen").click()
    expect(page.locator("#flash")).to_contain_text("Marked as seen.")
    expect(panel.locator(f'[data-key="{first_key}"]')).to_have_count(0)
    expect(panel.locator('[data-category="decided"] li')).to_have_count(before - 1)
    assert axe_violations(page, checker) == []

    # My actions opens on the same items as groups with their rows; its panel keeps the decisions.
    line = panel.locator('[data-category="due_7"] li').first
    sa_id = line.get_attribute("data-sub-action")
    page.get_by_role("link", name="My actions").first.click()
    expect(page.locator("h1")).to_have_text("My actions")
    expect(page.locator(f"#subaction-{sa_id}")).to_be_visible()
    expect(page.locator("#needs-due_30")).to_contain_text("Due within 30 days")
    expect(panel.locator('[data-category="due_7"]')).to_have_count(0)
    expect(panel.locator('[data-category="decided"] li')).to_have_count(before - 1)
    expect(panel.locator(f'[data-key="{first_key}"]')).to_have_count(0)  # still seen
    assert axe_violations(page, checker) == []
    # A line of the dashboard's panel leads to the sub-action's own page, with its controls.
    page.get_by_role("link", name="Dashboard").first.click()
    panel.locator(f'[data-category="due_7"] li[data-sub-action="{sa_id}"]').get_by_role("link").first.click()
    expect(page).to_have_url(f"{base}/sub-actions/{sa_id}")
    expect(page.get_by_role("heading", name="Update this sub-action")).to_be_visible()


def settings_journey(page, base, *, checker=None):

    page.set_default_timeout(15000)
    sign_in(page, base, "reviewer@demo.test")
    page.get_by_role("link", name="E-mail settings").first.click()
    expect(page.locator("h1")).to_have_text("E-mail notifications")
    assert axe_violations(page, checker) == []
    page.get_by_role("group", name="Review queue digest").get_by_label("Weekly").check()
    page.get_by_role("group", name="Due-date reminders").get_by_label("Off").check()
    page.get_by_role("button", name="Save e-mail settings").click()
    expect(page.locator("#flash")).to_contain_text("Your e-mail settings are saved.")
    expect(page.get_by_role("group", name="Review queue digest").get_by_label("Weekly")).to_be_checked()
    expect(page.get_by_role("group", name="Due-date reminders").get_by_label("Off")).to_be_checked()
    expect(page.get_by_role("group", name="Decisions on my organisation's work").get_by_label("At once")).to_be_checked()
    assert axe_violations(page, checker) == []


def test_panel_and_settings_with_javascript(live_server, page):
    panel_journey(page, live_server.url)
    page.context.clear_cookies()
    settings_journey(page, live_server.url)


def test_panel_and_settings_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    checker = browser.new_context().new_page()
    checker.goto(f"{live_server.url}/healthz")
    try:
        page = context.new_page()
        panel_journey(page, live_server.url, checker=checker)
        context.clear_cookies()
        settings_journey(page, live_server.url, checker=checker)
    finally:
        context.close()
        checker.context.close()


def test_the_one_click_setting_page(live_server, page, app):
    from sefton.notifications import notify, reminders
    from sefton.extensions import db
    from sefton.models import User
    from sqlalchemy import select

    member = db.session.scalar(select(User).where(User.email == "ahch@demo.test"))
    token = notify.setting_token(member.id, reminders.DUE)
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/account/notifications/change/{token}")
    expect(page.locator("h1")).to_have_text("Due-date reminders")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Stop these e-mails").click()
    expect(page.get_by_role("status")).to_contain_text("due-date reminders is now off")
    assert axe_violations(page) == []
    db.session.expire_all()
    assert notify.settings(member) == {reminders.DUE: reminders.OFF, reminders.DECISIONS: reminders.NOW}
