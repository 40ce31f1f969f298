"""What a PDF shows, read with pypdf alone: its text, and where each run of
text stands on the page with its size and font, so tests can check margins
and sizes without poppler.

`text_runs` follows the content stream as a viewer does: the graphics state
stack (q/Q/cm), the text matrix (BT/Tm/Td/TD/T*), the font and size (Tf), and
each shown string's advance from the font's glyph widths (/W, Identity-H
two-byte codes as WeasyPrint writes them) and the TJ adjustments. Runs are
one TJ/Tj each (WeasyPrint writes one per line box). Text is decoded with
the font's /ToUnicode bfchar/bfrange entries.
"""

import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream

MM = 72 / 25.4
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n in PDF's row-vector convention: apply m, then n."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return x * a + y * c + e, x * b + y * d + f


@dataclass(frozen=True)
class Font:
    name: str
    widths: dict[int, float]
    default_width: float
    to_unicode: dict[int, str]
    ascent: float
    descent: float


@dataclass(frozen=True)
class TextRun:
    page: int  # from 1
    text: str
    x0: float  # points from the left edge
    x1: float
    baseline: float  # points from the top edge
    top: float  # baseline minus the font's ascent
    bottom: float  # baseline plus the font's descent
    size: float  # the font size as drawn, in points
    font: str
    codes: tuple[int, ...]  # glyph ids
    chars: tuple[str, ...]  # the text of each glyph (a ligature has several letters)


def _widths(descendant: Any) -> dict[int, float]:
    widths: dict[int, float] = {}
    items = list(descendant.get("/W", []))
    index = 0
    while index < len(items):
        first = int(items[index])
        following = items[index + 1]
        if isinstance(following, list):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            index += 2
        else:
            for code in range(first, int(following) + 1):
                widths[code] = float(items[index + 2])
            index += 3
    return widths


def _hex_text(value: str) -> str:
    data = bytes.fromhex(value)
    return data.decode("utf-16-be")


def parse_to_unicode(cmap: str) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            mapping[int(code, 16)] = _hex_text(text)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for start, end, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            base = _hex_text(text)
            for offset in range(int(end, 16) - int(start, 16) + 1):
                mapping[int(start, 16) + offset] = base[:-1] + chr(ord(base[-1]) + offset)
    return mapping


def font_of(font_dict: Any) -> Font:
    descendant = font_dict["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    return Font(
        name=str(font_dict["/BaseFont"]).lstrip("/"),
        widths=_widths(descendant),
        default_width=float(descendant.get("/DW", 1000)),
        to_unicode=parse_to_unicode(font_dict["/ToUnicode"].get_object().get_data().decode("latin-1")),
        ascent=float(descriptor["/Ascent"]) / 1000,
        descent=float(descriptor["/Descent"]) / 1000,
    )


def _codes(value: Any) -> tuple[int, ...]:
    data = value.original_bytes if hasattr(value, "original_bytes") else bytes(value)
    return tuple(int.from_bytes(data[index : index + 2], "big") for index in range(0, len(data), 2))


class _PageWalker:
    def __init__(self, reader: PdfReader, number: int) -> None:
        self.page = reader.pages[number - 1]
        self.number = number
        self.height = float(self.page.mediabox.height)
        resources: Any = self.page["/Resources"]
        fonts = resources.get("/Font", {})
        self.fonts = {name: font_of(fonts[name].get_object()) for name in fonts}
        self.operations = ContentStream(self.page.get_contents(), reader).operations
        self.runs: list[TextRun] = []

    def walk(self) -> list[TextRun]:
        ctm: Matrix = IDENTITY
        stack: list[Matrix] = []
        tm: Matrix = IDENTITY
        line: Matrix = IDENTITY
        font: Font | None = None
        size = 0.0
        leading = 0.0
        for operands, operator in self.operations:
            if operator == b"q":
                stack.append(ctm)
            elif operator == b"Q":
                ctm = stack.pop()
            elif operator == b"cm":
                ctm = multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif operator == b"BT":
                tm = line = IDENTITY
            elif operator == b"Tm":
                tm = line = tuple(float(v) for v in operands)  # type: ignore[assignment]
            elif operator in (b"Td", b"TD"):
                if operator == b"TD":
                    leading = -float(operands[1])
                tm = line = multiply((1, 0, 0, 1, float(operands[0]), float(operands[1])), line)
            elif operator == b"T*":
                tm = line = multiply((1, 0, 0, 1, 0, -leading), line)
            elif operator == b"TL":
                leading = float(operands[0])
            elif operator == b"Tf":
                font, size = self.fonts[operands[0]], float(operands[1])
            elif operator in (b"TJ", b"Tj"):
                assert font is not None
                items = operands[0] if operator == b"TJ" else [operands[0]]
                tm = self._show(items, font, size, tm, ctm)
        return self.runs

    def _show(self, items: Any, font: Font, size: float, tm: Matrix, ctm: Matrix) -> Matrix:
        start = multiply(tm, ctm)
        advance = 0.0
        codes: list[int] = []
        for item in items:
            if isinstance(item, int | float):
                advance -= float(item) / 1000 * size
                continue
            for code in _codes(item):
                codes.append(code)
                advance += font.widths.get(code, font.default_width) / 1000 * size
        if not codes:
            return multiply((1, 0, 0, 1, advance, 0), tm)
        chars = tuple(font.to_unicode.get(code, "\ufffd") for code in codes)
        x0, y0 = apply(start, 0, 0)
        x1, _y1 = apply(start, advance, 0)
        scale = (start[2] ** 2 + start[3] ** 2) ** 0.5  # the vertical scale: font size in points
        drawn = size * scale
        baseline = self.height - y0
        self.runs.append(
            TextRun(
                page=self.number,
                text="".join(chars),
                x0=min(x0, x1),
                x1=max(x0, x1),
                baseline=baseline,
                top=baseline - font.ascent * drawn,
                bottom=baseline - font.descent * drawn,
                size=drawn,
                font=font.name,
                codes=tuple(codes),
                chars=chars,
            )
        )
        return multiply((1, 0, 0, 1, advance, 0), tm)


@functools.lru_cache(maxsize=16)
def text_runs(pdf: bytes) -> tuple[TextRun, ...]:
    """Every run of text of every page, in drawing order (cached: tests ask often)."""
    reader = PdfReader(io.BytesIO(pdf))
    runs: list[TextRun] = []
    for number in range(1, len(reader.pages) + 1):
        runs.extend(_PageWalker(reader, number).walk())
    return tuple(runs)


def squeeze(text: str) -> str:
    """NFC with every run of whitespace as one space: lines wrap and justify differently, words do not."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def compact(text: str) -> str:
    """NFC without any whitespace: a line may also wrap where it has no space (after the “/” of a URL)."""
    return "".join(unicodedata.normalize("NFC", text).split())


def page_text(pdf: bytes) -> str:
    """The text of every page as pypdf extracts it, squeezed."""
    reader = PdfReader(io.BytesIO(pdf))
    return squeeze(" ".join(page.extract_text() for page in reader.pages))
