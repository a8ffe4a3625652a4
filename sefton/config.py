"""Configuration: defaults, then instance/config.py, then SEFTON_* environment variables.

Every setting of our own starts with SEFTON_. Flask's own keys are derived from them
(SECRET_KEY from SEFTON_SECRET_KEY, SQLALCHEMY_DATABASE_URI from SEFTON_DATABASE_URL).
"""
import datetime as dt
import json
import os

from . import duties

DEMO_TODAY = "2019-04-01"  # the business date at which the demo shows the deck's progress table
DEV_SECRET = "sefton-demo-only-not-secret"


class ConfigError(RuntimeError):
    """The app refuses to start with an unsafe or unreadable configuration."""


RAW_STRINGS = {"SEFTON_TODAY", "SEFTON_DATABASE_URL", "SEFTON_SECRET_KEY", "SEFTON_SMTP_URL", "SEFTON_MAIL_FROM",
               "SEFTON_BASE_URL", "SEFTON_OIDC_ISSUER", "SEFTON_OIDC_CLIENT_ID", "SEFTON_OIDC_CLIENT_SECRET",
               "SEFTON_OIDC_ALLOWED_TENANTS", "SEFTON_OIDC_ALLOWED_DOMAINS"}

DEFAULTS = {
    "SEFTON_DEMO": False,
    "SEFTON_TODAY": None,
    "SEFTON_DATABASE_URL": None,
    "SEFTON_SECRET_KEY": None,
    "SEFTON_MAX_UPLOAD_MB": 20,
    "SEFTON_SESSION_HOURS": 12,  # absolute lifetime of a signed-in session
    "SEFTON_SESSION_IDLE_MINUTES": 60,  # a session unused this long ends
    "SEFTON_RESET_EMAIL_INTERVAL_MINUTES": 5,  # at most one password-reset e-mail per account this often
    "SEFTON_BASE_URL": "http://127.0.0.1:5000",  # links in e-mails
    "SEFTON_SMTP_URL": None,  # smtp://user:pass@host:587?starttls=1 or smtps://host:465; unset: mail stays in the outbox
    "SEFTON_MAIL_FROM": "sefton-tracker@localhost",
    "SEFTON_OIDC_ISSUER": None,  # single sign-on (NHSmail / Entra ID); unset: no button
    "SEFTON_OIDC_CLIENT_ID": None,
    "SEFTON_OIDC_CLIENT_SECRET": None,
    "SEFTON_OIDC_ALLOWED_TENANTS": None,  # tenant ids (`tid`) whose people may link; unset: the issuer's own
    "SEFTON_OIDC_ALLOWED_DOMAINS": "nhs.net",  # e-mail domains that may be linked on first NHSmail sign-in
    "SEFTON_PASSWORD_SIGN_IN": True,  # off: only single sign-on
    "SEFTON_IMPORT_MAX_MB": 10,  # a plan spreadsheet uploaded to /admin/import
    "SEFTON_MAX_FILES_PER_SUBMISSION": 20,
    "SEFTON_SEPARATION_OF_DUTIES": "organisation",  # or "self": reviewers never decide on their own only
    "SEFTON_MAX_TEXT_CHARS": 5000,  # longest note, reason, description or comment accepted
    "SEFTON_TIMEZONE": "Europe/London",
    "SEFTON_SECURE_COOKIES": None,  # None: on, except in the demo and in tests (plain http on 127.0.0.1)
    "SEFTON_LOGIN_RATE_LIMIT": "10 per minute",
    # Wrong passwords from browsers that never signed in to the account: from this many on, each one
    # makes them wait (1 minute, doubling, at most 15) before the next try; trusted browsers do not.
    "SEFTON_LOGIN_UNTRUSTED_FAILURES": 5,
    "SEFTON_LOGIN_DELAY_MINUTES": 1,
    "SEFTON_LOGIN_MAX_DELAY_MINUTES": 15,
    "SEFTON_DEVICE_COOKIE_DAYS": 365,  # a browser signed in from stays trusted this long after its last sign-in
    "SEFTON_DEVICE_MAX_FAILURES": 10,  # wrong passwords from a trusted browser before it is trusted no more
    "SEFTON_TWO_STEP_PENDING_FAILURES": 5,  # wrong codes before a half-done sign-in ends
    "SEFTON_TWO_STEP_MAX_FAILURES": 10,  # wrong codes per person before codes are refused for a while
    "SEFTON_TWO_STEP_LOCK_MINUTES": 15,  # ... that while, from the last wrong code
    "SEFTON_TRUSTED_PROXIES": 0,  # reverse proxies in front whose X-Forwarded-* headers are believed
    "SEFTON_RATELIMIT_STORAGE_URI": "memory://",  # per process; redis://host:6379/0 shared by several
}


def _parse(value):
    """Environment values are strings; read true/false and numbers as people write them."""
    low = value.strip().lower()
    if low in {"1", "true", "yes", "on"}:
        return True
    if low in {"0", "false", "no", "off", ""}:
        return False if low != "" else None
    try:
        return json.loads(value)
    except ValueError:
        return value


def load(app, test_config=None):
    cfg = app.config
    cfg.from_mapping(DEFAULTS)
    if test_config is None:
        cfg.from_pyfile("config.py", silent=True)
        for key, value in os.environ.items():
            if key.startswith("SEFTON_") and not key.startswith("SEFTON_TEST_"):
                cfg[key] = value if key in RAW_STRINGS else _parse(value)
    else:
        cfg.from_mapping(test_config)

    if cfg["SEFTON_DEMO"] and not cfg["SEFTON_TODAY"]:
        cfg["SEFTON_TODAY"] = DEMO_TODAY
    if cfg["SEFTON_TODAY"]:
        try:
            cfg["SEFTON_TODAY"] = dt.date.fromisoformat(str(cfg["SEFTON_TODAY"]))
        except ValueError as exc:
            raise ConfigError("SEFTON_TODAY must be an ISO date such as 2019-04-01") from exc

    # Only the demo may run on the public development key: not debug mode, not tests without a key
    # of their own, whatever else is set (anyone could forge an admin session with it).
    secret = cfg["SEFTON_SECRET_KEY"] or cfg.get("SECRET_KEY")
    if not cfg["SEFTON_DEMO"] and (not secret or secret == DEV_SECRET):
        raise ConfigError(
            "SEFTON_SECRET_KEY is not set (or is the public development key). Set it, for example in "
            "instance/config.py, or run the demo with SEFTON_DEMO=1."
        )
    secret = secret or DEV_SECRET
    cfg["SECRET_KEY"] = secret

    if cfg["SEFTON_SEPARATION_OF_DUTIES"] not in duties.SEPARATIONS:
        raise ConfigError('SEFTON_SEPARATION_OF_DUTIES must be "organisation" or "self"')

    url = cfg["SEFTON_DATABASE_URL"] or "sqlite:///" + os.path.join(app.instance_path, "sefton.db")
    cfg["SQLALCHEMY_DATABASE_URI"] = url
    cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True} if not url.startswith("sqlite") else {})

    mb = int(cfg["SEFTON_MAX_UPLOAD_MB"])
    # Headroom over the per-file limit for several files plus the form fields in one request.
    cfg["MAX_CONTENT_LENGTH"] = mb * 1024 * 1024 * 5 + 1024 * 1024
    cfg["MAX_FORM_MEMORY_SIZE"] = 1024 * 1024
    cfg["RATELIMIT_STORAGE_URI"] = cfg["SEFTON_RATELIMIT_STORAGE_URI"]
    cfg["RATELIMIT_HEADERS_ENABLED"] = True
    # If the shared store (Redis) is unreachable, count in this process's memory meanwhile: signing in
    # keeps working and stays limited, rather than failing with an error or not being limited at all.
    cfg["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    cfg["WTF_CSRF_TIME_LIMIT"] = None  # pages stay open all day; the token lives as long as the session
    cfg["SESSION_COOKIE_HTTPONLY"] = True
    cfg["SESSION_COOKIE_SAMESITE"] = "Lax"
    cfg["REMEMBER_COOKIE_HTTPONLY"] = True
    cfg["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    cfg["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=int(cfg["SEFTON_SESSION_HOURS"]))
    secure = cfg["SEFTON_SECURE_COOKIES"]
    if secure is None:
        secure = not (cfg["SEFTON_DEMO"] or cfg.get("TESTING") or app.debug)
    cfg["SESSION_COOKIE_SECURE"] = cfg["REMEMBER_COOKIE_SECURE"] = bool(secure)
