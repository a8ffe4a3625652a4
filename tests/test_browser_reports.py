"""The reports pages in a real browser: axe scan, and the PDF button that shows it is working."""
import pytest
from playwright.sync_api import expect

from browser import axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_reports_pages_are_accessible_and_the_pdf_downloads(live_server, page):
    sign_in(page, live_server.url, "admin@demo.test")
    page.get_by_role("link", name="Reports").first.click()
    page.wait_for_url(f"{live_server.url}/reports/")
    assert axe_violations(page) == []
    button = page.locator("form[data-app-busy-form] button[data-app-busy]")
    # The busy state is set by the submit handler and may be over before anything can look (a PDF
    # from the report cache comes back at once): every state the button and its status line go
    # through is recorded as it happens, and the busy one must be among them.
    page.evaluate("""() => {
        const button = document.querySelector("form[data-app-busy-form] button[data-app-busy]");
        const status = document.querySelector("form[data-app-busy-form] .app-busy-status");
        window.appBusySeen = [];
        const record = () => window.appBusySeen.push(
            [button.textContent, button.getAttribute("aria-disabled"), status.textContent]);
        const observer = new MutationObserver(record);
        for (const node of [button, status]) {
            observer.observe(node, {attributes: true, childList: true, characterData: true, subtree: true});
        }
    }""")
    with page.expect_download(timeout=120_000) as download:
        button.click(no_wait_after=True)
    assert download.value.suggested_filename.startswith("updated-action-plan-sefton-")
    page.wait_for_function("() => window.appBusySeen.length > 0")
    seen = page.evaluate("() => window.appBusySeen")
    assert ["Preparing the PDF…", "true", "Preparing the PDF…"] in seen, seen
    assert axe_violations(page) == []
    # Recording a submission to CQC: htmx posts it and the status line says it is working meanwhile
    # (the request is held here until that has been seen), then the list comes back with it.
    page.goto(f"{live_server.url}/reports/submissions")
    page.get_by_label("Note (optional)").fill("Sent to the CQC inspector by secure e-mail")
    held = []
    page.route("**/reports/submissions", lambda route: held.append(route) if route.request.method == "POST"
               and route.request.headers.get("hx-request") == "true" else route.continue_())
    page.get_by_role("button", name="Record the submission").click()
    page.wait_for_function("""() => document.querySelector("#record-busy").textContent === "Preparing the PDF…"
        && getComputedStyle(document.querySelector("#record-busy")).visibility === "visible"
        && document.querySelector("#record-busy").classList.contains("htmx-request")""")
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator(".nhsuk-notification-banner, #flash")).to_contain_text("Submission to CQC recorded")
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr")).to_contain_text("Sent to the CQC inspector by secure e-mail")
    for path in ("/reports/submissions", "/reports/meeting-pack?since=1 March 2019"):
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path
    page.goto(f"{live_server.url}/reports/plan.pdf?as_at=32 March 2019")
    assert "Enter a real date" in page.content()
    assert axe_violations(page) == []
