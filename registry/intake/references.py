"""Other documents a text cites by number.

A citation is "số" followed by a notation ("Kế hoạch số 141/KH-UBND", "Chỉ thị số 07-CT/TU",
"Nghị định số 30/2020/NĐ-CP"; also "Kế hoạch 141/KH-UBND" without "số"), optionally its date
("ngày 19/7/2021", ", ngày 22/9/2017", "ngày 04-6-2021") and its issuer after "của" or "do":
"của Ủy ban nhân dân tỉnh về thông tin ..." gives "Ủy ban nhân dân tỉnh".

Laws and ordinances are cited by a number that names no type ("Luật ... số 80/2015/QH13"); they
are references too, with the issuer null unless "của" follows.

An issuer's name is read word by word and ends where the sentence moves on: at a lower-case
word that names no body ("về", "ngày", "triển khai" ...), at a quotation mark or bracket, at
the end of the clause, or at a comma or "và" followed by something that is not a capitalised
name ("của Sở Văn hóa, Thể thao và Du lịch" stays whole), or at the verb of the cited document
("của Chính phủ sửa đổi, bổ sung ...", "của Thủ tướng Chính phủ phê duyệt ...").
"""

import datetime
import re
from collections.abc import Sequence

from registry.intake.dates import DAY_TEXT, DateProblem, has_year, read_day
from registry.intake.lines import TYPE_NAMES, collapse
from registry.intake.result import IntakeReference
from registry.notation import NotationError, parse_notation

_TYPE_WORDS = "|".join(sorted((name.replace(" ", r"\s+") for name in TYPE_NAMES), key=len, reverse=True))
_TYPE_START = re.compile(rf"^(?:{_TYPE_WORDS}|nghị\s+định|thông\s+tư|văn\s+bản|luật)$", re.IGNORECASE)
# "số 141/KH-UBND", "Kế hoạch 141/KH-UBND", then an optional ", ngày 19/7/2021".
_CITATION = re.compile(
    rf"(?:(?<!\w)số(?:\s*:)?|(?<!\w)(?:{_TYPE_WORDS}|nghị\s+định|thông\s+tư|công\s+văn|văn\s+bản))\s*"
    r"(?P<notation>\d{1,6}\s*[/-]\s*[^\W_][\w&]*(?:[/-][\w&]+)*)"
    rf"(?:\s*(?:,\s*)?(?:ban\s+hành\s+)?ngày\s*(?P<day>{DAY_TEXT}))?",
    re.IGNORECASE,
)
# What every citation contains: a number, then "/" or "-" and a letter ("141/KH", "95-KH", "30/2020/NĐ").
_NOTATION_HINT = re.compile(r"\d\s*[/-]\s*(?:\d{4}\s*/\s*)?[^\W\d_]")
_ISSUER_START = re.compile(r"^\s*(?:,\s*)?(?:của|do)\s+", re.IGNORECASE)
_SEPARATOR_SPACES = re.compile(r"\s*([/-])\s*")
_WORD = re.compile(r"\S+")
_MAX_ISSUER_WORDS = 14
_ISSUER_WINDOW = 220  # characters after a citation searched for "của" and the name
# Lower-case words after which a name does not go on.
_STOP_WORDS = frozenset(
    {
        "về",
        "ngày",
        "đã",
        "đang",
        "sẽ",
        "nhằm",
        "trong",
        "theo",
        "tại",
        "để",
        "với",
        "cho",
        "thì",
        "được",
        "bị",
        "là",
        "có",
        "này",
        "đó",
        "nêu",
        "như",
        "gồm",
        "kèm",
        "từ",
        "đến",
        "sau",
        "trước",
        "khi",
        "nay",
        "cũng",
        "nhưng",
        "hoặc",
        "mà",
        "do",
        "của",
        "số",
        "v/v",
    }
)
_STOP_PAIRS = frozenset(
    {"ban hành", "triển khai", "đối với", "hướng dẫn", "quy định", "thực hiện", "chỉ đạo", "yêu cầu", "đề nghị"}
    | {"sửa đổi", "bổ sung", "phê duyệt", "thành lập", "công bố", "kiện toàn", "phân công", "phân bổ", "giao nhiệm"}
)
# Laws and ordinances carry the year and the legislature, without a type: "80/2015/QH13",
# "02/2022/UBTVQH15" (registry.notation reads only the notations the registry issues).
_LAW = re.compile(r"\d{1,6}/\d{4}/(?:UBTV)?QH\d{1,2}")
# First words of a body's name ("Sở ...", "Ban ...", "Ủy ban ..."): after a comma they start another body.
_BODY_WORDS = frozenset(
    {
        "Sở",
        "Ban",
        "Bộ",
        "Ủy",
        "Uỷ",
        "UBND",
        "HĐND",
        "Hội",
        "Văn",
        "Phòng",
        "Cục",
        "Chi",
        "Tổng",
        "Trung",
        "Trường",
        "Đài",
        "Báo",
        "Công",
        "Kho",
        "Tòa",
        "Viện",
        "Mặt",
        "Đoàn",
        "Liên",
        "Chính",
        "Quốc",
        "Thanh",
        "Đảng",
        "Tỉnh",
        "Huyện",
        "Thành",
        "Quận",
        "Thị",
        "Thường",
        "Giám",
        "Chủ",
        "Bí",
        "Thủ",
    }
)
_OPENING = tuple("“\"'«([{")


def _starts_name(words: list[str], index: int) -> bool:
    """Whether words[index:] go on with a capitalised name rather than another document or clause."""
    if index >= len(words) or not words[index][:1].isupper():
        return False
    pair = " ".join(word.strip(",.;:") for word in words[index : index + 2])
    return not _TYPE_START.match(pair) and not _TYPE_START.match(words[index].strip(",.;:"))


def _name_goes_on_after_comma(words: list[str], index: int) -> bool:
    """After a comma, "Sở Văn hóa, Thể thao và Du lịch" goes on (a name listing its fields up to
    "và"); "Ủy ban nhân dân tỉnh, Sở Thông tin ..." names another body."""
    if not _starts_name(words, index) or words[index].strip(",.;:") in _BODY_WORDS:
        return False
    return "và" in words[index + 1 : index + 4]


def _name_goes_on_after(word: str, bare: str, words: list[str], index: int) -> bool:
    """Whether a name goes on past the punctuation that ends ``word`` (``bare`` without it):
    past a comma that lists a body's fields, or the dot of a short abbreviation ("TP.")."""
    if word.endswith(","):
        return _name_goes_on_after_comma(words, index)
    is_abbreviation = word == f"{bare}." and len(bare) <= 3 and bare[:1].isupper()
    return is_abbreviation and _starts_name(words, index)


def _issuer(after: str) -> str | None:
    """The issuer named at the start of ``after`` ("của Ban Tuyên giáo Trung ương về ...")."""
    start = _ISSUER_START.match(after)
    if start is None:
        return None
    words = _WORD.findall(after[start.end() :])
    name: list[str] = []
    for index, word in enumerate(words[:_MAX_ISSUER_WORDS]):
        bare = word.rstrip(",.;:!?)]”\"'»/")
        pair = f"{word} {words[index + 1].rstrip(',.;:')}" if index + 1 < len(words) else word
        if word.startswith(_OPENING) or not bare:
            break
        if word[0].islower() and (bare in _STOP_WORDS or pair in _STOP_PAIRS):
            break
        if bare == "và" and not _starts_name(words, index + 1):
            break
        if bare == word:
            name.append(word)
        elif _name_goes_on_after(word, bare, words, index + 1):
            name.append(word)  # "Văn hóa," in "Sở Văn hóa, Thể thao và Du lịch"; "TP." in "UBND TP. Cần Thơ"
        else:
            name.append(bare)
            break
    return collapse(" ".join(name)) or None


def extract_references(
    texts: Sequence[str], *, own_notation: str | None = None
) -> tuple[list[IntakeReference], list[str]]:
    """Each document cited in ``texts`` once, in order of first appearance, as the intake
    format's {"notation", "date", "issuer"}; a later citation fills in what an earlier one left
    out. Also warnings about citation dates that are not real days."""
    found: dict[str, IntakeReference] = {}
    warnings: list[str] = []
    own = (own_notation or "").casefold()
    for text in texts:
        if not _NOTATION_HINT.search(text):
            continue  # most lines cite nothing: skip the slower scan for a citation's words
        for match in _CITATION.finditer(text):
            notation = _SEPARATOR_SPACES.sub(r"\1", match.group("notation"))
            try:
                parse_notation(notation)
            except NotationError:
                if not _LAW.fullmatch(notation):
                    continue  # "số 5-7", not a document
            key = notation.casefold()
            if key == own:
                continue
            date: datetime.date | None = None
            day = match.group("day")
            if day and has_year(day):  # a cited day without its year is not guessed
                try:
                    date = read_day(day)
                except DateProblem as problem:
                    warnings.append(f"the date of {notation} was left out: {problem}")
            issuer = _issuer(text[match.end() : match.end() + _ISSUER_WINDOW])
            entry = found.setdefault(key, {"notation": notation, "date": None, "issuer": None})
            entry["date"] = entry["date"] or (date.isoformat() if date else None)
            entry["issuer"] = entry["issuer"] or issuer
    return list(found.values()), warnings
