"""The header of a document: issuer, number and notation, marks, place and date, subject,
and the "Kính gửi" addressees.

The header is read cell by cell until the body starts. Because text extraction scrambles the
two columns, the parts may come in any order; what tells them apart is their shape
(lines.classify) and a few rules of position:

- the issuing body is the upper-case lines before the number line and the type title;
- a "V/v ..." or "Về việc ..." line starts the subject of a letter (công văn); a Party letter
  may print its subject without "V/v" in the short lines right under its number; other types
  print a title ("KẾ HOẠCH", "CHƯƠNG TRÌNH HÀNH ĐỘNG") with the subject under it, and the line
  right under the title is the subject even when it reads like the body ("Thực hiện Nghị quyết
  số 41-NQ/TW ..."), unless it ends a sentence;
- the subject goes on over the following short lines until a blank line, a separator, a
  recognized part, or a line that opens the body ("Thực hiện ...", "Căn cứ ..."); a long line is
  a body paragraph printed without a blank line before it;
- a number line flattened together with the date ("Số: 05/CT-UBND Bạc Liêu, ngày 18 tháng 3
  năm 2024") gives both; a draft's "DỰ THẢO" mark names no body;
- the body starts at the first text that is neither header nor subject nor addressee.
"""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from registry.intake.dates import DateProblem, make_date
from registry.intake.lines import (
    ADDRESSEES_LABEL,
    BODY_START,
    CONFIDENTIALITY_MARKS,
    NUMBER_LINE,
    PARTY_MOTTO,
    PLACE_DATE,
    URGENCY_MARKS,
    Cell,
    Kind,
    collapse,
    read_marks,
    type_code,
)
from registry.intake.lists import read_list
from registry.notation import PARTY, STATE, NotationError, parse_notation, parse_symbol

# "V/v", "V/v:", "Về việc": the subject's label, dropped from the subject.
SUBJECT_LABEL = re.compile(r"^(?:v/v|về\s+việc)\b\s*(?::\s*)?", re.IGNORECASE)
_MAX_LETTER_SUBJECT_LINE = 120  # a Party letter's unlabelled subject is printed in a narrow column
_MAX_SUBJECT_LINES = 8
_MAX_TITLED_SUBJECT_LINE = 300  # a subject under a title is one paragraph; a longer one is the body
_MAX_ISSUER_LINES = 8  # a parent and its body, each printed over a few lines
_DIGITS = re.compile(r"[0-9]+")
# Party "Quy định" is abbreviated QĐi; its DocumentType code is QyĐ (the State abbreviation).
_CODE_OF_ABBREVIATION = {"QĐi": "QyĐ"}
# An upper-case line that continues the name above rather than naming another body: a
# locality ("ỦY BAN NHÂN DÂN" / "TỈNH SÓC TRĂNG"; but "HUYỆN ỦY ..." is a body), "VÀ ...",
# "TRUNG ƯƠNG", "NHÂN DÂN". Any other line names a body ("UBND TỈNH KIÊN GIANG" / "SỞ ...").
_CONTINUATION = re.compile(
    r"^(?:(?:TỈNH|HUYỆN|THÀNH\s+PHỐ|TP\.?|QUẬN|THỊ\s+XÃ|XÃ|PHƯỜNG|THỊ\s+TRẤN)(?!\s+[ỦU]Y\b)|VÀ\b|&|TRUNG\s+ƯƠNG"
    r"|NHÂN\s+DÂN)"
)
# A line ending so ("SỞ LAO ĐỘNG -", "... VÀ") is wrapped: the next line goes on with it.
_OPEN_END = (" VÀ", ",", "-", "&")


@dataclass
class HeaderReading:
    """What the header says; ``body_start`` is the index of the body's first cell."""

    issuer_name: str | None = None
    issuer_parent: str | None = None
    system: str | None = None
    number: int | None = None
    symbol: str | None = None
    notation: str | None = None
    doc_type: str | None = None
    urgency: str | None = None
    confidentiality: str | None = None
    place: str | None = None
    issued_on: datetime.date | None = None
    subject: str | None = None
    addressees: list[str] = field(default_factory=list)
    body_start: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Scan:
    """The cells the header loop picked out, before they are read."""

    issuer_lines: list[str] = field(default_factory=list)
    subject_lines: list[str] = field(default_factory=list)
    subject_open: bool = False
    after_title: bool = False  # the last cell read was the type's title ("KẾ HOẠCH")
    number: str | None = None
    title_code: str | None = None
    date: str | None = None
    mottos: set[str] = field(default_factory=set)
    marks: list[str] = field(default_factory=list)
    addressees: list[str] | None = None


def _issuer(lines: Sequence[str]) -> tuple[str | None, str | None]:
    """(name, parent): bodies are joined from their lines; the last one issues, the one above
    it is its parent."""
    bodies: list[str] = []
    for line in map(collapse, lines):
        if bodies and (bodies[-1].endswith(_OPEN_END) or _CONTINUATION.match(line)):
            bodies[-1] = f"{bodies[-1]} {line}"
        else:
            bodies.append(line)
    if not bodies:
        return None, None
    return bodies[-1], bodies[-2] if len(bodies) > 1 else None


def _type_of(type_abbr: str, system: str) -> str:
    if system == STATE and not type_abbr:
        return "CV"  # a State công văn has no type abbreviation
    return _CODE_OF_ABBREVIATION.get(type_abbr, type_abbr)


def _read_number(text: str, reading: HeaderReading) -> None:
    """Number, symbol, notation, type and the system its shape tells, from "Số ..."."""
    match = NUMBER_LINE.match(text)
    if match is None:
        return
    number, separator, symbol = match.group("number") or "", match.group("separator"), match.group("symbol")
    reading.symbol = symbol
    if not _DIGITS.fullmatch(number):
        what = f"a placeholder ({number})" if number else "left blank"
        reading.warnings.append(f"the number is {what}: this is an unnumbered draft")
        try:
            system, type_abbr, *_rest = parse_symbol(symbol)
        except NotationError:
            reading.warnings.append(f"the symbol “{symbol}” is not a State or Party notation")
            return
        reading.system, reading.doc_type = system, _type_of(type_abbr, system)
        return
    printed = f"{number}{separator}{symbol}"
    reading.notation = printed
    try:
        notation = parse_notation(printed)
    except NotationError:
        reading.warnings.append(f"the notation “{printed}” is not a State or Party notation")
        reading.number = int(number) if len(number) <= 6 else None
        return
    reading.number = notation.number
    reading.system, reading.doc_type = notation.system, _type_of(notation.type_abbr, notation.system)


def _read_date(text: str, reading: HeaderReading) -> None:
    match = PLACE_DATE.match(text)
    if match is None:
        return
    reading.place = collapse(match.group("place") or "") or None
    parts = [_DIGITS.findall(match.group(name)) for name in ("day", "month", "year")]
    if not all(len(part) == 1 for part in parts):
        reading.warnings.append(f"the date of issue is left blank or unreadable: “{collapse(text)}”")
        return
    day, month, year = (int(part[0]) for part in parts)
    try:
        reading.issued_on = make_date(year, month, day, collapse(text))
    except DateProblem as problem:
        reading.warnings.append(f"the date of issue {problem}")


def _read_system(scan: _Scan, reading: HeaderReading) -> None:
    """The motto tells the system; without one, the notation's shape (already in reading)."""
    shape = reading.system
    if len(scan.mottos) == 1:
        reading.system = next(iter(scan.mottos))
        if shape is not None and shape != reading.system:
            reading.warnings.append(
                f"the motto is that of a {reading.system} document but the notation is written the {shape} way"
            )
    elif len(scan.mottos) > 1 and shape is None:
        reading.warnings.append("the header carries both the State and the Party motto")
    if reading.system is None:
        reading.warnings.append("could not tell a State from a Party document: no motto and no notation")


def _opens_subject(cell: Cell, scan: _Scan, *, after_title: bool) -> bool:
    """Whether a text cell in the header starts the subject (``after_title``: it is the line
    right under the type's title)."""
    if scan.subject_lines or scan.addressees is not None:
        return False
    if SUBJECT_LABEL.match(cell.text):
        return True
    if after_title and len(cell.text) <= _MAX_TITLED_SUBJECT_LINE and not cell.text.endswith((":", ".")):
        return True  # right under "KẾ HOẠCH": "Thực hiện Nghị quyết số 41-NQ/TW ..." is its subject
    if BODY_START.match(cell.text):
        return False
    if scan.title_code is not None:
        return True
    return scan.number is not None and len(cell.text) <= _MAX_LETTER_SUBJECT_LINE


def _continues_subject(cell: Cell, scan: _Scan) -> bool:
    """A subject printed over several lines goes on with short lines (a long one is a body
    paragraph that follows without a blank line) that do not open the body."""
    last = scan.subject_lines[-1].rstrip()
    return (
        cell.kind in (Kind.TEXT, Kind.NAME)
        and len(scan.subject_lines) < _MAX_SUBJECT_LINES
        and len(cell.text) <= _MAX_LETTER_SUBJECT_LINE
        and not BODY_START.match(cell.text)
        and not last.endswith((".", ":", ";"))
    )


def _take(cell: Cell, scan: _Scan) -> bool:
    """Records a header cell; False when the cell is no part of the header (the body starts)."""
    kind, text = cell.kind, cell.text
    after_title = scan.after_title
    if kind is not Kind.BLANK:
        scan.after_title = False
    if kind is Kind.MOTTO:
        scan.mottos.add(PARTY if PARTY_MOTTO.search(text) else STATE)
    elif kind is Kind.PLACE_DATE:
        scan.date = scan.date or text
    elif kind is Kind.NUMBER:
        scan.number = scan.number or text
        number = NUMBER_LINE.match(text)
        rest = number.group("rest").strip() if number is not None else ""
        if SUBJECT_LABEL.match(rest):
            scan.subject_lines, scan.subject_open = [rest], True
        elif PLACE_DATE.match(rest):  # "Số: 05/CT-UBND Bạc Liêu, ngày 18 tháng 3 năm 2024", flattened
            scan.date = scan.date or rest
    elif kind is Kind.MARK:
        scan.marks.extend(read_marks(text) or [])
    elif kind is Kind.TYPE_NAME and scan.title_code is None and not scan.subject_lines:
        scan.title_code, scan.after_title = type_code(text), True
    elif kind in (Kind.UPPER, Kind.TYPE_NAME):
        if scan.number or scan.title_code or scan.subject_lines or scan.addressees is not None:
            return False  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" before a decision's preamble
        if len(scan.issuer_lines) < _MAX_ISSUER_LINES:
            scan.issuer_lines.append(text)
    elif kind in (Kind.TEXT, Kind.NAME):
        if not _opens_subject(cell, scan, after_title=after_title):
            return False
        scan.subject_lines, scan.subject_open = [text], True
    elif kind not in (Kind.BLANK, Kind.SEPARATOR, Kind.DRAFT):
        return False  # "Nơi nhận", an authority label: there is no body
    return True


def _scan(cells: Sequence[Cell]) -> tuple[_Scan, int]:
    scan = _Scan()
    index = 0
    while index < len(cells):
        cell = cells[index]
        if scan.subject_open:
            if _continues_subject(cell, scan):
                scan.subject_lines.append(cell.text)
                index += 1
                continue
            scan.subject_open = False
        if cell.kind is Kind.ADDRESSEES and scan.addressees is None:
            label = ADDRESSEES_LABEL.match(cell.text)
            listed = read_list(cells, index + 1, label.group("rest") if label else "")
            scan.addressees, index = listed.entries, listed.end
            for beside in listed.beside:
                _take(cells[beside], scan)
            continue
        if not _take(cell, scan):
            break
        index += 1
    return scan, index


def read_header(cells: Sequence[Cell]) -> HeaderReading:
    """Reads the header from the first cells; ``body_start`` tells where it ends."""
    scan, body_start = _scan(cells)
    reading = HeaderReading(body_start=body_start, addressees=scan.addressees or [])
    reading.issuer_name, reading.issuer_parent = _issuer(scan.issuer_lines)
    if scan.number:
        _read_number(scan.number, reading)
    if reading.doc_type is None:
        reading.doc_type = scan.title_code
    elif scan.title_code and scan.title_code != reading.doc_type:
        reading.warnings.append(f"the notation gives the type {reading.doc_type} but the title gives {scan.title_code}")
    _read_system(scan, reading)
    if scan.date:
        _read_date(scan.date, reading)
    if scan.subject_lines:
        reading.subject = SUBJECT_LABEL.sub("", collapse(" ".join(scan.subject_lines)), count=1) or None
        if reading.doc_type is None and SUBJECT_LABEL.match(scan.subject_lines[0]):
            reading.doc_type = "CV"  # only letters carry their subject as "V/v ..."
    reading.urgency = next((mark for mark in scan.marks if mark in URGENCY_MARKS.values()), None)
    reading.confidentiality = next((mark for mark in scan.marks if mark in CONFIDENTIALITY_MARKS.values()), None)
    for missing, message in (
        (reading.issuer_name, "no issuing body was found at the top of the document"),
        (scan.number, "no number line (Số ...) was found"),
        (scan.date, "no place and date line (..., ngày ... tháng ... năm ...) was found"),
        (reading.subject, "no subject (trích yếu) was found"),
    ):
        if not missing:
            reading.warnings.append(message)
    return reading
