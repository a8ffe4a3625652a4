"""Fixtures: the demo database built once per run (through the migrations), and a fresh copy of it
for every test that writes. SEFTON_TEST_DATABASE_URL runs the same suite on PostgreSQL."""
import contextvars
import itertools
import os
import re
import shutil
import threading

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from sefton import create_app
from sefton.extensions import db

PASSWORD = "sefton-demo-2019"
CHROMIUM = "/usr/bin/chromium"
_counter = itertools.count()


def _config(url):
    return {"TESTING": True, "SEFTON_DEMO": True, "SEFTON_TODAY": "2019-04-01", "SEFTON_DATABASE_URL": url,
            "SEFTON_SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": True, "SERVER_NAME": None,
            "RATELIMIT_ENABLED": False}  # tests sign in hundreds of times; test_auth checks the limit


def _build(url):
    from flask_migrate import upgrade

    from sefton import demo

    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        demo.load()
        db.engine.dispose()
    return app


class Databases:
    """Hands out databases holding the demo: copies of a template built once."""

    def __init__(self, tmp_path_factory):
        self.pg_url = os.environ.get("SEFTON_TEST_DATABASE_URL")
        self.created = []
        if self.pg_url:
            # The template is a database of its own: PostgreSQL copies only a database nobody uses.
            # Under pytest-xdist (-n) each worker builds its own (gw0, gw1, ...).
            given = make_url(self.pg_url)
            worker = os.environ.get("PYTEST_XDIST_WORKER")
            self.template_url = given.set(database=f"{given.database}_tpl" + (f"_{worker}" if worker else ""))
            self.admin = sa.create_engine(given.set(database="postgres"), isolation_level="AUTOCOMMIT")
            self._drop_copies()
            with self.admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.template_url.database}" WITH (FORCE)'))
                conn.execute(sa.text(f'CREATE DATABASE "{self.template_url.database}"'))
            _build(self.template_url.render_as_string(hide_password=False))
        else:
            self.dir = tmp_path_factory.mktemp("db")
            self.template_url = f"sqlite:///{self.dir / 'template.db'}"
            _build(self.template_url)

    @property
    def kind(self):
        return "postgresql" if self.pg_url else "sqlite"

    def copy(self):
        n = next(_counter)
        if not self.pg_url:
            path = self.dir / f"copy{n}.db"
            shutil.copy(self.dir / "template.db", path)
            return f"sqlite:///{path}"
        name = f"{self.template_url.database}_c{os.getpid()}_{n}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_url.database}"'))
        self.created.append(name)
        return self.template_url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url):
        if self.pg_url:
            name = make_url(url).database
            with self.admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            os.remove(make_url(url).database)

    def _drop_copies(self):
        prefix = f"{self.template_url.database}_c"  # copies left by an interrupted run
        with self.admin.connect() as conn:
            names = conn.execute(sa.text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                                 {"p": prefix.replace("_", r"\_") + "%"}).scalars().all()
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory)
    yield dbs
    if dbs.pg_url:
        with dbs.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{dbs.template_url.database}" WITH (FORCE)'))
        dbs.admin.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production: never inside the test's own app
    context (Flask would reuse it, sharing `g`, the signed-in user and the database session)."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()  # the test's own objects see what the request wrote
        return response


def _make_app(url, **overrides):
    app = create_app({**_config(url), **overrides})
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def demo_app(databases):
    """The demo, shared by the tests that only read. Do not write through it."""
    url = databases.copy()
    app = _make_app(url)
    yield app
    with app.app_context():
        db.engine.dispose()
    databases.drop(url)


@pytest.fixture
def app(databases):
    """A fresh copy of the demo for a test that writes."""
    url = databases.copy()
    app = _make_app(url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    databases.drop(url)


@pytest.fixture(autouse=True)
def _sign_in_limit_off():
    """Flask-Limiter keeps one `enabled` flag for every app of the process: the last app made sets
    it. A test that makes a rate-limited app (test_auth) must not leave the limit on for the apps of
    the tests after it (the shared demo app signs in many times a minute)."""
    from sefton.extensions import limiter

    limiter.enabled = False
    limiter._storage_dead = False  # nor a Redis declared down by one test (it counts in memory meanwhile)
    yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_from(html):
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page carries no CSRF token"
    return match.group(1)


class Auth:
    """Signs a test client in through the real form, CSRF token included."""

    def __init__(self, client):
        self.client = client

    def login(self, email, password=PASSWORD):
        page = self.client.get("/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        return self.client.post("/login", data={"email": email, "password": password, "csrf_token": token})

    def token(self, path="/"):
        return csrf_from(self.client.get(path).get_data(as_text=True))


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def demo_auth(demo_client):
    return Auth(demo_client)


# --- browser tests ---------------------------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium. In CI its absence is a failure, not a skip."""
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI must run the browser tests, but {CHROMIUM} is missing")
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM} (apt-get install -y chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--disable-quic"]}


@pytest.fixture
def live_server(app):
    """The app served on a free port of 127.0.0.1 for the browser, from a fresh demo copy."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join(timeout=5)
