"""The lists after "Kính gửi:" (addressees) and "Nơi nhận:" (distribution).

Entries start with a dash (or plus, bullet) and end with ";", "," or "."; the last one with
".". An entry printed over several lines continues while it has not ended: text extraction
often puts blank lines inside an entry and indents its wrapped part:

    - Cơ quan Thường trực Ban Tuyên giáo Trung ương

      (tại Tp.HCM),

Lists without dashes have one entry per line, each ending with ";" or ",". A list ends at a
recognized part (a date line, an authority label, an upper-case title ...), or at text that
neither starts nor continues an entry: the body, or the signer's name. Recognized parts in
another column of the list's lines (the signature block beside "Nơi nhận") are left for
their own reader.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from registry.intake.lines import BODY_START, LIST_MARKER, Cell, Kind, collapse, strip_end

_MAX_LINE = 150  # longer lines are body paragraphs, not list entries or their wrapped parts
_ENTRY_END = (";", ",", ".")


def clean_entry(text: str) -> str:
    """An entry as the intake format gives it: no leading dash, no trailing ";", "," or "."."""
    return strip_end(collapse(LIST_MARKER.sub("", text, count=1)))


def _continues(entry: list[str], cell: Cell, after_blank: bool) -> bool:
    """Whether a line carries on an entry rather than starting what follows it: the entry has
    not ended, or ended with a comma before a lower-case word ("các huyện," / "thành phố."); a
    bracket ("(tại Tp.HCM)") never starts anything, so it goes with the entry above."""
    text, end = cell.text, entry[-1].rstrip()[-1:]
    if cell.kind not in (Kind.TEXT, Kind.NAME) or len(text) > _MAX_LINE or BODY_START.match(text):
        return False
    if text[0] == "(":
        return True
    if end == ",":
        return text[0].islower()
    return end not in _ENTRY_END and (cell.indented or text[0].islower() or not after_blank)


def _starts_plain_entry(cell: Cell, entries: Sequence[list[str]], dashed: bool) -> bool:
    """One entry per line without dashes: the first line, or one after an entry ended by ";"/","."""
    if dashed or cell.kind is not Kind.TEXT or len(cell.text) > _MAX_LINE or BODY_START.match(cell.text):
        return False
    return not entries or entries[-1][-1].rstrip().endswith((";", ","))


@dataclass
class ListReading:
    """A list's entries; ``end`` is the index of the first cell after it, ``beside`` the
    indexes of the other column's cells printed on the list's lines, left for their reader."""

    entries: list[str]
    end: int
    beside: list[int] = field(default_factory=list)


def read_list(cells: Sequence[Cell], start: int, first: str = "") -> ListReading:
    """The list whose label precedes cells[start]; ``first`` is any text after the label on
    its line."""
    entries: list[list[str]] = [[first]] if first else []  # each entry as its lines
    beside: list[int] = []
    dashed = bool(LIST_MARKER.match(first))
    after_blank = False
    index = start
    while index < len(cells):
        cell = cells[index]
        if cell.kind is Kind.BLANK:
            after_blank = True
            index += 1
            continue
        if cell.column > 0 and cell.kind is not Kind.TEXT:
            beside.append(index)  # "- Như trên;      KT. CHỦ TỊCH": the signature's column
            index += 1
            continue
        if cell.kind is Kind.TEXT and LIST_MARKER.match(cell.text):
            entries.append([cell.text])
            dashed = True
        elif entries and _continues(entries[-1], cell, after_blank):
            entries[-1].append(cell.text)
        elif _starts_plain_entry(cell, entries, dashed):
            entries.append([cell.text])
        else:
            break
        after_blank = False
        index += 1
    cleaned = (clean_entry(" ".join(lines)) for lines in entries)
    return ListReading([entry for entry in cleaned if entry], index, beside)
