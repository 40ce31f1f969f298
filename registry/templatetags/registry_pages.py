"""Search results that show where they matched: the query's words marked
with <mark> in a notation, a subject or an excerpt of the body.

Matching reads the text as the search does (registry.search): folded to
lower case without diacritics (core.text.fold), so "ke hoach" marks
"Kế hoạch". core.text.fold collapses runs of whitespace and trims the ends,
so the folded text is not always as long as the original; here every
character is folded on its own and each folded character remembers which
original character it came from, so a match maps back to the exact original
characters. Everything outside the marks is HTML-escaped.

A query word marks the start of a word in the text ("tuyen" marks
"tuyên" and the start of "tuyên truyền" alike); a word shorter than
registry.search.MIN_PREFIX letters marks whole words only, so "so" marks
"Số" but not the start of every "song"."""

import functools
import re
from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.text import fold, nfc
from registry.search import MIN_PREFIX

register = template.Library()

# Characters around an excerpt's first match.
EXCERPT_BEFORE = 60
EXCERPT_AFTER = 160

_SPACE = re.compile(r"\s")


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    """One character folded as core.text.fold folds it; whitespace stays one space."""
    if _SPACE.match(char):
        return " "
    return fold(char)


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def _folded(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original character."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        chars.append(folded)
        origin.extend([index] * len(folded))
    return "".join(chars), origin


def match_spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Where the (folded) `words` occur in `text`: sorted, merged [start, end) ranges of `text`."""
    if not text or not words:
        return []
    folded, origin = _folded(text)
    spans: list[tuple[int, int]] = []
    for word in dict.fromkeys(words):
        if not word:
            continue
        start = folded.find(word)
        while start != -1:
            end = start + len(word)
            at_word_start = start == 0 or not _is_word_char(folded[start - 1])
            at_word_end = end == len(folded) or not _is_word_char(folded[end])
            if at_word_start and (len(word) >= MIN_PREFIX or at_word_end):
                spans.append((origin[start], origin[end - 1] + 1))
            start = folded.find(word, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: Sequence[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """text[start:end] escaped, with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    parts: list[str] = []
    position = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        parts.append(escape(text[position:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    return "".join(parts)


def highlight_html(text: str, words: Sequence[str]) -> SafeString:
    """The whole text, escaped, with the words marked."""
    text = nfc(text or "")
    return mark_safe(_marked(text, match_spans(text, words)))  # noqa: S308 - every piece is escaped


def excerpt_html(text: str, words: Sequence[str]) -> SafeString:
    """A short passage around the first match, escaped, the words marked; empty without a match."""
    text = nfc(text or "")
    spans = match_spans(text, words)
    if not spans:
        return mark_safe("")
    first = spans[0][0]
    start = max(0, first - EXCERPT_BEFORE)
    end = min(len(text), spans[0][1] + EXCERPT_AFTER)
    # Cut at spaces, not inside words.
    if start > 0:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", spans[0][1], end)
        end = space if space != -1 else end
    body = " ".join(_marked(text, spans, start, end).split())
    return mark_safe(("… " if start > 0 else "") + body + (" …" if end < len(text) else ""))  # noqa: S308


@register.filter
def highlight(value: object, words: Sequence[str] | None) -> SafeString:
    """`{{ document.subject|highlight:words }}`: escaped, the search words in <mark>."""
    return highlight_html("" if value is None else str(value), words or ())


@register.filter
def excerpt(value: object, words: Sequence[str] | None) -> SafeString:
    """`{{ document.body|excerpt:words }}`: the passage around the first match, or nothing."""
    return excerpt_html("" if value is None else str(value), words or ())


@register.filter
def type_name(document: Any) -> str:
    """The document's type as its own system names it: `{{ document|type_name }}` → "Kế hoạch"."""
    return str(document.doc_type.name_for(document.system))
