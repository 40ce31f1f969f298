"""Document number and notation (số, ký hiệu) of State and Party documents.

State documents (Decree 30/2020) are written ``NUMBER/TYPE-ISSUER[-UNIT]``; a State công văn has no
type, so it is ``NUMBER/ISSUER-UNIT`` (or ``NUMBER/ISSUER``); legal normative documents carry the year:
``NUMBER/YEAR/TYPE-ISSUER``. Party documents (36-HD/VPTW) are ``NUMBER-TYPE/ISSUER[/UNIT]``, where the
công văn is the type ``CV``. Printed, State puts a colon after "Số" (``Số: 07/SNV-VP``), Party does not
(``Số 375-CV/BTGTU``). Numbers below 10 are written with a leading zero.

The separator after the number tells the systems apart ("-" Party, "/" State). Within a State symbol
only the type list tells a type from an issuer (``141/KH-UBND`` vs ``1163/STTTT-TTBCBC``), so the first
segment is a type only if it is *exactly* (case-sensitively) in ``state_types``; anything else is read
as the issuer of a công văn. Abbreviations keep the case they are written in ("CTr", "QyĐ", "nb").
"""

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from django.utils.translation import gettext as _

PARTY = "party"
STATE = "state"

# Decree 30/2020, Appendix III (công văn has no abbreviation).
STATE_TYPE_ABBREVIATIONS: frozenset[str] = frozenset(
    {"NQ", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA", "BC", "BB", "TTr", "HĐ", "CĐ"}
    | {"BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB"}
    | {"SY", "TrS", "SL"}  # copies: sao y, trích sao, sao lục
)
# Guideline 36-HD/VPTW; only a reference list: parsing accepts any Party type that looks like an abbreviation.
PARTY_TYPE_ABBREVIATIONS: frozenset[str] = frozenset(
    {"NQ", "CT", "KL", "QĐ", "QĐi", "QC", "TB", "HD", "CV", "BC", "KH", "CTr", "TT", "TTr"}
)

MAX_NUMBER = 999_999
MAX_SEGMENT_LENGTH = 30

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−", "-"))
_SEPARATOR_SPACES = re.compile(r"\s*([/-])\s*")
_LEADING_JUNK = re.compile(r"^[\s*\"'“”‘’«»]+")
_TRAILING_JUNK = re.compile(r"[\s*\"'“”‘’«».,;]+$")
# "Số", "số:", "SỐ :" ... but not the start of a word such as "Sốx".
_PREFIX = re.compile(r"^số(?![^\W\d_])\s*:?", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")
_YEAR = re.compile(r"[1-9][0-9]{3}")


class NotationError(ValueError):
    """Invalid notation; str(err) is a human-readable message naming what is wrong."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(message)
        self.text = text


def _error(text: str, message: str, **values: object) -> NotationError:
    """The error for ``text``; ``message`` is a translated msgid quoting it as %(text)s."""
    return NotationError(text, message % {"text": text, **values})


def _part_label(part: str) -> str:
    labels = {"type": _("type abbreviation"), "issuer": _("issuer abbreviation"), "unit": _("unit abbreviation")}
    return labels[part]


def is_abbreviation(value: str) -> bool:
    """Letters (Vietnamese ones included, in NFC), digits and an inner "&" (GD&ĐT), starting with a letter."""
    return (
        0 < len(value) <= MAX_SEGMENT_LENGTH
        and value[0].isalpha()
        and not value.endswith("&")
        and all(ch.isalpha() or ch in "0123456789&" for ch in value)
        and unicodedata.is_normalized("NFC", value)
    )


def _symbol(system: str, type_abbr: str, issuer: str, unit: str, year: int | None) -> str:
    if system == PARTY:
        return "/".join(part for part in (type_abbr, issuer, unit) if part)
    dashed = "-".join(part for part in (type_abbr, issuer, unit) if part)
    return dashed if year is None else f"{year}/{dashed}"


def _check_number(text: str, number: int) -> None:
    if number < 1:
        raise _error(text, _("“%(text)s”: the document number must be at least 1 (numbers start at 01)."))
    if number > MAX_NUMBER:
        raise _error(text, _("“%(text)s”: the document number is larger than %(max)d."), max=MAX_NUMBER)


def _check_parts(text: str, system: str, type_abbr: str, issuer: str, unit: str, year: int | None) -> None:
    """Raise NotationError, quoting ``text``, unless the parts make a valid symbol of ``system``."""
    if system not in (PARTY, STATE):
        message = _("“%(text)s”: the system must be “%(party)s” or “%(state)s”, not “%(system)s”.")
        raise _error(text, message, party=PARTY, state=STATE, system=system)
    if system == PARTY and not type_abbr:
        message = _("“%(text)s”: a Party notation needs a type abbreviation before “/” (a Party công văn is “CV”).")
        raise _error(text, message)
    if not issuer:
        raise _error(text, _("“%(text)s”: the issuer abbreviation is missing."))
    for part, value in (("type", type_abbr), ("issuer", issuer), ("unit", unit)):
        if value and not is_abbreviation(value):
            message = _(
                "“%(text)s”: the %(part)s “%(value)s” is invalid: it must start with a letter and contain only "
                "letters, digits and “&”, at most %(max)d characters."
            )
            raise _error(text, message, part=_part_label(part), value=value, max=MAX_SEGMENT_LENGTH)
    if year is None:
        return
    if system == PARTY:
        raise _error(text, _("“%(text)s”: Party notations carry no year."))
    if not 1000 <= year <= 9999:
        raise _error(text, _("“%(text)s”: the year must have four digits."))
    if not type_abbr:
        raise _error(
            text, _("“%(text)s”: a State notation with a year needs a type abbreviation, as in 15/2020/NĐ-CP.")
        )


@dataclass(frozen=True)
class Notation:
    """A valid number and notation; the constructor raises NotationError for invalid parts."""

    system: str
    number: int
    type_abbr: str
    issuer: str
    unit: str = ""
    year: int | None = None

    def __post_init__(self) -> None:
        text = self._text()
        _check_parts(text, self.system, self.type_abbr, self.issuer, self.unit, self.year)
        _check_number(text, self.number)

    def _text(self) -> str:
        return _join(self.system, self.number, self.symbol)

    @property
    def number_text(self) -> str:
        return format_number(self.number)

    @property
    def symbol(self) -> str:
        """The part after the number: "CV/BTGTU", "STTTT-TTBCBC", "2020/NĐ-CP", "TB/VPTW/nb"."""
        return _symbol(self.system, self.type_abbr, self.issuer, self.unit, self.year)

    def format(self, *, with_prefix: bool = False) -> str:
        """Canonical text; ``with_prefix`` adds the printed "Số " (Party) or "Số: " (State)."""
        text = self._text()
        if not with_prefix:
            return text
        return f"Số {text}" if self.system == PARTY else f"Số: {text}"


def format_number(number: int) -> str:
    """7 → "07", 10 → "10": both rulebooks write numbers below 10 with a leading zero."""
    _check_number(str(number), number)
    return f"{number:02d}"


def format_notation(
    *,
    system: str,
    number: int,
    type_abbr: str,
    issuer: str,
    unit: str = "",
    year: int | None = None,
    with_prefix: bool = False,
) -> str:
    notation = Notation(system=system, number=number, type_abbr=type_abbr, issuer=issuer, unit=unit, year=year)
    return notation.format(with_prefix=with_prefix)


def _join(system: str, number: int, symbol: str) -> str:
    separator = "-" if system == PARTY else "/"
    return f"{number:02d}{separator}{symbol}"


def notation_from_symbol(system: str, number: int, symbol: str) -> str:
    """The notation of a symbol checked earlier by format_symbol, once the number is known."""
    _check_number(symbol, number)
    return _join(system, number, symbol)


def format_symbol(*, system: str, type_abbr: str, issuer: str, unit: str = "", year: int | None = None) -> str:
    """The symbol alone, for a draft that has no number yet: "STTTT-TTBCBC", "CV/BTGTU"."""
    symbol = _symbol(system, type_abbr, issuer, unit, year)
    _check_parts(symbol, system, type_abbr, issuer, unit, year)
    return symbol


def _clean(text: str) -> str:
    """NFC, without "Số" prefix, quotes, asterisks or trailing punctuation; dashes unified, no spaces at separators."""
    cleaned = unicodedata.normalize("NFC", text).translate(_DASHES)
    cleaned = _TRAILING_JUNK.sub("", _LEADING_JUNK.sub("", cleaned))
    cleaned = _TRAILING_JUNK.sub("", _LEADING_JUNK.sub("", _PREFIX.sub("", cleaned)))
    return _SEPARATOR_SPACES.sub(r"\1", cleaned)


def _wrong_system(text: str, expected: str) -> NotationError:
    if expected == PARTY:
        return _error(text, _("“%(text)s” is not a Party notation: Party notations are written NUMBER-TYPE/ISSUER."))
    message = _(
        "“%(text)s” is not a State notation: State notations are written NUMBER/TYPE-ISSUER, "
        "NUMBER/ISSUER-UNIT (công văn) or NUMBER/YEAR/TYPE-ISSUER."
    )
    return _error(text, message)


def _split_symbol(
    text: str, symbol: str, system: str, state_types: Collection[str]
) -> tuple[str, str, str, str, int | None]:
    """Split a cleaned symbol of a known system into (system, type_abbr, issuer, unit, year)."""
    year = None
    names: tuple[str, ...] = ("type", "issuer", "unit")
    if system == PARTY:
        segments = symbol.split("/")
    else:
        dashed = symbol
        if "/" in symbol:
            year_text, _slash, dashed = symbol.partition("/")
            if not _YEAR.fullmatch(year_text) or "/" in dashed:
                message = _("“%(text)s”: in a State notation only a four-digit year may stand between two “/”.")
                raise _error(text, message)
            year = int(year_text)
        segments = dashed.split("-")
        if year is None and segments[0] not in state_types:
            names = ("issuer", "unit")  # công văn
    if len(segments) > len(names):
        if system == PARTY:
            message = _("“%(text)s” has too many segments: Party notations are NUMBER-TYPE/ISSUER[/UNIT].")
        elif names[0] == "type":
            message = _("“%(text)s” has too many segments: State notations are NUMBER/TYPE-ISSUER[-UNIT].")
        else:
            message = _(
                "“%(text)s” has too many segments: a State công văn is NUMBER/ISSUER-UNIT, "
                "and “%(segment)s” is not a known State type abbreviation."
            )
        raise _error(text, message, segment=segments[0])
    parts = dict(zip(names, segments, strict=False))
    for part, value in parts.items():
        if not value:
            raise _error(text, _("“%(text)s”: the %(part)s is missing."), part=_part_label(part))
    result = (system, parts.get("type", ""), parts.get("issuer", ""), parts.get("unit", ""), year)
    _check_parts(text, *result)
    return result


def _check_system_argument(system: str | None) -> None:
    if system not in (None, PARTY, STATE):
        raise ValueError(f"system must be {PARTY!r}, {STATE!r} or None, not {system!r}")


def parse_symbol(
    text: str, *, system: str | None = None, state_types: Collection[str] = STATE_TYPE_ABBREVIATIONS
) -> tuple[str, str, str, str, int | None]:
    """Parse a symbol without number into (system, type_abbr, issuer, unit, year).

    Without ``system`` the shape decides, and it is never ambiguous: a Party symbol always has "/"
    between type and issuer ("CV/BTGTU"), a State one has "/" only after a year ("2020/NĐ-CP"). So
    "STTTT-TTBCBC" is a State công văn, and an error with ``system=PARTY``.
    """
    _check_system_argument(system)
    symbol = _clean(text)
    if not symbol:
        raise _error(
            text,
            _("“%(text)s” has nothing after the number: no type or issuer abbreviation such as KH/TU or STTTT-TTBCBC."),
        )
    head, slash, _rest = symbol.partition("/")
    detected = PARTY if slash and not _YEAR.fullmatch(head) else STATE
    if system is not None and system != detected:
        raise _wrong_system(text, system)
    return _split_symbol(text, symbol, detected, state_types)


def parse_notation(
    text: str, *, system: str | None = None, state_types: Collection[str] = STATE_TYPE_ABBREVIATIONS
) -> Notation:
    """Parse a number and notation as people type or print it: "Số 375 – CV / BTGTU", "Số: 07/SNV-VP".

    Leniently accepts a "Số"/"Số:" prefix in any case, "7" as well as "07", Unicode dashes, spaces
    around separators, and surrounding quotes, asterisks or trailing punctuation. The separator after
    the number decides the system ("-" Party, "/" State); if ``system`` is given and the shape
    disagrees, that is an error.
    """
    _check_system_argument(system)
    cleaned = _clean(text)
    if not cleaned:
        raise _error(text, _("“%(text)s” contains no document notation, such as 95-KH/TU or 141/KH-UBND."))
    match = re.match(r"([^/-]*)([/-])(.*)", cleaned, re.DOTALL)
    if match is None:
        if _DIGITS.fullmatch(cleaned):
            raise _error(text, _("“%(text)s” has only a number: the type and issuer abbreviations are missing."))
        message = _("“%(text)s” is not a document notation: expected NUMBER-TYPE/ISSUER or NUMBER/TYPE-ISSUER.")
        raise _error(text, message)
    number_text, separator, symbol = match.groups()
    if not number_text:
        raise _error(text, _("“%(text)s”: the document number is missing."))
    if not _DIGITS.fullmatch(number_text):
        message = _("“%(text)s”: “%(number)s” is not a number; a draft has no number until the clerk issues it.")
        raise _error(text, message, number=number_text)
    detected = PARTY if separator == "-" else STATE
    if system is not None and system != detected:
        raise _wrong_system(text, system)
    # Count digits first: int() of thousands of digits is slow or refused.
    number = MAX_NUMBER + 1 if len(number_text.lstrip("0")) > len(str(MAX_NUMBER)) else int(number_text)
    _check_number(text, number)
    _system, type_abbr, issuer, unit, year = _split_symbol(text, symbol, detected, state_types)
    return Notation(detected, number, type_abbr, issuer, unit, year)
