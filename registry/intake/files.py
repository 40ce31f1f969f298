"""Reading document files for intake: plain text in the encodings offices use, and Word and
PDF files when their (optional) readers are installed.

Nothing here raises for a bad file: a missing, unreadable or binary file, or a format whose
reader is not installed, gives an intake object with ``source`` and a warning, so that one bad
file does not stop a batch.
"""

import codecs
from pathlib import Path
from typing import Any

from registry.intake.document import read_document
from registry.intake.result import Intake, empty_intake

# Legacy encodings tried after UTF-8, in order: Vietnamese Windows, then Western Windows.
_LEGACY_ENCODINGS = (("cp1258", "Windows-1258 (Vietnamese)"), ("cp1252", "Windows-1252 (Western)"))
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(data: bytes) -> tuple[str | None, list[str]]:
    """The text of a plain-text file and warnings; None when it is not text.

    UTF-8, with or without a byte-order mark, is read as it is; so is UTF-16 with its mark (what
    Notepad calls "Unicode"). Older files in a Windows code page are read with a warning, since
    their accents may be wrong.
    """
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            return None, ["the file starts like UTF-16 text but is not"]
    if b"\x00" in data:
        return None, ["the file is binary, not text (it contains NUL bytes)"]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    for encoding, label in _LEGACY_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, [f"the file is not UTF-8: it was read as {label}; check its accents"]
    return None, ["the file is not text in UTF-8, Windows-1258 or Windows-1252"]


def _docx_text(path: Path) -> tuple[str | None, list[str]]:
    """Paragraphs and table cells in document order; a header table's cells come one after the
    other, which the intake reads like any scrambled two-column header."""
    try:
        import docx  # python-docx: optional, not in requirements.txt yet
    except ImportError:
        return None, [".docx files are not supported yet (python-docx is not installed); save the file as .txt"]
    try:
        document = docx.Document(str(path))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if hasattr(block, "rows"):
                lines.extend(_table_lines(block))
            else:
                lines.append(block.text)
    except Exception as error:  # python-docx raises many kinds of errors on damaged files
        return None, [f"the .docx file could not be read: {error}"]
    return "\n".join(lines), []


def _table_lines(table: Any) -> list[str]:
    """A table's cells row by row; a merged cell, which python-docx repeats, counts once."""
    lines: list[str] = []
    seen: dict[int, Any] = {}  # keeps each cell element alive, so that its id stays its own
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen[id(cell._tc)] = cell._tc
                lines.extend(paragraph.text for paragraph in cell.paragraphs)
    return lines


def _pdf_text(path: Path) -> tuple[str | None, list[str]]:
    try:
        import pypdf  # optional, not in requirements.txt yet
    except ImportError:
        return None, [".pdf files are not supported yet (pypdf is not installed); save the text as .txt"]
    try:
        reader = pypdf.PdfReader(str(path))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as error:  # pypdf raises many kinds of errors on damaged or encrypted files
        return None, [f"the .pdf file could not be read: {error}"]
    if not text.strip():
        return None, ["the .pdf file has no text layer (a scan?): it needs OCR first"]
    return text, []


def read_file(path: Path) -> Intake:
    """The intake object of one file; ``source`` is the file's name."""
    source = path.name or str(path)
    if not path.exists():
        return empty_intake(source, f"file not found: {path}")
    if not path.is_file():
        return empty_intake(source, f"not a file: {path}")
    try:
        if path.suffix.lower() == ".docx":
            text, warnings = _docx_text(path)
        elif path.suffix.lower() == ".pdf":
            text, warnings = _pdf_text(path)
        else:
            text, warnings = decode_text(path.read_bytes())
    except OSError as error:
        return empty_intake(source, f"the file could not be read: {error.strerror or error}")
    if text is None:
        return empty_intake(source, *warnings)
    result = read_document(text, source=source)
    result["warnings"][:0] = warnings
    return result
