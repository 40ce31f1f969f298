"""Reading a register file row by row, whatever it is: an Excel workbook
(.xlsx, read in openpyxl's streaming read-only mode) or a CSV file (UTF-8,
with or without a byte-order mark, separated by commas, semicolons or tabs).

The content decides, not the name: a ZIP archive is a workbook, anything else
is read as CSV text. Rows come with the number the user sees for them (Excel's
row number; a CSV record's position), blank rows included so numbers stay true.
"""

import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from core.errors import DomainError

# One row of the file: its number as the user sees it, and its cell values.
SheetRow = tuple[int, tuple[Any, ...]]

ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the binary .xls of Excel 97–2003
DELIMITERS = (",", ";", "\t")
SNIFFED_LINES = 20


class ImportFileError(DomainError):
    """The file cannot be read as a register; `row` says where, 0 for the file as a whole."""

    default_code = "import_file"

    def __init__(self, message: str, *, row: int = 0) -> None:
        super().__init__(message, field="file")
        self.row = row


@dataclass
class RowSource:
    rows: Iterator[SheetRow]
    # How many rows the sheet says it has (for progress), when it says so.
    total: int | None


@contextmanager
def open_rows(file: IO[bytes]) -> Iterator[RowSource]:
    """The rows of `file`, a seekable binary file, read as the file is consumed."""
    signature = file.read(len(ZIP_SIGNATURE))
    file.seek(0)
    if signature.startswith(OLE_SIGNATURE):
        raise ImportFileError(_("Old Excel files (.xls) cannot be read; save the file as .xlsx or CSV (UTF-8)."))
    if signature == ZIP_SIGNATURE:
        with _workbook_rows(file) as source:
            yield source
    else:
        with _csv_rows(file) as source:
            yield source


@contextmanager
def _workbook_rows(file: IO[bytes]) -> Iterator[RowSource]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # data_only: the values formulas last computed, not the formulas.
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ImportFileError(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
    try:
        sheet = workbook.active
        if sheet is None:
            raise ImportFileError(_("The workbook has no worksheet."))
        rows = enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
        yield RowSource(rows=rows, total=sheet.max_row)
    finally:
        workbook.close()


@contextmanager
def _csv_rows(file: IO[bytes]) -> Iterator[RowSource]:
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        try:
            sample = list(itertools.islice(text, SNIFFED_LINES))
        except UnicodeDecodeError as exc:
            raise _not_utf8(1) from exc
        reader = csv.reader(itertools.chain(sample, text), delimiter=_delimiter(sample))
        yield RowSource(rows=_records(reader), total=None)
    finally:
        text.detach()  # leave the caller's file open


def _records(reader: Any) -> Iterator[SheetRow]:
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, tuple(record)
    except UnicodeDecodeError as exc:
        raise _not_utf8(number + 1) from exc
    except csv.Error as exc:
        raise ImportFileError(
            _("Row %(row)d cannot be read as CSV: %(error)s") % {"row": number + 1, "error": exc}, row=number + 1
        ) from exc


def _not_utf8(row: int) -> ImportFileError:
    return ImportFileError(
        _("The file is not UTF-8 text (from row %(row)d on): save it from Excel as “CSV UTF-8”, or as .xlsx.")
        % {"row": row},
        row=row,
    )


def _delimiter(sample: list[str]) -> str:
    """The separator that splits some line of the sample into the most fields;
    a comma when nothing tells them apart."""

    def widest(delimiter: str) -> int:
        return max((len(record) for record in csv.reader(sample, delimiter=delimiter)), default=0)

    return max(DELIMITERS, key=widest)
