"""A register book for one year as an XLSX file (see registry.books.layouts for the forms)."""

from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.errors import DomainError
from core.time import office_today
from core.xlsx import Heading, RegisterSheet, save_workbook
from recipients.models import User
from registry.books.layouts import LAYOUTS, BookKind
from registry.books.selectors import book_entries, book_register
from registry.models import Confidentiality, Direction, Register
from registry.services.access import Access, documents_access_record

MIN_YEAR = 1900  # spreadsheet dates start in 1900
MAX_YEAR = 9999


@dataclass(frozen=True)
class RegisterBook:
    """The workbook in a temporary file at its start (the caller closes it), its file name, and how many rows it has."""

    file: IO[bytes]
    filename: str
    kind: str
    year: int
    rows: int


def book_kinds(register: Register) -> tuple[str, ...]:
    """The books a register has: its own (outgoing or incoming) and, for an incoming one, the follow-up book."""
    if register.direction == Direction.INCOMING:
        return (BookKind.INCOMING, BookKind.FOLLOW_UP)
    return (BookKind.OUTGOING,)


def book_kind(*, register: Register, kind: str | None) -> str:
    """The kind asked for, checked against the register; by default the register's own."""
    kinds = book_kinds(register)
    if kind is None:
        return kinds[0]
    if kind not in BookKind.values:
        raise DomainError(
            _("The kind of book must be one of %(allowed)s.") % {"allowed": ", ".join(BookKind.values)},
            field="kind",
        )
    if kind not in kinds:
        raise DomainError(
            _("The register “%(register)s” is %(direction)s: it has no “%(kind)s” book (it has: %(allowed)s).")
            % {
                "register": register.name,
                "direction": register.get_direction_display().lower(),
                "kind": kind,
                "allowed": ", ".join(kinds),
            },
            field="kind",
        )
    return kind


def check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(
            _("The year must be between %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}, field="year"
        )


def register_book(
    *, register: Register | int, year: int | None = None, kind: str | None = None, user: User | None
) -> RegisterBook:
    """The book of `register` (or the register with that id) for `year`
    (default: the current office year) as XLSX in a temporary file.

    `user` sees the book only of a register they may see (else NotFound) and
    in it only the documents they could list; None is the command line,
    which sees everything. A bad year or kind raises DomainError. The rows
    stream from the database in chunks into openpyxl's write-only sheet.
    Each confidential document in the book is recorded as downloaded
    (registry.services.access).
    """
    year = office_today().year if year is None else year
    check_year(year)
    register = book_register(register_id=register if isinstance(register, int) else register.pk, user=user)
    kind = book_kind(register=register, kind=kind)
    layout = LAYOUTS[kind]
    workbook = Workbook(write_only=True)
    sheet = RegisterSheet(
        workbook,
        title=layout.sheet_title,
        columns=layout.columns,
        headings=[
            Heading(register.owner.name.upper(), bold=True),
            Heading(layout.title, size=14, bold=True),
            Heading(register.name, italic=True),
            Heading(f"Năm {year}", bold=True),
        ],
    )
    rows = 0
    confidential: list[int] = []
    for document, lines in book_entries(register=register, year=year, kind=kind, user=user):
        sheet.append(layout.row(document, lines))
        rows += 1
        if document.confidentiality != Confidentiality.NORMAL:
            confidential.append(document.pk)
    file = save_workbook(workbook)
    documents_access_record(
        document_ids=confidential,
        actor=user,
        kind=Access.DOWNLOADED,
        data={"format": "xlsx", "register_book": {"register": register.pk, "year": year, "kind": kind}},
    )
    return RegisterBook(file=file, filename=f"{layout.slug}-{year}.xlsx", kind=kind, year=year, rows=rows)
