"""`manage.py export_register --register ID --year YYYY [--kind KIND] [--output PATH]`:
writes a register's book for a year as XLSX (Decree 30, Appendix IV).

The command line sees every document of the register; without --output the
file is named as the API names it (so-van-ban-di-2023.xlsx) in the current folder.
"""

import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.errors import DomainError
from registry.books import BookKind, register_book


class Command(BaseCommand):
    help = "Writes a register's book (outgoing, incoming or follow-up register) for a year as an XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--register", type=int, required=True, metavar="ID", help="the register's id")
        parser.add_argument("--year", type=int, metavar="YYYY", help="the year of the book (default: this year)")
        parser.add_argument(
            "--kind",
            choices=BookKind.values,
            help="which book (default: the register's own; follow_up only for incoming registers)",
        )
        parser.add_argument("--output", type=Path, metavar="PATH", help="where to write the file (a file or a folder)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            book = register_book(register=options["register"], year=options["year"], kind=options["kind"], user=None)
        except DomainError as error:
            raise CommandError(error.message) from None
        output: Path = options["output"] or Path(book.filename)
        if output.is_dir():
            output = output / book.filename
        try:
            with book.file, output.open("wb") as target:
                shutil.copyfileobj(book.file, target)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": output, "error": error.strerror or error}
            ) from None
        self.stdout.write(
            _("Wrote %(path)s: %(rows)s documents, the %(kind)s book of %(year)s.")
            % {"path": output, "rows": book.rows, "kind": book.kind, "year": book.year}
        )
