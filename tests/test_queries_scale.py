"""Every main page issues as many SQL queries at 40 times the plan (scale-demo's copies, about 9,800
sub-actions) as at the demo's size: nothing is loaded one row at a time."""
import pytest
from sqlalchemy import select

from sefton.demo import scale
from sefton.extensions import db
from sefton.models import EvidenceSubmission, Organisation, Recommendation, Section, SubAction
from test_queries import count_queries

FACTOR = 40


def _pages(role):
    ahch = db.session.scalar(select(Organisation.id).where(Organisation.code == "ahch"))
    section = db.session.scalar(select(Section.id).where(Section.number == 12))
    rec = db.session.scalar(select(Recommendation.id).where(Recommendation.section_id == section)
                            .order_by(Recommendation.id))
    sub_action = db.session.scalar(select(SubAction.id).where(SubAction.owner_id == ahch).order_by(SubAction.id))
    common = ["/", f"/sections/{section}", f"/recommendations/{rec}", f"/sub-actions/{sub_action}",
              f"/sections/{section}?as_at=1 March 2019"]
    if role == "ahch@demo.test":
        return common
    submission = db.session.scalar(select(EvidenceSubmission.id).where(EvidenceSubmission.status == "pending")
                                   .order_by(EvidenceSubmission.id))
    pages = common + ["/flagged", "/reports/", "/reports/meeting-pack?since=1 January 2019"]
    if role == "reviewer@demo.test":
        pages += ["/review", f"/review/submissions/{submission}"]
    if role == "admin@demo.test":
        pages += ["/admin/", "/admin/audit", "/admin/plan", "/reports/submissions"]
    return pages


@pytest.mark.parametrize("email", ["ahch@demo.test", "reviewer@demo.test", "admin@demo.test"])
def test_every_main_page_issues_as_many_queries_at_40_times_the_plan_as_at_demo_size(app, client, auth, email):
    auth.login(email)
    pages = _pages(email)

    def measure():
        counts = {}
        for page in pages:
            db.session.remove()  # tests share the app context with the client: start each page cold
            with count_queries() as c:
                assert client.get(page).status_code == 200, page
            counts[page] = c["n"]
        return counts

    before = measure()
    scale.build(FACTOR)
    db.session.commit()
    db.session.remove()
    assert db.session.scalar(select(db.func.count(SubAction.id))) == 245 * FACTOR
    assert measure() == before
