"""Sign in with NHSmail (Microsoft Entra ID) through OpenID Connect, with Authlib's Flask client.

Authorization code flow with PKCE (S256); Authlib keeps the state, the nonce and the code verifier
in the session, checks the state on the way back and validates the ID token (signature from the
provider's JWKS, issuer, audience, expiry, nonce). Configured by SEFTON_OIDC_ISSUER (its discovery
document), SEFTON_OIDC_CLIENT_ID and SEFTON_OIDC_CLIENT_SECRET; without them there is no button.

A verified e-mail address (the `email` claim; `email_verified` true when the provider sends it)
signs in the existing active account with that address (case-insensitive). No account is ever
created here; an unknown or deactivated account is refused. Two-step verification is not asked:
NHSmail does its own.
"""
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import current_app, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError
from sqlalchemy import func, select

from .. import access, audit
from ..extensions import db, limiter
from ..models import User, utcnow
from ..web import safe_path
from . import sessions
from .blueprint import auth_bp as bp

NAME = "nhsmail"
UNKNOWN = ("There is no account for {email} in the Sefton action plan tracker. Ask the Task and Finish "
           "group office to invite you.")
REFUSED = "Signing in with NHSmail did not work. Try again, or ask the Task and Finish group office for help."
NEXT_KEY = "sso_next"


def enabled() -> bool:
    cfg = current_app.config
    return bool(cfg.get("SEFTON_OIDC_ISSUER") and cfg.get("SEFTON_OIDC_CLIENT_ID"))


def _client():
    """The app's OAuth client, registered on first use (one per app: tests make many apps)."""
    oauth = current_app.extensions.get("sefton_oauth")
    if oauth is None:
        cfg = current_app.config
        oauth = OAuth(current_app)
        oauth.register(
            NAME,
            client_id=cfg["SEFTON_OIDC_CLIENT_ID"],
            client_secret=cfg["SEFTON_OIDC_CLIENT_SECRET"],
            server_metadata_url=cfg["SEFTON_OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
        )
        current_app.extensions["sefton_oauth"] = oauth
    return oauth.create_client(NAME)


def _limit():
    return current_app.config["SEFTON_LOGIN_RATE_LIMIT"]


@bp.get("/login/nhsmail")
@access.public
@limiter.limit(_limit)
def sso_start():
    """Send the browser to the provider. A link, not a form: the Content-Security-Policy's
    form-action 'self' would stop a form's redirect to the provider. The state, bound to this
    session, is what stops a forged sign-in."""
    if not enabled():
        return redirect(url_for("auth.login"))
    next_path = safe_path(request.args.get("next"))
    response = _client().authorize_redirect(url_for("auth.sso_callback", _external=True))
    session[NEXT_KEY] = next_path
    return response


@bp.get("/login/nhsmail/callback")
@access.public
@limiter.limit(_limit)
def sso_callback():
    if not enabled():
        return redirect(url_for("auth.login"))
    try:
        token = _client().authorize_access_token()
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as exc:  # state, nonce, token or signature
        current_app.logger.info("Single sign-on refused: %s", type(exc).__name__)
        return _refuse(REFUSED)
    claims = token.get("userinfo") or {}
    email = (claims.get("email") or "").strip().lower()
    if not email or claims.get("email_verified") is False:
        return _refuse(REFUSED)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        return _refuse(UNKNOWN.format(email=email))
    if not user.active:
        return _refuse("Your account has been deactivated. Ask the Task and Finish group office if you still need it.")
    next_path = session.get(NEXT_KEY)
    if user.sso_subject is None and claims.get("sub"):
        user.sso_subject = str(claims["sub"])[:255]
        audit.record("user.sso_linked", user, actor=user, organisation_id=user.organisation_id)
    user.previous_seen_at, user.last_seen_at = user.last_seen_at, utcnow()
    sessions.start(user, "sso")
    db.session.commit()
    return redirect(next_path or url_for("plan.dashboard"))


def _refuse(message):
    session.clear()
    return render_template("auth/sso_refused.html", message=message), 403
