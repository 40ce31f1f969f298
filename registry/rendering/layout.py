"""What a document prints, line by line, in the official layout (GUIDE.md §2–3).

`document_layout` turns a Document into a frozen DocumentLayout holding every
text exactly as printed (NFC). The PDF and the DOCX writers only place these
texts on the page, so both carry the same words. The words belong to the
document, not to the interface: they are Vietnamese whatever the reader's
language and are not translated.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from typing import Any

from registry.models import Confidentiality, DistributionEntry, Document, DocumentAddressee, DocumentStatus, Urgency
from registry.notation import PARTY, NotationError, format_symbol

DRAFT_MARK = "DỰ THẢO"
ADDRESSEE_LABEL = "Kính gửi:"
DISTRIBUTION_LABEL = "Nơi nhận:"
LETTER_SUBJECT_PREFIX = "V/v"
STATE_MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
PARTY_MOTTO = ("ĐẢNG CỘNG SẢN VIỆT NAM",)
PARTY_STAR = "*"
# Where the clerk writes the number or the day by hand on a draft.
BLANK = " " * 6
# Decree 30, Appendix I: the marks are printed in capitals, bold, in a box.
CONFIDENTIALITY_MARKS = {
    Confidentiality.CONFIDENTIAL: "MẬT",
    Confidentiality.SECRET: "TỐI MẬT",
    Confidentiality.TOP_SECRET: "TUYỆT MẬT",
}
URGENCY_MARKS = {Urgency.URGENT: "KHẨN", Urgency.VERY_URGENT: "THƯỢNG KHẨN", Urgency.FLASH: "HỎA TỐC"}
_LEADING_SUBJECT = re.compile(r"^(v/v|về việc)\s*:?\s*", re.IGNORECASE)
_LINE_END = ";,. "


@dataclass(frozen=True)
class Margins:
    """Page margins in millimetres."""

    top: float
    right: float
    bottom: float
    left: float


# GUIDE.md §3: State top 20–25, bottom 20–25, left 30–35, right 15–20; Party 20/20/30/15.
# The Party's margins are the State ranges' lower ends, so both systems print alike.
MARGINS = {
    "state": Margins(top=20, right=15, bottom=20, left=30),
    "party": Margins(top=20, right=15, bottom=20, left=30),
}


@dataclass(frozen=True)
class TypeSizes:
    """Font sizes in points, shared by the PDF and the DOCX (Decree 30,
    Appendix I; 36-HD/VPTW for the Party motto)."""

    body: float = 14
    header_state: float = 12
    header_party: float = 13
    number: float = 13
    letter_subject: float = 12
    motto_state: float = 12
    motto_state_line: float = 13
    motto_party: float = 15
    date: float = 14
    mark: float = 13
    title: float = 14
    distribution_label: float = 12
    distribution: float = 11
    signature: float = 14
    page_number: float = 13


SIZES = TypeSizes()


@dataclass(frozen=True)
class DocumentLayout:
    """Every text of one printed document, in reading order of its parts."""

    system: str
    margins: Margins
    draft_mark: str
    header_parent: str
    header_issuer: str
    party_star: str
    number_line: str
    letter_subject: str
    marks: tuple[str, ...]
    motto: tuple[str, ...]
    date_line: str
    title: str
    title_subject: str
    addressees: tuple[str, ...]
    body: tuple[str, ...]
    distribution: tuple[str, ...]
    signature_authority: tuple[str, ...]
    signer_title: str
    signer_name: str
    meta_title: str
    meta_author: str
    sizes: TypeSizes = field(default=SIZES)
    addressee_label: str = ADDRESSEE_LABEL
    distribution_label: str = DISTRIBUTION_LABEL

    @property
    def is_party(self) -> bool:
        return self.system == PARTY

    @property
    def header_size(self) -> float:
        """The issuer's lines: State 12 pt, so that “SỞ THÔNG TIN VÀ TRUYỀN THÔNG” fits its column; Party 13 pt."""
        return self.sizes.header_party if self.is_party else self.sizes.header_state

    @property
    def header_share(self) -> float:
        """The issuer's column's share of the text width; the motto takes the rest."""
        return 0.45 if self.is_party else 0.46

    def motto_lines(self) -> tuple[tuple[str, float, bool], ...]:
        """(text, size, underlined) of each motto line, all bold; the last is underlined."""
        sizes = (self.sizes.motto_party,) if self.is_party else (self.sizes.motto_state, self.sizes.motto_state_line)
        last = len(self.motto) - 1
        lines = enumerate(zip(self.motto, sizes, strict=True))
        return tuple((line, size, index == last) for index, (line, size) in lines)

    @property
    def addressee_inline(self) -> bool:
        """One addressee stands on the line of “Kính gửi:”; several are listed under it."""
        return len(self.addressees) == 1

    @property
    def addressee_line(self) -> str:
        """“Kính gửi: Sở Nội vụ.” for a single addressee."""
        return f"{self.addressee_label} {self.addressees[0]}" if self.addressee_inline else self.addressee_label

    def header_left(self) -> tuple[str, ...]:
        lines = (self.header_parent, self.header_issuer, self.party_star, self.number_line, self.letter_subject)
        return (*_present(lines), *self.marks)

    def header_right(self) -> tuple[str, ...]:
        return (*self.motto, self.date_line)

    def addressee_lines(self) -> tuple[str, ...]:
        if not self.addressees:
            return ()
        if self.addressee_inline:
            return (self.addressee_line,)
        return (self.addressee_label, *self.addressees)

    def distribution_lines(self) -> tuple[str, ...]:
        return (self.distribution_label, *self.distribution) if self.distribution else ()

    def signature_lines(self) -> tuple[str, ...]:
        return (*self.signature_authority, *_present((self.signer_title, self.signer_name)))

    def lines(self) -> tuple[str, ...]:
        """Every printed line in order: draft mark, header left then right,
        title, addressees, body, distribution, signature. A line may wrap on
        the page; the page number is not part of it."""
        return (
            *_present((self.draft_mark,)),
            *self.header_left(),
            *self.header_right(),
            *_present((self.title, self.title_subject)),
            *self.addressee_lines(),
            *self.body,
            *self.distribution_lines(),
            *self.signature_lines(),
        )


def _present(lines: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(line for line in lines if line)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def printed_date(day: datetime.date) -> str:
    """“ngày 05 tháng 01 năm 2020”, “ngày 03 tháng 8 năm 2021”: days below 10
    and the months 1 and 2 take a leading zero, other months do not."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_line(*, place: str, day: datetime.date | None, year: int) -> str:
    """“Kiên Giang, ngày 27 tháng 12 năm 2021”; without a date (a draft), the
    day and month are left blank for the clerk: “Kiên Giang, ngày … tháng … năm 2025”."""
    text = printed_date(day) if day is not None else f"ngày{BLANK}tháng{BLANK}năm {year}"
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def number_line(document: Document) -> str:
    """“Số 375-CV/BTGTU” (Party, no colon), “Số: 1163/STTTT-TTBCBC” (State).
    Without a number (a draft) the notation is printed with a blank for it:
    “Số:      /STTTT-TTBCBC”, “Số      -CV/BTGTU”."""
    prefix = "Số" if document.system == PARTY else "Số:"
    if document.notation:
        return f"{prefix} {document.notation}"
    is_letter = document.doc_type.is_letter
    unit = document.drafting_unit if document.system != PARTY and is_letter else ""
    try:
        symbol = format_symbol(
            system=document.system,
            type_abbr=document.type_abbreviation,
            issuer=document.issuer_abbreviation,
            unit=unit,
        )
    except NotationError:
        return f"{prefix}{BLANK}"
    separator = "-" if document.system == PARTY else "/"
    return f"{prefix}{BLANK}{separator}{symbol}"


def _letter_subject(subject: str) -> str:
    return f"{LETTER_SUBJECT_PREFIX} {_LEADING_SUBJECT.sub('', subject)}"


def _listed(texts: list[str]) -> tuple[str, ...]:
    """“- A;” … “- Z.”: each entry of a list starts with a dash and ends with
    a semicolon, the last with a full stop."""
    cleaned = [text.strip().rstrip(_LINE_END) for text in texts]
    last = len(cleaned) - 1
    return tuple(f"- {text}{'.' if index == last else ';'}" for index, text in enumerate(cleaned))


def _addressees(rows: list[DocumentAddressee]) -> tuple[str, ...]:
    texts = [row.text for row in rows]
    if len(texts) == 1:
        return (texts[0].strip().rstrip(_LINE_END) + ".",)
    return _listed(texts)


def _distribution(rows: list[DistributionEntry]) -> tuple[str, ...]:
    return _listed([row.printed for row in rows])


def document_layout(*, document: Document, today: datetime.date) -> DocumentLayout:
    """The layout of `document`. `today` gives the year printed on a draft's
    blank date line; nothing else depends on it. Reads the document's type,
    addressees and distribution (prefetch them for many documents)."""
    system = document.system
    is_party = system == PARTY
    is_draft = document.status == DocumentStatus.DRAFT
    is_letter = document.doc_type.is_letter
    subject = " ".join(document.subject.split())
    authority = tuple(part.strip() for part in document.signer_authority.split(" / ") if part.strip())
    meta_title = f"{document.notation} – {subject}" if document.notation else subject
    layout = DocumentLayout(
        system=system,
        margins=MARGINS.get(system, MARGINS["state"]),
        draft_mark=DRAFT_MARK if is_draft else "",
        header_parent=document.issuer_header_parent,
        header_issuer=document.issuer_header_name or document.issuer_name.upper(),
        party_star=PARTY_STAR if is_party else "",
        number_line=number_line(document),
        letter_subject=_letter_subject(subject) if is_letter else "",
        marks=tuple(
            mark
            for mark in (
                CONFIDENTIALITY_MARKS.get(Confidentiality(document.confidentiality)),
                URGENCY_MARKS.get(Urgency(document.urgency)),
            )
            if mark
        ),
        motto=PARTY_MOTTO if is_party else STATE_MOTTO,
        date_line=date_line(place=document.place, day=document.issued_on, year=today.year),
        title="" if is_letter else document.doc_type.name_for(system).upper(),
        title_subject="" if is_letter else subject,
        addressees=_addressees(list(document.addressees.all())),
        body=tuple(" ".join(line.split()) for line in document.body.splitlines() if line.strip()),
        distribution=_distribution(list(document.distribution.all())),
        signature_authority=authority,
        signer_title=document.signer_title.strip(),
        signer_name=document.signer_name.strip(),
        meta_title=meta_title,
        meta_author=document.issuer_name,
    )
    return _normalized(layout)


def _normalized(layout: DocumentLayout) -> DocumentLayout:
    """The same layout with every text in NFC."""
    changes: dict[str, Any] = {}
    for item in fields(layout):
        value = getattr(layout, item.name)
        if isinstance(value, str):
            changes[item.name] = nfc(value)
        elif isinstance(value, tuple):
            changes[item.name] = tuple(nfc(text) for text in value)
    return replace(layout, **changes)
