"""Accounts in a real browser, JavaScript on and off, axe on every page: an admin invites someone,
the invitation is read from the test SMTP server, the newcomer sets a password from its link and
signs in; and the "Sign in with NHSmail" button against the test OpenID Connect provider."""

import pytest
import requests
from playwright.sync_api import expect

from browser import axe_violations
from browser import sign_in
from mailserver import link_in, smtp_server, wait_for_mail  # noqa: F401  (fixture)
from test_sso import provider  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
NEW_PASSWORD = "copper kettle meadow 31"


def invite_and_join(page, base, smtp_server, email, *, checker=None):

    page.set_default_timeout(15000)
    sign_in(page, base, "admin@demo.test")
    page.goto(f"{base}/admin/people")
    expect(page.locator("h1")).to_have_text("People")
    assert axe_violations(page, checker) == []
    page.get_by_role("button", name="Invite someone").click()
    expect(page.locator("h1")).to_have_text("Invite someone")
    page.get_by_role("button", name="Send invitation").click()  # nothing filled in: errors, nothing stored
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the person's full name")
    assert axe_violations(page, checker) == []
    page.get_by_label("Full name").fill("Morgan Newcomer")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Role").select_option("org")
    page.get_by_label("Organisation").select_option(label="Liverpool Women's NHS Foundation Trust")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator("#flash")).to_contain_text(f"Invitation sent to {email}")
    expect(page.locator("h1")).to_have_text("Morgan Newcomer")
    assert axe_violations(page, checker) == []
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("Sign in")  # signed out before the link is opened

    [message] = wait_for_mail(smtp_server, email)
    link = link_in(message, "/invitation/")
    assert link.startswith(base)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Set your password")
    assert axe_violations(page, checker) == []
    page.get_by_label("New password", exact=True).fill("password12345")
    page.get_by_label("Confirm the new password").fill("password12345")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("less common")
    assert axe_violations(page, checker) == []
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.locator("#flash")).to_contain_text("Your password has been set")
    expect(page.locator("h1")).to_have_text("Sign in")
    assert axe_violations(page, checker) == []
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    expect(page.locator(".app-account-bar")).to_contain_text("Morgan Newcomer")
    page.get_by_role("link", name="Your account").click()
    expect(page.locator("h1")).to_have_text("Your account")
    assert axe_violations(page, checker) == []


def test_invite_and_join_with_javascript(app, live_server, page, smtp_server):
    app.config.update(SEFTON_SMTP_URL=smtp_server.url, SEFTON_BASE_URL=live_server.url)
    invite_and_join(page, live_server.url, smtp_server, "morgan.js@nhs.example")


def test_invite_and_join_without_javascript(app, live_server, browser, smtp_server):
    app.config.update(SEFTON_SMTP_URL=smtp_server.url, SEFTON_BASE_URL=live_server.url)
    context = browser.new_context(java_script_enabled=False)
    checker = browser.new_context().new_page()
    checker.goto(f"{live_server.url}/healthz")
    try:
        invite_and_join(context.new_page(), live_server.url, smtp_server, "morgan.nojs@nhs.example", checker=checker)
    finally:
        context.close()
        checker.context.close()


def test_sign_in_with_nhsmail_button(app, live_server, page, provider):
    app.config.update(SEFTON_OIDC_ISSUER=provider.url, SEFTON_OIDC_CLIENT_ID="sefton-tracker",
                      SEFTON_OIDC_CLIENT_SECRET="not-a-real-secret", SEFTON_OIDC_ALLOWED_DOMAINS="demo.test")
    # The provider vouches for the address (a first NHSmail sign-in links only a verified one).
    requests.put(f"{provider.url}/users/ahch@demo.test", json={"email": "ahch@demo.test", "email_verified": True},
                 timeout=10)
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/login")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign in with NHSmail").click()
    page.wait_for_url(f"{provider.url}/**")
    page.locator("input[name=sub]").fill("ahch@demo.test")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".app-account-bar")).to_contain_text("Alder Hey")
