"""Configuration, health check, CLI and the schema the migrations build."""
import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from sefton import config, create_app
from sefton.extensions import db


def test_healthz(demo_client):
    response = demo_client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_refuses_to_start_without_a_secret_key_outside_the_demo(monkeypatch, tmp_path):
    for key in ("SEFTON_SECRET_KEY", "SEFTON_DEMO", "FLASK_DEBUG"):
        monkeypatch.delenv(key, raising=False)
    app = Flask("x", instance_path=str(tmp_path))
    with pytest.raises(config.ConfigError, match="SEFTON_SECRET_KEY"):
        config.load(app)


@pytest.mark.parametrize("extra", [{"FLASK_DEBUG": "1"}, {"FLASK_DEBUG": "1", "SEFTON_SECURE_COOKIES": "0"},
                                   {"SEFTON_SECRET_KEY": config.DEV_SECRET}, {"SEFTON_DEMO": "0"}])
def test_debug_or_the_public_key_never_start_outside_the_demo(monkeypatch, tmp_path, extra):
    for key in ("SEFTON_SECRET_KEY", "SEFTON_DEMO", "FLASK_DEBUG"):
        monkeypatch.delenv(key, raising=False)
    for key, value in extra.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(config.ConfigError, match="SEFTON_SECRET_KEY"):
        create_app()
    app = Flask("x", instance_path=str(tmp_path))
    app.debug = True
    with pytest.raises(config.ConfigError, match="SEFTON_SECRET_KEY"):
        config.load(app, {"TESTING": True})  # a test config without a key of its own gets none either


def test_the_demo_may_run_on_the_development_key(monkeypatch, tmp_path):
    app = Flask("x", instance_path=str(tmp_path))
    config.load(app, {"SEFTON_DEMO": True})
    assert app.config["SECRET_KEY"] == config.DEV_SECRET
    config.load(app, {"TESTING": True, "SEFTON_SECRET_KEY": "given-by-the-test"})
    assert app.config["SECRET_KEY"] == "given-by-the-test"


def test_environment_settings_are_read(monkeypatch, tmp_path):
    monkeypatch.setenv("SEFTON_SECRET_KEY", "s3cret")
    monkeypatch.setenv("SEFTON_TODAY", "2019-05-02")
    monkeypatch.setenv("SEFTON_MAX_UPLOAD_MB", "5")
    app = Flask("x", instance_path=str(tmp_path))
    config.load(app)
    assert app.config["SECRET_KEY"] == "s3cret"
    assert str(app.config["SEFTON_TODAY"]) == "2019-05-02"
    assert app.config["SEFTON_MAX_UPLOAD_MB"] == 5
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_bad_business_date_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("SEFTON_SECRET_KEY", "s3cret")
    monkeypatch.setenv("SEFTON_TODAY", "4 July")
    with pytest.raises(config.ConfigError, match="SEFTON_TODAY"):
        config.load(Flask("x", instance_path=str(tmp_path)))


def test_migrations_give_the_schema_the_models_declare(demo_app):
    """The demo database was built by `flask db upgrade`; nothing differs from the models."""
    with demo_app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []


def test_demo_command_refuses_a_real_database(app, runner):
    from sefton.models import User

    user = User(email="lead@example.nhs.uk", name="Real", role="admin")
    user.set_password("a-long-password")
    db.session.add(user)
    db.session.commit()
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0 and "--force" in result.output
    result = runner.invoke(args=["demo", "--force"])
    assert result.exit_code == 0, result.output


def test_demo_force_replaces_a_used_database_on_every_engine(app, client, auth, runner):
    """Sessions, outbox, caches and a scaled plan refer to the rows the demo replaces: the wipe empties
    every table children first, so PostgreSQL's foreign keys hold."""
    from sefton.models import SubAction

    auth.login("ahch@demo.test")  # a server-side session row
    assert client.get("/reports/plan.csv").status_code == 200  # an audited download
    assert runner.invoke(args=["scale-demo", "--factor", "2", "--force"]).exit_code == 0
    result = runner.invoke(args=["demo", "--force"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert db.session.scalar(db.select(db.func.count(SubAction.id))) == 245


def test_create_user_prompts_for_the_password(app, runner):
    result = runner.invoke(args=["create-user", "--email", "New.Lead@Example.nhs.uk", "--name", "New lead",
                                 "--role", "org", "--org", "lwh"], input="correct-horse-battery\ncorrect-horse-battery\n")
    assert result.exit_code == 0, result.output
    assert "correct-horse" not in result.output
    from sefton.models import User

    user = db.session.scalar(db.select(User).where(User.email == "new.lead@example.nhs.uk"))
    assert user.check_password("correct-horse-battery") and user.organisation.code == "lwh"
    again = runner.invoke(args=["create-user", "--email", "new.lead@example.nhs.uk", "--name", "x", "--role", "viewer"],
                          input="correct-horse-battery\ncorrect-horse-battery\n")
    assert again.exit_code != 0 and "already exists" in again.output


def test_app_module_creates_the_app(monkeypatch):
    assert callable(create_app)


def test_audit_events_cannot_be_changed_or_deleted(app):
    from sefton.models import AuditEvent, ImmutableError

    event = db.session.scalars(db.select(AuditEvent)).first()
    event.action = "tampered"
    with pytest.raises(ImmutableError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(db.select(AuditEvent)).first())
    with pytest.raises(ImmutableError):
        db.session.flush()
    db.session.rollback()


def test_scale_demo_makes_every_count_of_the_progress_table_factor_times_the_decks(app, runner):
    deck = runner.invoke(args=["progress", "--format", "csv"])
    result = runner.invoke(args=["scale-demo", "--factor", "3"])
    assert result.exit_code == 0, result.output
    assert "735 sub-actions in 45 sections; green 279, grey 456, red 0" in result.output
    scaled = runner.invoke(args=["progress", "--format", "csv"]).output.splitlines()
    deck_total = deck.output.splitlines()[-1].split(",")
    assert scaled[-1].split(",") == ["Total", *(str(int(n) * 3) for n in deck_total[1:])]
    assert runner.invoke(args=["scale-demo", "--factor", "0"]).exit_code != 0


def test_demo_history_is_audited(demo_app):
    from sefton.models import AuditEvent, EvidenceSubmission

    with demo_app.app_context():
        accepted = db.session.scalar(db.select(db.func.count()).select_from(EvidenceSubmission)
                                     .where(EvidenceSubmission.status == "accepted"))
        events = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.action == "evidence.accepted"))
    assert accepted == events == 93


def test_signed_in_pages_are_not_cached_and_carry_security_headers(demo_client, demo_auth):
    demo_auth.login("viewer@demo.test")
    response = demo_client.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_content_security_policy_is_strict_and_allows_only_the_templates_inline_script(demo_client, demo_auth):
    import base64
    import hashlib
    import re

    demo_auth.login("viewer@demo.test")
    response = demo_client.get("/")
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'" and policy["base-uri"] == "'none'"
    assert policy["img-src"] == "'self' data:"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.+?)</script>", response.get_data(as_text=True), re.S)
    allowed = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline}
    assert inline and policy["script-src"] == "'self' " + " ".join(sorted(allowed))
    assert "<style" not in response.get_data(as_text=True) and " style=" not in response.get_data(as_text=True)


def test_the_header_link_is_named_as_it_reads_and_tables_carry_labels_for_phones(demo_client, demo_auth):
    demo_auth.login("reviewer@demo.test")
    html = demo_client.get("/").get_data(as_text=True)
    link = re.search(r'<a class="nhsuk-header__service-logo"[^>]*aria-label="([^"]+)"', html)
    assert link and "Sefton action plan tracker" in link.group(1)  # WCAG 2.5.3: the visible words are in the name
    cells = re.findall(r"<td\b[^>]*>", html)
    assert cells and all("data-label=" in cell for cell in cells)  # stacked rows on a phone keep their headers
