"""The serif font printed documents embed: Liberation Serif 2.x or Tinos,
both metric-compatible with Times New Roman (GUIDE.md §3).

The files are looked up in the folders of the setting DOCREG_PDF_FONT_DIRS
and loaded by the PDF's stylesheet from file:// URLs, so the output does not
depend on what fontconfig would pick. A family is taken only if all four
faces are there and each one's character map has every Vietnamese letter:
Liberation 1.x has the same file names but lacks most of them.
"""

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont, TTLibError

from core.errors import DomainError

DEBIAN_PACKAGES = ("fonts-liberation2", "fonts-croscore")
# (family name, file name pattern); the pattern's {} is the face.
CANDIDATES = (("Liberation Serif", "LiberationSerif-{}.ttf"), ("Tinos", "Tinos-{}.ttf"))
# (face in the file name, CSS font-weight, CSS font-style)
FACES = (
    ("Regular", "normal", "normal"),
    ("Bold", "bold", "normal"),
    ("Italic", "normal", "italic"),
    ("BoldItalic", "bold", "italic"),
)

_VOWELS = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, huyền, sắc, hỏi, ngã, nặng
# Every precomposed Vietnamese letter (NFC), upper and lower case, with đ and Đ.
VIETNAMESE_LETTERS = frozenset(
    {unicodedata.normalize("NFC", vowel + tone) for vowel in _VOWELS for tone in _TONES} | {"đ", "Đ"}
)


class FontsUnavailable(DomainError):
    """No usable font: the server is missing a system package, not the request at fault."""

    status_code = 503
    default_code = "fonts_unavailable"


@dataclass(frozen=True)
class FontFace:
    path: Path
    weight: str
    style: str

    @property
    def url(self) -> str:
        return self.path.resolve().as_uri()


@dataclass(frozen=True)
class FontFamily:
    name: str
    faces: tuple[FontFace, ...]

    @property
    def regular(self) -> Path:
        return self.faces[0].path


def missing_letters(path: Path) -> set[str]:
    """The Vietnamese letters the font file's character map lacks (all of them if unreadable)."""
    try:
        font = TTFont(path, lazy=True, fontNumber=0)
        try:
            cmap = font.getBestCmap() or {}
        finally:
            font.close()
    except (OSError, TTLibError, KeyError, AssertionError):
        return set(VIETNAMESE_LETTERS)
    return {letter for letter in VIETNAMESE_LETTERS if ord(letter) not in cmap}


def _family_in(folder: Path, name: str, pattern: str, rejected: list[str]) -> FontFamily | None:
    faces = tuple(FontFace(folder / pattern.format(face), weight, style) for face, weight, style in FACES)
    if not all(face.path.is_file() for face in faces):
        return None
    for face in faces:
        missing = missing_letters(face.path)
        if missing:
            sample = "".join(sorted(missing)[:8])
            rejected.append(f"{face.path} ({len(missing)} Vietnamese letters missing, e.g. {sample})")
            return None
    return FontFamily(name=name, faces=faces)


@functools.cache
def _find(folders: tuple[str, ...]) -> FontFamily:
    rejected: list[str] = []
    for folder in folders:
        for name, pattern in CANDIDATES:
            family = _family_in(Path(folder), name, pattern, rejected)
            if family is not None:
                return family
    message = _(
        "No serif font with every Vietnamese letter was found in %(folders)s. Install the Debian package "
        "%(packages)s (scripts/system-packages --install) or point DOCREG_PDF_FONT_DIRS at Liberation Serif 2.x "
        "or Tinos."
    ) % {"folders": ", ".join(folders) or "—", "packages": " or ".join(DEBIAN_PACKAGES)}
    if rejected:
        message += " " + _("Rejected: %(files)s.") % {"files": "; ".join(rejected)}
    raise FontsUnavailable(message)


def find_font_family(folders: Iterable[str] | None = None) -> FontFamily:
    """The first complete family with Vietnamese in the folders (default:
    settings.DOCREG_PDF_FONT_DIRS), Liberation Serif before Tinos in each;
    checked once per process and folder list. Raises FontsUnavailable."""
    chosen = tuple(str(folder) for folder in (settings.DOCREG_PDF_FONT_DIRS if folders is None else folders))
    return _find(chosen)
