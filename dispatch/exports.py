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
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook

from core.time import office_date
from core.xlsx import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # what the download is served as
from core.xlsx import Heading, RegisterSheet
from dispatch.models import Assignment, Obligation, Submission
from dispatch.selectors import assignment_list
from dispatch.serializers import days_late
from dispatch.status import ACCEPTED, LATE, OVERDUE, RETURNED, SUBMITTED
from recipients.models import User
from registry.books.layouts import FOLLOW_UP_COLUMNS, day, document_heading
from registry.models import Document

REGISTER_TITLE = "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN"
SHEET_TITLE = "Theo dõi giải quyết"


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
        accepted = f"Đã tiếp nhận {day(office_date(row.accepted_at))}"
        return f"{accepted} (báo cáo trễ {late} ngày)" if late else accepted
    if row.status == RETURNED:
        reason = latest.review_reason.strip() if latest else ""
        return f"Trả lại để bổ sung: {reason}" if reason else "Trả lại để bổ sung"
    if row.status == SUBMITTED:
        return f"Đã báo cáo đúng hạn ngày {day(row.first_submitted_on)}"
    if row.status == LATE:
        return f"Báo cáo trễ {late} ngày ({day(row.first_submitted_on)})"
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


def _register_row(row: Any, today: datetime.date) -> list[Any]:
    submissions = list(row.submissions.all())
    latest = submissions[0] if submissions else None
    return [
        latest.incoming_document.arrival_number if latest else None,
        _document_cell(row.obligation),
        row.organization_name,
        row.due_on,
        progress(row, latest, today),
        latest.report_notation if latest else None,
        _remarks(row, latest),
    ]


def compliance_workbook(rows: Iterable[Any], *, title: str, organization_name: str, today: datetime.date) -> bytes:
    """The follow-up register of the given rows (see register_rows) as XLSX bytes."""
    workbook = Workbook(write_only=True)
    sheet = RegisterSheet(
        workbook,
        title=SHEET_TITLE,
        columns=FOLLOW_UP_COLUMNS,
        headings=[
            Heading(organization_name.upper(), bold=True),
            Heading(REGISTER_TITLE, size=14, bold=True),
            Heading(title, italic=True),
            Heading(f"Ngày lập: {day(today)}", size=11, italic=True),
        ],
    )
    for row in rows:
        sheet.append(_register_row(row, today))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
