"""The office's own spreadsheet over HTTP, on SQLite and PostgreSQL: title rows and a merged two-row
header, the Map page, status only as fill colour, one sheet per organisation, dates and names as
offices write them, "TBC", the tracker's later decisions and a file older than the tracker."""
import datetime as dt
import io
import re
import zipfile
from html import unescape

import office_books as ob
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from sefton.extensions import db
from sefton.figures import status_column
from sefton.models import (
    AuditEvent,
    DueDateRequest,
    EvidenceSubmission,
    ImportMapping,
    Organisation,
    OrganisationAlias,
    ProgressNote,
    SubAction,
)

TODAY = dt.date(2019, 4, 1)  # the demo's business date


@pytest.fixture
def admin(client, auth):
    auth.login("admin@demo.test")
    return auth


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def upload(client, auth, data, name="plan.xlsx", whole_plan=False):
    form = {"csrf_token": auth.token("/admin/import"), "file": (io.BytesIO(data), name)}
    if whole_plan:
        form["whole_plan"] = "1"
    response = client.post("/admin/import", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response.headers["Location"]


def map_form(html):
    """The Map page's form as the browser would send it (the tracker's choices unchanged)."""
    form = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1), "action": "preview",
            "sheet": re.findall(r'name="sheet" type="checkbox" value="([^"]+)" checked', html),
            "state_on": unescape(re.search(r'id="state_on" name="state_on" type="text" value="([^"]*)"', html).group(1))}
    for select_html in re.findall(r'<select class="nhsuk-select" id="(col-\d+)" name="col-\d+">(.*?)</select>', html,
                                  re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', select_html[1])
        form[select_html[0]] = unescape(chosen.group(1)) if chosen else ""
    return form


def mapped(client, location, **changes):
    html = client.get(location).get_data(as_text=True)
    form = {**map_form(html), **changes}
    response = client.post(location.split("?")[0], data=form)
    assert response.status_code == 302, unescape(response.get_data(as_text=True))[-3000:]
    return response.headers["Location"]


def apply(client, auth, location, **extra):
    html = client.get(location).get_data(as_text=True)
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', html)
    assert digest, unescape(html)[-4000:]
    form = {"csrf_token": auth.token("/admin/import"), "digest": digest.group(1), **extra}
    if 'name="whole_plan" value="1"' in html:
        form["whole_plan"] = "1"
    return client.post(location.split("?")[0] + "/apply", data=form)


def sub(ref):
    section, rec, position = (int(n) for n in ref.split("."))
    for sa in db.session.scalars(select(SubAction).where(SubAction.position == position)):
        if sa.ref == ref:
            return sa
    return None


def colour(sa, on):
    return db.session.scalar(select(status_column(on)).where(SubAction.id == sa.id))


def next_free(rec="1.1"):
    taken = [sa.position for sa in db.session.scalars(select(SubAction)) if sa.ref.startswith(rec + ".")]
    return max(taken) + 1


def test_title_rows_and_a_merged_two_row_header_are_mapped_previewed_and_applied(client, admin):
    n = next_free()
    data = ob.book({"Action plan": [
        [f"1.1.{n}", "Refresh CSE training in every GP practice", "AHCH", "Named GP", "30.09.19", None, None,
         None, None],
        [f"1.1.{n + 1}", "Audit the referrals", "Southport & Ormskirk", "Named Nurse", "Q2 2019", None, None, None,
         None]]})
    location = upload(client, admin, data)
    assert location.split("?")[0].endswith("/map")  # not the template: the Map page first
    html = unescape(client.get(location).get_data(as_text=True))
    assert "Yes: headings in row 4 (two rows, 3 and 4)" in html
    assert "Responsibility – Owner" in html and "Timescale – Revised" in html
    assert map_form(html)["col-2"] == "Owner" and map_form(html)["col-5"] == "Revised due date"
    preview = mapped(client, location)
    html = unescape(client.get(preview).get_data(as_text=True))
    assert "Read: Action plan (2 rows, headings in row 4)" in html
    assert '"30.09.19" read as 30 September 2019 (day, month, two-digit year)' in html
    assert '"Q2 2019" read as 30 June 2019 (the last day of the quarter)' in html
    assert "The file has" not in html
    assert apply(client, admin, preview).status_code == 302
    first, second = sub(f"1.1.{n}"), sub(f"1.1.{n + 1}")
    assert (first.owner.code, first.lead_name, first.original_due_on) == ("ahch", "Named GP", dt.date(2019, 9, 30))
    assert (second.owner.code, second.original_due_on) == ("s-and-o", dt.date(2019, 6, 30))
    # the mapping is remembered: the next file with these headings goes straight to its preview
    assert count(ImportMapping) == 1 and count(AuditEvent, AuditEvent.action == "plan.import_mapping_saved") == 1
    location = upload(client, admin, data)
    assert not location.split("?")[0].endswith("/map")
    assert "as you mapped a file with the same headings before" in client.get(location).get_data(as_text=True)


def test_status_held_only_as_fill_colour_comes_in_as_accepted_before_the_tracker_with_its_note(client, admin):
    n = next_free()
    rows = [[f"1.1.{n}", "Painted green, done in March", "AHCH", "Named Nurse", "1 March 2019", None,
             "Done: the audit went to the board", "15/03/2019"],
            [f"1.1.{n + 1}", "Painted green in a theme colour", "AHCH", "Named Nurse", "1 March 2019", None, None,
             None],
            [f"1.1.{n + 2}", "Not painted and overdue", "AHCH", "Named Nurse", "1 March 2019", None,
             "Started", None]]
    data = ob.book({"Plan": rows}, status_column=False,
                   fills={("Plan", 0): ob.GREEN_FILL, ("Plan", 1): ob.THEME_GREEN})
    location = mapped(client, upload(client, admin, data), state_on="20 March 2019")
    html = unescape(client.get(location).get_data(as_text=True))
    assert "Green fill (#00B050): read as the status Green (there is no Status column)" in html
    assert "The office's record to bring in" in html and "Accepted before the tracker on 20 March 2019" in html
    assert apply(client, admin, location).status_code == 302
    green, theme, red = sub(f"1.1.{n}"), sub(f"1.1.{n + 1}"), sub(f"1.1.{n + 2}")
    assert colour(green, TODAY) == "green" and colour(theme, TODAY) == "green" and colour(red, TODAY) == "red"
    assert colour(green, dt.date(2019, 3, 19)) == "red"  # before the state-as-at date: overdue, not yet done
    record = db.session.scalar(select(EvidenceSubmission).where(EvidenceSubmission.sub_action_id == green.id))
    assert record.imported_from == "plan.xlsx" and record.status == "accepted"
    assert record.decided_on == dt.date(2019, 3, 20) and "Office's record, imported from plan.xlsx by" in record.description
    assert green.state == "accepted" and green.accepted_on == dt.date(2019, 3, 20)
    [note] = db.session.scalars(select(ProgressNote).where(ProgressNote.sub_action_id == green.id)).all()
    assert (note.body, note.noted_on) == ("Done: the audit went to the board", dt.date(2019, 3, 15))
    kinds = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.sub_action_id == green.id)))
    assert {"sub_action.imported", "sub_action.accepted_before_tracker", "note.imported"} <= kinds
    history = client.get(f"/sub-actions/{green.id}").get_data(as_text=True)
    assert "Accepted before the tracker" in unescape(history)


def test_one_sheet_per_organisation_is_all_read_and_the_whole_plan_retires_only_what_is_missing(client, admin):
    wb = load_workbook(io.BytesIO(client.get("/admin/import/template.xlsx").data))
    ws = wb["Sub-actions"]
    header = [c.value for c in ws[1]]
    lines = list(ws.iter_rows(min_row=2, values_only=True))
    split = Workbook()
    split.remove(split.active)
    owner = header.index("Owner")
    for name in sorted({line[owner] for line in lines}):
        sheet = split.create_sheet(name[:28])
        sheet.append(header)
        for line in lines:
            if line[owner] == name and line[header.index("Ref")] != "7.1.3":
                sheet.append(line)
    location = upload(client, admin, ob.as_bytes(split), whole_plan=True)
    assert not location.split("?")[0].endswith("/map")  # the template's headings: no question
    html = unescape(client.get(location).get_data(as_text=True))
    assert html.count("Read: ") == len(split.sheetnames)
    assert re.search(r"Rows read</dt><dd[^>]*>244<", html)
    assert re.search(r"To retire</dt><dd[^>]*>1 sub-action<", html) and "7.1.3" in html
    assert "Type 1 to retire" not in html  # one of 245 needs no typed number
    assert apply(client, admin, location).status_code == 302
    assert sub("7.1.3").retired_on == TODAY and count(SubAction, SubAction.retired_on.is_not(None)) == 1


def test_retiring_more_than_a_quarter_of_the_plan_asks_for_the_number(client, admin):
    wb = load_workbook(io.BytesIO(client.get("/admin/import/template.xlsx").data))
    ws = wb["Sub-actions"]
    ws.delete_rows(2, 100)
    location = upload(client, admin, ob.as_bytes(wb), whole_plan=True)
    html = unescape(client.get(location).get_data(as_text=True))
    assert "Type 100 to retire that many of the plan's 245 sub-actions" in html
    response = apply(client, admin, location, retire_number="99")
    assert response.status_code == 409 and "type that number to confirm" in response.get_data(as_text=True)
    assert count(SubAction, SubAction.retired_on.is_not(None)) == 0
    assert apply(client, admin, location, retire_number="100").status_code == 302
    assert count(SubAction, SubAction.retired_on.is_not(None)) == 100


def test_messy_dates_and_names_an_alias_taught_once_and_tbc(client, admin):
    n = next_free()
    rows = [[f"1.1({chr(96 + n)})", "First", "Alder Hey", "Lead", "end of June 2019", None, None, None, None],
            [f"1.1.{n + 1}", "Second", "Alder Hey", "Lead", 43646, None, None, None, None],
            [f"1.1.{n + 2}", "Third", "Alder Hey", "Lead", "TBC", None, "Amber", None, None],
            [f"1.1.{n + 3}", "Fourth", "AHCH", "Lead", "Sept 2019", None, "Ongoing", None, None]]
    location = mapped(client, upload(client, admin, ob.book({"Plan": rows})))
    html = unescape(client.get(location).get_data(as_text=True))
    assert html.count('there is no organisation "Alder Hey"') == 1  # once, with its rows
    assert 'there is no organisation "Alder Hey" (rows 5, 6, 7)' in html
    assert "AHCH (Alder Hey Children's NHS Foundation Trust)" in html  # the names accepted
    assert 'name="digest"' not in html and count(SubAction, SubAction.text == "Second") == 0
    ahch = db.session.scalar(select(Organisation).where(Organisation.code == "ahch"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post(location.split("?")[0] + "/alias", data={"csrf_token": token, "name": "Alder Hey",
                                                                     "organisation_id": ahch.id})
    assert response.status_code == 302
    alias = db.session.scalar(select(OrganisationAlias))
    assert (alias.alias, alias.organisation_id) == ("Alder Hey", ahch.id)
    assert count(AuditEvent, AuditEvent.action == "organisation.alias_added") == 1
    html = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "The file has" not in html
    assert 'Status "Ongoing" is not a status the tracker reads' in html
    assert "Amber / At risk: the tracker has no Amber" in html
    assert 'empty, read as to be confirmed' not in html and '"TBC"' in html
    assert apply(client, admin, response.headers["Location"]).status_code == 302
    tbc = sub(f"1.1.{n + 2}")
    assert tbc.original_due_on is None and tbc.current_due_on is None
    for day in (TODAY, dt.date(2030, 1, 1)):
        assert colour(tbc, day) == "grey"  # never Red
    assert sub(f"1.1.{n}").original_due_on == dt.date(2019, 6, 30)  # 1.1(letter) is sub-action n
    assert sub(f"1.1.{n + 1}").original_due_on == dt.date(2019, 6, 30)
    assert sub(f"1.1.{n + 3}").original_due_on == dt.date(2019, 9, 30)
    # the next file with the name is read without a question
    rows = [[f"1.1.{n + 4}", "Fifth", "ALDER HEY.", "Lead", "1 July 2019", None, None, None, None]]
    location = upload(client, admin, ob.book({"Plan": rows}))
    assert "The file has" not in unescape(client.get(location).get_data(as_text=True))


def test_a_status_the_tracker_has_since_decided_is_not_imported_and_said(client, admin):
    wb = load_workbook(io.BytesIO(client.get("/admin/import/template.xlsx").data))
    ws = wb["Sub-actions"]
    header = [c.value for c in ws[1]]
    returned = db.session.scalar(select(EvidenceSubmission).where(EvidenceSubmission.status == "returned"))
    decided_ref = returned.sub_action.ref
    untouched = next(sa for sa in db.session.scalars(select(SubAction).order_by(SubAction.id))
                     if not sa.submissions and not sa.notes and not sa.date_requests)
    for row in ws.iter_rows(min_row=2):
        if row[header.index("Ref")].value in (decided_ref, untouched.ref):
            row[header.index("Status")].value = "Green"
    location = upload(client, admin, ob.as_bytes(wb))
    html = unescape(client.get(location).get_data(as_text=True))
    assert "Status Green: not imported, the tracker holds a later decision (evidence returned by" in html
    assert "Accepted before the tracker on 1 April 2019" in html  # the untouched one: the office's record
    assert apply(client, admin, location).status_code == 302
    assert untouched.state == "accepted" or db.session.get(SubAction, untouched.id).state == "accepted"
    assert db.session.get(SubAction, returned.sub_action_id).state != "accepted"
    # applied once, the same file changes nothing more
    location = upload(client, admin, ob.as_bytes(wb))
    assert "No changes" in client.get(location).get_data(as_text=True)


def test_a_file_older_than_the_tracker_does_not_overwrite_newer_values(client, admin):
    wb = load_workbook(io.BytesIO(client.get("/admin/import/template.xlsx").data))
    ws = wb["Sub-actions"]
    header = [c.value for c in ws[1]]
    changed = next(sa for sa in db.session.scalars(select(SubAction).order_by(SubAction.id)) if sa.notes)
    for row in ws.iter_rows(min_row=2):
        if row[header.index("Ref")].value == changed.ref:
            row[header.index("Lead")].value = "An old lead"
    data = with_modified(ob.as_bytes(wb), "2000-01-01T00:00:00Z")
    location = upload(client, admin, data)
    html = unescape(client.get(location).get_data(as_text=True))
    assert "Lead: the tracker's value is newer" in html and "No changes" in html
    assert db.session.get(SubAction, changed.id).lead_name != "An old lead"


def with_modified(data, when):
    """The workbook with its "last modified" property set (openpyxl writes the time of saving)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + when.encode()
                              + rb"\g<2>", body)
            target.writestr(item, body)
    return out.getvalue()


def test_the_map_page_refuses_bad_choices_and_writes_nothing(client, admin):
    location = upload(client, admin, ob.book({"Plan": [["1.1.1", "x", "AHCH", "L", "TBC"]]}))
    html = client.get(location).get_data(as_text=True)
    form = map_form(html)
    response = client.post(location.split("?")[0], data={**form, "sheet": []})
    assert response.status_code == 422 and "Choose at least one sheet to read" in response.get_data(as_text=True)
    response = client.post(location.split("?")[0], data={**form, "col-1": "Owner"})
    assert response.status_code == 422 and "More than one column is mapped to Owner" in response.get_data(as_text=True)
    response = client.post(location.split("?")[0], data={**form, "state_on": "1 May 2019"})
    assert response.status_code == 422 and "on or before today" in response.get_data(as_text=True)
    assert count(ImportMapping) == 0
    response = client.post(location.split("?")[0], data={**form, "col-1": ""})
    assert response.status_code == 422 and "No column is mapped to Sub-action" in response.get_data(as_text=True)


def test_aliases_on_the_organisation_page_are_added_refused_when_taken_and_removed(client, admin):
    ahch = db.session.scalar(select(Organisation).where(Organisation.code == "ahch"))
    nwbh = db.session.scalar(select(Organisation).where(Organisation.code == "nwbh"))
    page = f"/admin/organisations/{ahch.id}/edit"
    token = admin.token(page)
    assert client.post(f"/admin/organisations/{ahch.id}/aliases", data={"alias": "Alder Hey"}).status_code == 400
    assert client.post(f"/admin/organisations/{ahch.id}/aliases", data={"csrf_token": token, "alias": "Alder Hey"}
                       ).status_code == 302
    assert "Alder Hey</strong>" in client.get(page).get_data(as_text=True)
    response = client.post(f"/admin/organisations/{nwbh.id}/aliases", data={"csrf_token": token, "alias": "alder-hey"},
                           follow_redirects=True)
    assert "already means Alder Hey Children" in unescape(response.get_data(as_text=True))
    alias = db.session.scalar(select(OrganisationAlias))
    assert client.post(f"/admin/organisations/{ahch.id}/aliases/{alias.id}/remove", data={"csrf_token": token}
                       ).status_code == 302
    assert count(OrganisationAlias) == 0
    assert [a for a in db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("organisation.alias%")))] \
        == ["organisation.alias_added", "organisation.alias_removed"]


def test_a_revised_date_in_the_file_comes_in_as_agreed_before_the_tracker(client, admin):
    n = next_free()
    rows = [[f"1.1.{n}", "Moved once", "AHCH", "Lead", "1 March 2019", "end of May 2019", None, None, None]]
    location = mapped(client, upload(client, admin, ob.book({"Plan": rows})))
    assert apply(client, admin, location).status_code == 302
    sa = sub(f"1.1.{n}")
    assert (sa.original_due_on, sa.current_due_on) == (dt.date(2019, 3, 1), dt.date(2019, 5, 31))
    request = db.session.scalar(select(DueDateRequest).where(DueDateRequest.sub_action_id == sa.id))
    assert request.imported_from == "plan.xlsx" and request.status == "accepted"
    assert colour(sa, TODAY) == "grey"  # the revised date is in force: not overdue
