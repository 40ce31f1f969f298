"""`manage.py render_document ID [--format pdf|docx] [--archival] [--output PATH]`:
a document in the official layout, written to a file (by default its file
name, e.g. 375-CV-BTGTU.pdf, in the current folder) or to stdout with `-o -`."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.errors import DomainError
from registry.rendering import FORMATS, document_filename, printable_document, render

MAX_ID = 2**63 - 1  # the largest id a database stores


class Command(BaseCommand):
    help = "Writes a document in the official layout as PDF (optionally PDF/A-2b) or DOCX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, help="the document's id")
        parser.add_argument("--format", choices=sorted(FORMATS), default="pdf", help="pdf (default) or docx")
        parser.add_argument("--archival", action="store_true", help="PDF/A-2b, for archiving (PDF only)")
        parser.add_argument(
            "-o", "--output", help="the file to write (default: the document's file name here); - for stdout"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        file_format: str = options["format"]
        if options["archival"] and file_format != "pdf":
            raise CommandError(_("--archival applies to PDF only."))
        if not 1 <= options["id"] <= MAX_ID:
            raise CommandError(_("No document %(id)s.") % {"id": options["id"]})
        try:
            document = printable_document(pk=options["id"])
            content = render(document=document, file_format=file_format, archival=options["archival"])
        except DomainError as error:
            raise CommandError(error.message) from error
        output = options["output"] or document_filename(document=document, file_format=file_format)
        if output == "-":
            # Bytes go to the underlying binary stream (a test may pass a BytesIO).
            stream: Any = getattr(self.stdout, "_out", sys.stdout)
            stream = getattr(stream, "buffer", stream)
            stream.write(content)
            stream.flush()
            return
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": error.strerror or error}
            ) from error
        self.stdout.write(_("%(path)s (%(bytes)s bytes)") % {"path": path, "bytes": len(content)})
