"""First start of the demo under `gunicorn -w 2`: two processes at once on a fresh database."""
import os
import subprocess
import sys
import uuid

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START = "from sefton import create_app; create_app()"


def fresh_database(databases, tmp_path):
    """An empty database (no schema) and a function that drops it."""
    if databases.kind == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}", lambda: None
    name = f"{databases.template_url.database}_fresh_{uuid.uuid4().hex[:8]}"
    with databases.admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with databases.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return databases.template_url.set(database=name).render_as_string(hide_password=False), drop


def test_two_workers_starting_the_demo_at_once_both_start_and_load_it_once(databases, tmp_path):
    url, drop = fresh_database(databases, tmp_path)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SEFTON_", "FLASK_"))}
    env.update(SEFTON_DEMO="1", SEFTON_DATABASE_URL=url)
    try:
        workers = [subprocess.Popen([sys.executable, "-c", START], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        outputs = [worker.communicate(timeout=300)[0] for worker in workers]
        assert [worker.returncode for worker in workers] == [0, 0], outputs
        engine = sa.create_engine(make_url(url))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM reviews")).scalar() == 1
            assert conn.execute(sa.text("SELECT count(*) FROM organisations")).scalar() == 9
            assert conn.execute(sa.text("SELECT count(*) FROM sub_actions")).scalar() == 245
        engine.dispose()
    finally:
        drop()
