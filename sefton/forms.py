"""What every admin form shares: reading fields (dates as people write them), the optimistic lock,
and one way to save (one transaction: the change and its audit event, or nothing).

Views call `save(apply)`: `apply()` raises Invalid({field: message}) for bad input (422, NHS error
summary, nothing written) or Stale when the row changed since the form was drawn (409)."""
import re

from flask import flash, render_template, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from . import dates
from .extensions import db
from .web import int_arg

STALE_MESSAGE = ("Someone else changed this {what} while you were looking at it. Nothing was saved. "
                 "The form now shows the current values: check them and make your change again.")
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}")


class Invalid(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Stale(Exception):
    pass


class Reader:
    """Reads a submitted form field by field, collecting every error before anything is written."""

    def __init__(self, form=None):
        self.form = form if form is not None else request.form
        self.errors = {}

    def text(self, name, message, *, required=True, max_len=None):
        value = (self.form.get(name) or "").strip()
        if required and not value:
            self.errors[name] = message
        elif max_len and len(value) > max_len:
            self.errors[name] = f"Use {max_len} characters or fewer"
        return value

    def code(self, name, message):
        value = self.text(name, message, max_len=40)
        if value and not CODE.fullmatch(value):
            self.errors[name] = "Use letters, numbers and hyphens only, for example CLAS-2018"
        return value

    def date(self, name, label, *, required=True):
        raw = (self.form.get(name) or "").strip()
        if not raw and not required:
            return None
        try:
            return dates.parse(raw)
        except ValueError as exc:
            self.errors[name] = f"{label}: {exc}" if raw else f"Enter {label.lower()}"
            return None

    def check(self):
        if self.errors:
            raise Invalid(self.errors)


def version():
    """The version of the row the form was drawn from; -1 (never current) when missing or garbled."""
    number = int_arg(request.form.get("version"))
    return -1 if number is None else number


def check_version(obj, seen):
    if obj.version != seen:
        raise Stale()


def save(apply, success):
    """Run apply() and commit; on Invalid, Stale or a lost race roll everything back.
    Returns (status, errors): 200 (saved, success flashed), 422 or 409."""
    try:
        apply()
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        return 422, exc.errors
    except (Stale, StaleDataError):
        db.session.rollback()
        return 409, {}
    except IntegrityError:
        # A race on a unique value (two admins adding the same code at once): nothing was written.
        db.session.rollback()
        return 409, {}
    flash(success, "success")
    return 200, {}


def page(template, status, **context):
    """A form page again: 422 with its errors, 409 with the stale notice and the current values."""
    context.setdefault("errors", {})
    context.setdefault("values", request.form if status == 422 else {})
    return render_template(template, status=status, **context), status
