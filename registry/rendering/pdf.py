"""A document's layout as PDF, with WeasyPrint.

The HTML comes from templates/registry/print/document.html, the stylesheet
from document.css (rendered with the system's margins and the font files
found). Parsing the stylesheet and loading the fonts would cost more than
laying out a short document, so each thread keeps one FontConfiguration and
one compiled CSS per system (WeasyPrint's font objects are not shared across
threads). Import this module only to print: WeasyPrint takes most of a
second to import.
"""

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib import request

import weasyprint
from django.template.loader import render_to_string
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from registry.rendering.fonts import FontFamily, find_font_family
from registry.rendering.layout import DocumentLayout

ARCHIVAL_VARIANT = "pdf/a-2b"


class LocalFiles(URLFetcher):
    """Serves the given local files and nothing else: a document never
    fetches anything from the network or the disk (its HTML has no URL), and
    the stylesheet only its font files. Cheap to make: WeasyPrint's own
    fetcher builds an HTTPS context, ~20 ms, for every document."""

    def __init__(self, paths: Iterable[Path] = ()) -> None:
        request.OpenerDirector.__init__(self)
        self._fail_on_errors = False
        self._files = {path.resolve().as_uri(): path for path in paths}

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self._files.get(url)
        if path is None:
            raise ValueError(f"not a resource of printed documents: {url}")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/ttf"})


NOTHING = LocalFiles()


class _Cache(threading.local):
    def __init__(self) -> None:
        self.family: FontFamily | None = None
        self.font_config: FontConfiguration | None = None
        self.stylesheets: dict[tuple[Any, ...], Any] = {}


_cache = _Cache()


def _stylesheet(layout: DocumentLayout) -> tuple[Any, FontConfiguration]:
    """The compiled stylesheet for the layout's system, margins and sizes, and
    the font configuration it registered its fonts in; all rebuilt when the
    font family found changes (another DOCREG_PDF_FONT_DIRS)."""
    family = find_font_family()
    if _cache.family != family or _cache.font_config is None:
        _cache.family, _cache.font_config, _cache.stylesheets = family, FontConfiguration(), {}
    font_config = _cache.font_config
    key = (layout.system, layout.margins, layout.sizes)
    stylesheet = _cache.stylesheets.get(key)
    if stylesheet is None:
        css = render_to_string(
            "registry/print/document.css",
            {"family": family, "margins": layout.margins, "sizes": layout.sizes, "party": layout.is_party},
        )
        fonts = LocalFiles(face.path for face in family.faces)
        stylesheet = weasyprint.CSS(string=css, font_config=font_config, url_fetcher=fonts)
        _cache.stylesheets[key] = stylesheet
    return stylesheet, font_config


def layout_html(layout: DocumentLayout) -> str:
    return render_to_string("registry/print/document.html", {"layout": layout})


def write_pdf(layout: DocumentLayout, *, archival: bool = False) -> bytes:
    """The PDF of a layout: A4, fonts embedded and subset, title and author
    in its metadata; `archival` makes it PDF/A-2b (XMP identification,
    sRGB output intent)."""
    stylesheet, font_config = _stylesheet(layout)
    html = weasyprint.HTML(string=layout_html(layout), url_fetcher=NOTHING)
    options: dict[str, Any] = {"pdf_variant": ARCHIVAL_VARIANT} if archival else {}
    pdf = html.write_pdf(stylesheets=[stylesheet], font_config=font_config, **options)
    assert isinstance(pdf, bytes)
    return pdf
