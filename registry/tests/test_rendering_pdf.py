"""The PDF of the example documents, as `seed_demo` stores them, checked
against GUIDE.md §2–3: every line of the header, addressees, distribution
and signature as printed; A4; text within the margins; sizes; embedded
fonts with every Vietnamese letter; page numbers from page 2; marks.

The PDFs are rendered once (rendering_examples); positions and sizes are
read with pypdf (pdfprobe), so poppler is not needed.
"""

import io
import unicodedata
from collections import Counter

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from registry.tests.pdfprobe import MM, compact, page_text, squeeze, text_runs
from registry.tests.rendering_examples import (
    DRAFT,
    LETTER_PARTY,
    LETTER_STATE,
    PLAN_PARTY,
    Examples,
    rendered_examples,
)

A4 = (595.28, 841.89)
# GUIDE.md §3, in mm: State top 20–25, bottom 20–25, left 30–35, right 15–20; Party 20/20/30/15.
MARGINS = {"state": {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}}
MARGINS["party"] = {"top": (20, 20), "bottom": (20, 20), "left": (30, 30), "right": (15, 15)}
# Glyph widths are stored in whole thousandths of an em, so a justified line
# of 80 letters may end a few tenths of a millimetre off the exact edge.
TOLERANCE = 0.5 * MM
SERIF_FAMILIES = {"Liberation Serif", "Tinos"}

# The lines as the example texts print them (../shared/examples), in order.
EXPECTED_LINES = {
    LETTER_PARTY: [
        "TỈNH ỦY KIÊN GIANG",
        "BAN TUYÊN GIÁO",
        "*",
        "Số 375-CV/BTGTU",
        "V/v Thay đổi hình thức phát hành Bản Tin sinh hoạt Tổ nhân dân tự quản và các đoàn thể",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Kiên Giang, ngày 27 tháng 12 năm 2021",
        "Kính gửi:",
        "- Cơ quan Thường trực Ban Tuyên giáo Trung ương (tại Tp.HCM);",
        "- Trung tâm thông tin công tác tuyên giáo Ban Tuyên giáo Trung ương;",
        "- Thường trực Tỉnh ủy;",
        "- Văn phòng Tỉnh ủy; Văn phòng Ủy ban nhân dân; Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh;",
        "- Ban Dân vận Tỉnh ủy;",
        "- Đảng ủy Khối các Cơ quan - Doanh nghiệp tỉnh.",
        "Bản Tin sinh hoạt tổ nhân dân tự quản và các đoàn thể được Ban Tuyên giáo Tỉnh ủy biên soạn",
        "Nơi nhận:",
        "- Như trên;",
        "- BTG TU (LĐ Ban, P.TTr, Tổng hợp);",
        "- Lưu.",
        "TRƯỞNG BAN",
        "Nguyễn Thanh Phong",
    ],
    PLAN_PARTY: [
        "TỈNH ỦY TIỀN GIANG",
        "*",
        "Số 95-KH/TU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Tiền Giang, ngày 28 tháng 4 năm 2023",
        "KẾ HOẠCH",
        "Tổng kết 35 năm thực hiện khai thác và sử dụng Bản tin Thông tin sinh hoạt chi bộ của Ban Tuyên giáo "
        "Trung ương và 20 năm Bản tin Thông báo nội bộ của Ban Tuyên giáo Tỉnh ủy trên địa bàn tỉnh",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Nơi nhận:",
        "- BTGTW (HN, TPHCM);",
        "- Các Ban, Đảng trực thuộc TU;",
        "- BTG cấp ủy, huyện (tương đương);",
        "- Lưu VPTU.",
        "T/M BAN THƯỜNG VỤ",
    ],
    LETTER_STATE: [
        "UBND TỈNH KIÊN GIANG",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "Số: 1163/STTTT-TTBCBC",
        "V/v thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU ngày 04-6-2021 của Tỉnh ủy Kiên Giang",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Kiên Giang, ngày 03 tháng 8 năm 2021",
        "Kính gửi:",
        "- Các sở, ban, ngành cấp tỉnh;",
        "- Báo Kiên Giang;",
        "- Đài Phát thanh và Truyền hình Kiên Giang;",
        "- Ủy ban nhân dân các huyện, thành phố.",
        "Thực hiện Kế hoạch số 141/KH-UBND ngày 19/7/2021 của Ủy ban nhân dân tỉnh",
        "Nơi nhận:",
        "- Như trên;",
        "- UBND tỉnh (báo cáo);",
        "- Lưu: VT, TTBCBC.",
        "Lâm Văn Sển",
    ],
}
EXAMPLES = (LETTER_PARTY, PLAN_PARTY, LETTER_STATE, DRAFT)
# The examples are seeded in the test database: pytest-django sets it up only for marked tests.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def examples(django_db_setup, django_db_blocker, tmp_path_factory) -> Examples:
    return rendered_examples(django_db_blocker, tmp_path_factory)


def content_runs(pdf):
    """The runs of the page areas, without the page numbers in the top margin."""
    return [run for run in text_runs(pdf) if not (run.page > 1 and run.bottom < 20 * MM)]


def run_starting(pdf, line):
    """The run that prints the start of `line` (its first line when it wraps)."""
    line = squeeze(line)
    for run in text_runs(pdf):
        start = squeeze(run.text)
        if start and line.startswith(start) and (len(start) >= 8 or start == line):
            return run
    raise AssertionError(f"no run starts {line!r}")


@pytest.mark.parametrize("key", EXPECTED_LINES)
def test_the_pdf_prints_the_example_lines_in_order(examples, key):
    text = page_text(examples[key].pdf)
    position = 0
    for line in EXPECTED_LINES[key]:
        found = text.find(squeeze(line), position)
        assert found >= 0, f"{line!r} not found after position {position} in {text[position : position + 300]!r}"
        position = found + len(squeeze(line))


@pytest.mark.parametrize("key", EXAMPLES)
def test_the_pdf_holds_every_line_of_the_layout(examples, key):
    rendered = examples[key]
    text = compact(page_text(rendered.pdf))
    missing = [line for line in rendered.layout.lines() if compact(line) not in text]
    assert not missing
    assert unicodedata.is_normalized(
        "NFC", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.pdf)).pages)
    )


@pytest.mark.parametrize("key", EXAMPLES)
def test_pages_are_a4_and_text_keeps_to_the_margins(examples, key):
    rendered = examples[key]
    reader = PdfReader(io.BytesIO(rendered.pdf))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=1)
    width, height = A4
    margins = MARGINS[rendered.system]
    runs = content_runs(rendered.pdf)
    left, right = min(run.x0 for run in runs), max(run.x1 for run in runs)
    top, bottom = min(run.top for run in runs), max(run.bottom for run in runs)
    # Within the margins, and the margins no wider than the guide allows: the
    # text starts at the left one and justified lines reach the right one.
    assert margins["left"][0] * MM - TOLERANCE <= left <= margins["left"][1] * MM + TOLERANCE
    assert width - margins["right"][1] * MM - TOLERANCE <= right <= width - margins["right"][0] * MM + TOLERANCE
    assert margins["top"][0] * MM <= top <= (margins["top"][1] + 6) * MM
    assert bottom <= height - margins["bottom"][0] * MM


@pytest.mark.parametrize("key", EXAMPLES)
def test_sizes_of_body_letter_subject_and_distribution(examples, key):
    rendered = examples[key]
    layout, pdf = rendered.layout, rendered.pdf
    body = run_starting(pdf, layout.body[0])
    assert 13 <= body.size <= 14
    by_length = Counter()
    for run in content_runs(pdf):
        by_length[round(run.size, 1)] += len(run.text)
    assert 13 <= by_length.most_common(1)[0][0] <= 14
    if layout.letter_subject:
        assert 12 <= run_starting(pdf, layout.letter_subject).size <= 13
    label = run_starting(pdf, "Nơi nhận:")
    assert (round(label.size, 1), label.font.split("+")[1]) == (12, "Liberation-Serif-Bold-Italic")
    for line in layout.distribution:
        assert round(run_starting(pdf, line).size, 1) == 11


@pytest.mark.parametrize("key", EXAMPLES)
def test_fonts_are_embedded_and_draw_every_vietnamese_letter(examples, key):
    reader = PdfReader(io.BytesIO(examples[key].pdf))
    families = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for name in fonts:
            font = fonts[name].get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]
            program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            families.add(program["name"].getDebugName(1))
    assert families
    assert families <= SERIF_FAMILIES
    used = set()
    for run in text_runs(examples[key].pdf):
        assert 0 not in run.codes, f".notdef in {run.text!r}"
        assert "\ufffd" not in run.text, f"a glyph without Unicode in {run.text!r}"
        used.update(run.text)
    printed = set("".join(examples[key].layout.lines()))
    assert printed - {" "} <= used
    assert any(unicodedata.decomposition(char) for char in used), "the example has no accented letter to check"


def test_drawn_glyphs_are_not_empty(examples):
    """Every letter of the Party letter is drawn by an outline of the embedded font, not an empty glyph."""
    reader = PdfReader(io.BytesIO(examples[LETTER_PARTY].pdf))
    programs = {}
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for name in fonts:
            font = fonts[name].get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            programs[str(font["/BaseFont"]).lstrip("/")] = TTFont(
                io.BytesIO(descriptor["/FontFile2"].get_object().get_data())
            )
    for run in text_runs(examples[LETTER_PARTY].pdf):
        glyphs = programs[run.font]["glyf"]
        order = programs[run.font].getGlyphOrder()
        for code, char in zip(run.codes, run.chars, strict=True):
            if not char.isspace():
                assert glyphs[order[code]].numberOfContours != 0, (run.font, char)


def test_page_numbers_from_page_two_centred_in_the_top_margin(examples):
    plan = examples[PLAN_PARTY]
    margins = plan.layout.margins
    runs = text_runs(plan.pdf)
    pages = max(run.page for run in runs)
    assert pages >= 3
    in_margin = [run for run in runs if run.bottom < margins.top * MM]
    assert [(run.page, run.text) for run in in_margin] == [(page, str(page)) for page in range(2, pages + 1)]
    centre = (margins.left + (210 - margins.left - margins.right) / 2) * MM
    for run in in_margin:
        assert (run.x0 + run.x1) / 2 == pytest.approx(centre, abs=1 * MM)
        assert run.top > 0
        assert "Liberation-Serif" in run.font or "Tinos" in run.font


def test_a_two_page_letter_numbers_its_second_page(examples):
    runs = text_runs(examples[LETTER_PARTY].pdf)
    assert max(run.page for run in runs) == 2
    assert [run.text for run in runs if run.bottom < 20 * MM] == ["2"]


def test_a_draft_is_marked_and_leaves_number_and_day_blank(examples):
    draft = examples[DRAFT]
    text = page_text(draft.pdf)
    assert "DỰ THẢO" in text
    assert "Số: /STTTT-TTBCBC" in text
    assert "Kiên Giang, ngày tháng năm 20" in text
    mark = run_starting(draft.pdf, "DỰ THẢO")
    assert mark.page == 1
    assert "Bold" in mark.font
    assert mark.x1 > (210 - 15 - 20) * MM, "the mark stands at the top right"
    assert mark.top == min(run.top for run in text_runs(draft.pdf) if run.page == 1)
    for key in (LETTER_PARTY, PLAN_PARTY, LETTER_STATE):
        assert "DỰ THẢO" not in page_text(examples[key].pdf)


def test_confidentiality_and_urgency_marks_stand_under_the_number(examples):
    """GIVEN the draft marked Mật and Hỏa tốc
    THEN both marks are printed bold in the issuer's column, Mật under the
    number and the V/v line, Hỏa tốc under Mật; unmarked documents have none."""
    draft = examples[DRAFT]
    column_end = (30 + 165 * draft.layout.header_share) * MM
    number = run_starting(draft.pdf, draft.layout.number_line)
    subject_text = squeeze(draft.layout.letter_subject)
    letter_subject = [
        run for run in text_runs(draft.pdf) if run.page == 1 and run.text.strip() and squeeze(run.text) in subject_text
    ]
    assert "".join(run.text for run in letter_subject).replace(" ", "") == subject_text.replace(" ", "")
    confidential = run_starting(draft.pdf, "MẬT")
    flash = run_starting(draft.pdf, "HỎA TỐC")
    assert (confidential.text, flash.text) == ("MẬT", "HỎA TỐC")
    assert number.bottom <= min(run.top for run in letter_subject)
    assert max(run.bottom for run in letter_subject) < confidential.top < confidential.bottom < flash.top
    for mark in (confidential, flash):
        assert "Bold" in mark.font
        assert mark.x1 < column_end
    for key in (LETTER_PARTY, PLAN_PARTY, LETTER_STATE):
        text = page_text(examples[key].pdf)
        assert not {"MẬT", "HỎA TỐC", "KHẨN"} & set(text.split())


def test_metadata_names_notation_subject_and_issuer(examples):
    metadata = PdfReader(io.BytesIO(examples[LETTER_PARTY].pdf)).metadata
    assert metadata.title == (
        "375-CV/BTGTU – Thay đổi hình thức phát hành Bản Tin sinh hoạt Tổ nhân dân tự quản và các đoàn thể"
    )
    assert metadata.author == "Ban Tuyên giáo Tỉnh ủy Kiên Giang"
    draft = PdfReader(io.BytesIO(examples[DRAFT].pdf)).metadata
    assert draft.title == "tuyên truyền hưởng ứng Ngày Chuyển đổi số quốc gia (10/10)"
    assert draft.author == "Sở Thông tin và Truyền thông tỉnh Kiên Giang"


def test_the_archival_pdf_is_pdf_a_2b(examples):
    pdf = examples.archival_pdf
    assert pdf.startswith(b"%PDF-1.7")
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata
    assert xmp is not None
    description = xmp.rdf_root.getElementsByTagNameNS("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description")
    identification = {
        (node.getAttribute("pdfaid:part"), node.getAttribute("pdfaid:conformance"))
        for node in description
        if node.hasAttribute("pdfaid:part")
    }
    assert identification == {("2", "B")}
    assert xmp.dc_title["x-default"] == PdfReader(io.BytesIO(examples[LETTER_STATE].pdf)).metadata.title
    assert xmp.dc_title["x-default"].startswith("1163/STTTT-TTBCBC – thông tin, tuyên truyền")
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert page_text(pdf) == page_text(examples[LETTER_STATE].pdf)
