"""Administration → Outbox: the e-mails the tracker has written, newest first, with their status.
In the demo (SEFTON_DEMO) each message is shown in full with its links, so that a newcomer can
follow an invitation link without a mail server."""
import re

from flask import current_app, render_template
from markupsafe import Markup, escape
from sqlalchemy import select

from .. import access
from ..extensions import db
from ..models import OutboxMessage
from ..notifications import mail
from .blueprint import bp

SHOWN = 200
_URL = re.compile(r"https?://[^\s<>\"]+")


def linkify(text):
    """Plain text as HTML with its web addresses as links (escaped; line breaks kept)."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(Markup('<a href="{0}">{0}</a>').format(match.group(0)))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out).replace("\n", Markup("<br>"))


@bp.get("/outbox")
@access.signed_in(access.ADMIN)
def outbox():
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(SHOWN)).all()
    return render_template("admin/outbox.html", messages=messages, status=mail.status, linkify=linkify,
                           show_bodies=bool(current_app.config["SEFTON_DEMO"]),
                           smtp_configured=bool(current_app.config.get("SEFTON_SMTP_URL")))
