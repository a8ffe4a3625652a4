"""What every page shares: template filters and globals, error pages, the health check."""
from flask import jsonify, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import select, text

from . import access, dates, htmx, status
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


# (endpoint, label, roles): areas add their entry with add_nav(); the header shows those for the role.
NAV = [("plan.dashboard", "Dashboard", access.EVERYONE)]
NAV_WHEN = {}  # endpoint -> predicate(user): show the link only when it holds (e.g. has an organisation)


def add_nav(endpoint, label, roles, when=None):
    if (endpoint, label, tuple(roles)) not in NAV:
        NAV.append((endpoint, label, tuple(roles)))
    if when is not None:
        NAV_WHEN[endpoint] = when


def nav_links():
    if not current_user.is_authenticated:
        return []
    return [{"href": url_for(endpoint), "text": label, "current": request.endpoint == endpoint}
            for endpoint, label, roles in NAV
            if current_user.role in roles and NAV_WHEN.get(endpoint, lambda user: True)(current_user)]


def file_size(size: int) -> str:
    """1 KB, 2.5 MB; never "0.0 KB" for a small file."""
    if size < 1024:
        return f"{size} bytes" if size != 1 else "1 byte"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def current_review():
    return db.session.scalars(select(Review).order_by(Review.id)).first()


def init_app(app):
    app.add_template_filter(dates.format_date, "uk_date")
    app.add_template_filter(dates.format_datetime, "uk_datetime")
    app.add_template_filter(file_size, "file_size")
    app.add_template_global(status.LABELS, "STATUS_LABELS")
    app.add_template_global(access, "access")

    @app.context_processor
    def page_globals():
        return {"business_date": dates.today(), "date_is_fixed": dates.is_fixed(), "is_htmx": htmx.is_htmx(),
                "nav_links": nav_links()}

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Content-Security-Policy",
                           "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'")
        if current_user.is_authenticated and request.endpoint != "static":
            # Pages hold safeguarding information: keep them out of shared caches and the back/forward cache.
            headers.setdefault("Cache-Control", "no-store")
        return response

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
        body = body.format(mb=app.config["SEFTON_MAX_UPLOAD_MB"])
        if htmx.is_htmx():
            return render_template("_error_banner.html", title=title, body=description or body), code
        return render_template("error.html", title=title, body=description or body, code=code), code

    for code in (400, 403, 404, 413, 429, 500):
        app.register_error_handler(code, lambda e, code=code: error_page(code))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if htmx.is_htmx() and not current_user.is_authenticated:
            # An expired session fails the CSRF check before the sign-in check: send htmx to sign-in.
            return htmx.redirect_to_login()
        app.logger.info("CSRF refused: %s %s", request.method, request.path)
        return error_page(400, "The form had expired or was not sent from this site. Reload the page and try again.")

