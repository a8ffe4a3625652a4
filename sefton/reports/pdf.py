"""PDF reports with WeasyPrint: HTML from templates plus a separate print stylesheet, into bytes.

Nothing is ever fetched over the network while rendering: the stylesheet is read from
static/css/print.css and handed over as a string, and the URL fetcher serves files under
static/ only (anything else, http(s) included, is refused).
"""
import functools
import gc
import mimetypes
import os
from pathlib import Path
from urllib.request import url2pathname

from flask import current_app, render_template
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .. import dates

# Tagged PDF (structure tree for screen readers). WeasyPrint 70 renders our layout the same with
# tags on, for about 0.1 s more; README ("Measured") says what was checked and what was found.
PDF_OPTIONS = {"pdf_tags": True, "pdf_variant": "pdf/ua-1"}


class LocalFetcher(URLFetcher):
    """Serves file:// URLs inside one folder (the app's static files); refuses everything else."""

    def __init__(self, root):
        super().__init__(allowed_protocols={"file"})
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        if not url.startswith("file:"):
            raise ValueError(f"Refused to fetch {url.split(':', 1)[0]}: URL while rendering a PDF")
        path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError("Refused to fetch a file outside the static folder while rendering a PDF")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


@functools.lru_cache(maxsize=4)
def _stylesheet(path, mtime):
    return Path(path).read_text(encoding="utf-8")


def print_css() -> str:
    path = os.path.join(current_app.static_folder, "css", "print.css")
    return _stylesheet(path, os.path.getmtime(path))


def html_to_pdf(html: str, *, tagged: bool = True) -> bytes:
    """Render print HTML to PDF bytes, with the print stylesheet and no network access."""
    static = current_app.static_folder
    fetcher = LocalFetcher(static)
    fonts = FontConfiguration()
    css = CSS(string=print_css(), font_config=fonts, url_fetcher=fetcher, base_url=Path(static).as_uri() + "/")
    document = HTML(string=html, base_url=Path(static).as_uri() + "/", url_fetcher=fetcher)
    options = PDF_OPTIONS if tagged else {}
    # WeasyPrint allocates hundreds of thousands of small objects; with Python's default thresholds
    # the collector runs thousands of times per render, each time also walking what the app already
    # holds (SQLAlchemy, Jinja…), which made a render about 20% slower inside the app than alone.
    # Fewer, larger collections for the render; peak memory measured the same (scripts/bench_pdf.py).
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        return document.write_pdf(stylesheets=[css], font_config=fonts, **options)
    finally:
        gc.set_threshold(*thresholds)


NOTE_CHARS = 600  # the PDF prints at most this much of a note or description
CONTINUED = "… (continued in the tracker)"
# Workflow states printed under the colour (as at the plan's date); "open" says nothing more.
STATE_WORDS = {"submitted": "Evidence awaiting review", "returned": "Evidence returned"}


def clip(text, limit=NOTE_CHARS):
    """At most `limit` characters of `text`, cut at a word, with "continued in the tracker" when cut:
    a long note (typed before texts were bounded, or imported) cannot make a report fail or swell."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + CONTINUED


def plan_html(plan) -> str:
    """The print HTML of the updated action plan (what the PDF is made from; tests read it)."""
    return render_template("reports/print/plan.html", plan=plan, prepared_on=dates.today(),
                           demo=current_app.config.get("SEFTON_DEMO"), NOTE_CHARS=NOTE_CHARS,
                           STATE_WORDS=STATE_WORDS)


def plan_pdf(plan) -> bytes:
    """The updated action plan as PDF bytes."""
    return html_to_pdf(plan_html(plan))


def pack_html(pack, review) -> str:
    return render_template("reports/print/meeting_pack.html", pack=pack, review=review, prepared_on=dates.today())


def pack_pdf(pack, review) -> bytes:
    return html_to_pdf(pack_html(pack, review))
