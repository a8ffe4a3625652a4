"""The Sefton action plan tracker: a Flask + htmx app for the CQC CLAS review action plan."""
import contextlib
import fcntl
import os

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config
from .extensions import csrf, db, limiter, login_manager, migrate


def create_app(test_config=None):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.path.join(root, "instance"),
        static_folder=os.path.join(root, "static"),
        template_folder=os.path.join(root, "templates"),
    )
    config.load(app, test_config)
    proxies = int(app.config["SEFTON_TRUSTED_PROXIES"] or 0)
    if proxies:
        # Behind the trust's reverse proxy: the client's address, scheme and host come from the
        # X-Forwarded-* headers the proxies set (the sign-in limit and the audit log use the address).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    os.makedirs(app.instance_path, exist_ok=True)
    app.jinja_options = {
        "undefined": ChainableUndefined,  # nhsuk-frontend-jinja macros read optional nested params
        "loader": ChoiceLoader([
            FileSystemLoader(app.template_folder),
            PackageLoader("nhsuk_frontend_jinja"),
        ]),
    }

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(root, "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    # Importing a capability registers its routes and its header links (tests/test_layout.py keeps
    # each capability to those below it).
    from . import accounts, admin, backup, cli, figures, htmx, notifications, plan, reports, review, web, workspace

    web.init_app(app)
    htmx.init_app(app)
    figures.init_app(app)
    accounts.init_app(app)
    notifications.init_app(app)
    for bp in (accounts.auth_bp, accounts.accounts_bp, plan.plan_bp, workspace.bp, review.bp, reports.bp, admin.bp,
               plan.plan_admin_bp, plan.imports_bp, accounts.people_bp, notifications.bp):
        app.register_blueprint(bp)
    cli.init_app(app)
    backup.init_app(app)
    if app.config["SEFTON_DEMO"] and not app.config.get("TESTING"):
        _load_demo_if_empty(app)
    return app


def _load_demo_if_empty(app):
    """Demo mode: create the schema (through the migrations) and load the demo on first start. Under
    `gunicorn -w 2` every worker starts here at once: one does it, the others wait for it, then see
    the demo there."""
    from flask_migrate import upgrade

    from . import demo

    with app.app_context(), _setup_lock(app):
        upgrade()
        if demo.is_empty():
            demo.load()


SETUP_LOCK_KEY = 0x5EF70DE  # the PostgreSQL advisory lock of the demo's first start


@contextlib.contextmanager
def _setup_lock(app):
    """One process at a time: a PostgreSQL advisory lock, or (SQLite) an exclusive lock on a file in
    the instance folder."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SETUP_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SETUP_LOCK_KEY})
        return
    with open(os.path.join(app.instance_path, "demo-setup.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
