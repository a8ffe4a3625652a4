"""Sign in with NHSmail (Microsoft Entra ID) through OpenID Connect, with Authlib's Flask client.

Authorization code flow with PKCE (S256); Authlib keeps the state, the nonce and the code verifier
in the session, checks the state on the way back and validates the ID token (signature from the
provider's JWKS, issuer, audience, expiry, nonce). Configured by SEFTON_OIDC_ISSUER (its discovery
document), SEFTON_OIDC_CLIENT_ID and SEFTON_OIDC_CLIENT_SECRET; without them there is no button.

Who someone is at the provider is its issuer with `oid` and the tenant `tid` (Entra ID), or `sub`
when there is no `oid`: never the e-mail address, which can change hands or be claimed by another
identity. An account linked to an identity is signed in by that identity only, whatever its
`email` says now. An account not linked yet is linked on its first NHSmail sign-in, and only when:
the address is verified (`email_verified`, or Entra ID's `xms_edov`, explicitly true), the tenant
is an allowed one (SEFTON_OIDC_ALLOWED_TENANTS; unset: the tenant in the configured issuer, or,
from a provider without tenants, the configured issuer itself), the address's domain is allowed
(SEFTON_OIDC_ALLOWED_DOMAINS), and the account with that address is not linked to another identity.
The link is recorded and audited (`user.sso_linked`); the office unlinks it on the person's page
(`user.sso_unlinked`, their NHSmail sessions end). No account is ever created here; an unknown or
deactivated account is refused. Two-step verification is not asked: NHSmail does its own.
"""
import re

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from joserfc.errors import JoseError
from sqlalchemy import func, select, update

from .. import access, audit
from ..extensions import db, limiter
from ..models import User, UserSession, utcnow
from ..web import safe_path
from . import sessions
from .blueprint import auth_bp as bp, people_bp

NAME = "nhsmail"
UNKNOWN = ("There is no account for {email} in the Sefton action plan tracker. Ask the Task and Finish "
           "group office to invite you.")
REFUSED = "Signing in with NHSmail did not work. Try again, or ask the Task and Finish group office for help."
UNVERIFIED = ("NHSmail did not confirm that {email} is your address, so it cannot be linked to an account here. "
              "Sign in with your password, or ask the Task and Finish group office for help.")
NOT_ALLOWED = ("Only NHSmail accounts of the allowed organisations can be linked to the Sefton action plan "
               "tracker, and {email} is not one. Sign in with your password, or ask the Task and Finish group "
               "office for help.")
LINKED_ELSEWHERE = ("The account for {email} is already linked to another NHSmail identity, so this one cannot "
                    "sign in to it. If that is no longer right, ask the Task and Finish group office to unlink it.")
DEACTIVATED = "Your account has been deactivated. Ask the Task and Finish group office if you still need it."
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
    who = identity(claims)
    if who is None:
        return _refuse(REFUSED)
    user = linked_user(who)
    first_use = user is None
    if first_use:
        user, problem = _first_use(claims, who)
        if problem:
            return _refuse(problem)
    if not user.active:
        return _refuse(DEACTIVATED)
    if first_use:
        link(user, who)
    next_path = session.get(NEXT_KEY)
    user.previous_seen_at, user.last_seen_at = user.last_seen_at, utcnow()
    sessions.start(user, "sso")
    db.session.commit()
    return redirect(next_path or url_for("plan.dashboard"))


def _refuse(message):
    session.clear()
    return render_template("auth/sso_refused.html", message=message), 403


# --- who the person is, and when an account may be linked ---------------------------------------

def identity(claims):
    """(issuer, subject, tenant) of the ID token's claims: `oid` with `tid` when both are there (Entra
    ID: stable across the tenant's applications), else `sub`; None without a subject."""
    issuer = str(claims.get("iss") or current_app.config["SEFTON_OIDC_ISSUER"]).rstrip("/")[:255]
    tenant = str(claims["tid"]).lower()[:64] if claims.get("tid") else None
    subject = claims.get("oid") if claims.get("oid") and tenant else claims.get("sub")
    if not subject:
        return None
    return issuer, str(subject)[:255], tenant


def linked_user(who):
    """The account linked to this identity, or None."""
    issuer, subject, tenant = who
    query = select(User).where(User.sso_issuer == issuer, User.sso_subject == subject)
    query = query.where(User.sso_tenant == tenant) if tenant else query.where(User.sso_tenant.is_(None))
    return db.session.scalars(query.order_by(User.id).limit(1)).first()


def _listed(key):
    value = current_app.config.get(key) or ()
    items = re.split(r"[\s,;]+", value) if isinstance(value, str) else value
    return {str(item).strip().lower() for item in items if str(item).strip()}


def _verified(claims):
    """The provider says the address is the person's: `email_verified` (or Entra ID's optional
    `xms_edov`, "e-mail domain owner verified") explicitly true. Absent is not verified."""
    return any(claims.get(name) is True or str(claims.get(name)).lower() == "true"
               for name in ("email_verified", "xms_edov"))


def tenant_allowed(who):
    allowed = _listed("SEFTON_OIDC_ALLOWED_TENANTS")
    configured = current_app.config["SEFTON_OIDC_ISSUER"].rstrip("/")
    tenant = who[2]
    if tenant:
        return tenant in allowed if allowed else tenant in configured.lower().split("/")  # .../<tid>/v2.0
    return not allowed and who[0] == configured


def domain_allowed(email):
    return email.rpartition("@")[2] in _listed("SEFTON_OIDC_ALLOWED_DOMAINS")


def _first_use(claims, who):
    """(account, None) when this identity may be linked to an account now, else (None, message)."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or "@" not in email:
        return None, REFUSED
    if not _verified(claims):
        return None, UNVERIFIED.format(email=email)
    if not tenant_allowed(who) or not domain_allowed(email):
        return None, NOT_ALLOWED.format(email=email)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        return None, UNKNOWN.format(email=email)
    legacy = user.sso_issuer is None and user.sso_subject == claims.get("sub")  # linked by `sub` before 0007
    if user.sso_subject is not None and not legacy:
        current_app.logger.warning("NHSmail sign-in refused: account %s is linked to another identity", user.id)
        return None, LINKED_ELSEWHERE.format(email=email)
    return user, None


def link(user, who):
    """Record the link and audit it (issuer, tenant and subject: identifiers, never tokens)."""
    user.sso_issuer, user.sso_subject, user.sso_tenant = who
    user.sso_linked_at = sessions.now()
    audit.record("user.sso_linked", user, actor=user, organisation_id=user.organisation_id,
                 after={"issuer": who[0], "tenant": who[2], "subject": who[1]})


# --- the office unlinks ------------------------------------------------------------------------

@people_bp.post("/people/<int:user_id>/unlink-nhsmail")
@access.signed_in(*access.PEOPLE_MANAGERS)
def unlink_nhsmail(user_id):
    """Unlink a person's NHSmail identity: their next NHSmail sign-in links again, under the rules
    of a first use; their NHSmail sessions end now."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not access.can_change_account(current_user, user):
        abort(403)
    if user.sso_subject is None:
        flash(f"{user.name} has no NHSmail account linked.", "error")
        return redirect(url_for("people.person", user_id=user.id))
    before = {"issuer": user.sso_issuer, "tenant": user.sso_tenant, "subject": user.sso_subject}
    user.sso_issuer = user.sso_subject = user.sso_tenant = user.sso_linked_at = None
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id, UserSession.method == "sso",
                                                 UserSession.ended_at.is_(None)).values(ended_at=sessions.now()))
    audit.record("user.sso_unlinked", user, before=before, organisation_id=user.organisation_id)
    db.session.commit()
    flash(f"{user.name}'s NHSmail account is unlinked and their NHSmail sessions have ended. Their next NHSmail "
          "sign-in links again, if their address is verified and allowed.", "success")
    return redirect(url_for("people.person", user_id=user.id))
