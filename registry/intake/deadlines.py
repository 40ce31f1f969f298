"""Deadlines a document states: the dates by which its addressees must do something.

The phrasings (CONTRACT "Finer rules"), matched in any case:

- ``before``: "trước ngày X", "trước 16 giờ ngày X" (the day itself is already late);
- ``by``: "chậm nhất ngày X" (also "chậm nhất là/vào/đến hết ngày X", "chậm nhất 16 giờ ngày
  X"), "hoàn thành trước ngày X", "trong ngày X" (the day itself is still on time);
- ``during``: "trong tháng 10/2023": by the month's last day.

Other dates are not deadlines: meeting dates ("vào ngày", "lúc 8 giờ ngày"; "trong ngày X" in
a sentence about a meeting), reporting periods ("từ ngày X đến ngày Y", whose end is not a
deadline either) and effective dates ("có hiệu lực từ ngày X").

Each deadline carries the text that says what is due: the clause around the phrase (cut at
";" and at sentence ends). A clause that only gives the time ("Thời gian: Trong tháng
12/2023", under a list entry) is prefixed with its list entry and the gist of the entries
before it, so that "Cấp tỉnh: Tổ chức Hội nghị tổng kết. Thời gian: Trong tháng 12/2023" says
who must do what.
"""

import bisect
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from registry.intake.dates import DAY_TEXT, MONTH_TEXT, DateProblem, month_end, read_day
from registry.intake.lines import clean_lines, collapse, strip_end, unwrap
from registry.intake.result import IntakeDeadline

BEFORE = "before"
BY = "by"
DURING = "during"


@dataclass(frozen=True)
class Deadline:
    """A stated deadline: ``date`` as written (a month's last day for ``during``)."""

    date: datetime.date
    kind: str
    text: str

    @property
    def due_on(self) -> datetime.date:
        """The last day something is still on time: "trước ngày 01/12/2023" → 30/11/2023."""
        return self.date - datetime.timedelta(days=1) if self.kind == BEFORE else self.date

    def as_dict(self) -> IntakeDeadline:
        """The deadline as the intake format writes it."""
        return {"date": self.date.isoformat(), "kind": self.kind, "text": self.text}


# "16 giờ", "16 giờ 30 phút", "16h", "16h00", "16g30", optionally followed by a comma.
_TIME = r"\d{1,2}\s*(?:giờ|h|g)(?:\s*\d{1,2}(?:\s*phút)?)?\s*(?:,\s*)?"
# A weekday before the date: "thứ Sáu, ngày 20/3/2024", "thứ 6 ngày ...", "chủ nhật, ngày ...".
_WEEKDAY = r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)\s*(?:,\s*)?"
_ON_DAY = rf"(?:{_TIME})?(?:{_WEEKDAY})?ngày\s*"  # "ngày15/6/2024" misses its space

# One alternative per phrasing, each naming the group of its date; alternatives are tried at
# each position in this order, so "hoàn thành trước ngày" wins over the "trước ngày" inside it.
_PHRASINGS: tuple[tuple[str, str, str], ...] = (
    ("completed", BY, rf"hoàn\s+(?:thành|tất)\s+trước\s+{_ON_DAY}(?P<completed>{DAY_TEXT})"),
    (
        "latest",
        BY,
        rf"chậm\s+nhất\s*(?::\s*)?(?:(?:là|vào|đến|hết|trong|lúc)\s+){{0,3}}{_ON_DAY}(?P<latest>{DAY_TEXT})",
    ),
    ("within_day", BY, rf"trong\s+(?:{_WEEKDAY})?ngày\s*(?P<within_day>{DAY_TEXT})"),
    ("before", BEFORE, rf"trước\s+{_ON_DAY}(?P<before>{DAY_TEXT})"),
    ("month", DURING, rf"trong\s+tháng\s+(?P<month>{MONTH_TEXT})"),
)
_PHRASE = re.compile(
    r"(?<!\w)(?:" + "|".join(f"(?:{pattern})" for _name, _kind, pattern in _PHRASINGS) + ")", re.IGNORECASE
)

# A clause that only gives the time: "Thời gian: ...", "Thời hạn báo cáo: ...", "Hạn chót: ...".
_TIME_LABEL = re.compile(r"^(?:thời\s+gian|thời\s+hạn|hạn\s+chót|hạn)(?:\s+[^\W\d_]+){0,3}\s*:", re.IGNORECASE)
# The end of a period opened by "từ ngày/tháng ..." just before the phrase ("... đến trước ngày X").
_PERIOD_OPEN = re.compile(r"\btừ\s+(?:ngày|tháng)\b", re.IGNORECASE)
_PERIOD_CLOSE = re.compile(r"\bđến\s+(?:hết\s+)?$", re.IGNORECASE)
_PERIOD_REACH = 120  # characters before a phrase searched for the "từ ngày" of its period
# "trong ngày X" about a meeting, not a task: meeting words without words of sending or doing.
_MEETING = re.compile(r"\b(?:họp|hội\s+nghị|hội\s+thảo|tập\s+huấn|tọa\s+đàm|buổi\s+làm\s+việc|khai\s+mạc)\b", re.I)
_TASK = re.compile(r"\b(?:gửi|gởi|nộp|báo\s+cáo|hoàn\s+thành|đăng\s+ký)\b", re.IGNORECASE)

# List markers and their depth: "I." 0, "1." 1, "1.1." 2, "a)" 4, "-" 5, "+" 6.
_ROMAN = re.compile(r"^[IVXLC]+[.)]\s")
_ARABIC = re.compile(r"^(?P<numbers>\d+(?:\.\d+)*)(?:[.)]\s|\s)")
_LETTER = re.compile(r"^[a-zđ][.)]\s")
_DASH = re.compile(r"^[-–—•·▪◦*]\s*")
_PLUS = re.compile(r"^\+\s*")
_ANY_MARKER = re.compile(r"^(?:[IVXLC]+[.)]|\d+(?:\.\d+)*[.)]?|[a-zđ][.)]|[-–—•·▪◦*+])\s+|^[-–—•·▪◦+]")
_HEADING_LEVEL = 4  # at most this deep a marker starts a section rather than a list entry
_LOOKBACK = 20  # lines searched for a time label's list entry
_MAX_SIBLINGS = 3
_GIST_WORDS = 10
# Where the gist of a long entry stops: a number, or punctuation that opens a detail.
_GIST_END = re.compile(r"\s\d|[,;:(]")
# Where a clause ends: at ";", and at ".", "!" or "?" that end the line or come before a
# capital letter (checked in code), so that "Tp.HCM", "15.3.2024" or "19.100" end none.
_CLAUSE_END = re.compile(r";|[.!?](?=\s*$|\s+(?P<next>[^\W\d_]))")
# How far a deadline's text reaches around its phrase within a long clause.
_REACH_BEFORE = 300
_REACH_AFTER = 200
_ENTRY_REACH = 400  # characters of a list entry read for its gist


def _level(line: str) -> int | None:
    """How deep a line's list marker is; None for a plain paragraph."""
    if _ROMAN.match(line):
        return 0
    arabic = _ARABIC.match(line)
    if arabic and ("." in arabic.group("numbers") or arabic.group().rstrip()[-1] in ".)"):
        return arabic.group("numbers").count(".") + 1
    if _LETTER.match(line):
        return 4
    if _PLUS.match(line):
        return 6
    return 5 if _DASH.match(line) else None


def _unmarked(text: str) -> str:
    return collapse(_ANY_MARKER.sub("", text.strip(), count=1))


class _Line:
    """A line of the text, with where its clauses end, found once for all its phrases."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ends = [
            match.start()
            for match in _CLAUSE_END.finditer(text)
            if match.group() == ";" or not match.group("next") or match.group("next").isupper()
        ]

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """The clause around text[start:end], from the previous clause end to the next one, but
        no further than a few sentences' length from the phrase."""
        before = bisect.bisect_left(self.ends, start)
        after = bisect.bisect_left(self.ends, end)
        left = self.ends[before - 1] + 1 if before else 0
        right = self.ends[after] if after < len(self.ends) else len(self.text)
        if start - left > _REACH_BEFORE:  # cut at a space, not inside a word
            space = self.text.find(" ", start - _REACH_BEFORE, start)
            left = space + 1 if space != -1 else start - _REACH_BEFORE
        if right - end > _REACH_AFTER:
            space = self.text.rfind(" ", end, end + _REACH_AFTER)
            right = space if space != -1 else end + _REACH_AFTER
        return left, right


def _gist(entry: str) -> str:
    """The lead words of a list entry, as a short sentence: "Tổ chức Hội nghị tổng kết 35 năm
    thực hiện ..." → "Tổ chức Hội nghị tổng kết."."""
    text = _unmarked(entry[:_ENTRY_REACH])
    cut = _GIST_END.search(text)
    gist = strip_end(" ".join((text[: cut.start()] if cut else text).split()[:_GIST_WORDS]), ";,.:")
    return f"{gist}." if gist else ""


def _context(lines: Sequence[str], index: int) -> list[str]:
    """The list entry a time label belongs to and the gist of the entries before it."""
    level = _level(lines[index].strip())
    siblings: list[str] = []
    parent = ""
    for earlier in range(index - 1, max(index - _LOOKBACK, 0) - 1, -1):
        text = lines[earlier].strip()
        if not any(char.isalpha() for char in text):
            continue  # blank lines and separators such as "-----"
        earlier_level = _level(text)
        # A list entry's parent is the nearest entry above its level; a paragraph's, the nearest heading.
        if earlier_level is not None and earlier_level < (_HEADING_LEVEL + 1 if level is None else level):
            parent = _unmarked(text[:_ENTRY_REACH])
            break
        if earlier_level == level and len(siblings) < _MAX_SIBLINGS:
            siblings.insert(0, text)
    if not parent:
        return []
    if len(parent) > 100:
        parent = _gist(parent)
    if parent[-1] not in ".:;!?":
        parent += ":"
    return [parent, *(gist for gist in map(_gist, siblings) if gist)]


def _text(lines: Sequence[str], index: int, line: _Line, match: re.Match[str]) -> str:
    """What is due: the clause around the phrase, with its list entry when it only gives the time."""
    left, right = line.clause(match.start(), match.end())
    clause = strip_end(_unmarked(line.text[left:right]), ";,.:")
    if _TIME_LABEL.match(clause):
        return " ".join([*_context(lines, index), clause])
    return clause


def _is_deadline(line: _Line, match: re.Match[str], name: str) -> bool:
    """False for the end of a period ("từ ngày X đến trước ngày Y") and a meeting's day."""
    left, right = line.clause(match.start(), match.end())
    before = line.text[max(left, match.start() - _PERIOD_REACH) : match.start()]
    if _PERIOD_CLOSE.search(before[-20:]) and _PERIOD_OPEN.search(before):
        return False
    if name == "within_day":
        clause = line.text[left:right]
        return not (_MEETING.search(clause) and not _TASK.search(clause))
    return True


def scan_deadlines(text: str, issued_on: datetime.date | None = None) -> tuple[list[Deadline], list[str]]:
    """The deadlines of ``text`` in order of appearance, and warnings about dates that could not
    be read (a day without a year when the date of issue is unknown, "31/02/2024")."""
    return scan_lines(unwrap(clean_lines(text)), issued_on)


def scan_lines(lines: Sequence[str], issued_on: datetime.date | None = None) -> tuple[list[Deadline], list[str]]:
    """scan_deadlines on lines already cleaned and unwrapped (lines.clean_lines, lines.unwrap)."""
    deadlines: dict[Deadline, None] = {}  # in order, each once
    warnings: list[str] = []
    for index, text_line in enumerate(lines):
        line: _Line | None = None
        for match in _PHRASE.finditer(text_line):
            line = line or _Line(text_line)
            name, kind = next((name, kind) for name, kind, _pattern in _PHRASINGS if match.group(name))
            if not _is_deadline(line, match, name):
                continue
            written = match.group(name)
            try:
                date = month_end(written, issued_on) if kind == DURING else read_day(written, issued_on)
            except DateProblem as problem:
                warnings.append(f"the deadline “{collapse(match.group())}” was left out: {problem}")
                continue
            deadlines[Deadline(date, kind, _text(lines, index, line, match))] = None
    return list(deadlines), warnings


def extract_deadlines(text: str, *, issued_on: datetime.date | None = None) -> list[Deadline]:
    """The deadlines a document body (or a whole document) states, in order of appearance.

    ``issued_on``, the date of issue, lets a day written without its year ("trước ngày 15/3")
    be read as the first such day on or after it; without it such days are left out.
    """
    return scan_deadlines(text, issued_on)[0]
