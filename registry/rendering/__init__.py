"""Documents printed in the official layout (GUIDE.md §2–3): PDF with
WeasyPrint, DOCX with python-docx, both from one DocumentLayout so they
carry the same text.

Rendering only reads: the caller decides who may see the document (the API
reads it with registry.selectors.document_get, the admin and the command
with printable_document).
"""

import re
import unicodedata

from core.time import office_today
from registry.models import Document, DocumentStatus
from registry.rendering.docx import CONTENT_TYPE as DOCX_CONTENT_TYPE
from registry.rendering.docx import write_docx
from registry.rendering.fonts import FontsUnavailable, find_font_family
from registry.rendering.layout import DocumentLayout, document_layout
from registry.rendering.selectors import printable_document

__all__ = [
    "DOCX_CONTENT_TYPE",
    "FORMATS",
    "PDF_CONTENT_TYPE",
    "DocumentLayout",
    "FontsUnavailable",
    "document_filename",
    "find_font_family",
    "layout_of",
    "printable_document",
    "render",
    "render_docx",
    "render_pdf",
]

PDF_CONTENT_TYPE = "application/pdf"
FORMATS = {"pdf": PDF_CONTENT_TYPE, "docx": DOCX_CONTENT_TYPE}
_NOT_FILENAME = re.compile(r"[^A-Za-z0-9]+")


def layout_of(*, document: Document) -> DocumentLayout:
    return document_layout(document=document, today=office_today())


def render_pdf(*, document: Document, archival: bool = False) -> bytes:
    """The document as PDF; `archival` gives PDF/A-2b. Raises FontsUnavailable without the fonts."""
    # WeasyPrint takes most of a second to import: only processes that print pay for it.
    from registry.rendering.pdf import write_pdf

    return write_pdf(layout_of(document=document), archival=archival)


def render_docx(*, document: Document) -> bytes:
    return write_docx(layout_of(document=document))


def render(*, document: Document, file_format: str, archival: bool = False) -> bytes:
    """`file_format` is a key of FORMATS; `archival` applies to PDF only."""
    if file_format == "pdf":
        return render_pdf(document=document, archival=archival)
    if file_format == "docx":
        return render_docx(document=document)
    raise ValueError(f"unknown format {file_format!r}")


def document_filename(*, document: Document, file_format: str) -> str:
    """ASCII file name: “375-CV-BTGTU.pdf”, “12-QD-UBND.docx”; a draft “du-thao-<id>.pdf”,
    a document without notation “van-ban-<id>.pdf”."""
    if document.status == DocumentStatus.DRAFT or not document.notation:
        stem = f"du-thao-{document.pk}" if document.status == DocumentStatus.DRAFT else f"van-ban-{document.pk}"
    else:
        ascii_text = unicodedata.normalize("NFD", document.notation.replace("Đ", "D").replace("đ", "d"))
        ascii_text = "".join(char for char in ascii_text if not unicodedata.combining(char))
        stem = _NOT_FILENAME.sub("-", ascii_text).strip("-") or f"van-ban-{document.pk}"
    return f"{stem}.{file_format}"
