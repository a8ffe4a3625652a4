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


def settle(page):
    """Wait until the page's layout is final: NHS.UK frontend's header has run (it moves links that do
    not fit into its "More" menu, one animation frame after each resize), the fonts are in and two
    frames have been drawn. A scan before that raced the header on a loaded machine (axe target-size
    on links mid-move). Waits for events, never for a fixed time."""
    page.wait_for_load_state("load")
    ready = page.evaluate("""async () => {
      const header = document.querySelector('[data-module="nhsuk-header"]');
      const started = performance.now();
      // The header's module script loads only at the app's origin (not in a copy at about:blank).
      const waits = header && location.protocol.startsWith('http')
                    && document.body.classList.contains('nhsuk-frontend-supported');
      while (waits && !header.hasAttribute('data-nhsuk-header-init') && performance.now() - started < 30000) {
        await new Promise(r => requestAnimationFrame(r));
      }
      await document.fonts.ready;
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
      return !waits || header.hasAttribute('data-nhsuk-header-init');
    }""")
    assert ready, "the NHS header's script did not run on this page within 30 s"


def axe_violations(page, checker=None):
    """axe-core (WCAG 2.2 AA tags) on the page as it is now; [] when clean. With JavaScript off,
    axe (which is JavaScript) cannot run in the page: pass `checker`, a page of a JavaScript-enabled
    context at the same origin, and axe runs on a copy of the page's HTML there."""
    if checker is not None:
        # A fresh document each time: a module script runs once per document, so a second copy
        # written into the same one would keep its header uninitialised.
        checker.reload()
        checker.set_content(page.content())
        page = checker
    settle(page)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]
