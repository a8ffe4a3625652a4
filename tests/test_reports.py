"""Reports: the updated action plan (print HTML and PDF), exports, scoping, the PDF fetcher."""
import csv
import datetime as dt
import io
import re
import subprocess

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import select

from sefton import dates
from sefton.figures import progress
from sefton.extensions import db
from sefton.models import Organisation, Recommendation, Section, SubAction, User, recommendation_owners
from sefton.reports import data, excel, pdf
from sefton.web import current_review

TODAY = dt.date(2019, 4, 1)


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _org(code):
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


@pytest.fixture
def ctx(demo_app):
    with demo_app.test_request_context():
        yield


def _plan(email, as_at=TODAY, org_code=None):
    user = _user(email)
    return data.load_plan(user, current_review(), as_at, data.scope_org(user, org_code))


def _refs():
    """{sub-action ref: owner code} for the whole plan."""
    rows = db.session.execute(select(Section.number, Recommendation.position, SubAction.position, Organisation.code)
                              .join(Recommendation, Recommendation.section_id == Section.id)
                              .join(SubAction, SubAction.recommendation_id == Recommendation.id)
                              .join(Organisation, Organisation.id == SubAction.owner_id)).all()
    return {f"{s}.{r}.{p}": code for s, r, p, code in rows}


def _has_ref(text, ref):
    return re.search(rf"(?<![\d.]){re.escape(ref)}(?![\d])", text) is not None


def _total_cells(html):
    """The numbers of the first 'Total' row of a progress table in the HTML."""
    row = re.search(r">Total</t[hd]>(.*?)</tr>", html, re.S).group(1)
    return [int(n) for n in re.findall(r">\s*(\d+)\s*</td>", row)]


def test_print_html_has_every_section_recommendation_and_sub_action(ctx):
    plan = _plan("viewer@demo.test")
    html = pdf.plan_html(plan)
    for number in range(1, 16):
        assert f"<h2>Section {number}: " in html
    recs = db.session.execute(select(Section.number, Recommendation.position).join(Recommendation)).all()
    assert len(recs) == 49
    for s, r in recs:
        assert f"<h3>Recommendation {s}.{r} " in html
    assert html.count("<h3>") == 49
    for header in ("Ref", "Action", "Owner", "Lead", "Due", "Progress and evidence", "Status"):
        assert f'<th scope="col">{header}</th>' in html
    assert all(_has_ref(html, ref) for ref in _refs())
    assert len(plan.items) == 245
    assert "Sign-off" in html and "As at 1 April 2019" in html


@pytest.mark.parametrize("as_at", ["2019-04-01", "2019-03-01"])
def test_totals_row_equals_the_dashboard(demo_app, demo_client, demo_auth, as_at):
    demo_auth.login("reviewer@demo.test")
    dashboard = demo_client.get(f"/?as_at={as_at}").get_data(as_text=True)
    with demo_app.test_request_context():
        plan = _plan("reviewer@demo.test", dt.date.fromisoformat(as_at))
        html = pdf.plan_html(plan)
    assert _total_cells(html) == _total_cells(dashboard)
    if as_at == "2019-04-01":
        assert _total_cells(html) == [49, 245, 93, 152, 0]


def test_each_sub_action_row_shows_owner_lead_dates_status_note_and_evidence(ctx):
    plan = _plan("admin@demo.test")
    html = pdf.plan_html(plan)
    green = next(i for i in plan.items if i.colour == "green" and i.note)
    sa = green.sub_action
    row = re.search(rf"<tr><td>{re.escape(sa.ref)}</td>(.*?)</tr>", html, re.S).group(1)
    assert f"<td>{escape(sa.owner.short_name)}</td><td>{escape(sa.lead_name)}</td>" in row
    assert "Green" in row and 'class="g"' in row
    assert escape(green.note.body) in row
    # accepted evidence described by what it shows (the submitter's description), not its file name
    assert "Evidence accepted" in row and escape(green.evidence[-1].description) in row
    assert green.evidence[-1].files[0].original_name not in row
    revised = next(i for i in plan.items if i.revised)
    row = re.search(rf"<tr><td>{re.escape(revised.sub_action.ref)}</td>(.*?)</tr>", html, re.S).group(1)
    assert f"Revised: {dates.format_date(revised.due_on)} (agreed {dates.format_date(revised.revision.decided_on)})" in row
    assert dates.format_date(revised.sub_action.original_due_on) in row


def test_the_plan_as_at_an_earlier_date_uses_the_history(ctx):
    early = _plan("admin@demo.test", dt.date(2019, 1, 20))
    assert early.by_section.total.green < 93
    assert sum(1 for i in early.items if i.colour == "green") == early.by_section.total.green
    assert all(not e or e.decided_on <= early.as_at for i in early.items for e in i.evidence)


def test_org_plan_holds_only_its_recommendations_and_sub_actions(ctx):
    plan = _plan("ahch@demo.test", org_code="nwbh")  # an org user cannot choose another org
    ahch = _org("ahch")
    assert plan.org.id == ahch.id
    assigned = set(db.session.scalars(select(recommendation_owners.c.recommendation_id)
                                      .where(recommendation_owners.c.organisation_id == ahch.id)))
    assert {g.rec.id for s in plan.sections for g in s.recs} == assigned
    assert {i.sub_action.owner_id for i in plan.items} == {ahch.id}
    own = progress.by_section(current_review().id, TODAY, org_id=ahch.id)
    assert plan.by_section.as_dict() == own.as_dict()
    assert len(plan.items) == own.total.sub_actions


def _xlsx_text(body):
    wb = load_workbook(io.BytesIO(body))
    return wb, " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None)


def _assert_nothing_of_others(text, code, names=True):
    """No sub-action ref of another organisation; with names, no other organisation's name either
    (the PDF quotes the deck's section titles, which name organisations, so it checks owners)."""
    for ref, owner in _refs().items():
        if owner != code:
            assert not _has_ref(text, ref), ref
    for org in db.session.scalars(select(Organisation).where(Organisation.code != code)):
        if names:
            assert org.name not in text, org.name
        assert f"Owner: {org.short_name}" not in text


def test_org_excel_and_csv_contain_nothing_of_another_org(demo_app, demo_client, demo_auth):
    demo_auth.login("ahch@demo.test")
    xlsx = demo_client.get("/reports/plan.xlsx?org=nwbh")
    assert xlsx.status_code == 200
    assert xlsx.headers["Content-Disposition"].startswith('attachment; filename="action-plan-ahch-')
    body = demo_client.get("/reports/plan.csv").get_data(as_text=True)
    with demo_app.app_context():
        wb, text = _xlsx_text(xlsx.data)
        # Section titles and a recommendation's co-owners (which the organisation sees on its pages)
        # may name other organisations: the owners are checked in the Owner column below.
        _assert_nothing_of_others(text, "ahch", names=False)
        _assert_nothing_of_others(body, "ahch", names=False)
        rows = list(csv.DictReader(io.StringIO(body)))
        ahch = _org("ahch")
        assert {r["Owner"] for r in rows} == {ahch.name}
        assert len(rows) == progress.by_section(current_review().id, TODAY, org_id=ahch.id).total.sub_actions
        assert [r[0] for r in wb["Progress"].iter_rows(min_row=2, values_only=True)] == [
            4, 8, 9, 10, 11, 12, 15, "Total"]


def test_csv_of_the_whole_plan_and_of_a_chosen_org(demo_client, demo_auth):
    demo_auth.login("viewer@demo.test")
    body = demo_client.get("/reports/plan.csv").data
    assert body.startswith(b"\xef\xbb\xbf")  # a UTF-8 byte order mark: Excel reads the accents
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 245 and list(rows[0]) == excel.ROW_COLUMNS
    assert sum(r["Status"] == "Green" for r in rows) == 93
    chosen = list(csv.DictReader(io.StringIO(demo_client.get("/reports/plan.csv?org=lwh").get_data(as_text=True))))
    assert chosen and {r["Owner"] for r in chosen} == {"Liverpool Women's NHS Foundation Trust"}


def test_excel_round_trips_the_figures(demo_app, demo_client, demo_auth):
    demo_auth.login("admin@demo.test")
    response = demo_client.get("/reports/plan.xlsx?as_at=1 March 2019")
    wb = load_workbook(io.BytesIO(response.data))
    with demo_app.app_context():
        review = current_review()
        by_section = progress.by_section(review.id, dt.date(2019, 3, 1))
        by_org = progress.by_organisation(review.id, dt.date(2019, 3, 1))
        first = (review.sections[0].title, review.sections[0].recommendations[0].text)
    keys = ("label", "actions", "sub_actions", "green", "grey", "red")
    for sheet, table in (("Progress", by_section), ("By organisation", by_org)):
        got = list(wb[sheet].iter_rows(min_row=2, values_only=True))
        if sheet == "By organisation":  # Sefton Council is responsible but owns nothing: a row of zeros
            assert ("Sefton Council", 0, 0, 0, 0, 0) in got
            got.remove(("Sefton Council", 0, 0, 0, 0, 0))
        want = [tuple(str(r[k]) if k == "label" else r[k] for k in keys) for r in table.as_dict()["rows"]]
        want.append(tuple(table.total.as_dict()[k] for k in keys))
        assert [tuple(str(v) if i == 0 else v for i, v in enumerate(row)) for row in got] == want
    subs = list(wb["Sub-actions"].iter_rows(min_row=2, values_only=True))
    assert len(subs) == 245
    assert list(next(wb["Sub-actions"].iter_rows(max_row=1, values_only=True))) == excel.ROW_COLUMNS
    assert sum(r[12] == "Green" for r in subs) == by_section.total.green
    assert isinstance(subs[0][10], dt.datetime)  # dates are real dates
    assert subs[0][:7] == ("CLAS-2018", 1, first[0], "1.1", first[1], "SS CCG; S&F CCG", "1.1.1")
    assert wb["About"]["B3"].value == "All organisations"


def test_user_text_cannot_start_a_formula(ctx):
    from sefton.reports.excel import _safe

    assert _safe("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _safe("plain") == "plain" and _safe("") == ""


def test_bad_date_is_an_error_on_the_reports_page(demo_client, demo_auth):
    demo_auth.login("viewer@demo.test")
    response = demo_client.get("/reports/plan.pdf?as_at=31 February 2019")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter a real date" in html and 'aria-describedby="as_at-hint as_at-error"' in html


def test_reports_page_for_an_org_user(demo_client, demo_auth):
    demo_auth.login("ahch@demo.test")
    html = demo_client.get("/reports/").get_data(as_text=True)
    assert 'href="/reports/"' in html  # the header link
    assert "Alder Hey" in html and 'data-app-busy="Preparing the PDF…"' in html
    assert "Meeting pack" not in html and 'name="org"' not in html
    for path in ("/reports/submissions", "/reports/meeting-pack", "/reports/meeting-pack.pdf"):
        assert demo_client.get(path).status_code == 403


def test_reports_page_for_a_viewer(demo_client, demo_auth):
    demo_auth.login("viewer@demo.test")
    html = demo_client.get("/reports/").get_data(as_text=True)
    assert "Meeting pack" in html and 'name="org"' in html
    assert "Record a submission" not in demo_client.get("/reports/submissions").get_data(as_text=True)


def test_load_plan_queries_do_not_grow_with_the_plan(app):
    from test_queries import count_queries, multiply_sub_actions

    admin, review = _user("admin@demo.test"), current_review()
    with count_queries() as before:
        data.load_plan(admin, review, TODAY)
    multiply_sub_actions(2)
    db.session.expire_all()
    assert admin.role == "admin" and review.id  # reload them outside the count
    with count_queries() as after:
        plan = data.load_plan(admin, review, TODAY)
    assert len(plan.items) == 490
    assert after["n"] == before["n"] <= 17  # + pending and agreed date requests, organisations, PHC responses


def test_the_pdf_fetcher_serves_static_files_only(demo_app):
    fetcher = pdf.LocalFetcher(demo_app.static_folder)
    ok = fetcher.fetch(f"file://{demo_app.static_folder}/css/print.css")
    assert b"@page" in ok.read()
    for url in ("http://127.0.0.1:9/x.css", "https://example.org/font.woff", "file:///etc/passwd",
                f"file://{demo_app.static_folder}/../sefton/config.py", "data:text/css,body{}"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def _inflated(body):
    """The PDF's objects with their compressed streams inflated (to find /Alt in object streams)."""
    import zlib
    parts = [body]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", body, re.S):
        try:
            parts.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    return b"".join(parts)


def _pdftotext(body, tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(body)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_the_pdf_text(demo_app, demo_client, demo_auth, tmp_path):
    """The whole plan once through WeasyPrint and pdftotext."""
    demo_auth.login("viewer@demo.test")
    response = demo_client.get("/reports/plan.pdf?as_at=1 April 2019")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    text = _pdftotext(response.data, tmp_path, "plan")
    pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    assert pages > 15
    assert all(f"Page {n} of {pages}" in text for n in range(1, pages + 1))
    for number in range(1, 16):
        assert f"Section {number}:" in text
    with demo_app.app_context():
        recs = db.session.execute(select(Section.number, Recommendation.position).join(Recommendation)).all()
    assert all(re.search(rf"Recommendation {s}\.{r} +(Green|Grey|Red)", text) for s, r in recs)
    assert re.search(r"Total\s+49\s+245\s+93\s+152\s+0", text)
    assert "As at 1 April 2019" in text and "Sign-off" in text
    assert re.search(r"Ref\s+Action\s+Owner\s+Lead\s+Due\s+Progress and evidence\s+Status", text)
    with demo_app.app_context():
        names = db.session.scalars(select(Organisation.name)).all()
        review = current_review()
        flagged = db.session.scalars(select(Recommendation).where(Recommendation.phc_flag)).all()
        context = (review.chair, "7 inspectors", "140 children", "14 January 2019", "23 July 2018", "28 November 2018")
    assert len(names) == 9 and all(name in text for name in names)  # Sefton Council included
    flat = " ".join(text.split())
    assert all(c in flat for c in context)
    assert "For the attention of the Public Health Commissioners" in text
    assert flagged and all(rec.phc_reason and " ".join(rec.phc_reason.split())[:40] in flat for rec in flagged)
    # 49 recommendations as H3 headings; the charts tagged as figures with their alternative text
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.data)
    tree = subprocess.run(["pdfinfo", "-struct-text", str(path)], check=True, capture_output=True, text=True).stdout
    assert tree.count("H3 (block)") == 49
    assert tree.count("Figure") >= 2 and b"/Alt (Sub-actions by section and status as at 1 April 2019" in _inflated(response.data)


def test_the_pdf_is_tagged_for_screen_readers(demo_app, demo_client, demo_auth, tmp_path):
    """PDF/UA-1 tags: headings and tables in the structure tree, each sub-action's cells under their
    column header only (not under every recommendation of the section), the footer an artifact."""
    demo_auth.login("sf-ccg@demo.test")
    path = tmp_path / "sf-ccg.pdf"
    path.write_bytes(demo_client.get("/reports/plan.pdf").data)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"Tagged:\s+yes", info)
    tree = subprocess.run(["pdfinfo", "-struct-text", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r'H1 \(block\)\n\s+Span \(inline\)\n\s+"Updated action plan', tree)
    assert tree.count("H2 (block)") >= 4 and "THead" in tree and "TBody" in tree
    cells = re.findall(r'TD:\n\s+/Headers \[([^\]]*)\]\n\s+Span \(inline\)\n\s+"(\d+\.\d+\.\d+)"', tree)
    with demo_app.app_context():
        own = progress.by_section(current_review().id, TODAY, org_id=_org("sf-ccg").id).total.sub_actions
    assert len(cells) == own > 0
    assert all(len(headers.split()) == 1 for headers, _ in cells)
    assert "Page 1 of" not in tree  # the running footer is not read out as content


def test_the_org_pdf_contains_nothing_of_another_org(demo_app, demo_client, demo_auth, tmp_path):
    demo_auth.login("ahch@demo.test")
    response = demo_client.get("/reports/plan.pdf")
    text = _pdftotext(response.data, tmp_path, "ahch")
    assert "Alder Hey Children's NHS Foundation Trust" in text
    with demo_app.app_context():
        _assert_nothing_of_others(text, "ahch", names=False)
        assert "Owners:" not in text  # an organisation's own plan: every row is its own
        own = progress.by_section(current_review().id, TODAY, org_id=_org("ahch").id).total
    assert re.search(rf"Total\s+{own.actions}\s+{own.sub_actions}\s+{own.green}\s+{own.grey}\s+{own.red}", text)
