"""The texts of the official layout (registry.rendering.layout) and the font
lookup (registry.rendering.fonts), without rendering."""

import datetime
import shutil
import unicodedata

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont

from registry.models import Document, DocumentStatus, DocumentType
from registry.rendering import document_filename, layout_of
from registry.rendering.fonts import VIETNAMESE_LETTERS, FontsUnavailable, find_font_family
from registry.rendering.layout import date_line, number_line, printed_date
from registry.services import AddresseeInput, DistributionInput, document_issue
from tests.factories import doc_type

LIBERATION = "/usr/share/fonts/truetype/liberation2"
CROSCORE = "/usr/share/fonts/truetype/croscore"
FACES = ("Regular", "Bold", "Italic", "BoldItalic")


@pytest.mark.parametrize(
    ("day", "printed"),
    [
        (datetime.date(2020, 1, 5), "ngày 05 tháng 01 năm 2020"),
        (datetime.date(2022, 2, 10), "ngày 10 tháng 02 năm 2022"),
        (datetime.date(2023, 3, 9), "ngày 09 tháng 3 năm 2023"),
        (datetime.date(2021, 8, 3), "ngày 03 tháng 8 năm 2021"),
        (datetime.date(2021, 12, 27), "ngày 27 tháng 12 năm 2021"),
        (datetime.date(2023, 10, 31), "ngày 31 tháng 10 năm 2023"),
    ],
)
def test_days_below_ten_and_months_one_and_two_take_a_leading_zero(day, printed):
    assert printed_date(day) == printed


def test_date_line_with_place_and_blank_for_drafts():
    assert date_line(place="Kiên Giang", day=datetime.date(2021, 8, 3), year=2099) == (
        "Kiên Giang, ngày 03 tháng 8 năm 2021"
    )
    assert " ".join(date_line(place="Kiên Giang", day=None, year=2025).split()) == "Kiên Giang, ngày tháng năm 2025"
    assert date_line(place="", day=datetime.date(2020, 1, 5), year=2020) == "Ngày 05 tháng 01 năm 2020"


def _unsaved(system, code, **fields):
    return Document(system=system, doc_type=DocumentType(code=code, is_letter=code == "CV"), **fields)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (_unsaved("party", "CV", notation="375-CV/BTGTU"), "Số 375-CV/BTGTU"),
        (_unsaved("state", "CV", notation="1163/STTTT-TTBCBC"), "Số: 1163/STTTT-TTBCBC"),
        (
            _unsaved("party", "CV", type_abbreviation="CV", issuer_abbreviation="BTGTU"),
            "Số      -CV/BTGTU",
        ),
        (
            _unsaved("state", "CV", issuer_abbreviation="STTTT", drafting_unit="TTBCBC"),
            "Số:      /STTTT-TTBCBC",
        ),
        (
            _unsaved("state", "KH", type_abbreviation="KH", issuer_abbreviation="UBND", drafting_unit="VP"),
            "Số:      /KH-UBND",
        ),
        (_unsaved("state", "CV", issuer_abbreviation=""), "Số:      "),
    ],
)
def test_number_line_with_and_without_a_number(document, expected):
    assert number_line(document) == expected


@pytest.mark.django_db
def test_a_letters_layout(make_draft, clerk):
    """GIVEN a State công văn with one addressee, a two-level authority and decomposed text in the body
    THEN the addressee stands on the “Kính gửi:” line ending with a full stop, the authority prints
    one line per level, the subject follows V/v once, and every text is NFC."""
    clerk.clearance = "secret"  # a Tối mật draft needs a clerk cleared for it
    draft = make_draft(
        subject="V/v tuyên truyền Chỉ thị số 07-CT/TU",
        addressees=[AddresseeInput(text="Ủy ban nhân dân tỉnh;")],
        signer_authority="KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC",
        signer_title="",
        urgency="urgent",
        confidentiality="secret",
    )
    Document.objects.filter(pk=draft.pk).update(body=unicodedata.normalize("NFD", "Đề nghị\n\n  các sở   phối hợp."))
    layout = layout_of(document=Document.objects.get(pk=draft.pk))
    assert layout.addressee_lines() == ("Kính gửi: Ủy ban nhân dân tỉnh.",)
    assert layout.letter_subject == "V/v tuyên truyền Chỉ thị số 07-CT/TU"
    assert (layout.title, layout.title_subject) == ("", "")
    assert layout.signature_lines() == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lâm Văn Sển")
    assert layout.marks == ("TỐI MẬT", "KHẨN")
    assert layout.body == ("Đề nghị", "các sở phối hợp.")
    assert layout.draft_mark == "DỰ THẢO"
    assert layout.distribution == ("- Như trên;", "- Lưu: VT, TTBCBC.")
    assert all(unicodedata.is_normalized("NFC", line) for line in layout.lines())


@pytest.mark.django_db
def test_a_typed_documents_layout(make_draft, clerk):
    """GIVEN an issued State plan with several addressees and a purpose in the distribution
    THEN its type name stands in capitals with the subject under it, and the lists end with “;” and “.”."""
    plan = make_draft(
        doc_type=doc_type("KH"),
        subject="Tuyên truyền Ngày Chuyển đổi số quốc gia",
        drafting_unit="",
        addressees=[AddresseeInput(text="Các sở, ban, ngành"), AddresseeInput(text="Báo Kiên Giang.")],
        distribution=[
            DistributionInput(kind="as_above"),
            DistributionInput(text="UBND tỉnh", purpose="b/c"),
            DistributionInput(text="Lưu: VT, VP"),
        ],
    )
    plan = document_issue(document=plan, actor=clerk, issued_on=datetime.date(2025, 2, 7))
    layout = layout_of(document=plan)
    assert (layout.title, layout.title_subject, layout.letter_subject) == (
        "KẾ HOẠCH",
        "Tuyên truyền Ngày Chuyển đổi số quốc gia",
        "",
    )
    assert layout.addressee_lines() == ("Kính gửi:", "- Các sở, ban, ngành;", "- Báo Kiên Giang.")
    assert layout.distribution_lines() == ("Nơi nhận:", "- Như trên;", "- UBND tỉnh (b/c);", "- Lưu: VT, VP.")
    assert layout.date_line == "Kiên Giang, ngày 07 tháng 02 năm 2025"
    assert layout.number_line == f"Số: {plan.notation}"
    assert layout.motto == ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
    assert layout.meta_title == f"{plan.notation} – Tuyên truyền Ngày Chuyển đổi số quốc gia"
    assert (layout.draft_mark, layout.marks) == ("", ())


@pytest.mark.parametrize(
    ("fields", "file_format", "expected"),
    [
        ({"status": DocumentStatus.ISSUED, "notation": "375-CV/BTGTU"}, "pdf", "375-CV-BTGTU.pdf"),
        ({"status": DocumentStatus.ISSUED, "notation": "12/QĐ-UBND"}, "docx", "12-QD-UBND.docx"),
        ({"status": DocumentStatus.ISSUED, "notation": "15/2020/NĐ-CP"}, "pdf", "15-2020-ND-CP.pdf"),
        ({"status": DocumentStatus.DRAFT, "notation": ""}, "pdf", "du-thao-42.pdf"),
        ({"status": DocumentStatus.RECEIVED, "notation": ""}, "docx", "van-ban-42.docx"),
    ],
)
def test_file_names_are_ascii(fields, file_format, expected):
    assert document_filename(document=Document(pk=42, **fields), file_format=file_format) == expected


def test_the_installed_family_covers_vietnamese():
    family = find_font_family()
    assert family.name in {"Liberation Serif", "Tinos"}
    assert [(face.weight, face.style) for face in family.faces] == [
        ("normal", "normal"),
        ("bold", "normal"),
        ("normal", "italic"),
        ("bold", "italic"),
    ]
    cmap = TTFont(family.regular, lazy=True).getBestCmap()
    assert all(ord(letter) in cmap for letter in VIETNAMESE_LETTERS)
    assert len(VIETNAMESE_LETTERS) == 12 * 6 * 2 + 2  # 12 vowels × (no tone + 5 tones) × 2 cases, đ and Đ
    assert find_font_family() is family, "looked up once per process"


def _latin_only_copy(folder, source, pattern):
    """A copy of a family cut down to ASCII, as Liberation 1.x lacks the Vietnamese letters."""
    folder.mkdir(exist_ok=True)
    for face in FACES:
        font = TTFont(f"{source}/{pattern.format(face)}")
        subsetter = subset.Subsetter()
        subsetter.populate(unicodes=range(0x20, 0x7F))
        subsetter.subset(font)
        font.save(folder / pattern.format(face))


def test_a_family_without_vietnamese_is_rejected_for_the_next(tmp_path):
    """GIVEN Liberation Serif without Vietnamese letters in the first folder and Tinos in the second
    THEN Tinos is chosen; alone, the first folder gives an error naming the Debian packages and the file."""
    old = tmp_path / "old"
    _latin_only_copy(old, LIBERATION, "LiberationSerif-{}.ttf")
    tinos = tmp_path / "tinos"
    tinos.mkdir()
    for face in FACES:
        shutil.copy(f"{CROSCORE}/Tinos-{face}.ttf", tinos)
    chosen = find_font_family([str(old), str(tinos)])
    assert chosen.name == "Tinos"
    assert chosen.regular == tinos / "Tinos-Regular.ttf"
    with pytest.raises(FontsUnavailable) as refused:
        find_font_family([str(old)])
    message = refused.value.message
    assert "fonts-liberation2" in message
    assert "fonts-croscore" in message
    assert str(old / "LiberationSerif-Regular.ttf") in message
    assert refused.value.status_code == 503


def test_no_font_at_all_is_a_clear_error(tmp_path):
    with pytest.raises(FontsUnavailable, match="fonts-liberation2"):
        find_font_family([str(tmp_path), "/nonexistent/fonts"])
    for face in FACES:
        (tmp_path / f"LiberationSerif-{face}.ttf").write_bytes(b"not a font")
    with pytest.raises(FontsUnavailable, match=r"LiberationSerif-Regular\.ttf"):
        find_font_family([str(tmp_path)])
