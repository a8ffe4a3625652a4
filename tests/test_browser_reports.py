"""The reports pages in a real browser: axe scan, and the PDF button that shows it is working."""
import pytest
from playwright.sync_api import expect

from browser import axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_reports_pages_are_accessible_and_the_pdf_button_is_not_clicked_twice(live_server, page):
    sign_in(page, live_server.url, "admin@demo.test")
    page.get_by_role("link", name="Reports").first.click()
    page.wait_for_url(f"{live_server.url}/reports/")
    assert axe_violations(page) == []
    button = page.locator("button[data-app-busy]")
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download the PDF").click()
        # While the server renders: the button says so and cannot be pressed again (checked before the
        # download arrives; on a busy machine the render may outlast the button's 8-second lock).
        expect(button).to_be_disabled()
        expect(button).to_contain_text("Preparing the PDF")
    assert download.value.suggested_filename.startswith("updated-action-plan-sefton-")
    assert axe_violations(page) == []
    for path in ("/reports/submissions", "/reports/meeting-pack?since=1 March 2019"):
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path
    page.goto(f"{live_server.url}/reports/plan.pdf?as_at=32 March 2019")
    assert "Enter a real date" in page.content()
    assert axe_violations(page) == []
