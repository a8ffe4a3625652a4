"""E-mail, built once for the whole product (STYLE.md: one module, one way in).

- queue(): the only way in. Renders the plain text and HTML parts from templates/mail/ and writes an
  OutboxMessage in the caller's transaction, so a change and the mail it causes commit together.
- send_pending(): sends what the outbox holds over SMTP (SEFTON_SMTP_URL), after commit: each
  message is first claimed in a short transaction of its own (its send_after moved into the future),
  so two workers never send the same one; a failure is kept with an error summary (never the
  message's content) and retried with back-off (1, 2, 4 … minutes, at most 6 hours).
- After each request that queued mail (and committed it: views commit before they return),
  send_pending() runs in a short-lived background thread, so the response does not wait for the mail
  server; `flask --app app send-mail` (cron) sends what is left. Not response.call_on_close: the
  Werkzeug server (`flask run`, the browser tests) may never call close() on a keep-alive connection
  whose next request arrives at once, and the mail then waited for cron.
With no SEFTON_SMTP_URL the messages stay in the outbox (Administration → Outbox lists them).
"""
import datetime as dt
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, g, has_request_context, url_for
from sqlalchemy import select, update

from ..extensions import db
from ..models import OutboxMessage

CLAIM_FOR = dt.timedelta(minutes=10)  # a claimed message is left alone this long by other workers
MAX_BACKOFF = dt.timedelta(hours=6)
SMTP_TIMEOUT = 15


def now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def absolute_url(endpoint, **values):
    """A link back to the app for an e-mail: SEFTON_BASE_URL followed by the route's path."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["SEFTON_BASE_URL"].rstrip("/") + path


def queue(to, subject, template, context, kind, user=None, dedupe_key=None):
    """Write one message to the outbox in the caller's transaction (the caller commits).
    With a dedupe_key, a message already queued under that key is not queued again (returns None)."""
    if dedupe_key is not None and db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    text, html = render(template, {**context, "subject": subject})
    message = OutboxMessage(
        to_addr=to, subject=subject, kind=kind, dedupe_key=dedupe_key,
        user_id=user.id if user is not None else None, body_text=text, body_html=html,
        created_at=now(), send_after=now(),
    )
    db.session.add(message)
    if has_request_context():
        g.mail_queued = True
    return message


def render(template, context):
    """The plain text and HTML parts of a message from templates/mail/<template>.txt and .html."""
    context = {"subject": "", **context, "absolute_url": absolute_url}
    # Without the pages' context processors (signed-in user, htmx, navigation): messages are also
    # written outside any request (flask reminders, send-mail).
    env = current_app.jinja_env
    return (env.get_template(f"mail/{template}.txt").render(**context),
            env.get_template(f"mail/{template}.html").render(**context))


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try after `attempts` failures: 1, 2, 4 … minutes, at most 6 hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF) if attempts < 20 else MAX_BACKOFF


def status(message) -> str:
    if message.sent_at is not None:
        return "Sent"
    if message.attempts:
        return "Failed, will retry"
    return "Waiting to be sent"


# --- sending ---------------------------------------------------------------------------------

def _claim():
    """Take the oldest message due; its send_after moves on so that no other worker takes it.
    Committed at once. Returns its id, or None when nothing is due."""
    at = now()
    for _ in range(5):
        row = db.session.execute(
            select(OutboxMessage.id, OutboxMessage.send_after)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.send_after <= at)
            .order_by(OutboxMessage.send_after, OutboxMessage.id).limit(1)
        ).first()
        if row is None:
            db.session.rollback()
            return None
        taken = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.send_after == row.send_after,
                   OutboxMessage.sent_at.is_(None))
            .values(send_after=at + CLAIM_FOR)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if taken == 1:
            return row.id
    return None  # others keep taking what we aim at: leave the rest to them


def _connect(url):
    parts = urlsplit(url)
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    host = parts.hostname or "127.0.0.1"
    if parts.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(host, parts.port or 465, timeout=SMTP_TIMEOUT, context=ssl.create_default_context())
    elif parts.scheme == "smtp":
        smtp = smtplib.SMTP(host, parts.port or 25, timeout=SMTP_TIMEOUT)
        if options.get("starttls", "0").lower() in {"1", "true", "yes", "on"}:
            smtp.starttls(context=ssl.create_default_context())
    else:
        raise ValueError("SEFTON_SMTP_URL must start with smtp:// or smtps://")
    if parts.username:
        smtp.login(unquote(parts.username), unquote(parts.password or ""))
    return smtp


def _email(message):
    sender = current_app.config["SEFTON_MAIL_FROM"]
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to_addr
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=sender.rpartition("@")[2] or None)
    mail.set_content(message.body_text)
    if message.body_html:
        mail.add_alternative(message.body_html, subtype="html")
    return mail


def _error_summary(exc) -> str:
    """What went wrong, without the message's content (SMTP code and the kind of error)."""
    code = getattr(exc, "smtp_code", None) or getattr(exc, "errno", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"[:500]


def send_pending(limit=100):
    """Send up to `limit` due messages. Returns (sent, failed). Does nothing without SEFTON_SMTP_URL."""
    url = current_app.config.get("SEFTON_SMTP_URL")
    if not url:
        return 0, 0
    sent = failed = 0
    smtp = None
    try:
        for _ in range(limit):
            message_id = _claim()
            if message_id is None:
                break
            message = db.session.get(OutboxMessage, message_id)
            try:
                if smtp is None:
                    smtp = _connect(url)
                smtp.send_message(_email(message))
            except (OSError, smtplib.SMTPException, ValueError) as exc:
                message.attempts += 1
                message.last_error = _error_summary(exc)
                message.send_after = now() + backoff(message.attempts)
                db.session.commit()
                failed += 1
                current_app.logger.warning("Mail %s not sent (%s); retry after %s", message.id,
                                           message.last_error, message.send_after)
                if smtp is not None:
                    _quit(smtp)
                    smtp = None
                continue
            message.attempts += 1
            message.sent_at = now()
            message.last_error = None
            db.session.commit()
            sent += 1
    finally:
        if smtp is not None:
            _quit(smtp)
    return sent, failed


def _quit(smtp):
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def init_app(app):
    @app.after_request
    def send_after_response(response):
        if g.get("mail_queued") and app.config.get("SEFTON_SMTP_URL"):
            threading.Thread(target=_send_in_own_context, args=(app,), name="sefton-mail", daemon=True).start()
        return response


def _send_in_own_context(app):
    with app.app_context():
        try:
            send_pending()
        except Exception:  # noqa: BLE001 - the response is not affected; send-mail retries later
            app.logger.exception("Sending mail after the request failed")
        finally:
            db.session.remove()
