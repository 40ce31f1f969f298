"""Clean a document's text and cut its lines into classified cells: the first step of intake.

Text extracted from Word or PDF files loses the two-column layout of the header (issuer and
number on the left, motto and date on the right) and of the bottom (distribution left,
signature right): both columns end up on one line separated by a tab or a run of spaces, or
one after the other in either order. A line is therefore cut into cells at wide gaps, but a
cut is kept only where it separates a part we recognize (a motto, a date line, an authority
label, an upper-case body name ...). Inside a list entry a run of spaces is just spacing:
"- BTG TU (LĐ Ban, P.TTr,         Tổng hợp)," stays one cell.

Converters also leave markup: Word bookmarks ("[bookmark: _GoBack]"), markdown emphasis and
escapes ("**KẾ HOẠCH**", "\\*"); they are removed. A motto inside other text is cut out only
as printed, in capitals: "Đảng Cộng sản Việt Nam" in a subject stays text.

Cells are classified without context; header.py, lists.py and signature.py give the kinds
their meaning from where they occur.
"""

import enum
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from core.text import nfc

# Characters that are not text: byte-order marks and zero-width joiners left by converters.
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
# Every line break Unicode knows, including the form feed PDF extractors put between pages.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Non-breaking and typographic spaces, printed as plain spaces.
_ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# Control characters other than tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
# "[bookmark: _GoBack]": Word bookmarks as some converters (pandoc) print them.
_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]{0,200}\]")
# Markdown emphasis around text: "**Lâm Văn Sển**", "*M/STTTT-TTBCBC*"; a lone "*" stays.
_EMPHASIS = re.compile(r"(\*{1,3})(?=\S)([^*\n]+?)(?<=\S)\1")
# Markdown escapes that converters (pandoc) write for punctuation: "\*" under a Party issuer,
# "1\." for a number that is not a list, "\[", "\-".
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# A column gap: a tab, or three or more spaces.
_WIDE_GAP = re.compile(r"[ ]*\t[\t ]*|[ ]{3,}")
# A date line with its day and month left blank for the clerk ("ngày     tháng     năm 2024"):
# the blanks are no column gaps.
_BLANK_DATE = re.compile(r"ngày[ \t.…_]{3,}tháng[ \t.…_]+năm|ngày[ \t.…_]+tháng[ \t.…_]{3,}năm", re.IGNORECASE)
_SPACES = re.compile(r"\s+")

# A list entry starts with a dash, plus or bullet ("- Như trên;", "+ Thời gian: ...", "• ...").
LIST_MARKER = re.compile(r"^\s*(?:[-–—+•·▪◦]|\*(?=\s))\s*")
# Words that open a body paragraph rather than continue a subject or a list entry.
BODY_START = re.compile(
    r"^(?:căn\s+cứ|thực\s+hiện|theo|thừa\s+lệnh|để|nhằm|ngày|trên\s+cơ\s+sở|xét|qua|nhận\s+được|sau\s+khi"
    r"|tiếp\s+theo|hiện\s+nay|trong\s+thời\s+gian)\b",
    re.IGNORECASE,
)
# A heading number: "I.", "II.", "1.", "2.1.", "a)", "b.".
_HEADING_NUMBER = re.compile(r"^\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*[.)]|[a-zđ][.)])\s")

# The national mottos: State "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" / "Độc lập - Tự do - Hạnh
# phúc", Party "ĐẢNG CỘNG SẢN VIỆT NAM"; "HOÀ" is the older spelling of "HÒA".
STATE_MOTTO = re.compile(
    r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|ĐỘC\s+LẬP\s*[-–—]\s*TỰ\s+DO\s*[-–—]\s*HẠNH\s+PHÚC",
    re.IGNORECASE,
)
PARTY_MOTTO = re.compile(r"ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM", re.IGNORECASE)
_ANY_MOTTO = re.compile(f"{STATE_MOTTO.pattern}|{PARTY_MOTTO.pattern}", re.IGNORECASE)
# A motto printed on a line beside other text (a flattened header) is found only as printed: the
# names in capitals; "Đảng Cộng sản Việt Nam" in a subject or a sentence is no motto.
_PRINTED_MOTTO = re.compile(
    r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM"
    r"|(?i:ĐỘC\s+LẬP\s*[-–—]\s*TỰ\s+DO\s*[-–—]\s*HẠNH\s+PHÚC)"
)

# "Số: 1163/STTTT-TTBCBC", "Số 95-KH/TU", "Số: M/STTTT-TTBCBC", "Số:    /QĐ-UBND": the number
# (digits, or a placeholder such as "M", dots or nothing), the separator that tells Party
# ("-") from State ("/"), the symbol, and whatever follows on the line (a "V/v ..." subject).
NUMBER_LINE = re.compile(
    r"^số(?![^\W\d_])\s*(?::\s*)?(?:(?P<number>[^\s/-]{1,20}?)\s*)?(?P<separator>[/-])\s*"
    r"(?P<symbol>[^\W_][\w&]*(?:[/-][\w&]+)*)(?P<rest>.*)$",
    re.IGNORECASE,
)
_NUMBER_LABEL = re.compile(r"^số\s*:?$", re.IGNORECASE)
# "Kiên Giang, ngày 27 tháng 12 năm 2021"; the parts may be blank in a draft ("ngày   tháng   năm 2024").
PLACE_DATE = re.compile(
    r"^(?:(?P<place>[^\W\d_][^,]{0,60}?)\s*,\s*)?ngày(?P<day>[\s\d.…_]*?)tháng(?P<month>[\s\d.…_]*?)"
    r"năm(?P<year>[\s\d.…_]*+)$",
    re.IGNORECASE,
)
# "Kính gửi:" (also the variant spelling "gởi") and "Nơi nhận:", with what follows on the line.
ADDRESSEES_LABEL = re.compile(r"^kính\s+g[ửở]i\s*(?::\s*)?(?P<rest>.*)$", re.IGNORECASE)
DISTRIBUTION_LABEL = re.compile(r"^nơi\s+nhận\s*(?::\s*)?(?P<rest>.*)$", re.IGNORECASE)
# Signing authority labels, State "TM.", "KT.", "TL.", "TUQ.", "Q." and Party "T/M", "K/T",
# "T/L", followed by an upper-case body or title: "TM. ỦY BAN NHÂN DÂN", "T/M BAN THƯỜNG VỤ".
_AUTHORITY = re.compile(r"^(?:(?:TM|KT|TL|TUQ|Q)\.|(?:TM|KT|TL|TUQ|T/M|K/T|T/L)(?=\s))\s*\S")
# Where the signature goes: "(đã ký)", "(Ký, ghi rõ họ tên)", "(Chữ ký, dấu)", "[đã ký]", "Đã ký".
_SIGNED = re.compile(r"^(?:[(\[]\s*(?:đã\s+ký|ký|chữ\s+ký|đóng\s+dấu)\b[^)\]]{0,120}[)\]]|đã\s+ký)$", re.IGNORECASE)
# A separator line: "*", "-----", "___", "* * *".
_SEPARATOR = re.compile(r"^[\s*_=~—–-]+$")

# Urgency and confidentiality marks as printed (any case), with their canonical spelling.
URGENCY_MARKS = {"hỏa tốc": "Hỏa tốc", "hoả tốc": "Hỏa tốc", "thượng khẩn": "Thượng khẩn", "khẩn": "Khẩn"}
CONFIDENTIALITY_MARKS = {"mật": "Mật", "tối mật": "Tối mật", "tuyệt mật": "Tuyệt mật"}
_MARK_WORDS = "|".join(
    name.replace(" ", r"\s+") for name in sorted({*URGENCY_MARKS, *CONFIDENTIALITY_MARKS}, key=len, reverse=True)
)
_MARK_WORD = re.compile(_MARK_WORDS, re.IGNORECASE)
# A cell of marks only, maybe framed or separated: "KHẨN", "[MẬT]", "Hỏa tốc", "KHẨN - MẬT".
_MARKS_ONLY = re.compile(
    rf"^[\s\[\](){{}}|*\"“”']*(?:{_MARK_WORDS})(?:(?:\s*[,;/–—-]\s*|\s+)(?:{_MARK_WORDS}))*[\s\[\](){{}}|*\"“”'.:]*$",
    re.IGNORECASE,
)
_MAX_MARK_LENGTH = 40
# The mark of a draft, printed in a box at the top: "DỰ THẢO", "Dự thảo lần 2", "(DỰ THẢO)".
_DRAFT = re.compile(r"^[\s\[(*]*dự\s+thảo(?:\s+(?:lần\s+)?\d{1,2})?[\s\])*:.]*$", re.IGNORECASE)

# Document type names as printed in a title (Decree 30 Appendix III and 36-HD/VPTW), with their
# codes in registry.DocumentType (Party "Quy định", abbreviated QĐi, is the code QyĐ).
TYPE_NAMES = {
    "NGHỊ QUYẾT": "NQ",
    "QUYẾT ĐỊNH": "QĐ",
    "CHỈ THỊ": "CT",
    "KẾT LUẬN": "KL",
    "QUY CHẾ": "QC",
    "QUY ĐỊNH": "QyĐ",
    "THÔNG CÁO": "TC",
    "THÔNG BÁO": "TB",
    "THÔNG TRI": "TT",
    "HƯỚNG DẪN": "HD",
    "CHƯƠNG TRÌNH": "CTr",
    "KẾ HOẠCH": "KH",
    "PHƯƠNG ÁN": "PA",
    "ĐỀ ÁN": "ĐA",
    "DỰ ÁN": "DA",
    "BÁO CÁO": "BC",
    "BIÊN BẢN": "BB",
    "TỜ TRÌNH": "TTr",
    "HỢP ĐỒNG": "HĐ",
    "CÔNG VĂN": "CV",
    "CÔNG ĐIỆN": "CĐ",
    "BẢN GHI NHỚ": "BGN",
    "BẢN THỎA THUẬN": "BTT",
    "GIẤY ỦY QUYỀN": "GUQ",
    "GIẤY MỜI": "GM",
    "GIẤY GIỚI THIỆU": "GGT",
    "GIẤY NGHỈ PHÉP": "GNP",
    "PHIẾU GỬI": "PG",
    "PHIẾU CHUYỂN": "PC",
    "PHIẾU BÁO": "PB",
}


class Kind(enum.Enum):
    """What a cell is, judged from its text alone."""

    BLANK = "blank"
    SEPARATOR = "separator"
    MOTTO = "motto"
    NUMBER = "number"
    PLACE_DATE = "place_date"
    ADDRESSEES = "addressees"  # "Kính gửi:"
    DISTRIBUTION = "distribution"  # "Nơi nhận:"
    MARK = "mark"
    DRAFT = "draft"  # "DỰ THẢO": no body's name
    AUTHORITY = "authority"
    SIGNED = "signed"
    TYPE_NAME = "type_name"
    UPPER = "upper"
    NAME = "name"
    TEXT = "text"


# Kinds that a wide gap separates from their neighbours (see the module docstring).
_STRUCTURAL = frozenset(Kind) - {Kind.TEXT, Kind.BLANK}


@dataclass(frozen=True)
class Cell:
    """One column's text on one line: ``column`` counts the cells before it on the line;
    ``indented`` when the line started with spaces."""

    line: int
    text: str
    kind: Kind
    column: int = 0
    indented: bool = False


def collapse(text: str) -> str:
    """Runs of whitespace as one space, trimmed."""
    return _SPACES.sub(" ", text).strip()


def strip_end(text: str, chars: str = ";,.") -> str:
    """``text`` without trailing spaces and ``chars``, nor the "./." that closes a body."""
    stripped = text.rstrip(f" \t{chars}")
    while stripped.endswith("./"):
        stripped = stripped[:-2].rstrip(f" \t{chars}")
    return stripped


def clean_lines(text: str) -> list[str]:
    """NFC lines without invisible characters, control characters, converter artefacts or
    trailing spaces; every kind of line break becomes one."""
    text = _INVISIBLE.sub("", nfc(text))
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL.sub("", _ODD_SPACES.sub(" ", text))
    text = _BOOKMARK.sub("", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    return [(_EMPHASIS.sub(r"\2", line) if "*" in line else line).rstrip() for line in text.split("\n")]


_SENTENCE_END = (".", ";", ":", "!", "?")


def unwrap(lines: list[str]) -> list[str]:
    """Lines with the ones a converter wrapped mid-sentence (PDF text) joined back: a line that
    does not end a sentence is continued by a next line starting in lower case, with a digit
    or "(" ("... gửi báo cáo trước ngày" / "15/3/2024."). Headings and list markers stay put."""
    joined: list[list[str]] = []  # each line as the parts it is joined from
    may_go_on = False  # whether the last joined line is text that a wrapped part may continue
    for line in lines:
        first = line.lstrip()[:1]
        wrapped = may_go_on and (first.islower() or first.isdigit() or first == "(")
        if wrapped and not _HEADING_NUMBER.match(line) and not joined[-1][-1].rstrip().endswith(_SENTENCE_END):
            joined[-1].append(line.strip())
            continue
        joined.append([line])
        may_go_on = bool(first) and not _HEADING_NUMBER.match(line) and not is_upper(line)
    return [" ".join(parts) for parts in joined]


def is_upper(text: str) -> bool:
    """At least two letters, none of them lower case: "UBND TỈNH KIÊN GIANG". (str.isupper()
    rejects the common case, a line with lower-case letters, without a loop in Python.)"""
    if not text.isupper():
        return False
    letters = 0
    for char in text:
        if char.isalpha():
            letters += 1
            if letters == 2:
                return True
    return False


def looks_like_name(text: str) -> bool:
    """A personal name: two to six capitalised words of letters only ("Nguyễn Thanh Phong")."""
    words = text.split()
    return 2 <= len(words) <= 6 and all(
        word.isalpha() and word[0].isupper() and (len(word) == 1 or word[1:].islower()) for word in words
    )


def read_marks(text: str) -> list[str] | None:
    """The canonical marks if the cell is nothing but urgency/confidentiality marks ("KHẨN",
    "Hỏa tốc", "[MẬT]", "KHẨN - MẬT"), else None: the word in a sentence is not a mark."""
    if len(text) > _MAX_MARK_LENGTH or not _MARKS_ONLY.match(text):
        return None
    marks = {**URGENCY_MARKS, **CONFIDENTIALITY_MARKS}
    return [marks[collapse(word).lower()] for word in _MARK_WORD.findall(text)]


# Words that qualify a title without changing its type: "CHƯƠNG TRÌNH HÀNH ĐỘNG", "KẾ HOẠCH LIÊN
# TỊCH", "THÔNG BÁO KẾT LUẬN", "BÁO CÁO TÓM TẮT".
_TITLE_QUALIFIER = re.compile(r"\s+(?:HÀNH\s+ĐỘNG|LIÊN\s+TỊCH|KẾT\s+LUẬN|TÓM\s+TẮT|CÔNG\s+TÁC|PHỐI\s+HỢP)$")


def type_code(text: str) -> str | None:
    """The DocumentType code of a title line such as "KẾ HOẠCH" or "CHƯƠNG TRÌNH HÀNH ĐỘNG", or None."""
    if not is_upper(text):
        return None
    title = collapse(text).rstrip(":").upper()
    return TYPE_NAMES.get(title) or TYPE_NAMES.get(_TITLE_QUALIFIER.sub("", title))


# The kinds recognized by their shape, tried in this order.
_SHAPES: tuple[tuple[Kind, Callable[[str], object]], ...] = (
    (Kind.SEPARATOR, _SEPARATOR.match),
    (Kind.MOTTO, lambda text: _ANY_MOTTO.fullmatch(text.strip(" .*"))),
    (Kind.ADDRESSEES, ADDRESSEES_LABEL.match),
    (Kind.DISTRIBUTION, DISTRIBUTION_LABEL.match),
    (Kind.NUMBER, NUMBER_LINE.match),
    (Kind.PLACE_DATE, PLACE_DATE.match),
    (Kind.MARK, read_marks),
    (Kind.DRAFT, _DRAFT.match),
    (Kind.AUTHORITY, lambda text: _AUTHORITY.match(text) and is_upper(text)),
    (Kind.SIGNED, _SIGNED.match),
)


def classify(text: str) -> Kind:
    """The kind of a cell's text (stripped, not empty)."""
    for kind, shape in _SHAPES:
        if shape(text):
            return kind
    if LIST_MARKER.match(text) or _HEADING_NUMBER.match(text):
        return Kind.TEXT
    if is_upper(text):
        return Kind.TYPE_NAME if type_code(text) else Kind.UPPER
    return Kind.NAME if looks_like_name(text) else Kind.TEXT


def _split_mottos(part: str) -> Iterator[str]:
    """A motto printed on the same line as other text, with no wide gap, is a cell of its own."""
    start = 0
    for match in _PRINTED_MOTTO.finditer(part):
        yield part[start : match.start()]
        yield match.group()
        start = match.end()
    yield part[start:]


def split_cells(line_number: int, line: str) -> list[Cell]:
    """The cells of one cleaned line: one BLANK cell for an empty line."""
    if not line.strip():
        return [Cell(line_number, "", Kind.BLANK)]
    stripped = line.strip()
    if "th" in stripped and _BLANK_DATE.search(stripped):
        stripped = _BLANK_DATE.sub(lambda blank: collapse(blank.group()), stripped)
    parts = [
        piece.strip() for gap_part in _WIDE_GAP.split(stripped) for piece in _split_mottos(gap_part) if piece.strip()
    ]
    groups: list[tuple[list[str], Kind]] = []  # runs of parts that stay together, and the kind of a lone part
    for part in parts:
        kind = classify(part)
        plain = kind not in _STRUCTURAL and groups[-1][1] not in _STRUCTURAL if groups else False
        if plain or (groups and _NUMBER_LABEL.match(groups[-1][0][-1])):  # "Số:      /QĐ-UBND" in a draft
            groups[-1][0].append(part)
        else:
            groups.append(([part], kind))
    cells = []
    for column, (group, kind) in enumerate(groups):
        text = " ".join(group)
        indented = column == 0 and line[:1].isspace()
        cells.append(Cell(line_number, text, kind if len(group) == 1 else classify(text), column, indented))
    return cells


def cells_of(lines: list[str]) -> list[Cell]:
    """All cells of a document, line by line and left to right."""
    return [cell for number, line in enumerate(lines) for cell in split_cells(number, line)]
