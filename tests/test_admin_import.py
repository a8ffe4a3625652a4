"""The spreadsheet import over HTTP: upload, preview, Apply (CSRF on), on SQLite and PostgreSQL."""
import datetime as dt
import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from sefton.plan import importing as plan_import
from sefton.plan.importing import service as importing
from sefton.extensions import db
from sefton.models import AuditEvent, Organisation, OriginalDueChange, PendingImport, SubAction
from sefton.web import current_review

TODAY = dt.date(2019, 4, 1)  # the demo's business date (tests/conftest.py)


@pytest.fixture
def admin(client, auth):
    auth.login("admin@demo.test")
    return auth


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def template(client):
    response = client.get("/admin/import/template.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def as_bytes(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, auth, data, name="plan.xlsx", whole_plan=False):
    form = {"csrf_token": auth.token("/admin/import"), "file": (io.BytesIO(data), name)}
    if whole_plan:
        form["whole_plan"] = "1"
    return client.post("/admin/import", data=form, content_type="multipart/form-data")


def preview(client, auth, data, **kwargs):
    response = upload(client, auth, data, **kwargs)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"])
    return response.headers["Location"], page.get_data(as_text=True)


def apply(client, auth, location, html):
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', html)
    assert digest, "the preview offers no Apply"
    form = {"csrf_token": auth.token("/admin/import"), "digest": digest.group(1)}
    if 'name="whole_plan" value="1"' in html:
        form["whole_plan"] = "1"
    return client.post(location.split("?")[0] + "/apply", data=form)


def sheet_rows(wb):
    ws = wb["Sub-actions"]
    header = [c.value for c in ws[1]]
    return ws, header


def set_cell(wb, ref, column, value):
    ws, header = sheet_rows(wb)
    for row in ws.iter_rows(min_row=2):
        if row[header.index("Ref")].value == ref:
            row[header.index(column)].value = value
            return row[0].row
    raise AssertionError(ref)


def sub_action(ref):
    for sa in db.session.scalars(select(SubAction)):
        if sa.ref == ref:
            return sa
    raise AssertionError(ref)


def ahch_row(wb, ref="4.1.9", text="Audit the transition plans of young people leaving CAMHS"):
    ws, header = sheet_rows(wb)
    first = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[header.index("Ref")].startswith("4.1."))
    line = list(first)
    line[header.index("Ref")], line[header.index("Sub-action")] = ref, text
    line[header.index("Owner")], line[header.index("Lead")] = "ahch", "Named Nurse for Safeguarding"
    line[header.index("Original due date")] = "30 June 2019"
    for column in ("Revised due date", "Status", "Workflow state", "Latest progress note", "Note date",
                   "Evidence accepted", "Accepted on", "Accepted by"):  # a new sub-action has no state yet
        line[header.index(column)] = None
    ws.append(line)


def test_a_clean_file_applies_in_one_go_and_is_audited(client, admin):
    wb = template(client)
    row = set_cell(wb, "1.1.1", "Sub-action", "Refresh the CSE training of every GP practice")
    set_cell(wb, "1.1.2", "Original due date", dt.datetime(2019, 9, 30))
    ahch_row(wb)
    old_due = sub_action("1.1.2").original_due_on
    location, html = preview(client, admin, as_bytes(wb))
    assert "Refresh the CSE training of every GP practice" in html and f">{row}<" in html
    assert "30 September 2019" in html and "Audit the transition plans" in html
    assert count(SubAction) == 245  # nothing written before Apply
    response = apply(client, admin, location, html)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 sub-action added, 2 changed, 0 retired" in page
    assert count(SubAction) == 246
    new = sub_action("4.1.9")
    assert (new.owner.code, new.added_on, new.original_due_on, new.current_due_on) == (
        "ahch", TODAY, dt.date(2019, 6, 30), dt.date(2019, 6, 30))
    assert sub_action("1.1.1").text == "Refresh the CSE training of every GP practice"
    moved = sub_action("1.1.2")
    assert moved.original_due_on == dt.date(2019, 9, 30)
    change = db.session.scalar(select(OriginalDueChange).where(OriginalDueChange.sub_action_id == moved.id))
    assert (change.previous_due_on, change.new_due_on, change.effective_on, change.reason) == (
        old_due, dt.date(2019, 9, 30), TODAY, "Changed by import of plan.xlsx")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.imported"))
    pending = db.session.scalar(select(PendingImport))
    assert event.review_id == current_review().id and pending.applied_at is not None
    assert event.after["sha256"] == pending.sha256 and event.after["file"] == "plan.xlsx"
    assert (event.after["added"], event.after["changed"], event.after["retired"]) == (1, 2, 0)
    per_sub = db.session.scalars(select(AuditEvent.action).where(AuditEvent.sub_action_id.in_(
        [new.id, moved.id, sub_action("1.1.1").id]), AuditEvent.action.like("sub_action.%"))).all()
    assert sorted(per_sub) == ["sub_action.changed_by_import", "sub_action.changed_by_import", "sub_action.imported"]
    history = client.get(f"/sub-actions/{moved.id}/history").get_data(as_text=True)
    assert "Changed by import" in history and "From the file: plan.xlsx" in history


def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row_and_column(client, admin):
    wb = template(client)
    set_cell(wb, "1.1.1", "Sub-action", "A good change")
    bad = set_cell(wb, "2.1.1", "Owner", "Nowhere NHS Trust")
    events = count(AuditEvent)
    location, html = preview(client, admin, as_bytes(wb))
    assert "The file has 1 problem" in html
    assert re.search(rf"<td[^>]*>Sub-actions</td><td[^>]*>{bad}</td>\s*<td[^>]*>I \(Owner\)</td>", html)
    assert f'there is no organisation "Nowhere NHS Trust" (row {bad})' in unescape(html)  # once, with its rows
    assert 'name="digest"' not in html  # no Apply
    token = admin.token("/admin/import")
    response = client.post(location + "/apply", data={"csrf_token": token, "digest": "0" * 64})
    assert response.status_code == 409
    assert sub_action("1.1.1").text != "A good change"
    assert count(AuditEvent) == events + 1  # the upload only
    assert count(AuditEvent, AuditEvent.action == "plan.imported") == 0


def test_importing_the_same_file_twice_changes_nothing_the_second_time(client, admin):
    wb = template(client)
    set_cell(wb, "3.1.1", "Lead", "Designated Nurse, Safeguarding")
    data = as_bytes(wb)
    location, html = preview(client, admin, data)
    assert apply(client, admin, location, html).status_code == 302
    events = count(AuditEvent, AuditEvent.action != "plan.import_uploaded")
    location2, html2 = preview(client, admin, data)
    assert "No changes" in html2 and 'name="digest"' not in html2
    assert apply_refused(client, admin, location)  # and the first upload cannot be applied again
    assert count(AuditEvent, AuditEvent.action != "plan.import_uploaded") == events


def apply_refused(client, auth, location):
    token = auth.token("/admin/import")
    response = client.post(location + "/apply", data={"csrf_token": token, "digest": "0" * 64})
    return response.status_code == 409 and "applied already" in response.get_data(as_text=True)


@pytest.mark.parametrize("path, name", [("/admin/import/template.xlsx", "plan.xlsx"),
                                        ("/admin/import/template.csv", "plan.csv"),
                                        ("/reports/plan.xlsx", "export.xlsx"),
                                        ("/reports/plan.csv", "export.csv")])
def test_an_export_round_trips_through_the_import_with_no_changes(client, admin, path, name):
    body = client.get(path).data
    _, html = preview(client, admin, body, name=name, whole_plan=True)
    assert "No changes" in html, re.findall(r"<td class=\"nhsuk-table__cell\">(.*?)</td>", html)[:20]
    assert re.search(r"Rows read</dt><dd[^>]*>245<", html)


def test_a_formula_cell_is_refused_and_escaped_text_is_stored_as_text(client, admin):
    wb = template(client)
    formula_row = set_cell(wb, "1.1.1", "Lead", "=HYPERLINK(\"http://example.test\",\"x\")")
    _, html = preview(client, admin, as_bytes(wb))
    assert "holds a formula" in html and f">{formula_row}<" in html and 'name="digest"' not in html

    wb = template(client)
    set_cell(wb, "1.1.1", "Sub-action", "'=1+1 is how the office writes a sum")
    location, html = preview(client, admin, as_bytes(wb))
    assert apply(client, admin, location, html).status_code == 302
    assert sub_action("1.1.1").text == "=1+1 is how the office writes a sum"
    # ... and the export escapes it again, so that it round-trips
    _, html = preview(client, admin, client.get("/admin/import/template.xlsx").data)
    assert "No changes" in html


def test_the_whole_plan_option_retires_what_is_missing(client, admin):
    wb = template(client)
    ws, header = sheet_rows(wb)
    gone = next(r for r in ws.iter_rows(min_row=2) if r[header.index("Ref")].value == "7.1.3")
    ws.delete_rows(gone[0].row)
    data = as_bytes(wb)
    _, html = preview(client, admin, data)
    assert "No changes" in html  # without the option, missing rows are left alone
    location, html = preview(client, admin, data, whole_plan=True)
    assert "To retire" in html and "7.1.3" in html
    assert "Important: sub-actions will be retired" in html
    assert 'role="text"' not in html  # not an ARIA role: the heading says "Important" in words
    assert apply(client, admin, location, html).status_code == 302
    assert sub_action("7.1.3").retired_on == TODAY
    assert count(SubAction) == 245  # retired, never deleted
    assert count(AuditEvent, AuditEvent.action == "sub_action.retired_by_import") == 1
    wb = template(client)  # the retired one is no longer in the plan's export: a Ref of it is refused
    ahch_row(wb, ref="7.1.3", text="Back again")
    ws, header = sheet_rows(wb)
    ws.cell(ws.max_row, header.index("Section") + 1, 7)
    ws.cell(ws.max_row, header.index("Recommendation") + 1, "7.1")
    _, html = preview(client, admin, as_bytes(wb))
    assert "retired on 1 April 2019; it cannot be changed by import" in html


def test_apply_is_refused_when_the_plan_changed_since_the_preview(client, admin):
    wb = template(client)
    set_cell(wb, "1.1.1", "Lead", "Someone new")
    location, html = preview(client, admin, as_bytes(wb))
    sa = sub_action("1.1.3")
    sa.text = "Changed by someone else meanwhile"
    db.session.commit()
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', html).group(1)
    response = client.post(location + "/apply", data={"csrf_token": admin.token("/admin/import"), "digest": digest})
    assert response.status_code == 409
    assert "The plan changed since the preview; check the new preview" in response.get_data(as_text=True)
    assert sub_action("1.1.1").lead_name != "Someone new"
    assert db.session.scalar(select(PendingImport)).applied_at is None


@pytest.mark.parametrize("name, data, message", [
    ("plan.xlsx", b"%PDF-1.4 a PDF", "is not an Excel workbook"),
    ("plan.docx", b"Ref,Owner", "is not an Excel workbook"),
])
def test_a_refused_upload_is_named_in_an_error_summary(client, admin, name, data, message):
    response = upload(client, admin, data, name=name)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "nhsuk-error-summary" in html and message in html
    assert count(PendingImport) == 0


def test_a_file_without_the_plan_headings_goes_to_the_map_page_which_says_so(client, admin):
    response = upload(client, admin, b"Ref,Owner\n1.1.1,ahch\n", name="plan.csv")
    assert response.status_code == 302 and response.headers["Location"].split("?")[0].endswith("/map")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No plan headings in the first 20 rows" in html and "No headings found" in html
    location = response.headers["Location"].split("?")[0].removesuffix("/map")
    html = client.get(location).get_data(as_text=True)
    assert "No sheet has the plan&#39;s headings in its first 20 rows" in html and 'name="digest"' not in html


def test_no_file_and_a_file_too_large(client, admin, monkeypatch):
    response = client.post("/admin/import", data={"csrf_token": admin.token("/admin/import")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose the plan file" in response.get_data(as_text=True)
    monkeypatch.setattr(importing, "max_bytes", lambda: 2048)
    response = upload(client, admin, b"Ref," * 1000, name="plan.csv")
    assert response.status_code == 422 and "larger than 2 KB" in response.get_data(as_text=True)


def test_upload_and_apply_need_the_csrf_token(client, admin):
    response = client.post("/admin/import", data={"file": (io.BytesIO(b"x"), "plan.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and count(PendingImport) == 0


ROUTES = [("get", "/admin/import"), ("post", "/admin/import"), ("get", "/admin/import/template.xlsx"),
          ("get", "/admin/import/template.csv"), ("get", "/admin/import/{id}"), ("post", "/admin/import/{id}/apply")]


@pytest.mark.parametrize("email", ["ahch@demo.test", "reviewer@demo.test", "viewer@demo.test"])
def test_every_import_route_is_refused_to_non_admins(client, auth, email):
    auth.login("admin@demo.test")
    location, _ = preview(client, auth, client.get("/admin/import/template.csv").data, name="plan.csv")
    import_id = int(location.split("/")[-1].split("?")[0])
    client.post("/logout", data={"csrf_token": auth.token()})
    auth.login(email)
    token = auth.token()
    for method, path in ROUTES:
        response = getattr(client, method)(path.format(id=import_id), data={"csrf_token": token} if method == "post" else None)
        assert response.status_code == 403, (email, path)
    assert db.session.get(PendingImport, import_id).applied_at is None


def test_another_reviews_import_is_not_found(client, admin):
    location, _ = preview(client, admin, client.get("/admin/import/template.csv").data, name="plan.csv")
    assert client.get(location.split("?")[0].rsplit("/", 1)[0] + "/999999").status_code == 404


def test_the_template_has_instructions_and_the_export_columns(client, admin):
    wb = template(client)
    assert wb.sheetnames[0] == "Instructions" and "Sub-actions" in wb.sheetnames
    text = " ".join(c.value for c in wb["Instructions"]["A"] if c.value)
    assert "Ignored" in text and "whole plan" in text
    from sefton.reports.excel import ROW_COLUMNS
    assert [c.value for c in wb["Sub-actions"][1]] == ROW_COLUMNS
    assert set(plan_import.IMPORTED) <= set(ROW_COLUMNS)
    csv_body = client.get("/admin/import/template.csv").data
    assert csv_body.startswith(b"\xef\xbb\xbf") and csv_body.count(b"\n") == 246
