"""Evidence uploads and downloads: refusals leave no row and no file; downloads are safe attachments
for the owning organisation, reviewers, viewers and admins only."""
import io
import os

import pytest
from sqlalchemy import select

from conftest import Auth
from sefton.extensions import db
from sefton.models import EvidenceFile, EvidenceSubmission
from test_workspace import PDF, count, events_of, is_row_only, own_sub_action, send

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode"


def stored_files(app):
    """Every file under the instance folder, where a careless upload would be written."""
    found = set()
    for dirpath, _, names in os.walk(app.instance_path):
        found |= {os.path.join(dirpath, n) for n in names}
    return found


@pytest.fixture
def ahch(client):
    auth = Auth(client)
    auth.login("ahch@demo.test")
    return auth


def _upload(client, ahch, sa, files, *, htmx, description="Minutes of the meeting"):
    return send(client, f"/sub-actions/{sa.id}/evidence", {"description": description, "version": sa.version,
                                                           "next": "/my-actions"},
                htmx=htmx, token=ahch.token("/my-actions"), files=files)


def _assert_nothing_saved(app, sa, before_files, events, version):
    db.session.expire_all()
    assert count(EvidenceSubmission, EvidenceSubmission.sub_action_id == sa.id) == 0
    assert count(EvidenceFile) == before_files[0]
    assert stored_files(app) == before_files[1]
    assert len(events_of(sa)) == events and sa.version == version and sa.state == "open"


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize("name,data,message", [
    ("empty.pdf", b"", "empty.pdf is empty"),
    ("report.pdf", EXE, "report.pdf is not a PDF: its content does not match its name"),
    ("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n", "File names cannot contain folders"),
    ("..\\..\\boot.ini", b"[boot loader]\n", "File names cannot contain folders"),
    ("big.pdf", PDF + b"0" * (1024 * 1024), "big.pdf is larger than 1 MB"),
    ("setup.exe", EXE, "the file must be PDF, Word, Excel, PowerPoint, PNG, JPEG, plain text or e-mail"),
    ("minutes\u202efdp.exe", PDF, "hidden control or formatting characters (such as a right-to-left override)"),
    ("minutes\u200b\u0007.pdf", PDF, "hidden control or formatting characters"),
    ("m" * 200 + ".pdf", PDF, "The file name is too long"),
])
def test_refused_uploads_leave_no_row_and_no_file(app, client, ahch, htmx, name, data, message):
    app.config["SEFTON_MAX_UPLOAD_MB"] = 1
    sa = own_sub_action()
    before = (count(EvidenceFile), stored_files(app))
    events, version = len(events_of(sa)), sa.version
    # A good file beside the bad one: all of them or none.
    response = _upload(client, ahch, sa, [(io.BytesIO(PDF), "good.pdf"), (io.BytesIO(data), name)], htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "Minutes of the meeting" in html  # the form comes back as it was filled in
    if htmx:
        assert is_row_only(html, sa.id)
    else:
        assert "There is a problem" in html and f'href="#evidence-files-{sa.id}"' in html
    _assert_nothing_saved(app, sa, before, events, version)


def test_no_file_chosen_is_refused(app, client, ahch):
    sa = own_sub_action()
    response = send(client, f"/sub-actions/{sa.id}/evidence", {"description": "x", "version": sa.version},
                    htmx=True, token=ahch.token("/my-actions"))
    assert response.status_code == 422 and "Choose at least one file to upload" in response.get_data(as_text=True)


@pytest.mark.parametrize("htmx", [True, False])
def test_a_request_over_the_size_limit_gets_a_clear_message(app, client, ahch, htmx):
    """MAX_CONTENT_LENGTH refuses the whole request before it is read (413): the answer still says why."""
    sa = own_sub_action()
    token = ahch.token("/my-actions")
    before = (count(EvidenceFile), stored_files(app))
    events, version = len(events_of(sa)), sa.version
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = send(client, f"/sub-actions/{sa.id}/evidence", {"description": "x", "version": sa.version},
                    htmx=htmx, token=token, files=[(io.BytesIO(PDF + b"0" * 100 * 1024), "big.pdf")])
    html = response.get_data(as_text=True)
    assert response.status_code == (422 if htmx else 413)
    assert "The upload is too large" in html and "up to 20 MB" in html
    if htmx:
        assert is_row_only(html, sa.id) and 'class="app-row-form"' in html and "nhsuk-error-summary" in html
    else:
        assert "There is a problem" in html and 'name="files"' in html
    _assert_nothing_saved(app, sa, before, events, version)


def test_accepted_file_types_are_stored_in_the_database_with_their_type(app, client, ahch):
    sa = own_sub_action()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    files = [(io.BytesIO(PDF), "minutes.pdf"), (io.BytesIO(png), "chart.png"),
             (io.BytesIO(b"Summary of the audit.\n"), "summary.txt")]
    response = _upload(client, ahch, sa, files, htmx=True)
    assert response.status_code == 200
    stored = db.session.scalars(select(EvidenceFile).join(EvidenceSubmission)
                                .where(EvidenceSubmission.sub_action_id == sa.id).order_by(EvidenceFile.id)).all()
    assert [(f.original_name, f.content_type) for f in stored] == [
        ("minutes.pdf", "application/pdf"), ("chart.png", "image/png"), ("summary.txt", "text/plain")]
    assert stored[0].data == PDF
    html = response.get_data(as_text=True)
    assert "Evidence submitted, awaiting review" in html
    assert all(f"/evidence/{f.id}" in html for f in stored)


def _one_file(app, client, ahch, name="Réunion “draft” notes.pdf"):
    sa = own_sub_action()
    assert _upload(client, ahch, sa, [(io.BytesIO(PDF), name)], htmx=True).status_code == 200
    return sa, db.session.scalar(select(EvidenceFile).join(EvidenceSubmission)
                                 .where(EvidenceSubmission.sub_action_id == sa.id))


def test_download_is_a_safe_attachment(app, client, ahch):
    sa, stored = _one_file(app, client, ahch)
    response = client.get(f"/evidence/{stored.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''R%C3%A9union%20%E2%80%9Cdraft%E2%80%9D%20notes.pdf" in disposition
    assert "\n" not in disposition and "/" not in disposition.split("filename", 1)[1]
    assert "no-store" in response.headers["Cache-Control"]


def test_download_name_with_quotes_is_escaped(app, client, ahch):
    sa, stored = _one_file(app, client, ahch)
    stored.original_name = 'minutes "final"; v2.pdf'  # browsers send quotes as %22: set it directly
    db.session.commit()
    disposition = client.get(f"/evidence/{stored.id}").headers["Content-Disposition"]
    assert disposition == 'attachment; filename="minutes \\"final\\"; v2.pdf"'


@pytest.mark.parametrize("email", ["reviewer@demo.test", "viewer@demo.test", "admin@demo.test"])
def test_reviewers_viewers_and_admins_may_download(app, client, ahch, email):
    sa, stored = _one_file(app, client, ahch)
    other = app.test_client()
    Auth(other).login(email)
    assert other.get(f"/evidence/{stored.id}").status_code == 200


def test_other_organisations_get_404_even_on_a_shared_recommendation(app, client, ahch):
    from sefton.models import Organisation

    sa, stored = _one_file(app, client, ahch)
    for code in db.session.scalars(select(Organisation.code).where(Organisation.code != "ahch")):
        other = app.test_client()
        Auth(other).login(f"{code}@demo.test")
        assert other.get(f"/evidence/{stored.id}").status_code == 404, code


def test_a_name_with_two_dots_inside_is_fine():
    from sefton.workflow.evidence import check

    assert check("report..v2.txt", b"Minutes (illustrative).\n", 1024).name == "report..v2.txt"


def test_an_empty_evidence_form_names_both_missing_fields(app, client):
    Auth(client).login("ahch@demo.test")
    sa = own_sub_action()
    token = Auth(client).token("/my-actions")
    response = client.post(f"/sub-actions/{sa.id}/evidence", data={"version": sa.version, "description": ""},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Describe what the evidence shows" in body and "Choose at least one file to upload" in body


@pytest.mark.parametrize("htmx", [True, False])
def test_at_most_the_configured_number_of_files_per_submission(app, client, ahch, htmx):
    app.config["SEFTON_MAX_FILES_PER_SUBMISSION"] = 3
    sa = own_sub_action()
    before = (count(EvidenceFile), stored_files(app))
    events, version = len(events_of(sa)), sa.version
    def files(n):
        return [(io.BytesIO(PDF), f"part-{i}.pdf") for i in range(n)]

    response = _upload(client, ahch, sa, files(4), htmx=htmx)
    assert response.status_code == 422
    assert "Choose at most 3 files for one submission (you chose 4)" in response.get_data(as_text=True)
    _assert_nothing_saved(app, sa, before, events, version)
    response = _upload(client, ahch, sa, files(3), htmx=htmx)
    assert response.status_code == (200 if htmx else 302)
    assert count(EvidenceFile) == before[0] + 3


def test_the_default_limit_is_twenty_files(app):
    assert app.config["SEFTON_MAX_FILES_PER_SUBMISSION"] == 20
