"""The htmx protocol in one place (STYLE.md habit 5).

- is_htmx(): the request came from htmx (HX-Request header).
- Every response varies on HX-Request, since the same URL answers a page or a fragment.
- An htmx request whose session has expired gets HX-Redirect to sign-in instead of a 302
  (htmx would swap the sign-in page into the row).
- Validation errors answer 422 with the form re-rendered; static/js/app.js tells htmx to swap 422.
- Out-of-band swaps carry counters and the flash message alongside the row.
- Any other error answer to htmx (400, 403, 404, 413, 500…) swaps nothing in place
  (HX-Reswap: none) and shows its message through the out-of-band #flash banner.
"""
from flask import make_response, redirect as flask_redirect, render_template, request, url_for

SWAPPED_ERRORS = (409, 422)  # answered with the row or form re-rendered (see static/js/app.js)


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def init_app(app):
    @app.after_request
    def vary_on_hx_request(response):
        response.vary.add("HX-Request")
        if is_htmx() and response.status_code >= 400 and response.status_code not in SWAPPED_ERRORS:
            response.headers.setdefault("HX-Reswap", "none")
        return response


def redirect(location):
    """After a change: an htmx request is sent to `location` as a full page load (HX-Redirect, so the
    flash message shows there); a plain form post gets the usual 302."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return flask_redirect(location)


def redirect_to_login():
    """Response for an htmx request that needs a sign-in (expired session)."""
    response = make_response("", 401)
    response.headers["HX-Redirect"] = url_for("auth.login", next=request.headers.get("HX-Current-URL", ""))
    return response


def fragment(template, status=200, oob=(), **context):
    """Render a partial, followed by out-of-band partials (templates that carry data-hx-swap-oob).

    Each out-of-band part is wrapped in <template>: when the main part is a table row the response
    is parsed in table context, where a <div> or <table> would be moved out of place; htmx 2 swaps
    out-of-band elements found inside <template> and drops the wrapper."""
    parts = [render_template(template, **context)]
    parts += [f"<template>{render_template(t, oob=True, **context)}</template>" for t in oob]
    return make_response("\n".join(parts), status)


def no_change():
    return make_response("", 204)
