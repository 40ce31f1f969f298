"""The message catalogs: Vietnamese complete and consistent, compiled .mo files in step with their .po.

A tiny .po reader lives here (polib is not a dependency). It understands what
`makemessages` and msgcat write: comments, flags, msgctxt, msgid/msgid_plural,
msgstr/msgstr[n], strings continued over several lines, and obsolete `#~` entries.
"""

import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIRS = [Path(path) for path in settings.LOCALE_PATHS]
PROJECT_VI = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
VENDOR_VI = Path(settings.BASE_DIR) / "locale_vendor" / "vi" / "LC_MESSAGES" / "django.po"
VI_CATALOGS = [PROJECT_VI, VENDOR_VI]
ALL_CATALOGS = sorted(po for directory in LOCALE_DIRS for po in directory.glob("*/LC_MESSAGES/*.po"))

# printf-style: %(name)s, %(n)d, %s, %5.2f ... (%% is a literal percent sign).
PERCENT_RE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)
# str.format: {name}, {0}, {}, {code_point:X}; {{ and }} are literal braces.
BRACE_RE = re.compile(r"\{\{|\}\}|\{(?P<field>[^{}!:]*)(?P<rest>[!:][^{}]*)?\}")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted .po string: {text}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal entry, target, started
        if started:
            entries.append(entry)
        entry, target, started = Entry(), None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if started:  # flags open a new entry when the previous one had no blank line after it
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            if started:
                finish()
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and started and target and target[0] == "msgstr":
                finish()
            if not started:
                entry.line = number
            started = True
            if keyword == "msgstr":
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = value
            else:
                target = (keyword, 0)
                setattr(entry, keyword, value)
            continue
        if not line.startswith('"') or target is None:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
        if target[0] == "msgstr":
            entry.msgstr[target[1]] += _unquote(line)
        else:
            setattr(entry, target[0], (getattr(entry, target[0]) or "") + _unquote(line))
    finish()
    return entries


def messages(path: Path) -> list[Entry]:
    return [entry for entry in read_po(path) if not entry.is_header]


def header(path: Path) -> dict[str, str]:
    (entry,) = [entry for entry in read_po(path) if entry.is_header]
    pairs = (line.split(":", 1) for line in entry.msgstr[0].splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def placeholders(text: str) -> tuple[set[tuple[str, str]], list[str], set[str]]:
    """Named %-placeholders (name, type), unnamed %-placeholders in order, and {} fields with their spec."""
    named: set[tuple[str, str]] = set()
    positional: list[str] = []
    for match in PERCENT_RE.finditer(text):
        if match.group("type") == "%":
            continue
        if match.group("name") is not None:
            named.add((match.group("name"), match.group("type")))
        else:
            positional.append(match.group("type"))
    braces = {m.group(0) for m in BRACE_RE.finditer(text) if m.group(0) not in ("{{", "}}")}
    return named, positional, braces


def test_the_reader_understands_multiline_strings_plurals_and_flags(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: vi\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"Hello %(name)s, "\n"\\"you\\"."\nmsgstr "Chào %(name)s."\n\n'
        'msgid "One %(n)d"\nmsgid_plural "Many %(n)d"\nmsgstr[0] "%(n)d cái"\n',
        encoding="utf-8",
    )
    first, second = messages(po)
    assert first.msgid == 'Hello %(name)s, "you".'
    assert first.flags == {"fuzzy", "python-format"}
    assert second.msgid_plural == "Many %(n)d"
    assert second.msgstr == {0: "%(n)d cái"}
    assert header(po) == {"Language": "vi"}
    assert placeholders("%(n)d of %s {code_point:X} {{x}} 100%%") == ({("n", "d")}, ["s"], {"{code_point:X}"})


@pytest.mark.parametrize("po", VI_CATALOGS, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_vietnamese_header_has_one_plural_form(po):
    values = header(po)
    assert values.get("Language") == "vi"
    assert values.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in values.get("Content-Type", "")
    assert not any("fuzzy" in entry.flags for entry in read_po(po) if entry.is_header), "the header is fuzzy"


@pytest.mark.parametrize("po", VI_CATALOGS, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_every_vietnamese_entry_is_translated_and_none_is_fuzzy(po):
    entries = messages(po)
    assert entries, f"{po} has no messages"
    fuzzy = [entry.label for entry in entries if "fuzzy" in entry.flags]
    assert not fuzzy, f"fuzzy entries are ignored at runtime; translate them: {fuzzy}"
    untranslated = [entry.label for entry in entries if not all(entry.msgstr.values())]
    assert not untranslated, f"untranslated: {untranslated}"
    wrong_forms = [entry.label for entry in entries if entry.msgid_plural is not None and set(entry.msgstr) != {0}]
    assert not wrong_forms, f"Vietnamese has one plural form, msgstr[0] only: {wrong_forms}"


@pytest.mark.parametrize("po", VI_CATALOGS, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_placeholders_of_msgid_and_msgstr_are_the_same(po):
    mismatched = []
    for entry in messages(po):
        expected = placeholders(entry.msgid)
        for index, text in entry.msgstr.items():
            if text and placeholders(text) != expected:
                mismatched.append(f"{entry.label} msgstr[{index}]: {placeholders(text)} != {expected}")
        if entry.msgid_plural is not None:
            assert placeholders(entry.msgid_plural) == expected, entry.label
    assert not mismatched, "\n".join(mismatched)


@pytest.mark.parametrize("po", VI_CATALOGS, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_translations_keep_the_final_punctuation(po):
    different = []
    for entry in messages(po):
        ending = entry.msgid[-1:] if entry.msgid[-1:] in (".", ":", "?", "!", "…") else ""
        for text in entry.msgstr.values():
            if (text[-1:] if text[-1:] in (".", ":", "?", "!", "…") else "") != ending:
                different.append(entry.label)
    assert not different, f"the msgstr ends differently from the msgid: {different}"


@pytest.mark.parametrize("po", VI_CATALOGS, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_the_runtime_gives_each_vietnamese_translation(po):
    """The compiled catalogs are found and no other catalog (Django's, DRF's partial vi) shadows ours."""
    wrong = []
    with translation.override("vi"):
        for entry in messages(po):
            if entry.msgctxt is not None:
                continue
            if entry.msgid_plural is None:
                got = translation.gettext(entry.msgid)
            else:
                got = translation.ngettext(entry.msgid, entry.msgid_plural, 2)
            if got != entry.msgstr[0]:
                wrong.append(f"{entry.label}: got {got!r}, expected {entry.msgstr[0]!r}")
    assert not wrong, "\n".join(wrong)


def test_the_api_error_the_test_suite_relies_on_is_in_vietnamese():
    with translation.override("vi"):
        assert (
            translation.gettext("Only a clerk or an administrator can add organizations.")
            == "Chỉ văn thư hoặc quản trị viên mới được thêm cơ quan, tổ chức."
        )
        assert translation.gettext("This field is required.") == "Trường này là bắt buộc."


@pytest.mark.parametrize("po", ALL_CATALOGS, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_compiled_catalog_holds_what_the_po_says(po: Path) -> None:
    """Runs without GNU gettext: the committed .mo has exactly the translations of the .po."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `manage.py compilemessages --ignore=.venv`"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]  # the parsed .mo
        compiled = {key: value for key, value in catalog.items() if key != ""}
    expected: dict[object, str] = {}
    for entry in messages(po):
        if "fuzzy" in entry.flags or not all(entry.msgstr.values()):
            continue  # msgfmt leaves these out
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[msgid] = entry.msgstr[0]
        else:
            expected.update({(msgid, index): text for index, text in entry.msgstr.items()})
    assert compiled == expected, f"{mo} is out of step with {po.name}: run `manage.py compilemessages --ignore=.venv`"


@pytest.mark.parametrize("po", ALL_CATALOGS, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_compiled_catalog_is_byte_for_byte_what_msgfmt_makes(po, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed; the catalog comparison above still ran")
    fresh = tmp_path / "django.mo"
    # The command `manage.py compilemessages` runs.
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(po)], check=True, capture_output=True)
    committed = po.with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing: run `manage.py compilemessages --ignore=.venv`"
    assert committed.read_bytes() == fresh.read_bytes(), (
        f"{committed} differs from a fresh compile of {po.name}: run `manage.py compilemessages --ignore=.venv`"
    )


# What `makemessages` reads for the project's catalog: the applications and templates, not tests or tools.
SOURCES = ("config", "core", "recipients", "registry", "dispatch", "templates")


def test_the_vietnamese_catalog_holds_every_message_of_the_code(tmp_path):
    """`makemessages`, run on a copy of the code, finds no message the catalog
    lacks: one marked for translation but never added reaches Vietnamese users
    in English, and the checks above cannot see it."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext's xgettext is not installed; makemessages needs it")
    base = Path(settings.BASE_DIR)
    skip = shutil.ignore_patterns("tests", "__pycache__", "*.pyc", "locale")
    for name in SOURCES:
        shutil.copytree(base / name, tmp_path / name, ignore=skip)
    shutil.copy(base / "manage.py", tmp_path)
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "vi", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    key = lambda entry: (entry.msgctxt, entry.msgid)  # noqa: E731
    found = {key(entry) for entry in messages(tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po")}
    catalog = {key(entry) for entry in messages(PROJECT_VI)}
    missing = sorted(msgid for _context, msgid in found - catalog)
    assert not missing, f"not in {PROJECT_VI.name}: run makemessages (see README) and translate {missing}"
