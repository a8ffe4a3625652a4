"""The import's limits (issue 21): a workbook that unpacks to far more than it weighs (a "zip bomb") is
refused before anything is unpacked; uploaded files do not stay for ever; the whole-plan template and
the audit log's CSV are downloads on record."""
import datetime as dt
import io
import re
import time
import tracemalloc
import zipfile

import pytest
from sqlalchemy import func, select

import office_books as ob
from sefton.extensions import db
from sefton.models import AuditEvent, PendingImport, utcnow
from sefton.plan import importing as pi


def zip_bomb(unpacked_mb=120):
    """An .xlsx-looking archive whose one sheet unpacks to `unpacked_mb` MB of the same byte."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"<c>0</c>" * (1024 * 128)
            for _ in range(unpacked_mb):
                sheet.write(block)
    return out.getvalue()


def many_parts(count=1_500):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(count):
            archive.writestr(f"xl/media/part{n}.xml", "x")
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    data = zip_bomb()
    assert len(data) < 2 * 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(pi.FileError, match="unpacks to more than 100 MB"):
        pi.read_book("plan.xlsx", data, 10 * 1024 * 1024)
    took = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert took < 2 and peak < 200 * 1024 * 1024, (took, peak)
    with pytest.raises(pi.FileError, match="1,000 parts"):
        pi.read_book("plan.xlsx", many_parts(), 10 * 1024 * 1024)


@pytest.fixture
def admin(client, auth):
    auth.login("admin@demo.test")
    return auth


def upload(client, auth, data, name="plan.xlsx"):
    form = {"csrf_token": auth.token("/admin/import"), "file": (io.BytesIO(data), name)}
    return client.post("/admin/import", data=form, content_type="multipart/form-data")


def test_a_zip_bomb_upload_is_refused_and_not_kept(client, admin):
    response = upload(client, admin, zip_bomb())
    assert response.status_code == 422 and "unpacks to more than 100 MB" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 0


def test_uploaded_files_go_after_a_day_and_an_applied_file_keeps_no_bytes(client, admin):
    old = PendingImport(review_id=1, filename="old.xlsx", sha256="0" * 64, data=b"old bytes",
                        created_at=utcnow() - dt.timedelta(days=1, minutes=1))
    db.session.add(old)
    db.session.commit()
    data = ob.book({"Plan": [["1.1.40", "A new one", "AHCH", "Lead", "1 July 2019"]]})
    response = upload(client, admin, data)
    assert response.status_code == 302
    db.session.rollback()  # a new transaction: SQLite's WAL keeps showing the one in progress as it was
    assert [p.filename for p in db.session.scalars(select(PendingImport))] == ["plan.xlsx"]  # the old one went
    location = response.headers["Location"].split("?")[0]
    html = client.get(location.removesuffix("/map")).get_data(as_text=True)
    pending = db.session.scalar(select(PendingImport))
    form = {"csrf_token": admin.token("/admin/import")}
    form["digest"] = re.search(r'name="digest" value="([0-9a-f]{64})"', html).group(1)
    assert client.post(f"/admin/import/{pending.id}/apply", data=form).status_code == 302
    db.session.rollback()
    assert db.session.get(PendingImport, pending.id).data == b""  # applied: the bytes are gone
    assert "This file was applied" in client.get(f"/admin/import/{pending.id}").get_data(as_text=True)


def test_the_daily_run_removes_uploads_older_than_a_day(app):
    db.session.add(PendingImport(review_id=1, filename="old.csv", sha256="0" * 64, data=b"x",
                                 created_at=utcnow() - dt.timedelta(days=2)))
    db.session.add(PendingImport(review_id=1, filename="new.csv", sha256="1" * 64, data=b"y"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reminders", "--no-send"])
    assert result.exit_code == 0 and "Removed 1 uploaded plan file(s) older than a day" in result.output
    assert [p.filename for p in db.session.scalars(select(PendingImport))] == ["new.csv"]


def test_the_template_and_the_audit_log_csv_are_downloads_on_record(client, admin):
    assert client.get("/admin/import/template.xlsx").status_code == 200
    assert client.get("/admin/import/template.csv").status_code == 200
    assert client.get("/admin/audit.csv?person=3").status_code == 200
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.downloaded")
                                .order_by(AuditEvent.id)).all()
    assert [e.after["kind"] for e in events] == ["import template", "import template", "audit log"]
    assert events[-1].after["filters"] == {"person": "3"} and events[-1].actor.email == "admin@demo.test"
    assert events[0].after["file"].startswith("plan-import-template-") and events[0].after["address"]
