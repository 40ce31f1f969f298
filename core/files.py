"""What an uploaded file really is, read from its content, never its name."""

import io
import zipfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class FileKind:
    code: str
    content_type: str
    extension: str


PDF = FileKind("pdf", "application/pdf", "pdf")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
ODT = FileKind("odt", "application/vnd.oasis.opendocument.text", "odt")
ODS = FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet", "ods")
PNG = FileKind("png", "image/png", "png")
JPEG = FileKind("jpeg", "image/jpeg", "jpg")
TIFF = FileKind("tiff", "image/tiff", "tif")

_OPEN_DOCUMENT = {ODT.content_type: ODT, ODS.content_type: ODS}


def _zip_kind(stream: IO[bytes]) -> FileKind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX
            if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
                return XLSX
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return _OPEN_DOCUMENT.get(declared)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def detect_file_kind(stream: IO[bytes]) -> FileKind | None:
    """The kind of file by its signature (and, for ZIP containers, by the parts
    inside); None when it is none of the kinds offices exchange."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
        stream.seek(0)
        return kind
    return None


def detect_bytes(data: bytes) -> FileKind | None:
    return detect_file_kind(io.BytesIO(data))
