"""The review journey in a real browser, two people at once: the organisation user submits, the
reviewer returns it with a reason, the organisation resubmits, the reviewer accepts, and the
dashboard shows one more Green. Every page involved is scanned with axe."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from browser import axe_violations, sign_in
from sefton.extensions import db
from sefton.models import EvidenceSubmission, Organisation, SubAction

pytestmark = pytest.mark.browser
EVIDENCE = b"Minutes of the safeguarding board, 28 March 2019 (illustrative demo file).\n"


def grey_open_sub_action(code):
    return db.session.scalars(
        select(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
        .where(Organisation.code == code, SubAction.state == "open", SubAction.current_due_on > dt.date(2019, 4, 1))
        .order_by(SubAction.id)).first()


def latest_submission(sa_id):
    db.session.expire_all()
    return db.session.scalars(select(EvidenceSubmission).where(EvidenceSubmission.sub_action_id == sa_id)
                              .order_by(EvidenceSubmission.id.desc())).first()


def total_green(page):
    return int(page.locator("#progress-overall .app-total-row td").nth(2).inner_text())


def submit_evidence(page, base, sa_id, description):
    page.goto(f"{base}/my-actions/all")  # the full list's first page: the sub-action is in section 4
    row = page.locator(f"#subaction-{sa_id}")
    row.get_by_role("link", name="Upload evidence").click()  # the form is fetched into the row
    row.locator("textarea[name=description]").fill(description)
    row.locator("input[type=file][name=files]").set_input_files(
        files=[{"name": "board-minutes.txt", "mimeType": "text/plain", "buffer": EVIDENCE}])
    row.get_by_role("button", name="Submit evidence").click()
    expect(row).to_contain_text("awaiting review")


def open_in_queue(page, base, sub_id, ref):
    page.goto(f"{base}/review")
    expect(page.locator("h1")).to_have_text("Awaiting review")
    row = page.locator(f"#submission-{sub_id}")
    expect(row).to_contain_text(ref)
    assert axe_violations(page) == []
    row.get_by_role("link", name=f"Review evidence for {ref}").click()
    expect(page.locator("h1")).to_have_text(f"Evidence for sub-action {ref}")


def test_submit_return_resubmit_accept(live_server, browser):
    base = live_server.url
    sa = grey_open_sub_action("ahch")
    sa_id, ref = sa.id, sa.ref
    org = browser.new_context().new_page()
    rev = browser.new_context().new_page()
    try:
        sign_in(rev, base, "reviewer@demo.test")
        green = total_green(rev)
        count = int(re.match(r"\d+", rev.locator("#review-count").inner_text()).group(0))

        # The organisation submits evidence.
        sign_in(org, base, "ahch@demo.test")
        submit_evidence(org, base, sa_id, "Minutes of the board that agreed the policy.")
        first = latest_submission(sa_id)

        # The reviewer finds it in the queue (the count went up) and returns it, first without a reason.
        open_in_queue(rev, base, first.id, ref)
        expect(rev.locator("#review-count")).to_contain_text(str(count + 1))
        expect(rev.locator("#submission-evidence")).to_contain_text("board-minutes.txt")
        assert axe_violations(rev) == []
        rev.get_by_role("button", name="Return with reason").click()
        expect(rev.locator("#return-reason-error")).to_contain_text("Give the reason")
        assert axe_violations(rev) == []
        rev.get_by_label("Reason for returning it").fill("Attach the signed minutes, not the draft.")
        rev.get_by_role("button", name="Return with reason").click()
        expect(rev.locator("#decision-summary")).to_contain_text("Returned")
        expect(rev.locator("#flash")).to_contain_text(f"Evidence for {ref} returned")
        expect(rev.locator("#review-count")).to_contain_text(str(count))  # out-of-band, in place
        expect(rev.locator("#submission-history")).to_contain_text("Attach the signed minutes")
        assert rev.url.endswith(f"/review/submissions/{first.id}")  # htmx: no page load
        assert axe_violations(rev) == []

        # The organisation signs in again: the dashboard says what was returned and decided since.
        org.get_by_role("button", name="Sign out").click()
        sign_in(org, base, "ahch@demo.test")
        since = org.locator("#attention")
        expect(since.locator(f"#attention-returned-{sa_id}")).to_contain_text("Attach the signed minutes, not the draft.")
        expect(since.locator(f"#attention-evidence-{first.id}")).to_contain_text("Evidence returned")
        assert axe_violations(org) == []

        # It resubmits from "My actions".
        submit_evidence(org, base, sa_id, "The signed minutes of the board that agreed the policy.")
        second = latest_submission(sa_id)
        assert second.id != first.id

        # The reviewer accepts the new submission; the figures update in place.
        open_in_queue(rev, base, second.id, ref)
        figure = int(rev.locator("#figure-green").inner_text())
        rev.get_by_label("Comment (optional)").fill("Signed minutes received.")
        rev.get_by_role("button", name="Accept evidence").click()
        expect(rev.locator("#decision-summary")).to_contain_text("Accepted")
        expect(rev.locator("#figure-green")).to_have_text(str(figure + 1))
        expect(rev.locator("#submission-status")).to_contain_text("Green")
        expect(rev.locator("#decision-title")).to_be_focused()
        assert axe_violations(rev) == []

        # The dashboard shows one more Green.
        rev.goto(f"{base}/")
        assert total_green(rev) == green + 1
        org.goto(f"{base}/")
        expect(org.locator(f"#returned-{sa_id}")).to_have_count(0)
        assert axe_violations(org) == []
    finally:
        org.context.close()
        rev.context.close()


def test_flagged_page_and_read_only_queue_for_a_viewer(live_server, page):
    sign_in(page, live_server.url, "viewer@demo.test")
    page.goto(f"{live_server.url}/flagged")
    expect(page.locator("h1")).to_contain_text("Flagged for the attention of Public Health Commissioners")
    assert page.locator("section.app-flagged").count() >= 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/review")
    assert page.get_by_role("button", name=re.compile("Accept|Decline")).count() == 0
    assert axe_violations(page) == []


def test_flagging_as_a_reviewer(live_server, page):
    sign_in(page, live_server.url, "reviewer@demo.test")
    page.goto(f"{live_server.url}/flagged")
    before = page.locator("section.app-flagged").count()
    page.locator("#flag-others summary").click()
    page.locator("#flag-others textarea").first.fill("Commissioned by Public Health: for their contract review.")
    page.locator("#flag-others button").first.click()
    expect(page.locator("#flash")).to_contain_text("is now flagged")
    assert page.locator("section.app-flagged").count() == before + 1
    assert axe_violations(page) == []


def test_public_health_view_as_sefton_council(live_server, page):
    """Sefton Council's Public Health Commissioner: the flagged areas with reasons, acknowledge, comment."""
    sign_in(page, live_server.url, "sefton-council@demo.test")
    expect(page.locator("#flagged-title")).to_contain_text("Flagged for Public Health")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Flagged for Public Health").first.click()
    expect(page.locator("h1")).to_contain_text("Public Health Commissioners")
    first = page.locator("section.app-flagged").first
    expect(first).to_contain_text("Why it is flagged")
    assert axe_violations(page) == []
    first.get_by_role("button", name=re.compile("Acknowledge")).click()
    expect(page.locator("#flash")).to_contain_text("acknowledged")
    first = page.locator("section.app-flagged").first
    first.locator("textarea").fill("Raised with the provider at the contract review.")
    first.get_by_role("button", name="Add the comment").click()
    expect(page.locator("#flash")).to_contain_text("your comment is recorded")
    expect(page.locator("section.app-flagged").first).to_contain_text("Raised with the provider")
    assert axe_violations(page) == []
