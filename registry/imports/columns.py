"""The columns of the register books (Decree 30/2020, Appendix IV) and how a
file's header row is found among them.

Headers are compared folded: without case, diacritics, punctuation or a
printed column number, so “SỐ, KÝ HIỆU”, “So ky hieu” and “Số, ký hiệu (1)”
are the same column. Printed books put title rows above the header
(organization, register title, year); the header is looked for in the first
rows, and a row of column numbers under it — (1) (2) (3) … — is skipped.
"""

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core.text import slugify_vi
from registry.imports.reader import SheetRow
from registry.imports.report import RowError
from registry.models import Direction

HEADER_SEARCH_ROWS = 10
MIN_MATCHED_COLUMNS = 2
_COLUMN_NUMBER = re.compile(r"\(\s*\d+\s*\)")
_NUMBERING_CELL = re.compile(r"^\(?\s*\d+\s*\)?$")


@dataclass(frozen=True)
class Column:
    """`key` names the value in a row; `label` is the header Appendix IV prints."""

    key: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> frozenset[str]:
        return frozenset(header_key(name) for name in (self.label, *self.aliases))


OUTGOING_COLUMNS = (
    Column("notation", "Số, ký hiệu", required=True, aliases=("Số và ký hiệu", "Số, ký hiệu văn bản")),
    Column("issued_on", "Ngày tháng", required=True, aliases=("Ngày tháng văn bản", "Ngày ban hành")),
    Column(
        "subject",
        "Tên loại và trích yếu nội dung",
        required=True,
        aliases=("Tên loại và trích yếu", "Trích yếu nội dung", "Trích yếu"),
    ),
    Column("signer_name", "Người ký"),
    Column("distribution", "Nơi nhận"),
    Column("file_copy_holder", "Đơn vị, người nhận bản lưu", aliases=("Đơn vị, người nhận bản lưu văn bản",)),
    Column("copies", "Số lượng bản", aliases=("Số bản",)),
    Column("transferred_on", "Ngày chuyển"),
    Column("receipt_signature", "Ký nhận"),
    Column("note", "Ghi chú"),
)
INCOMING_COLUMNS = (
    Column("received_on", "Ngày đến", required=True),
    Column("arrival_number", "Số đến", required=True),
    Column("sender", "Tác giả", required=True, aliases=("Cơ quan ban hành", "Nơi gửi")),
    Column("notation", "Số, ký hiệu", aliases=("Số và ký hiệu", "Số, ký hiệu văn bản")),
    Column("issued_on", "Ngày tháng", aliases=("Ngày tháng văn bản",)),
    Column(
        "subject",
        "Tên loại và trích yếu",
        required=True,
        aliases=("Tên loại và trích yếu nội dung", "Trích yếu nội dung", "Trích yếu"),
    ),
    Column("handling_unit", "Đơn vị hoặc người nhận", aliases=("Đơn vị hoặc người nhận giải quyết",)),
    Column("transferred_on", "Ngày chuyển"),
    Column("receipt_signature", "Ký nhận"),
    Column("note", "Ghi chú"),
)


def columns_for(direction: str) -> tuple[Column, ...]:
    return OUTGOING_COLUMNS if direction == Direction.OUTGOING else INCOMING_COLUMNS


def header_key(text: str) -> str:
    """“Số, ký hiệu (1)” → “so ky hieu”."""
    return slugify_vi(_COLUMN_NUMBER.sub(" ", text), separator=" ")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank_row(cells: Mapping[str, Any]) -> bool:
    """Nothing in the register's columns (a printed book's unused, pre-numbered line included)."""
    return all(is_blank(value) for value in cells.values())


@dataclass(frozen=True)
class Header:
    """Where each known column is in the file's rows."""

    row: int
    columns: tuple[Column, ...]
    positions: Mapping[str, int]
    ignored: tuple[str, ...]

    def cells(self, values: Sequence[Any]) -> dict[str, Any]:
        width = len(values)
        return {key: values[index] if index < width else None for key, index in self.positions.items()}

    def label(self, key: str) -> str:
        return next(column.label for column in self.columns if column.key == key)


class HeaderError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


def _matches(values: Sequence[Any], columns: Sequence[Column]) -> dict[int, Column]:
    """The cells of a row that name one of `columns`, by position."""
    found = {}
    for index, value in enumerate(values):
        if isinstance(value, str) and value.strip():
            key = header_key(value)
            column = next((column for column in columns if key in column.names), None)
            if column is not None:
                found[index] = column
    return found


def _listing(columns: Sequence[Column]) -> str:
    return ", ".join(f"“{column.label}”" for column in columns)


def _other(direction: str) -> str:
    return Direction.INCOMING if direction == Direction.OUTGOING else Direction.OUTGOING


def _names_foreign_column(values: Sequence[Any], direction: str) -> bool:
    """Whether a header names a column only the other kind of register has
    (“Số đến”, “Tác giả” … in an outgoing register; “Nơi nhận” … in an incoming one)."""
    own = frozenset().union(*(column.names for column in columns_for(direction)))
    foreign = [column for column in columns_for(_other(direction)) if not column.names & own]
    return bool(_matches(values, foreign))


def _wrong_direction(direction: str, row: int) -> HeaderError:
    message = (
        _("The file has the columns of an incoming register (Ngày đến, Số đến, Tác giả …): choose one.")
        if _other(direction) == Direction.INCOMING
        else _("The file has the columns of an outgoing register (Nơi nhận, Số lượng bản …): choose one.")
    )
    return HeaderError([RowError(row=row, column="", message=message)])


def _no_header(rows: list[SheetRow], direction: str) -> HeaderError:
    for number, values in rows:
        if len(_matches(values, columns_for(_other(direction)))) >= MIN_MATCHED_COLUMNS:
            return _wrong_direction(direction, number)
    message = _("No header row found in the first %(rows)d rows: the register's columns are %(columns)s.") % {
        "rows": HEADER_SEARCH_ROWS,
        "columns": _listing(columns_for(direction)),
    }
    return HeaderError([RowError(row=0, column="", message=message)])


def _is_numbering(values: Sequence[Any]) -> bool:
    """A row of column numbers printed under the header: 1 2 3 … or (1) (2) (3) …"""
    filled = [value for value in values if not is_blank(value)]
    return len(filled) >= MIN_MATCHED_COLUMNS and all(
        isinstance(value, int) or (isinstance(value, str) and _NUMBERING_CELL.match(value.strip())) for value in filled
    )


def locate_header(rows: Iterator[SheetRow], direction: str) -> tuple[Header, Iterator[SheetRow]]:
    """The header among the first HEADER_SEARCH_ROWS rows (the first of those
    naming the most columns), and the rows after it. Raises HeaderError when
    there is none, or when it lacks a required column or names one twice."""
    columns = columns_for(direction)
    leading: list[SheetRow] = []
    for row in rows:
        leading.append(row)
        if len(leading) == HEADER_SEARCH_ROWS:
            break
    best = max(range(len(leading)), key=lambda i: len(_matches(leading[i][1], columns)), default=None)
    found = _matches(leading[best][1], columns) if best is not None else {}
    if best is None or len(found) < MIN_MATCHED_COLUMNS:
        raise _no_header(leading, direction)
    header_row, values = leading[best]
    if _names_foreign_column(values, direction):
        raise _wrong_direction(direction, header_row)
    problems = []
    seen: dict[str, int] = {}
    for index, column in found.items():
        if column.key in seen:
            problems.append(_("The column “%(column)s” appears twice.") % {"column": column.label})
        seen.setdefault(column.key, index)
    missing = [column for column in columns if column.required and column.key not in seen]
    if missing:
        problems.append(
            _("Required columns are missing: %(missing)s. Columns of this register: %(columns)s.")
            % {"missing": _listing(missing), "columns": _listing(columns)}
        )
    if problems:
        raise HeaderError([RowError(row=header_row, column="", message=message) for message in problems])
    ignored = tuple(
        str(value).strip() for index, value in enumerate(values) if index not in found and not is_blank(value)
    )
    header = Header(row=header_row, columns=columns, positions=seen, ignored=ignored)
    return header, _skip_numbering(itertools.chain(leading[best + 1 :], rows))


def _skip_numbering(rows: Iterator[SheetRow]) -> Iterator[SheetRow]:
    for row in rows:
        if not _is_numbering(row[1]):
            yield row
        break
    yield from rows
