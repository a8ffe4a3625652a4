"""The foundation pages in a real browser, with an axe scan of each."""
import pytest
from sqlalchemy import select

from browser import axe_violations, sign_in
from sefton.extensions import db
from sefton.models import Recommendation, Section

pytestmark = pytest.mark.browser


def test_dashboard_section_and_recommendation_pages(live_server, page):
    section_id = db.session.scalar(select(Section.id).where(Section.number == 4))
    rec_id = db.session.scalar(select(Recommendation.id).where(Recommendation.section_id == section_id))
    page.goto(f"{live_server.url}/login")
    assert axe_violations(page) == []
    sign_in(page, live_server.url, "ahch@demo.test")
    assert "Progress of Alder Hey" in page.content()
    assert axe_violations(page) == []
    for path in (f"/sections/{section_id}", f"/recommendations/{rec_id}"):
        page.goto(live_server.url + path)
        assert page.locator("table").count() >= 1
        assert axe_violations(page) == [], path
    page.goto(f"{live_server.url}/sections/{section_id + 1000}")
    assert "Page not found" in page.content()


def test_reviewer_dashboard_is_accessible(live_server, page):
    sign_in(page, live_server.url, "reviewer@demo.test")
    assert page.locator("#progress-overall tbody tr").count() == 16
    assert axe_violations(page) == []
