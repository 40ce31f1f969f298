"""Registers (sổ) as XLSX workbooks, laid out to be printed and filed.

Every register sheet looks alike: title rows merged across the page, a blank
row, the header row (repeated on every printed page), then one bordered row
per record in Times New Roman, dates as real dates shown DD/MM/YYYY; A4
landscape, one page wide, page numbers in the footer.

Workbooks are written in openpyxl's write-only mode: rows stream into a
temporary file instead of living as cell objects, so a register of 100,000
rows stays small in memory. Write-only sheets take their page setup only
before the first row, which RegisterSheet does in its constructor. Cells are
styled with named styles registered once per workbook, each cell created
with its style's array of indexes: a million cells cost no style lookups.
"""

import datetime
import math
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from core.text import nfc

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "Times New Roman"
DATE_FORMAT = "DD/MM/YYYY"
LINE_HEIGHT = 16  # points, a line of 12–14 pt text
MAX_CELL_TEXT = 32_767  # the most characters a cell holds
SPOOL_SIZE = 8 * 1024 * 1024  # a saved workbook stays in memory up to this size, then goes to disk

# Named styles of the body: plain text, centred (numbers, notations), dates, and the header row.
TEXT = "register text"
CENTRED = "register centred"
DATE = "register date"
HEADER = "register header"


@dataclass(frozen=True)
class Column:
    """A column of the form: its name as printed, its width in characters, and
    whether its values are centred (numbers, notations) or wrapped text."""

    name: str
    width: float
    centred: bool = False


@dataclass(frozen=True)
class Heading:
    """One title line above the header, merged across the page."""

    text: str
    size: int = 12
    bold: bool = False
    italic: bool = False


def _named_styles() -> list[NamedStyle]:
    thin = Side(style="thin")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name=FONT, size=12)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    centre_top = Alignment(horizontal="center", vertical="top", wrap_text=True)
    return [
        NamedStyle(TEXT, font=body, alignment=wrap_top, border=grid),
        NamedStyle(CENTRED, font=body, alignment=centre_top, border=grid),
        NamedStyle(DATE, font=body, alignment=centre_top, border=grid, number_format=DATE_FORMAT),
        NamedStyle(
            HEADER,
            font=Font(name=FONT, size=12, bold=True),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
            border=grid,
            fill=PatternFill("solid", fgColor="EDEDED"),
        ),
    ]


# Per workbook, the index arrays of its named styles: what `cell.style = name` would look up for every cell.
_arrays: WeakKeyDictionary[Workbook, dict[str, StyleArray]] = WeakKeyDictionary()


def _style_arrays(workbook: Workbook) -> dict[str, StyleArray]:
    """The named styles of register sheets, added to the workbook on first use."""
    if workbook not in _arrays:
        arrays = {}
        for style in _named_styles():
            workbook.add_named_style(style)
            arrays[style.name] = style.as_tuple()
        _arrays[workbook] = arrays
    return _arrays[workbook]


def cell_text(value: str) -> str:
    """Text as a cell takes it: NFC, without the control characters XML cannot carry, at most MAX_CELL_TEXT long."""
    return ILLEGAL_CHARACTERS_RE.sub("", nfc(value))[:MAX_CELL_TEXT]


class RegisterSheet:
    """A write-only worksheet laid out as a printed register.

    The constructor sets up the page and writes the headings and the header
    row; `append` then adds one record: strings become wrapped (or centred)
    text, `datetime.date` values real dates in DD/MM/YYYY, None an empty
    bordered cell.
    """

    def __init__(
        self, workbook: Workbook, *, title: str, columns: Sequence[Column], headings: Sequence[Heading]
    ) -> None:
        self.sheet = workbook.create_sheet(title)
        self._arrays = _style_arrays(workbook)
        self.columns = tuple(columns)
        self.header_row = len(headings) + 2  # a blank row between the headings and the header
        self._styles = tuple(CENTRED if column.centred else TEXT for column in self.columns)
        self._set_up_page()
        for number, heading in enumerate(headings, start=1):
            self._heading(number, heading)
        self.sheet.append([])
        self.sheet.append([self._cell(column.name, HEADER) for column in self.columns])

    def append(self, values: Sequence[Any]) -> None:
        cells = []
        for value, style in zip(values, self._styles, strict=True):
            if isinstance(value, str):
                cells.append(self._cell(cell_text(value) or None, style))
            elif isinstance(value, datetime.date):
                cells.append(self._cell(value, DATE))
            else:
                cells.append(self._cell(value, style))
        self.sheet.append(cells)

    def _cell(self, value: Any, style: str) -> Cell:
        return Cell(self.sheet, row=1, column=1, value=value, style_array=self._arrays[style])

    def _set_up_page(self) -> None:
        """A4 landscape, one page wide, header row repeated, page numbers: how a register is printed and filed."""
        sheet = self.sheet
        for index, column in enumerate(self.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = f"A{self.header_row + 1}"
        sheet.print_title_rows = f"{self.header_row}:{self.header_row}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = "9"  # A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.page_margins = PageMargins(left=0.6, right=0.4, top=0.6, bottom=0.6)
        sheet.print_options.horizontalCentered = True
        sheet.oddFooter.center.text = "Trang &P/&N"
        sheet.oddFooter.center.font = FONT

    def _heading(self, number: int, heading: Heading) -> None:
        """A title line merged across the page. Spreadsheets do not grow merged
        rows to fit wrapped text, so the height is set from the text's length."""
        text = cell_text(heading.text)
        page_width = sum(column.width for column in self.columns)
        self.sheet.merged_cells.add(f"A{number}:{get_column_letter(len(self.columns))}{number}")
        self.sheet.row_dimensions[number].height = LINE_HEIGHT * max(1, math.ceil(len(text) / page_width)) + 4
        cell = WriteOnlyCell(self.sheet, value=text)
        cell.font = Font(name=FONT, size=heading.size, bold=heading.bold, italic=heading.italic)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.sheet.append([cell])


def save_workbook(workbook: Workbook) -> IO[bytes]:
    """The saved workbook in a temporary file (in memory up to SPOOL_SIZE,
    then on disk), positioned at its start; closing it removes it."""
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_SIZE)  # noqa: SIM115 - the caller closes it
    workbook.save(file)
    file.seek(0)
    return file
