"""Notifications: who is told what, and when, in e-mail and on the page.

Owns the pure rules of who is told what (`reminders`), the working days they go out on (`workdays`),
the plan's state as plain data for those rules (`plan_state`), the daily digests (`digests`), the
messages sent at once on a decision (`notify`, connected to the workflow's `decided` signal), the
outbox and its sending (`mail`: the one way in for every e-mail of the product, written in the
caller's transaction), the "Needs your attention" panel (`panel`) and the e-mail settings (`views`).

Uses what is shared, figures (colours and counts) and the workflow's signal; accounts, admin and
workspace use it (mail, the panel's items, the rules' names).
"""
from .. import workflow
from . import (  # noqa: F401  (routes register on bp)
    digests,
    mail,
    notify,
    panel,
    plan_state,
    reminders,
    views,
    workdays,
)
from .blueprint import bp
from .panel import items_for

__all__ = ["bp", "init_app", "digests", "mail", "reminders", "items_for"]


def init_app(app):
    """Messages at once when a reviewer decides (in the decision's transaction), and the outbox sent
    after the response when a mail server is configured."""
    workflow.signals.decided.connect(notify.decided)
    mail.init_app(app)
