"""Text hygiene for everything users type: NFC, no control characters, and a
folded form (lower case, no diacritics, đ→d) for searching."""

import re
import unicodedata

from django.utils.translation import gettext as _

from core.errors import DomainError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def clean_text(
    value: str, *, label: str, field: str | None = None, multiline: bool = False, max_length: int | None = None
) -> str:
    """NFC, trimmed, free of control characters; single-line text has its runs of
    whitespace collapsed. Otherwise raises DomainError: the message names the
    field by its `label` (for people), `field` is its API name (for programs)."""
    if not isinstance(value, str):
        raise DomainError(_("%(field)s must be text.") % {"field": label}, field=field)
    if _CONTROL.search(value):
        raise DomainError(
            _("%(field)s contains control characters (such as NUL) that are not allowed.") % {"field": label},
            field=field,
        )
    value = nfc(value)
    if multiline:
        lines = [line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        value = "\n".join(lines).strip("\n")
    else:
        value = _SPACES.sub(" ", value).strip()
    if max_length is not None and len(value) > max_length:
        raise DomainError(
            _("%(field)s is too long: %(length)d characters, at most %(max)d allowed.")
            % {"field": label, "length": len(value), "max": max_length},
            field=field,
        )
    return value


def fold(value: str) -> str:
    """Lower case without diacritics: 'Ban Dân vận' → 'ban dan van', 'Đảng' → 'dang'."""
    decomposed = unicodedata.normalize("NFD", value.replace("Đ", "D").replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def slugify_vi(value: str, separator: str = "_") -> str:
    """ASCII slug of a Vietnamese name: 'Giồng Riềng' → 'giong_rieng'."""
    return separator.join(re.findall(r"[a-z0-9]+", fold(value)))
