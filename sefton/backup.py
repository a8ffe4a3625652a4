"""Backups: `flask --app app backup PATH` and `flask --app app restore PATH [--force]`.

SQLite: a consistent copy while the app runs, through SQLite's online backup API (readers and the
writer carry on; in WAL mode the copy includes what is still in the -wal file). PostgreSQL: pg_dump
in its custom format, restored with pg_restore (the PostgreSQL client tools must be installed, in a
version at least that of the server). Restore goes into an empty database only, unless --force.
"""
import os
import shutil
import sqlite3
import subprocess

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from .extensions import db


class BackupError(RuntimeError):
    """A backup or restore refused or failed; the message says why and what to do."""


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_path(url):
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up")
    return url.database


def _libpq(url):
    """The URL as the PostgreSQL client tools read it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools "
                          "(apt-get install -y postgresql-client) in the server's version")
    return path


def is_empty():
    """True when the database holds no data: no tables, or tables without organisations or users."""
    names = set(inspect(db.engine).get_table_names())
    for table in ("organisations", "users", "reviews"):
        if table in names and db.session.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first():
            return False
    return True


def backup(path):
    url = _url()
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)  # page by page, consistent, while others read and write
        finally:
            target.close()
            source.close()
        return
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", path, _libpq(url)])


def restore(path, force=False):
    if not os.path.isfile(path):
        raise BackupError(f"{path} does not exist")
    if not is_empty() and not force:
        raise BackupError("The database is not empty. Restore into an empty database, or add --force to "
                          "replace everything it holds with the backup.")
    url = _url()
    db.session.remove()
    db.engine.dispose()  # no connection of ours holds the database while it is replaced
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return
    command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
               "--dbname", _libpq(url)]
    if force:
        command += ["--clean", "--if-exists"]
    _run(command + [path])


def _run(command):
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{os.path.basename(command[0])} failed: {result.stderr.strip()}")


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path):
    """Write a consistent copy of the database to PATH (safe while the app runs)."""
    try:
        backup(path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace what a non-empty database holds.")
@with_appcontext
def restore_command(path, force):
    """Restore the database from a backup made by `backup` (into an empty database unless --force)."""
    try:
        restore(path, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Database restored from {path}")
