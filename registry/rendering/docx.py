"""A document's layout as DOCX, with python-docx: the same texts, sizes and
margins as the PDF, for offices that edit or sign in Word.

Every line of the layout is one paragraph of its own (the header and the
closing are borderless two-column tables), so the file holds exactly the
lines of DocumentLayout.lines(). The font is named Times New Roman, for every
script (ASCII, East Asian, complex): Word uses it, LibreOffice substitutes a
metric-compatible font such as Liberation Serif.
"""

import datetime
import io
from typing import Any

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from registry.rendering.layout import DocumentLayout

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
LANGUAGE = "vi-VN"
A4 = (Mm(210), Mm(297))
SIGNATURE_SPACE_LINES = 4
ADDRESSEE_LABEL_SHARE = 0.30
HANGING = 3  # mm: a wrapped addressee line starts under the text, not under the dash

Container = Any  # the document body, a table cell or a header: whatever has add_paragraph()


def _set_fonts(rpr: Any) -> None:
    """Times New Roman for every script, replacing theme fonts; Vietnamese as the language."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _styles(document: Any, layout: DocumentLayout) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    _set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(layout.sizes.body)
    _set_fonts(normal.element.get_or_add_rPr())
    paragraph = normal.paragraph_format
    paragraph.space_before = paragraph.space_after = Pt(0)
    paragraph.line_spacing = 1.0


# Children that must follow the element inserted, in the schema's order (Word refuses files out of order).
_AFTER_RUN_BORDER = ("w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout")
_AFTER_PARAGRAPH_BORDER = (
    *("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:spacing"),
    *("w:ind", "w:contextualSpacing", "w:jc", "w:textDirection", "w:outlineLvl", "w:rPr"),
)
_AFTER_TABLE_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


def _line(tag: str, value: str = "single") -> Any:
    line = OxmlElement(tag)
    line.set(qn("w:val"), value)
    if value != "nil":
        line.set(qn("w:sz"), "6")
        line.set(qn("w:space"), "1")
        line.set(qn("w:color"), "000000")
    return line


def _box(run: Any) -> None:
    """A single line around the run's text: the boxed marks (DỰ THẢO, MẬT, KHẨN)."""
    run._r.get_or_add_rPr().insert_element_before(_line("w:bdr"), *_AFTER_RUN_BORDER)


def _bottom_border(paragraph: Paragraph) -> None:
    borders = OxmlElement("w:pBdr")
    borders.append(_line("w:bottom"))
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PARAGRAPH_BORDER)


def _no_borders(table: Any) -> None:
    """No lines and no inner margins, so the columns are as wide as the PDF's."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_line(f"w:{side}", "nil"))
    properties = table._tbl.tblPr
    properties.insert_element_before(borders, *_AFTER_TABLE_BORDERS)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def _paragraph(
    container: Container,
    text: str = "",
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    boxed: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
    reuse: bool = False,
) -> Paragraph:
    """A paragraph of one run; `reuse` fills the empty paragraph a new cell starts with."""
    paragraph = container.paragraphs[0] if reuse else container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
        if size is not None:
            run.font.size = Pt(size)
        if boxed:
            _box(run)
    return paragraph


def _rule(container: Container, *, width: float, share: float) -> None:
    """A short centred line, `share` of `width` mm: an empty paragraph's bottom border, narrowed by indents."""
    paragraph = _paragraph(container, after=4)
    indent = Mm(width * (1 - share) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent
    _bottom_border(paragraph)


def _table(document: Any, widths: tuple[float, float]) -> tuple[_Cell, _Cell]:
    """A borderless one-row table of two columns `widths` (mm) wide."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    cells = table.rows[0].cells
    for cell, width in zip(cells, widths, strict=True):
        cell.width = Mm(width)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    return cells[0], cells[1]


def _page_number(header: Any, size: float) -> None:
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    font_size = OxmlElement("w:sz")
    font_size.set(qn("w:val"), str(int(size * 2)))
    properties.append(font_size)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _section(document: Any, layout: DocumentLayout) -> float:
    """A4 portrait with the layout's margins, the page number centred in the
    header from page 2. Returns the width of the text in mm."""
    section = document.sections[0]
    section.page_width, section.page_height = A4
    margins = layout.margins
    section.top_margin, section.bottom_margin = Mm(margins.top), Mm(margins.bottom)
    section.left_margin, section.right_margin = Mm(margins.left), Mm(margins.right)
    section.header_distance = Mm(margins.top / 2)
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    _page_number(section.header, layout.sizes.page_number)
    return 210 - margins.left - margins.right


def _header(document: Any, layout: DocumentLayout, width: float) -> None:
    sizes, size = layout.sizes, layout.header_size
    left_width = width * layout.header_share
    left, right = _table(document, (left_width, width - left_width))
    first = True
    if layout.header_parent:
        _paragraph(left, layout.header_parent, size=size, reuse=True)
        first = False
    _paragraph(left, layout.header_issuer, size=size, bold=True, reuse=first)
    if layout.party_star:
        _paragraph(left, layout.party_star, size=size, after=2)
    else:
        _rule(left, width=left_width, share=0.3)
    _paragraph(left, layout.number_line, size=sizes.number, before=2)
    if layout.letter_subject:
        _paragraph(left, layout.letter_subject, size=sizes.letter_subject, before=2)
    for mark in layout.marks:
        _paragraph(left, mark, size=sizes.mark, bold=True, boxed=True, before=6)
    for index, (line, motto_size, underlined) in enumerate(layout.motto_lines()):
        _paragraph(right, line, size=motto_size, bold=True, underline=underlined, reuse=index == 0)
    _paragraph(right, layout.date_line, size=sizes.date, italic=True, before=8)


def _addressees(document: Any, layout: DocumentLayout, width: float) -> None:
    """One addressee on the line of “Kính gửi:”; several listed beside it."""
    if not layout.addressees:
        return
    if layout.addressee_inline:
        _paragraph(document, layout.addressee_line, before=12, after=6)
        return
    _paragraph(document, after=6)
    label, entries = _table(document, (width * ADDRESSEE_LABEL_SHARE, width * (1 - ADDRESSEE_LABEL_SHARE)))
    _paragraph(
        label, layout.addressee_label, align=WD_ALIGN_PARAGRAPH.RIGHT, reuse=True
    ).paragraph_format.right_indent = Mm(2)
    for index, line in enumerate(layout.addressees):
        paragraph = _paragraph(entries, line, align=WD_ALIGN_PARAGRAPH.LEFT, reuse=index == 0)
        paragraph.paragraph_format.left_indent = Mm(HANGING)
        paragraph.paragraph_format.first_line_indent = -Mm(HANGING)
    _paragraph(document, after=6)


def _closing(document: Any, layout: DocumentLayout, width: float) -> None:
    sizes = layout.sizes
    _paragraph(document, after=6)
    left, right = _table(document, (width / 2, width / 2))
    if layout.distribution:
        label, size = layout.distribution_label, sizes.distribution_label
        _paragraph(left, label, size=size, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, reuse=True)
        for line in layout.distribution:
            _paragraph(left, line, size=sizes.distribution, align=WD_ALIGN_PARAGRAPH.LEFT)
    first = True
    for line in (*layout.signature_authority, layout.signer_title):
        if line:
            _paragraph(right, line, size=sizes.signature, bold=True, reuse=first)
            first = False
    for _line in range(SIGNATURE_SPACE_LINES):
        _paragraph(right, reuse=first)
        first = False
    if layout.signer_name:
        _paragraph(right, layout.signer_name, size=sizes.signature, bold=True)


def write_docx(layout: DocumentLayout) -> bytes:
    document = docx.Document()
    _styles(document, layout)
    width = _section(document, layout)
    if layout.draft_mark:
        _paragraph(
            document, layout.draft_mark, size=layout.sizes.mark, bold=True, boxed=True, align=WD_ALIGN_PARAGRAPH.RIGHT
        )
    _header(document, layout, width)
    if layout.title:
        _paragraph(document, layout.title, size=layout.sizes.title, bold=True, before=14)
        _paragraph(document, layout.title_subject, size=layout.sizes.title, bold=True)
        _rule(document, width=width, share=0.25)
    _addressees(document, layout, width)
    for text in layout.body:
        paragraph = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
        paragraph.paragraph_format.first_line_indent = Mm(10)
    _closing(document, layout, width)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = (
        layout.meta_title,
        layout.meta_author,
        layout.meta_author,
    )
    properties.language = LANGUAGE
    properties.created = properties.modified = datetime.datetime.now(datetime.UTC)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
