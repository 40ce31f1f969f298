"""The register books of Decree 30's Appendix IV (GUIDE.md §4), column by column.

A book is printed and filed, so it keeps the form's own title and column
names, in Vietnamese whatever language the reader's browser asks for, and
one row per document:

- outgoing (sổ đăng ký văn bản đi): every issued document, dispatched and
  withdrawn ones included (a withdrawal is noted in Ghi chú);
- incoming (sổ đăng ký văn bản đến): every registered arrival;
- follow-up (sổ theo dõi giải quyết văn bản đến): the arrivals again, with
  who handles them, by when, how far they got, and the notations of the
  replies (documents of the register's owner that answer them).

Each row function reads the document's columns that registry.books.selectors
loads for its book, and the lines (addressees, “Nơi nhận”, replies) it reads
per chunk of rows into BookLines.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.time import office_date
from core.xlsx import Column
from registry.models import DistributionKind, Document, DocumentStatus


class BookKind(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing register (sổ đăng ký văn bản đi)")
    INCOMING = "incoming", _("Incoming register (sổ đăng ký văn bản đến)")
    FOLLOW_UP = "follow_up", _("Follow-up register (sổ theo dõi giải quyết văn bản đến)")


OUTGOING_COLUMNS = (
    Column("Số, ký hiệu", 14, centred=True),
    Column("Ngày tháng", 11),
    Column("Tên loại và trích yếu nội dung", 40),
    Column("Người ký", 16),
    Column("Nơi nhận", 28),
    Column("Đơn vị, người nhận bản lưu", 14),
    Column("Số lượng bản", 8, centred=True),
    Column("Ngày chuyển", 11),
    Column("Ký nhận", 12),
    Column("Ghi chú", 16),
)
INCOMING_COLUMNS = (
    Column("Ngày đến", 11),
    Column("Số đến", 8, centred=True),
    Column("Tác giả", 24),
    Column("Số, ký hiệu", 14, centred=True),
    Column("Ngày tháng", 11),
    Column("Tên loại và trích yếu", 40),
    Column("Đơn vị hoặc người nhận", 18),
    Column("Ngày chuyển", 11),
    Column("Ký nhận", 12),
    Column("Ghi chú", 16),
)
# Also the layout of dispatch's follow-up register of reporting obligations.
FOLLOW_UP_COLUMNS = (
    Column("Số đến", 8, centred=True),
    Column("Tên loại, số, ký hiệu, ngày tháng và trích yếu văn bản", 44),
    Column("Đơn vị hoặc người xử lý", 24),
    Column("Thời hạn giải quyết", 12, centred=True),
    Column("Tiến độ giải quyết", 28),
    Column("Số, ký hiệu văn bản trả lời", 16, centred=True),
    Column("Ghi chú", 18),
)

# “Lưu: VT, TTBCBC”, “Lưu VPTU”: the file-copy line of “Nơi nhận” names its keepers after “Lưu”.
FILE_COPY_PREFIX = re.compile(r"^lưu\b\s*:?\s*", re.IGNORECASE)
# What “Nơi nhận” lists besides the addressees: not “Như trên” (they are the addressees), not the file copy.
NOT_RECIPIENTS = {DistributionKind.AS_ABOVE, DistributionKind.FILE_COPY}


def day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def subject_line(document: Document) -> str:
    """The trích yếu as printed: a letter's (công văn) with “V/v” before it."""
    if document.doc_type.is_letter and not document.subject.lower().startswith("v/v"):
        return f"V/v {document.subject}"
    return document.subject


def document_heading(document: Document) -> str:
    """“Kế hoạch số 95-KH/TU ngày 28/04/2023”: type name, number and date, as a register cites a document."""
    parts = [document.doc_type.name_for(document.system)]
    if document.notation:
        parts.append(f"số {document.notation}")
    if document.issued_on:
        parts.append(f"ngày {day(document.issued_on)}")
    return " ".join(parts)


def remarks(document: Document) -> str:
    """Ghi chú: a withdrawal (thu hồi) with its date and reason, then the clerk's note."""
    lines = []
    if document.status == DocumentStatus.WITHDRAWN:
        withdrawn = "Đã thu hồi"
        if document.withdrawn_at is not None:
            withdrawn += f" ngày {day(office_date(document.withdrawn_at))}"
        reason = document.withdrawal_reason.strip()
        lines.append(f"{withdrawn}: {reason}" if reason else withdrawn)
    if document.note:
        lines.append(document.note)
    return "\n".join(lines)


@dataclass(frozen=True)
class Distribution:
    """One line of “Nơi nhận”."""

    kind: str
    text: str
    purpose: str

    @property
    def printed(self) -> str:
        return f"{self.text} ({self.purpose})" if self.purpose else self.text


@dataclass(frozen=True)
class BookLines:
    """A document's lines a book shows, in order: its addressees (Kính gửi) and
    “Nơi nhận” for the outgoing book, the notations of its replies for the follow-up book."""

    addressees: list[str] = field(default_factory=list)
    distribution: list[Distribution] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)


def recipients(lines: BookLines) -> str:
    """Nơi nhận: the addressees (Kính gửi), then the other lines of “Nơi nhận” with their purposes, once each."""
    printed = [*lines.addressees, *(entry.printed for entry in lines.distribution if entry.kind not in NOT_RECIPIENTS)]
    return "\n".join(dict.fromkeys(printed))


def file_copy_keepers(document: Document, lines: BookLines) -> str:
    """Đơn vị, người nhận bản lưu: as recorded, else who the “Lưu” line of “Nơi nhận” names."""
    if document.file_copy_holder:
        return document.file_copy_holder
    return "; ".join(
        FILE_COPY_PREFIX.sub("", entry.text) for entry in lines.distribution if entry.kind == DistributionKind.FILE_COPY
    )


def type_and_subject(document: Document) -> str:
    return f"{document.doc_type.name_for(document.system)}\n{subject_line(document)}"


def outgoing_row(document: Document, lines: BookLines) -> list[Any]:
    return [
        document.notation,
        document.issued_on,
        type_and_subject(document),
        document.signer_name,
        recipients(lines),
        file_copy_keepers(document, lines),
        document.copies,
        document.transferred_on,
        document.receipt_signature,
        remarks(document),
    ]


def incoming_row(document: Document, lines: BookLines) -> list[Any]:
    return [
        office_date(document.received_at) if document.received_at else None,
        document.arrival_number,
        document.issuer_name,
        document.notation,
        document.issued_on,
        type_and_subject(document),
        document.handling_unit,
        document.transferred_on,
        document.receipt_signature,
        remarks(document),
    ]


def follow_up_row(document: Document, lines: BookLines) -> list[Any]:
    """Số, ký hiệu văn bản trả lời lists the replies to the document and to the original it is a copy of."""
    return [
        document.arrival_number,
        f"{document_heading(document)}\n{subject_line(document)}",
        document.handling_unit,
        document.handling_deadline,
        document.handling_progress,
        "\n".join(lines.replies),
        remarks(document),
    ]


@dataclass(frozen=True)
class Layout:
    """A book's form: its title, sheet name, file name stem, columns and how a document fills a row."""

    title: str
    sheet_title: str
    slug: str
    columns: tuple[Column, ...]
    row: Callable[[Document, BookLines], list[Any]]


LAYOUTS: dict[str, Layout] = {
    BookKind.OUTGOING: Layout("SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Văn bản đi", "so-van-ban-di", OUTGOING_COLUMNS, outgoing_row),
    BookKind.INCOMING: Layout(
        "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", "Văn bản đến", "so-van-ban-den", INCOMING_COLUMNS, incoming_row
    ),
    BookKind.FOLLOW_UP: Layout(
        "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
        "Theo dõi giải quyết",
        "so-theo-doi-giai-quyet",
        FOLLOW_UP_COLUMNS,
        follow_up_row,
    ),
}
