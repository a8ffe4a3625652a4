"""E-mail through the outbox (minimal stand-in; the accounts work replaces this module at merge).

queue() writes an OutboxMessage in the caller's transaction, with a text and an HTML part rendered
from templates/mail/<template>.txt and .html; send_pending() sends what is due over SMTP
(SEFTON_SMTP_URL, e.g. smtp://127.0.0.1:1025) from SEFTON_MAIL_FROM.
"""
import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from .extensions import db
from .models import OutboxMessage, utcnow


def queue(to, subject, template, context, kind, user=None, dedupe_key=None):
    message = OutboxMessage(
        to_addr=to, subject=subject, kind=kind, dedupe_key=dedupe_key,
        user_id=user.id if user is not None else None,
        body_text=_render(f"mail/{template}.txt", context),
        body_html=_render(f"mail/{template}.html", context),
    )
    db.session.add(message)
    return message


def _render(name, context):
    """Rendered without the page context processors, so that it works outside a request (the CLI);
    .html templates are autoescaped, .txt ones are not."""
    return current_app.jinja_env.get_template(name).render(**context)


def send_pending(limit=None):
    """Send the unsent messages that are due; returns how many were sent."""
    url = current_app.config.get("SEFTON_SMTP_URL")
    if not url:
        return 0
    parts = urlsplit(url)
    query = (select(OutboxMessage).where(OutboxMessage.sent_at.is_(None), OutboxMessage.send_after <= utcnow())
             .order_by(OutboxMessage.id).limit(limit))
    messages = list(db.session.scalars(query))
    if not messages:
        return 0
    sender = current_app.config.get("SEFTON_MAIL_FROM") or "sefton-tracker@localhost"
    with smtplib.SMTP(parts.hostname, parts.port or 25, timeout=30) as smtp:
        for message in messages:
            email = EmailMessage()
            email["From"], email["To"], email["Subject"] = sender, message.to_addr, message.subject
            email.set_content(message.body_text)
            if message.body_html:
                email.add_alternative(message.body_html, subtype="html")
            smtp.send_message(email)
            message.sent_at = utcnow()
            message.attempts += 1
    db.session.commit()
    return len(messages)
