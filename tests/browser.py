"""Helpers for the browser tests (pytest-playwright with Debian's Chromium, see conftest.py)."""
from axe_playwright_python.sync_playwright import Axe

PASSWORD = "sefton-demo-2019"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def axe_violations(page, checker=None):
    """axe-core (WCAG 2.2 AA tags) on the page as it is now; [] when clean. With JavaScript off,
    axe (which is JavaScript) cannot run in the page: pass `checker`, a page of a JavaScript-enabled
    context at the same origin, and axe runs on a copy of the page's HTML there."""
    if checker is not None:
        checker.set_content(page.content())
        page = checker
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]
