"""What every page shares: template filters and globals, error pages, the health check."""
import base64
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import abort, g, has_request_context, jsonify, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy import select, text
from werkzeug.routing import IntegerConverter

from . import access, dates, htmx
from .extensions import db
from .models import Review

ERROR_TEXT = {
    400: ("Something in the request was not right", "Go back, reload the page and try again."),
    403: ("You cannot do that", "Your account does not allow this. Ask the Task and Finish group office if you think it should."),
    404: ("Page not found", "If you typed the web address, check it is correct. If you followed a link, the page may have moved or you may not have access to it."),
    413: ("The upload is too large", "Each file can be up to {mb} MB. Choose smaller files and try again."),
    429: ("Too many attempts", "Wait a minute and try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. Nothing you entered has been saved."),
}


@dataclass(frozen=True)
class NavItem:
    """A header link: shown to `roles`, and only when `when(user)` holds if given; `badge(user)`
    renders a count after the label on full pages (htmx answers update it out of band)."""

    endpoint: str
    label: str
    roles: tuple
    when: Callable | None = None
    badge: Callable | None = None


# Areas add their entry with add_nav(); the header shows those for the user, in this order.
NAV = {"plan.dashboard": NavItem("plan.dashboard", "Dashboard", access.EVERYONE)}


def add_nav(endpoint, label, roles, when=None, badge=None):
    NAV[endpoint] = NavItem(endpoint, label, tuple(roles), when, badge)


def nav_links():
    if not current_user.is_authenticated:
        return []
    links = []
    for item in NAV.values():
        if current_user.role not in item.roles or (item.when is not None and not item.when(current_user)):
            continue
        link = {"href": url_for(item.endpoint), "text": item.label, "current": request.endpoint == item.endpoint}
        if item.badge is not None and not htmx.is_htmx():
            link["html"] = Markup("{} {}").format(item.label, item.badge(current_user))
        links.append(link)
    return links


def safe_path(target):
    """A path on this site (never an absolute or scheme-relative URL), or None: for ?next= and
    for the page a form returns to."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(ch) < 32 for ch in target)):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def error_response(code, title, body):
    """An error as a page, or for htmx as the out-of-band #flash banner (see sefton.htmx)."""
    if htmx.is_htmx():
        return render_template("_error_banner.html", title=title, body=body), code
    return render_template("error.html", title=title, body=body, code=code), code


def file_size(size: int) -> str:
    """1 KB, 2.5 MB; never "0.0 KB" for a small file."""
    if size < 1024:
        return f"{size} bytes" if size != 1 else "1 byte"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


# The largest id the database holds (ids are INTEGER, 32-bit on PostgreSQL): a larger number in a path
# or a filter names nothing, so it answers 404 or is ignored, rather than an error from the driver.
MAX_ID = 2**31 - 1


NO_ID = 0  # no row has it: ids start at 1 on SQLite and PostgreSQL


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a non-negative integer. One larger than the database can hold
    (MAX_ID) is read as NO_ID, whose lookup answers 404 like any other missing object. (Refusing
    the match instead made Werkzeug answer 405 where a GET and a POST route share the path.)"""

    regex = r"\d+"

    def to_python(self, value):
        number = int(value)
        return number if number <= MAX_ID else NO_ID


def int_arg(value):
    """A filter's number (ASCII digits, at most MAX_ID), or None when the value is not one."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(MAX_ID)):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


PAGE_SIZE = 50  # rows a long list shows at a time (issue 12: no page renders more than about 50)


@dataclass(frozen=True)
class Page:
    """One page of a list: number (from 1), of `pages`, showing rows offset+1 .. offset+shown of total."""
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self):
        return max(1, -(-self.total // self.size))

    @property
    def offset(self):
        return (self.number - 1) * self.size

    @property
    def last_shown(self):
        return min(self.total, self.offset + self.size)


def page_of(total, name="page", size=PAGE_SIZE):
    """The page of a list of `total` rows asked for by ?<name>=N: 1 when absent; 400 when not a whole
    number; 404 past the last page (a number too large for the database reads as that too)."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return Page(1, total, size)
    number = int_arg(raw)
    if number is None and not (raw.isascii() and raw.isdigit()):
        abort(400)
    page = Page(number or 0, total, size)
    if not 1 <= page.number <= page.pages:
        abort(404)
    return page


def page_link(endpoint, name, number, anchor=""):
    """The address of page `number` of a list on `endpoint`, keeping the other query arguments (its
    filters, the other list's page) of the page being shown."""
    args = {key: value for key, value in request.args.items() if value} if request.method == "GET" else {}
    args.pop(name, None)
    if number > 1:
        args[name] = number
    # Escaped here: nhsuk-frontend-jinja's macros (.jinja files) render without autoescaping.
    return Markup.escape(url_for(endpoint, **args) + anchor)


REVIEW_KEY = "review_id"


def current_review():
    """The review every page, report and export works on: the one chosen in this session (the
    header's switcher, sefton.admin.reviews), else the first one. Cached for the request."""
    if "current_review" in g:
        return g.current_review
    chosen = session.get(REVIEW_KEY) if has_request_context() else None
    review = db.session.get(Review, chosen) if isinstance(chosen, int) else None
    if review is None:
        review = db.session.scalars(select(Review).order_by(Review.id)).first()
    if has_request_context():
        g.current_review = review
    return review


def review_or_404():
    """current_review(), or 404 when there is no review at all (a fresh database before any import)."""
    review = current_review()
    if review is None:
        abort(404)
    return review


def choose_review(review):
    """Make `review` the one this session works on."""
    session[REVIEW_KEY] = review.id
    g.current_review = review


def review_choices():
    """[(review, chosen)] for the header's switcher: shown only when there is more than one review."""
    if not current_user.is_authenticated:
        return []
    reviews = db.session.scalars(select(Review).order_by(Review.id)).all()
    if len(reviews) < 2:
        return []
    current = current_review()
    return [(r, current is not None and r.id == current.id) for r in reviews]


def content_security_policy(app):
    """Scripts and styles from this site only. The one inline script of the NHS.UK page template (it marks
    <body> as js-enabled before the page paints) is allowed by its hash, worked out from the template."""
    source = app.jinja_env.loader.get_source(app.jinja_env, "nhsuk/template.jinja")[0]
    hashes = "".join(f" 'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
                     for script in re.findall(r"<script[^>]*>(.+?)</script>", source, re.S))
    return ("default-src 'self'; script-src 'self'" + hashes + "; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def init_app(app):
    app.url_map.converters["int"] = IdConverter  # before the blueprints add their routes
    app.add_template_global(review_choices, "review_choices")
    app.add_template_filter(dates.format_date, "uk_date")
    app.add_template_filter(dates.format_due, "due_date")  # None: "Due date to be confirmed"
    app.add_template_filter(dates.format_datetime, "uk_datetime")
    app.add_template_filter(file_size, "file_size")
    app.add_template_global(access, "access")
    app.add_template_global(page_link, "page_link")

    @app.context_processor
    def page_globals():
        return {"business_date": dates.today(), "date_is_fixed": dates.is_fixed(), "is_htmx": htmx.is_htmx(),
                "nav_links": nav_links()}

    policy = content_security_policy(app)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Content-Security-Policy", policy)
        if current_user.is_authenticated and request.endpoint != "static":
            # Pages hold safeguarding information: keep them out of shared caches and the back/forward cache.
            headers.setdefault("Cache-Control", "no-store")
        return response

    @app.before_request
    def refuse_nul_characters():
        """U+0000 has no place in anything people type, and PostgreSQL cannot store it: refused whole."""
        if not request.args and request.method not in ("POST", "PUT", "PATCH"):
            return None
        values = [v for _, vs in request.args.lists() for v in vs]
        if request.method in ("POST", "PUT", "PATCH"):
            values += [v for _, vs in request.form.lists() for v in vs]
            values += [f.filename or "" for _, fs in request.files.lists() for f in fs]
        if any("\x00" in value for value in values):
            return error_response(400, ERROR_TEXT[400][0], "The form had a character that cannot be saved (a NUL "
                                  "character, often pasted by mistake). Remove it and try again.")
        return None

    @app.get("/healthz")
    @access.public
    def healthz():
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any database failure means "not healthy"
            return jsonify(status="error", database="unavailable"), 503
        return jsonify(status="ok", database="ok")

    def error_page(code, description=None):
        title, body = ERROR_TEXT.get(code, ERROR_TEXT[500])
        return error_response(code, title, description or body.format(mb=app.config["SEFTON_MAX_UPLOAD_MB"]))

    for code in (400, 403, 404, 413, 429, 500):
        app.register_error_handler(code, lambda e, code=code: error_page(code))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if htmx.is_htmx() and not current_user.is_authenticated:
            # An expired session fails the CSRF check before the sign-in check: send htmx to sign-in.
            return htmx.redirect_to_login()
        app.logger.info("CSRF refused: %s %s", request.method, request.path)
        return error_page(400, "The form had expired or was not sent from this site. Reload the page and try again.")

