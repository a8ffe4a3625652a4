"""Notes, reasons and descriptions have a maximum length (SEFTON_MAX_TEXT_CHARS): refused with a
clear message (422, nothing written); a long note already stored cannot make the PDF fail."""
import io

import pytest
from sqlalchemy import select

from sefton import workflow
from sefton.extensions import db
from sefton.models import ProgressNote, SubAction
from test_workspace import PDF, ahch, count, events_of, own_sub_action, send  # noqa: F401 (fixture)

MEGABYTE_NOTE = "Progress noted at the board. " * 34_000  # just under 1 MB: under the form's memory cap


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize("path,field", [("notes", "body"), ("date-request", "reason"), ("evidence", "description")])
def test_a_one_megabyte_text_is_refused_with_a_clear_message(app, client, ahch, htmx, path, field):
    sa = own_sub_action()
    events, version = len(events_of(sa)), sa.version
    notes = count(ProgressNote, ProgressNote.sub_action_id == sa.id)
    data = {field: MEGABYTE_NOTE, "version": sa.version, "next": "/my-actions"}
    if path == "date-request":
        data["new_due_on"] = "4 July 2019"
    files = [(io.BytesIO(PDF), "minutes.pdf")] if path == "evidence" else None
    response = send(client, f"/sub-actions/{sa.id}/{path}", data, htmx=htmx, token=ahch.token("/my-actions"),
                    files=files)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "must be 5,000 characters or fewer" in html
    db.session.expire_all()
    assert len(events_of(sa)) == events and sa.version == version
    assert count(ProgressNote, ProgressNote.sub_action_id == sa.id) == notes


def test_the_limit_is_configurable(app):
    app.config["SEFTON_MAX_TEXT_CHARS"] = 10
    with pytest.raises(workflow.TooLong, match="10 characters or fewer"):
        workflow.bounded("x" * 11, "The note", "body")
    assert workflow.bounded(" " + "x" * 10 + " ", "The note", "body") == "x" * 10


def test_a_long_note_stored_directly_cannot_make_the_pdf_fail(app, client, auth):
    sa = db.session.scalars(select(SubAction).order_by(SubAction.id)).first()
    db.session.add(ProgressNote(sub_action_id=sa.id, noted_on=sa.created_at.date(), body="Long note. " * 100_000))
    db.session.commit()
    auth.login("viewer@demo.test")
    response = client.get("/reports/plan.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
