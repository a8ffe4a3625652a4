"""Configuration: defaults, then instance/config.py, then SEFTON_* environment variables.

Every setting of our own starts with SEFTON_. Flask's own keys are derived from them
(SECRET_KEY from SEFTON_SECRET_KEY, SQLALCHEMY_DATABASE_URI from SEFTON_DATABASE_URL).
"""
import datetime as dt
import json
import os

DEMO_TODAY = "2019-04-01"  # the business date at which the demo shows the deck's progress table
DEV_SECRET = "sefton-demo-only-not-secret"


class ConfigError(RuntimeError):
    """The app refuses to start with an unsafe or unreadable configuration."""


DEFAULTS = {
    "SEFTON_DEMO": False,
    "SEFTON_TODAY": None,
    "SEFTON_DATABASE_URL": None,
    "SEFTON_SECRET_KEY": None,
    "SEFTON_MAX_UPLOAD_MB": 20,
    "SEFTON_MAX_TEXT_CHARS": 5000,  # longest note, reason, description or comment accepted
    "SEFTON_SESSION_HOURS": 12,
    "SEFTON_TIMEZONE": "Europe/London",
    "SEFTON_SECURE_COOKIES": None,  # None: on, except in the demo and in tests (plain http on 127.0.0.1)
    "SEFTON_LOGIN_RATE_LIMIT": "10 per minute",
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
                cfg[key] = value if key in {"SEFTON_TODAY", "SEFTON_DATABASE_URL", "SEFTON_SECRET_KEY"} else _parse(value)
    else:
        cfg.from_mapping(test_config)

    if cfg["SEFTON_DEMO"] and not cfg["SEFTON_TODAY"]:
        cfg["SEFTON_TODAY"] = DEMO_TODAY
    if cfg["SEFTON_TODAY"]:
        try:
            cfg["SEFTON_TODAY"] = dt.date.fromisoformat(str(cfg["SEFTON_TODAY"]))
        except ValueError as exc:
            raise ConfigError("SEFTON_TODAY must be an ISO date such as 2019-04-01") from exc

    secret = cfg["SEFTON_SECRET_KEY"] or cfg.get("SECRET_KEY")
    if not secret:
        if not (cfg["SEFTON_DEMO"] or cfg.get("TESTING") or app.debug):
            raise ConfigError(
                "SEFTON_SECRET_KEY is not set. Set it (for example in instance/config.py) "
                "or run the demo with SEFTON_DEMO=1."
            )
        secret = DEV_SECRET
    cfg["SECRET_KEY"] = secret

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
