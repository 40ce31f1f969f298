"""Tests for registry.notation: number and notation of State and Party documents (GUIDE.md §1)."""

import re
import unicodedata
from collections.abc import Callable, Iterator

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from registry.notation import (
    PARTY,
    PARTY_TYPE_ABBREVIATIONS,
    STATE,
    STATE_TYPE_ABBREVIATIONS,
    Notation,
    NotationError,
    format_notation,
    format_number,
    format_symbol,
    parse_notation,
    parse_symbol,
)


@pytest.fixture(autouse=True, scope="module")
def _english() -> Iterator[None]:
    """Messages are matched in English; the project's default language may get translations."""
    with translation.override("en"):
        yield


EXAMPLES = [
    # text, system, number, type, issuer, unit, year, canonical
    ("Số 375-CV/BTGTU", PARTY, 375, "CV", "BTGTU", "", None, "375-CV/BTGTU"),
    ("Số: 07/SNV-VP", STATE, 7, "", "SNV", "VP", None, "07/SNV-VP"),
    ("1163/STTTT-TTBCBC", STATE, 1163, "", "STTTT", "TTBCBC", None, "1163/STTTT-TTBCBC"),
    ("141/KH-UBND", STATE, 141, "KH", "UBND", "", None, "141/KH-UBND"),
    ("7795/VP-KGVX", STATE, 7795, "", "VP", "KGVX", None, "7795/VP-KGVX"),
    ("2942/MTTW-BTT", STATE, 2942, "", "MTTW", "BTT", None, "2942/MTTW-BTT"),
    ("07-CT/TU", PARTY, 7, "CT", "TU", "", None, "07-CT/TU"),
    ("254-KH/BTGTW", PARTY, 254, "KH", "BTGTW", "", None, "254-KH/BTGTW"),
    ("21-NQ/TW", PARTY, 21, "NQ", "TW", "", None, "21-NQ/TW"),
    ("Số 95-KH/TU", PARTY, 95, "KH", "TU", "", None, "95-KH/TU"),
    ("15/2020/NĐ-CP", STATE, 15, "NĐ", "CP", "", 2020, "15/2020/NĐ-CP"),
    ("43-TB/VPTW/nb", PARTY, 43, "TB", "VPTW", "nb", None, "43-TB/VPTW/nb"),
    ("12/QyĐ-UBND-VP", STATE, 12, "QyĐ", "UBND", "VP", None, "12/QyĐ-UBND-VP"),
    ("3/KH-BCĐ389", STATE, 3, "KH", "BCĐ389", "", None, "03/KH-BCĐ389"),
    ("88/SGD&ĐT-VP", STATE, 88, "", "SGD&ĐT", "VP", None, "88/SGD&ĐT-VP"),
]


@pytest.mark.parametrize(("text", "system", "number", "type_abbr", "issuer", "unit", "year", "canonical"), EXAMPLES)
def test_examples_parse_to_their_parts_and_format_canonically(
    text: str, system: str, number: int, type_abbr: str, issuer: str, unit: str, year: int | None, canonical: str
) -> None:
    notation = parse_notation(text)

    assert notation == Notation(system, number, type_abbr, issuer, unit, year)
    assert notation.format() == canonical
    assert parse_notation(text, system=system) == notation
    assert format_notation(system=system, number=number, type_abbr=type_abbr, issuer=issuer, unit=unit, year=year) == (
        canonical
    )


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("375-CV/BTGTU", "CV/BTGTU"),
        ("1163/STTTT-TTBCBC", "STTTT-TTBCBC"),
        ("141/KH-UBND", "KH-UBND"),
        ("15/2020/NĐ-CP", "2020/NĐ-CP"),
        ("43-TB/VPTW/nb", "TB/VPTW/nb"),
    ],
)
def test_symbol_is_the_part_after_the_number(text: str, symbol: str) -> None:
    assert parse_notation(text).symbol == symbol


@pytest.mark.parametrize(("number", "text"), [(1, "01"), (7, "07"), (9, "09"), (10, "10"), (999999, "999999")])
def test_numbers_below_ten_have_a_leading_zero(number: int, text: str) -> None:
    assert format_number(number) == text
    assert Notation(STATE, number, "", "SNV", "VP").number_text == text


@pytest.mark.parametrize("text", ["7/SNV-VP", "07/SNV-VP", "007/SNV-VP", "Số: 7 / SNV - VP"])
def test_parsing_accepts_numbers_with_or_without_leading_zero(text: str) -> None:
    notation = parse_notation(text)

    assert notation.number == 7
    assert notation.format() == "07/SNV-VP"


@pytest.mark.parametrize("number", [0, -1, 1_000_000])
def test_format_number_rejects_numbers_out_of_range(number: int) -> None:
    with pytest.raises(NotationError, match=r"at least 1|larger than"):
        format_number(number)


def test_prefix_is_without_colon_for_party_and_with_colon_for_state() -> None:
    assert parse_notation("375-CV/BTGTU").format(with_prefix=True) == "Số 375-CV/BTGTU"
    assert parse_notation("7/SNV-VP").format(with_prefix=True) == "Số: 07/SNV-VP"
    assert format_notation(system=STATE, number=15, type_abbr="NĐ", issuer="CP", year=2020, with_prefix=True) == (
        "Số: 15/2020/NĐ-CP"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Số: 141/KH-UBND",
        "số 141/KH-UBND",
        "SỐ:141/KH-UBND",
        "Số : 141/KH-UBND",
        "Số141/KH-UBND",
        "“141/KH-UBND”",
        "*141/KH-UBND*",
        "141/KH-UBND.",
        "141/KH-UBND,",
        "  141 / KH – UBND  ",
        "141/KH‑UBND",
        unicodedata.normalize("NFD", "Số: 141/KH-UBND"),
    ],
)
def test_parsing_tolerates_how_people_type_and_print_notations(text: str) -> None:
    assert parse_notation(text) == Notation(STATE, 141, "KH", "UBND")


def test_parsing_normalizes_to_nfc() -> None:
    """GIVEN a notation typed with decomposed accents WHEN parsed THEN its abbreviations are NFC."""
    notation = parse_notation(unicodedata.normalize("NFD", "07-CT/TỈNHỦY"))

    assert notation.issuer == "TỈNHỦY"
    assert unicodedata.is_normalized("NFC", notation.issuer)


def test_state_type_is_recognized_by_exact_match_only() -> None:
    """GIVEN a State symbol whose first segment is not exactly a known type (wrong case, or a type outside
    Appendix III) WHEN parsed THEN it is read as a công văn of that issuer, unless state_types lists it."""
    assert parse_notation("141/Kh-UBND") == Notation(STATE, 141, "", "Kh", "UBND")
    assert parse_notation("123/NĐ-CP") == Notation(STATE, 123, "", "NĐ", "CP")
    assert parse_notation("123/NĐ-CP", state_types=STATE_TYPE_ABBREVIATIONS | {"NĐ"}) == Notation(
        STATE, 123, "NĐ", "CP"
    )


def test_type_lists_follow_the_guide() -> None:
    assert {"QĐ", "QyĐ", "CTr", "TTr", "ĐA", "BGN", "SY", "TrS", "SL"} <= STATE_TYPE_ABBREVIATIONS
    assert "CV" not in STATE_TYPE_ABBREVIATIONS
    assert {"CV", "KL", "QĐi", "TT"} <= PARTY_TYPE_ABBREVIATIONS


def test_party_types_outside_the_known_list_are_accepted() -> None:
    assert parse_notation("12-ĐA/TU") == Notation(PARTY, 12, "ĐA", "TU")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("STTTT-TTBCBC", (STATE, "", "STTTT", "TTBCBC", None)),
        ("*STTTT-TTBCBC*", (STATE, "", "STTTT", "TTBCBC", None)),
        ("STTTT", (STATE, "", "STTTT", "", None)),
        ("KH-UBND", (STATE, "KH", "UBND", "", None)),
        ("2020/NĐ-CP", (STATE, "NĐ", "CP", "", 2020)),
        ("CV/BTGTU", (PARTY, "CV", "BTGTU", "", None)),
        ("TB / VPTW / nb", (PARTY, "TB", "VPTW", "nb", None)),
    ],
)
def test_parse_symbol_detects_the_system_from_the_shape(
    text: str, expected: tuple[str, str, str, str, int | None]
) -> None:
    assert parse_symbol(text) == expected
    assert parse_symbol(text, system=expected[0]) == expected


def test_parse_symbol_rejects_a_shape_of_the_other_system() -> None:
    with pytest.raises(NotationError, match="Party notations are written NUMBER-TYPE/ISSUER"):
        parse_symbol("STTTT-TTBCBC", system=PARTY)
    with pytest.raises(NotationError, match="State notations are written"):
        parse_symbol("CV/BTGTU", system=STATE)


@pytest.mark.parametrize(
    ("system", "type_abbr", "issuer", "unit", "year", "symbol"),
    [
        (STATE, "", "STTTT", "TTBCBC", None, "STTTT-TTBCBC"),
        (STATE, "KH", "UBND", "", None, "KH-UBND"),
        (STATE, "NĐ", "CP", "", 2020, "2020/NĐ-CP"),
        (PARTY, "CV", "BTGTU", "", None, "CV/BTGTU"),
        (PARTY, "TB", "VPTW", "nb", None, "TB/VPTW/nb"),
    ],
)
def test_format_symbol_for_drafts_without_number(
    system: str, type_abbr: str, issuer: str, unit: str, year: int | None, symbol: str
) -> None:
    assert format_symbol(system=system, type_abbr=type_abbr, issuer=issuer, unit=unit, year=year) == symbol


INVALID = [
    ("", "contains no document notation"),
    ("   ", "contains no document notation"),
    ("Số:", "contains no document notation"),
    ("375", "has only a number"),
    ("CV BTGTU", "is not a document notation"),
    ("/STTTT-TTBCBC", "document number is missing"),
    ("-CV/BTGTU", "document number is missing"),
    ("M/STTTT-TTBCBC", "“M” is not a number"),
    ("Số: *M/STTTT-TTBCBC*", "draft has no number"),
    ("VII-CT/TU", "“VII” is not a number"),
    ("0/SNV-VP", "at least 1"),
    ("00-CV/TU", "at least 1"),
    ("1000000/SNV-VP", "larger than 999999"),
    ("9" * 5000 + "-CV/TU", "larger than 999999"),
    ("375-/BTGTU", "type abbreviation is missing"),
    ("375-CV", "issuer abbreviation is missing"),
    ("375-CV/", "issuer abbreviation is missing"),
    ("375-CV-BTGTU", "issuer abbreviation is missing"),
    ("141/KH", "issuer abbreviation is missing"),
    ("141/KH-", "issuer abbreviation is missing"),
    ("07/-VP", "issuer abbreviation is missing"),
    ("141/KH-UBND-", "unit abbreviation is missing"),
    ("43-TB/VPTW/", "unit abbreviation is missing"),
    ("375-C_V/BTGTU", "type abbreviation “C_V” is invalid"),
    ("375-CV/BTG TU", "issuer abbreviation “BTG TU” is invalid"),
    ("375-CV/1BTGTU", "issuer abbreviation “1BTGTU” is invalid"),
    ("375-CV/BTGTU-VP", "issuer abbreviation “BTGTU-VP” is invalid"),
    ("07/SNV-GD&", "unit abbreviation “GD&” is invalid"),
    ("07/SNV-" + "V" * 31, "at most 30 characters"),
    ("07-CT/TU/nb/x", "too many segments"),
    ("141/KH-UBND-VP-X", "too many segments"),
    ("1163/STTTT-TTBCBC-X", "“STTTT” is not a known State type"),
    ("07/SNV/VP", "four-digit year"),
    ("15/20/NĐ-CP", "four-digit year"),
    ("15/2020/2021/NĐ-CP", "four-digit year"),
    ("15/2020/-CP", "type abbreviation is missing"),
]


@pytest.mark.parametrize(("text", "problem"), INVALID)
def test_invalid_notations_are_rejected_naming_the_problem(text: str, problem: str) -> None:
    with pytest.raises(NotationError, match=re.escape(problem)) as caught:
        parse_notation(text)

    assert caught.value.text == text
    assert f"“{text}”" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "system", "problem"),
    [
        ("141/KH-UBND", PARTY, "Party notations are written NUMBER-TYPE/ISSUER"),
        ("Số: 15/2020/NĐ-CP", PARTY, "Party notations are written NUMBER-TYPE/ISSUER"),
        ("375-CV/BTGTU", STATE, "State notations are written NUMBER/TYPE-ISSUER"),
    ],
)
def test_a_given_system_rejects_the_other_shape(text: str, system: str, problem: str) -> None:
    with pytest.raises(NotationError, match=re.escape(problem)):
        parse_notation(text, system=system)


def test_an_unknown_system_argument_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="system must be"):
        parse_notation("375-CV/BTGTU", system="Party")


@pytest.mark.parametrize(
    ("system", "number", "type_abbr", "issuer", "unit", "year", "problem"),
    [
        (PARTY, 375, "", "BTGTU", "", None, "Party công văn is “CV”"),
        (PARTY, 21, "NQ", "TW", "", 2022, "carry no year"),
        (STATE, 15, "", "CP", "", 2020, "needs a type abbreviation"),
        (STATE, 15, "NĐ", "CP", "", 20, "four digits"),
        (STATE, 7, "", "", "VP", None, "issuer abbreviation is missing"),
        (STATE, 7, "", "S NV", "", None, "issuer abbreviation “S NV”"),
        (STATE, 7, "", "SNV", "-VP", None, "unit abbreviation “-VP”"),
        (STATE, 7, "", unicodedata.normalize("NFD", "SỞ"), "", None, "issuer abbreviation"),
        (STATE, 0, "", "SNV", "", None, "at least 1"),
        (PARTY, 1_000_000, "CV", "TU", "", None, "larger than"),
        ("nhà nước", 7, "", "SNV", "", None, "system must be"),
    ],
)
def test_formatting_validates_the_parts(
    system: str, number: int, type_abbr: str, issuer: str, unit: str, year: int | None, problem: str
) -> None:
    with pytest.raises(NotationError, match=re.escape(problem)):
        format_notation(system=system, number=number, type_abbr=type_abbr, issuer=issuer, unit=unit, year=year)
    with pytest.raises(NotationError, match=re.escape(problem)):
        Notation(system, number, type_abbr, issuer, unit, year)


def test_format_symbol_requires_a_party_type() -> None:
    with pytest.raises(NotationError, match="needs a type abbreviation"):
        format_symbol(system=PARTY, type_abbr="", issuer="BTGTU")


# Property tests -------------------------------------------------------------------------------------------

LETTERS = "ABCDEGHIKLMNOPQRSTUVXYĐÁÀẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÉÈẺẼẸÊẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÚÙỦŨỤƯỨỪỬỮỰÝỲỶỸỴ" + "abcdđiyrnb"
DASHES = "-‐‑‒–—−"

segments = st.one_of(
    st.sampled_from(sorted(STATE_TYPE_ABBREVIATIONS | PARTY_TYPE_ABBREVIATIONS | {"UBND", "BCĐ389", "GD&ĐT"})),
    st.builds(
        lambda first, middle, last: first + middle + last,
        st.sampled_from(LETTERS),
        st.text(alphabet=LETTERS + "0123456789&", max_size=28),
        st.sampled_from(LETTERS + "0123456789"),
    ),
    st.sampled_from(LETTERS),
)
units = st.one_of(st.just(""), segments)
numbers = st.integers(min_value=1, max_value=999_999)
state_issuers = segments.filter(lambda value: value not in STATE_TYPE_ABBREVIATIONS)

notations = st.one_of(
    st.builds(Notation, st.just(PARTY), numbers, segments, segments, units),
    st.builds(Notation, st.just(STATE), numbers, st.sampled_from(sorted(STATE_TYPE_ABBREVIATIONS)), segments, units),
    st.builds(Notation, st.just(STATE), numbers, st.just(""), state_issuers, units),
    st.builds(Notation, st.just(STATE), numbers, segments, segments, units, st.integers(1000, 9999)),
)


@given(notations)
def test_format_then_parse_gives_back_the_parts(notation: Notation) -> None:
    assert parse_notation(notation.format(), system=notation.system) == notation
    assert parse_notation(notation.format(with_prefix=True)) == notation
    system, type_abbr, issuer, unit, year = parse_symbol(notation.symbol)
    assert Notation(system, notation.number, type_abbr, issuer, unit, year) == notation
    assert format_symbol(system=system, type_abbr=type_abbr, issuer=issuer, unit=unit, year=year) == notation.symbol


def _parse_or_error[T](parse: Callable[[str], T], text: str) -> T | NotationError:
    try:
        return parse(text)
    except NotationError as error:
        return error


@given(st.one_of(st.text(), st.text(alphabet="0123456789/-–  SsốỐ:*.MQĐKHCVTU&_")))
def test_parsing_arbitrary_text_raises_only_notation_error(text: str) -> None:
    """GIVEN any text WHEN parsed THEN the result is a valid notation in canonical form, or a NotationError."""
    notation = _parse_or_error(parse_notation, text)
    if isinstance(notation, NotationError):
        assert notation.text == text
        assert f"“{text}”" in str(notation)
    else:
        assert parse_notation(notation.format()) == notation

    parts = _parse_or_error(parse_symbol, text)
    if isinstance(parts, NotationError):
        assert parts.text == text
    else:
        system, type_abbr, issuer, unit, year = parts
        assert parse_symbol(format_symbol(system=system, type_abbr=type_abbr, issuer=issuer, unit=unit, year=year)) == (
            parts
        )


@given(notations, st.data())
def test_spaces_and_unicode_dashes_around_separators_do_not_matter(notation: Notation, data: st.DataObject) -> None:
    """GIVEN a formatted notation WHEN spaces are put around its separators, its dashes replaced by Unicode
    dashes, and a prefix and quotes added THEN it parses to the same notation."""

    def retype(separator: re.Match[str]) -> str:
        char = data.draw(st.sampled_from(DASHES)) if separator[0] == "-" else "/"
        return data.draw(st.sampled_from(["", " ", "  "])) + char + data.draw(st.sampled_from(["", " ", "\t"]))

    typed = re.sub(r"[/-]", retype, notation.format())
    prefix = data.draw(st.sampled_from(["", "Số ", "Số:", "số: ", "SỐ : "]))
    quote = data.draw(st.sampled_from(["", "*", "“"]))
    suffix = data.draw(st.sampled_from(["", ".", ","]))

    assert parse_notation(f"{prefix}{quote}{typed}{quote}{suffix}") == notation
