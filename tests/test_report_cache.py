"""The plan's PDF is cached by review, date, scope and last audit event: a repeat download is served
from the cache, and a change to the plan in between gives a fresh PDF."""
from sqlalchemy import func, select

from sefton.extensions import db
from sefton.models import ReportCache
from sefton.reports import pdf
from test_workspace import ahch, own_sub_action, send  # noqa: F401 (fixture)


def _count_renders(monkeypatch):
    calls = []
    real = pdf.html_to_pdf

    def counting(html, **kwargs):
        calls.append(1)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf, "html_to_pdf", counting)
    return calls


def test_a_repeat_download_is_served_from_the_cache_and_a_change_makes_a_fresh_one(app, client, ahch, monkeypatch):
    renders = _count_renders(monkeypatch)
    first = client.get("/reports/plan.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF") and len(renders) == 1
    second = client.get("/reports/plan.pdf")
    assert second.data == first.data and len(renders) == 1  # from the cache: not rendered again
    assert db.session.scalar(select(func.count(ReportCache.id))) == 1

    sa = own_sub_action()
    note = "Cache check: the policy was ratified by the board."
    response = send(client, f"/sub-actions/{sa.id}/notes", {"body": note, "version": sa.version},
                    htmx=False, token=ahch.token("/my-actions"))
    assert response.status_code == 302
    third = client.get("/reports/plan.pdf")
    assert len(renders) == 2 and third.data != first.data  # the plan changed: rendered afresh
    assert note.encode() not in first.data  # (the text is compressed in the PDF; the bytes differ)


def test_scope_and_date_are_part_of_the_key(app, client, auth, monkeypatch):
    renders = _count_renders(monkeypatch)
    auth.login("viewer@demo.test")
    client.get("/reports/plan.pdf?org=lwh")
    client.get("/reports/plan.pdf?org=lwh&as_at=1 March 2019")
    client.get("/reports/plan.pdf?org=addaction")
    client.get("/reports/plan.pdf?org=lwh")
    assert len(renders) == 3


def test_the_cache_is_bounded(app, client, auth, monkeypatch):
    app.config["SEFTON_REPORT_CACHE_ENTRIES"] = 2
    auth.login("viewer@demo.test")
    for code in ("lwh", "addaction", "mersey-care"):
        assert client.get(f"/reports/plan.pdf?org={code}").status_code == 200
    assert db.session.scalar(select(func.count(ReportCache.id))) == 2


def test_the_dashboard_tables_are_cached_per_scope_and_a_change_shows_at_once(app, client, auth):
    """The dashboard's tables (600 sections at 40 times the plan) come from the report cache, keyed
    like the PDFs: each organisation gets its own, and an accepted submission shows at once."""
    import re

    from sefton import workflow
    from sefton.models import EvidenceSubmission, User

    def green_total(html, table="progress-overall"):
        block = html[html.index(f'id="{table}"'):]
        return int(re.search(r'app-total-row.*?data-label="Green"[^>]*>(\d+)<', block, re.S).group(1))

    def without_tokens(html):  # a CSRF token carries the second it was made: two loads may differ there only
        return re.sub(r"[\w.-]{40,}", "TOKEN", html)

    auth.login("viewer@demo.test")
    first = client.get("/").get_data(as_text=True)
    assert without_tokens(client.get("/").get_data(as_text=True)) == without_tokens(first)
    assert db.session.scalar(select(func.count(ReportCache.id)).where(ReportCache.kind == "dashboard.html")) == 1
    before = green_total(first)

    from sefton import access

    reviewer = db.session.scalar(select(User).where(User.email == "reviewer2@demo.test"))
    sub = next(s for s in db.session.scalars(select(EvidenceSubmission).where(EvidenceSubmission.status == "pending")
                                             .order_by(EvidenceSubmission.id)) if access.can_decide(reviewer, s))
    workflow.accept_submission(reviewer, sub, version=sub.sub_action.version)
    db.session.commit()
    assert green_total(client.get("/").get_data(as_text=True)) == before + 1  # not served stale

    client.post("/logout", data={"csrf_token": auth.token()})
    auth.login("ahch@demo.test")
    own = client.get("/").get_data(as_text=True)
    assert "Progress of Alder Hey" in own and 'id="progress-overall"' not in own
    client.post("/logout", data={"csrf_token": auth.token()})
    auth.login("nwbh@demo.test")
    other = client.get("/").get_data(as_text=True)
    assert "Progress of North West Boroughs" in other and "Alder Hey" not in other
