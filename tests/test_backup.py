"""Backups: SQLite in WAL mode with a busy timeout; backup -> restore into an empty database gives the
same progress tables at several dates and the same evidence fingerprints (on SQLite and PostgreSQL)."""
import datetime as dt
import hashlib
import sqlite3
import threading

from sqlalchemy import select, text

from conftest import _make_app
from sefton.figures import progress
from sefton.extensions import db
from sefton.models import AuditEvent, EvidenceFile, Organisation, Review
from test_demo_start import fresh_database

DATES = [dt.date(2018, 12, 1), dt.date(2019, 2, 1), dt.date(2019, 4, 1), dt.date(2019, 7, 4)]


def _state():
    """What a restore must give back: the progress tables at several dates, every evidence file's
    sha256 (worked out from the bytes), and the audit trail's length."""
    review = db.session.scalar(select(Review.id))
    tables = {}
    for day in DATES:
        for name, table in (("section", progress.by_section(review, day)),
                            ("organisation", progress.by_organisation(review, day))):
            tables[(day, name)] = [r.as_dict() for r in [*table.rows, table.total]]

    files = {f.id: (f.sha256, hashlib.sha256(f.data).hexdigest()) for f in db.session.scalars(select(EvidenceFile))}
    events = db.session.scalar(select(db.func.count(AuditEvent.id)))
    return tables, files, events


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app, databases):
    if databases.kind != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_backup_then_restore_into_an_empty_database_gives_the_same_plan(app, runner, databases, tmp_path):
    path = str(tmp_path / "sefton.backup")
    before = _state()
    assert len(before[1]) > 50 and all(stored == computed for stored, computed in before[1].values())
    result = runner.invoke(args=["backup", path])
    assert result.exit_code == 0, result.output
    url, drop = fresh_database(databases, tmp_path)
    target = _make_app(url)
    try:
        with target.app_context():
            restore = target.test_cli_runner().invoke(args=["restore", path])
            assert restore.exit_code == 0, restore.output
            assert _state() == before
            again = target.test_cli_runner().invoke(args=["restore", path])
            assert again.exit_code != 0 and "--force" in again.output  # never over data by accident
            forced = target.test_cli_runner().invoke(args=["restore", "--force", path])
            assert forced.exit_code == 0, forced.output
            assert _state() == before
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


def test_sqlite_backup_is_consistent_while_the_app_writes(app, databases, tmp_path):
    """The online backup API copies a consistent state while another connection keeps writing."""
    if databases.kind != "sqlite":
        return
    from sefton import backup

    source = db.engine.url.database
    stop = threading.Event()

    def write():
        conn = sqlite3.connect(source, timeout=5)
        n = 0
        while not stop.is_set():
            n += 1
            conn.execute("UPDATE organisations SET short_name = ? WHERE code = 'lwh'", (f"LWH {n}",))
            conn.commit()
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for n in range(3):
            backup.backup(str(tmp_path / f"copy{n}.db"))
    finally:
        stop.set()
        writer.join()
    for n in range(3):
        copy = sqlite3.connect(tmp_path / f"copy{n}.db")
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM sub_actions").fetchone() == (245,)
        copy.close()
    assert db.session.scalar(select(Organisation.short_name).where(Organisation.code == "lwh")).startswith("LWH")
