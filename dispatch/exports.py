"""The follow-up register of reporting obligations as an XLSX workbook.

The layout is Decree 30's follow-up register (sổ theo dõi giải quyết văn
bản, Appendix IV; GUIDE.md §4): Số đến | the document | the handling unit |
Thời hạn giải quyết | Tiến độ giải quyết | Số, ký hiệu văn bản trả lời |
Ghi chú. Offices print and file it, so it keeps the register's own title
and column names rather than inventing a "report tracker" form: one row per
obligated organization, the reports being the replies it tracks.

Everything written here is the register's words, Vietnamese whatever
language the reader's browser asks for. The workbook is written in
openpyxl's write-only mode: rows stream to a temporary file instead of
living as cell objects, so a large export stays small in memory.
"""

import datetime
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from core.time import office_date
from dispatch.models import Assignment, Obligation, Submission
from dispatch.selectors import assignment_list
from dispatch.serializers import days_late
from dispatch.status import ACCEPTED, LATE, OVERDUE, RETURNED, SUBMITTED
from recipients.models import User
from registry.models import Document

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTER_TITLE = "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN"
SHEET_TITLE = "Theo dõi giải quyết"
# Column names of the form and widths (in characters) that fit A4 landscape.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("Số đến", 8),
    ("Tên loại, số, ký hiệu, ngày tháng và trích yếu văn bản", 44),
    ("Đơn vị hoặc người xử lý", 24),
    ("Thời hạn giải quyết", 12),
    ("Tiến độ giải quyết", 28),
    ("Số, ký hiệu văn bản trả lời", 16),
    ("Ghi chú", 18),
)
TITLE_ROWS = 4  # organization, register title, what it follows, export date
HEADER_ROW = TITLE_ROWS + 2  # a blank row between titles and header
LAST_COLUMN = get_column_letter(len(COLUMNS))
DATE_FORMAT = "DD/MM/YYYY"
LINE_HEIGHT = 16  # points, a line of 12–14 pt text

FONT = "Times New Roman"
THIN = Side(style="thin")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTRE_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)


def register_rows(*, user: User, today: datetime.date) -> QuerySet[Assignment]:
    """Obligated organizations as the register prints them: status annotated,
    the document's type joined, and every report version prefetched newest
    first, so the whole register is read in two queries whatever its length."""
    latest_first = Submission.objects.select_related("incoming_document").order_by("-version")
    return (
        assignment_list(user=user, today=today)
        .select_related("obligation__document__doc_type")
        .prefetch_related(Prefetch("submissions", queryset=latest_first))
        .order_by("obligation__due_on", "obligation_id", "organization_name", "id")
    )


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def document_heading(document: Document) -> str:
    """“Kế hoạch số 95-KH/TU ngày 28/04/2023”: type name, number and date, as a register cites a document."""
    parts = [document.doc_type.name_for(document.system)]
    if document.notation:
        parts.append(f"số {document.notation}")
    if document.issued_on:
        parts.append(f"ngày {_day(document.issued_on)}")
    return " ".join(parts)


def export_title(*, obligation: Obligation | None = None, document: Document | None = None) -> str:
    """The line under the register's title saying what this copy follows."""
    if obligation is not None:
        return f"{obligation.title} (theo {document_heading(obligation.document)})"
    if document is not None:
        return f"Các báo cáo theo {document_heading(document)}"
    return "Các yêu cầu báo cáo"


def export_filename(document: Document | None, today: datetime.date) -> str:
    """theo-doi-bao-cao-95-KH-TU.xlsx: the notation in ASCII (đ→d, no accents), so every browser keeps it."""
    if document is None or not document.notation:
        return f"theo-doi-bao-cao-{today.isoformat()}.xlsx"
    ascii_notation = (
        unicodedata.normalize("NFKD", document.notation.replace("đ", "d").replace("Đ", "D"))
        .encode("ascii", "ignore")
        .decode()
    )
    return f"theo-doi-bao-cao-{re.sub(r'[^A-Za-z0-9]+', '-', ascii_notation).strip('-')}.xlsx"


def progress(row: Any, latest: Submission | None, today: datetime.date) -> str:
    """Tiến độ giải quyết: the status in the register's words, with its dates and days late."""
    late = days_late(row, today)
    if row.status == ACCEPTED:
        accepted = f"Đã tiếp nhận {_day(office_date(row.accepted_at))}"
        return f"{accepted} (báo cáo trễ {late} ngày)" if late else accepted
    if row.status == RETURNED:
        reason = latest.review_reason.strip() if latest else ""
        return f"Trả lại để bổ sung: {reason}" if reason else "Trả lại để bổ sung"
    if row.status == SUBMITTED:
        return f"Đã báo cáo đúng hạn ngày {_day(row.first_submitted_on)}"
    if row.status == LATE:
        return f"Báo cáo trễ {late} ngày ({_day(row.first_submitted_on)})"
    if row.status == OVERDUE:
        return f"Quá hạn {late} ngày, chưa báo cáo"
    return "Chưa đến hạn"


def _remarks(row: Any, latest: Submission | None) -> str:
    """Ghi chú: what the other columns cannot say — a revised version, a paper
    report, a due date of the organization's own."""
    notes = []
    if latest is not None and latest.version > 1:
        notes.append(f"Báo cáo lần {latest.version}")
    if latest is not None and latest.on_paper:
        notes.append("Nhận bản giấy")
    if row.due_on_overridden:
        notes.append("Hạn riêng của đơn vị")
    return "; ".join(notes)


def _document_cell(obligation: Obligation) -> str:
    document = obligation.document
    return f"{document_heading(document)}\n{document.subject}\nNội dung báo cáo: {obligation.title}"


def _set_up_page(sheet: WriteOnlyWorksheet) -> None:
    """A4 landscape, one page wide, header row repeated, page numbers: how a register is printed and filed.
    Write-only sheets take these only before the first row."""
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.font = FONT


def _cell(sheet: WriteOnlyWorksheet, value: Any, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = style.pop("font", Font(name=FONT, size=12))
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _title_rows(
    sheet: WriteOnlyWorksheet, *, title: str, organization_name: str, today: datetime.date
) -> list[list[WriteOnlyCell]]:
    """Organization, register title, what it follows, date: each merged across the page.
    Spreadsheets do not grow merged rows to fit wrapped text, so their heights are set from the text's length."""
    lines = [
        (organization_name.upper(), Font(name=FONT, size=12, bold=True)),
        (REGISTER_TITLE, Font(name=FONT, size=14, bold=True)),
        (title, Font(name=FONT, size=12, italic=True)),
        (f"Ngày lập: {_day(today)}", Font(name=FONT, size=11, italic=True)),
    ]
    page_width = sum(width for _name, width in COLUMNS)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    rows = []
    for number, (text, font) in enumerate(lines, start=1):
        sheet.merged_cells.add(f"A{number}:{LAST_COLUMN}{number}")
        sheet.row_dimensions[number].height = LINE_HEIGHT * max(1, math.ceil(len(text) / page_width)) + 4
        rows.append([_cell(sheet, text, font=font, alignment=centred)])
    return rows


def _register_row(sheet: WriteOnlyWorksheet, row: Any, today: datetime.date) -> list[WriteOnlyCell]:
    submissions = list(row.submissions.all())
    latest = submissions[0] if submissions else None
    values: list[tuple[Any, Alignment]] = [
        (latest.incoming_document.arrival_number if latest else None, CENTRE_TOP),
        (_document_cell(row.obligation), WRAP_TOP),
        (row.organization_name, WRAP_TOP),
        (row.due_on, CENTRE_TOP),
        (progress(row, latest, today), WRAP_TOP),
        ((latest.report_notation if latest else "") or None, CENTRE_TOP),
        (_remarks(row, latest) or None, WRAP_TOP),
    ]
    cells = [_cell(sheet, value, alignment=alignment, border=GRID) for value, alignment in values]
    cells[3].number_format = DATE_FORMAT
    return cells


def compliance_workbook(rows: Iterable[Any], *, title: str, organization_name: str, today: datetime.date) -> bytes:
    """The follow-up register of the given rows (see register_rows) as XLSX bytes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    _set_up_page(sheet)
    for line in _title_rows(sheet, title=title, organization_name=organization_name, today=today):
        sheet.append(line)
    sheet.append([])
    header_style = {
        "font": Font(name=FONT, size=12, bold=True),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "border": GRID,
        "fill": PatternFill("solid", fgColor="EDEDED"),
    }
    sheet.append([_cell(sheet, name, **header_style) for name, _width in COLUMNS])
    for row in rows:
        sheet.append(_register_row(sheet, row, today))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
