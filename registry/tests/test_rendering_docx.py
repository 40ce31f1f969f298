"""The DOCX of the example documents, read back with python-docx: the same
lines as the layout and the PDF, A4 with the margins of GUIDE.md §3, Times
New Roman for every script, page numbers in the header from page 2."""

import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from registry.tests.pdfprobe import compact, page_text
from registry.tests.rendering_examples import (
    DRAFT,
    LETTER_PARTY,
    LETTER_STATE,
    PLAN_PARTY,
    Examples,
    rendered_examples,
)

EXAMPLES = (LETTER_PARTY, PLAN_PARTY, LETTER_STATE, DRAFT)
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def examples(django_db_setup, django_db_blocker, tmp_path_factory) -> Examples:
    return rendered_examples(django_db_blocker, tmp_path_factory)


def opened(rendered):
    return docx.Document(io.BytesIO(rendered.docx))


def paragraphs(document):
    """Every paragraph of the body in reading order, those of tables cell by cell."""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    yield from cell.paragraphs


def lines(document):
    return [paragraph.text for paragraph in paragraphs(document) if paragraph.text.strip()]


def paragraph_with(document, text):
    return next(paragraph for paragraph in paragraphs(document) if paragraph.text == text)


def size_of(paragraph):
    return paragraph.runs[0].font.size or paragraph.style.font.size


@pytest.mark.parametrize("key", EXAMPLES)
def test_the_docx_holds_the_lines_of_the_layout_and_the_pdf(examples, key):
    rendered = examples[key]
    document = opened(rendered)
    assert lines(document) == list(rendered.layout.lines())
    pdf_text = compact(page_text(rendered.pdf))
    assert [line for line in lines(document) if compact(line) not in pdf_text] == []


@pytest.mark.parametrize("key", EXAMPLES)
def test_a4_with_the_guides_margins(examples, key):
    rendered = examples[key]
    section = opened(rendered).sections[0]
    # Word stores lengths in twentieths of a point: A4 is 11906 × 16838.
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    margins = {
        "top": section.top_margin.mm,
        "bottom": section.bottom_margin.mm,
        "left": section.left_margin.mm,
        "right": section.right_margin.mm,
    }
    # GUIDE.md §3: State top 20–25, bottom 20–25, left 30–35, right 15–20; Party 20/20/30/15.
    ranges = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
    if rendered.system == "party":
        ranges = {"top": (20, 20), "bottom": (20, 20), "left": (30, 30), "right": (15, 15)}
    for side, (low, high) in ranges.items():
        assert low - 0.01 <= margins[side] <= high + 0.01, side
    layout_margins = rendered.layout.margins
    assert margins == pytest.approx(
        {
            "top": layout_margins.top,
            "bottom": layout_margins.bottom,
            "left": layout_margins.left,
            "right": layout_margins.right,
        },
        abs=0.01,
    )


def test_times_new_roman_for_every_script_at_14_pt(examples):
    document = opened(examples[LETTER_STATE])
    normal = document.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Times New Roman", Pt(14))
    for properties in (normal.element.rPr, document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rPr"))):
        fonts = properties.find(qn("w:rFonts"))
        assert {fonts.get(qn(f"w:{name}")) for name in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
        assert fonts.get(qn("w:asciiTheme")) is None
        assert properties.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"


def test_sizes_and_styles_follow_the_guide(examples):
    rendered = examples[LETTER_STATE]
    layout, document = rendered.layout, opened(rendered)
    body = paragraph_with(document, layout.body[0])
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.paragraph_format.first_line_indent > 0
    assert size_of(body) == Pt(14)
    assert size_of(paragraph_with(document, layout.letter_subject)) == Pt(12)
    label = paragraph_with(document, "Nơi nhận:")
    assert (size_of(label), label.runs[0].bold, label.runs[0].italic) == (Pt(12), True, True)
    assert {size_of(paragraph_with(document, line)) for line in layout.distribution} == {Pt(11)}
    assert paragraph_with(document, "Lâm Văn Sển").runs[0].bold
    assert paragraph_with(document, "Kiên Giang, ngày 03 tháng 8 năm 2021").runs[0].italic
    assert paragraph_with(document, "Độc lập - Tự do - Hạnh phúc").runs[0].underline
    header_table = document.tables[0]
    assert all(border.get(qn("w:val")) == "nil" for border in header_table._tbl.tblPr.find(qn("w:tblBorders")))


def test_page_numbers_from_page_two(examples):
    """GIVEN the three-page plan
    THEN the header holds a PAGE field and the first page has a header of its own without it."""
    section = opened(examples[PLAN_PARTY]).sections[0]
    assert section.different_first_page_header_footer
    fields = section.header._element.findall(".//" + qn("w:fldSimple"))
    assert [field.get(qn("w:instr")).strip() for field in fields] == ["PAGE"]
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert not section.first_page_header.is_linked_to_previous
    assert section.first_page_header._element.findall(".//" + qn("w:fldSimple")) == []
    assert [paragraph.text for paragraph in section.first_page_header.paragraphs if paragraph.text] == []


def test_core_properties_name_the_document_and_its_issuer(examples):
    properties = opened(examples[PLAN_PARTY]).core_properties
    assert properties.title.startswith("95-KH/TU – Tổng kết 35 năm")
    assert properties.author == "Tỉnh ủy Tiền Giang"
    assert properties.language == "vi-VN"


def test_the_drafts_marks_are_boxed(examples):
    document = opened(examples[DRAFT])
    for text in ("DỰ THẢO", "MẬT", "HỎA TỐC"):
        run = paragraph_with(document, text).runs[0]
        assert run.bold
        assert run._r.rPr.find(qn("w:bdr")).get(qn("w:val")) == "single"
    assert paragraph_with(document, "DỰ THẢO").alignment == WD_ALIGN_PARAGRAPH.RIGHT
