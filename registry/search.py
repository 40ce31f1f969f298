"""Document search: one query over notation, subject, body, issuer, signer and
addressees that ignores case and diacritics (đ included).

The query is cut into words (letters and digits, folded), so punctuation only
separates: "375-CV/BTGTU" and "375 btgtu" are the same search, and nothing a
user types reaches SQL or the tsquery parser as syntax. Every word must match.
Two readings are added:

- Words that name a document type ("ke hoach" → Kế hoạch) may be matched by
  the type instead of the text: a plan's subject is printed under its type
  and often does not repeat it (the import takes "Kế hoạch" off the front).
- A query that parses as a notation ("Số 7-CT/TU") also finds that exact
  notation, first.

Results come best match first, then newest first (the list's own order),
ties broken by id. A search that finds more than RANK_LIMIT documents lists
them newest first, the document whose notation the query is still first.

- PostgreSQL: the generated column `registry_document.search_vector` (migration
  0003, not a model field, so every write path including COPY keeps it
  current) under the text search configuration `docreg_vi` (`simple` with
  `unaccent`). Notation and subject weigh A, issuer and signer B, the rest
  (addressees, body) D. The GIN index holds the vector's words and a term
  for the document's type under each way the document may be seen (dispatch
  migration 0004), so that a user's search reads only what the user may see.
  Every word must match a whole word, but
  for the last one when it has three letters or more and cannot be a whole
  Vietnamese syllable (“btg”, “sttt”): the user may still be typing it, so it
  may be the start of one. A syllable as typed (“van”) is taken as the word
  it is: as a prefix it would stand for văn, vân, vận, vạn… and reading all
  their index entries would cost more than the rest of the search. Ranked
  with ts_rank_cd.
- SQLite: each word must occur in the folded `search_text` column (notation,
  subject, issuer, signer, addressees, body in that order). A word scores by
  where it first occurs: in the notation or subject, in the issuer or signer,
  or further on.
"""

import functools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, cast

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Expression,
    FloatField,
    Func,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Greatest, Length, StrIndex
from django.db.models.lookups import GreaterThan, LessThanOrEqual

from core.text import fold
from registry.models import Document, DocumentType, Register
from registry.notation import NotationError, parse_notation

CONFIGURATION = "docreg_vi"
VECTOR_COLUMN = "search_vector"
READERS_COLUMN = "reader_organizations"
# Indexed search terms (dispatch migration 0004, docreg_search_terms): the
# document's type besides its words, by the type's id, and the scopes they
# are all indexed under: its register, each organization among its readers
# (or, past 40,000 terms, one scope for them all). No word has these characters.
TYPE_TERM = "#type{}"
REGISTER_SCOPE = "r{}/"
READER_SCOPE = "o{}/"
# Readers of a document too widely read to be indexed under each of them.
WIDE_SCOPE = "w/"
# A longer query only narrows further; the cap keeps the SQL bounded (SQLite
# refuses expressions nested more than 1000 deep).
MAX_WORDS = 32
# A shorter last word is taken as typed: "so" (số, sở) would otherwise stand for
# every word starting so-, and reading all their index entries costs more than
# the rest of the search.
MIN_PREFIX = 3
# A folded Vietnamese syllable: initial consonant(s), an optional glide, the
# vowel nucleus, an optional final. Generous (it admits some syllables the
# language does not use), which only means a few more words taken as typed.
_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?"
    r"[ou]?(?:ie|ia|ye|ya|uo|ua|[aeiouy])(?:ch|nh|ng|[cmnptiouy])?"
)
# ts_rank_cd weights of D, C, B, A: a word in the subject outweighs the same
# word fifty times over in the body.
RANK_WEIGHTS = "{0.02,0.1,0.4,1.0}"
# The type a document is printed under counts as one cover in its title.
TYPE_RANK = 1.0
# Whatever else matches, the document whose notation the query is comes first.
NOTATION_BOOST = 100.0
# Ranking reads the words of every document found (on PostgreSQL a few
# microseconds each, after fetching the row): past this many, a search lists
# them newest first, the document whose notation the query is still first. A
# query that common tells little apart anyway; a word more narrows it.
RANK_LIMIT = 1000
# SQLite scores per word, by where it first occurs in search_text.
HEAD_SCORE, NAMES_SCORE, REST_SCORE = 4, 2, 1

_WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def search_words(query: str) -> list[str]:
    """The folded words of a query, at most MAX_WORDS: 'Kế hoạch 375-CV/BTGTU' →
    ['ke', 'hoach', '375', 'cv', 'btgtu']."""
    return _WORD.findall(fold(query))[:MAX_WORDS]


@dataclass(frozen=True)
class _Query:
    words: list[str]
    notation: str | None  # canonical, when the query parses as one
    type_ids: list[int]  # types the query names, when it names one …
    rest: list[str]  # … and its other words


def _read(query: str) -> _Query:
    words = search_words(query)
    type_ids, rest = _named_type(words)
    return _Query(words=words, notation=_canonical_notation(query), type_ids=type_ids, rest=rest)


def _named_type(words: list[str]) -> tuple[list[int], list[str]]:
    """The types whose name is the longest run of consecutive query words, and the words around that run."""
    if len(words) < 2:  # every type's name has two words or more
        return [], words
    names: dict[tuple[str, ...], list[int]] = {}
    for pk, *type_names in DocumentType.objects.values_list("pk", "state_name", "party_name"):
        for name in {_name_words(name) for name in type_names if name}:
            names.setdefault(name, []).append(pk)
    best: tuple[int, int, tuple[str, ...]] | None = None
    for name in names:
        for start in range(len(words) - len(name) + 1):
            if tuple(words[start : start + len(name)]) == name and (best is None or len(name) > len(best[2])):
                best = (start, start + len(name), name)
                break
    if best is None:
        return [], words
    start, end, name = best
    return names[name], words[:start] + words[end:]


@functools.lru_cache(maxsize=1024)
def _name_words(name: str) -> tuple[str, ...]:
    """A type's name as search words, folded once per name rather than once per search."""
    return tuple(search_words(name))


def _canonical_notation(text: str) -> str | None:
    try:
        # PostgreSQL refuses NUL in text, and no notation holds control characters.
        return parse_notation(_CONTROL.sub("", text)).format()
    except NotationError:
        return None


def notation_condition(text: str) -> Q:
    """Exact match on the canonical notation when the text parses (“Số 7-CT/TU”
    finds 07-CT/TU); otherwise a case-insensitive substring match, which a
    trigram index serves on PostgreSQL."""
    canonical = _canonical_notation(text)
    if canonical is not None:
        return Q(notation=canonical)
    part = _CONTROL.sub("", text).strip()
    return Q(notation__icontains=part) if part else Q(pk__in=[])


def filter_by_notation(documents: QuerySet[Document], text: str) -> QuerySet[Document]:
    return documents.filter(notation_condition(text))


def search_condition(query: str) -> Q:
    """The documents the query finds; none when it has no words."""
    return _any(_condition_arms(_read(query)))


def search_ordering(query: str) -> list[OrderBy | str]:
    """Best match first, then the list's own order (newest first, then by id)."""
    return _ordering(_read(query))


def search_documents(
    documents: QuerySet[Document], query: str, *, scopes: Sequence[str] | None = None
) -> QuerySet[Document]:
    """The documents the query finds, best match first. `scopes`: on
    PostgreSQL, the ways the user may see a document as prefixes of the
    indexed terms (registry.selectors.search_scopes: REGISTER_SCOPE for each
    of the user's registers, READER_SCOPE for the user's organization,
    WIDE_SCOPE), of which `documents`, already restricted to what the user
    may see (registry.selectors.visible_documents), hold no more. The index
    then reads only the matches the user may see (dispatch migration 0004).
    None: every register, where every document is."""
    read = _read(query)
    return documents.filter(_any(_condition_arms(read, scopes))).order_by(*_ordering(read))


def _any(conditions: Sequence[Q]) -> Q:
    return reduce(operator.or_, conditions) if conditions else Q(pk__in=[])


def _condition_arms(query: _Query, scopes: Sequence[str] | None = None) -> list[Q]:
    """The readings of the query, any of which finds a document."""
    if not query.words:
        return []
    if connection.vendor == "postgresql":
        terms = _terms_query(query, scopes)
        arms = [Q(_Matches(_SearchTerms(), terms))] if terms is not None else []
    else:
        arms = [_contains_all(query.words)]
        if query.type_ids:
            named = Q(doc_type_id__in=query.type_ids)
            arms.append(named & _contains_all(query.rest) if query.rest else named)
    if query.notation is not None:
        arms.append(Q(notation=query.notation))
    return arms


def _terms_query(query: _Query, scopes: Sequence[str] | None) -> Expression | None:
    """The tsquery of the indexed terms: every word, or the type named and
    the other words, under each scope (None: each register); None without a
    scope."""
    terms: Expression = _tsquery(query.words)
    if query.type_ids:
        types = _TypeTerms(Value(" | ".join(f"'{TYPE_TERM.format(pk)}'" for pk in query.type_ids)))
        named = _TsqueryAnd(_tsquery(query.rest), types) if query.rest else types
        terms = _TsqueryOr(terms, named)
    if scopes is None:
        scopes = [REGISTER_SCOPE.format(pk) for pk in Register.objects.order_by("pk").values_list("pk", flat=True)]
    if not scopes:
        return None
    return _TsqueryOr(*(_ScopedQuery(terms, Value(scope)) for scope in scopes))


def _contains_all(words: list[str]) -> Q:
    """SQLite: every word in the folded search_text."""
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return condition


def _ordering(query: _Query) -> list[OrderBy | str]:
    # Past RANK_LIMIT documents found, only the notation's boost is left of the rank.
    found = Window(Count("pk"))
    ranked = Case(When(LessThanOrEqual(found, Value(RANK_LIMIT)), then=_row_rank(query)), default=_notation_rank(query))
    # The list's own order, so that equal matches read as the unsearched list does.
    return [OrderBy(ranked, descending=True), *cast(list[str], Document._meta.ordering)]


def _row_rank(query: _Query) -> Subquery:
    """The rank, read from the document's row again (by its id; on PostgreSQL
    also by its address). Counting what was found (a window over every match)
    holds each match until the last is counted, with every column the ordering
    reads: the rank as such would make it hold each match's search_vector, the
    largest column, when only up to RANK_LIMIT are ever ranked. A search that
    found 7,000 spent a fifth of its time there; reading the row again costs a
    few microseconds a ranked document, its page just read."""
    rows = Document.objects.filter(pk=OuterRef("pk")).order_by()
    if connection.vendor == "postgresql":
        # By its address, a TID scan of the page the search just read: found by
        # id, each ranked document also cost a walk down the primary key's
        # B-tree, whose leaves for a thousand scattered ids are seldom in memory.
        rows = rows.filter(_SameRowAs(OuterRef("pk")))
    return Subquery(rows.annotate(_rank=_rank(query)).values("_rank"), output_field=FloatField())


def _notation_rank(query: _Query) -> Any:
    if query.notation is None:
        return Value(0.0)
    return Case(When(notation=query.notation, then=Value(NOTATION_BOOST)), default=Value(0.0))


def _rank(query: _Query) -> Any:
    if not query.words:
        return Value(0.0)
    score = _text_rank(query.words)
    if query.type_ids:
        rest = _text_rank(query.rest) if query.rest else Value(0.0)
        type_score = Value(
            TYPE_RANK if connection.vendor == "postgresql" else HEAD_SCORE * (len(query.words) - len(query.rest))
        )
        of_type = When(doc_type_id__in=query.type_ids, then=type_score + rest)
        if connection.vendor == "postgresql":
            # One ts_rank_cd per document, not two: for a document of the type, a cover of
            # the type's words (TYPE_RANK) and the rank of the others outweigh the rank of
            # all the words, whose type words are seldom in its text at all.
            score = Case(of_type, default=score)
        else:
            score = Greatest(score, Case(of_type, default=Value(0.0)), output_field=FloatField())
    return score + _notation_rank(query)


def _text_rank(words: list[str]) -> Any:
    if connection.vendor == "postgresql":
        return _Rank(DocumentColumn(VECTOR_COLUMN), _tsquery(words))
    return _position_score(words)


def _position_score(words: list[str]) -> Any:
    """SQLite: search_text is fold(notation) + " " + the folded subject, issuer,
    signer, addressees and body, and folding keeps the length of NFC text, so
    the columns' lengths tell where each part ends."""
    head = Length("notation") + 1 + Length("subject")
    names = head + 1 + Length("issuer_name") + 1 + Length("signer_name")
    score: Any = Value(0.0)
    for word in words:
        position = StrIndex("search_text", Value(word))
        found = GreaterThan(position, 0)
        score = score + Case(
            When(found & LessThanOrEqual(position, head), then=Value(float(HEAD_SCORE))),
            When(found & LessThanOrEqual(position, names), then=Value(float(NAMES_SCORE))),
            When(found, then=Value(float(REST_SCORE))),
            default=Value(0.0),
        )
    return score


def is_partial_word(word: str) -> bool:
    """Whether a folded word, typed last, may be the start of a longer one: not
    too short, no number, not a whole syllable."""
    return len(word) >= MIN_PREFIX and not word.isdigit() and _SYLLABLE.fullmatch(word) is None


def _tsquery(words: list[str]) -> "_ToTsquery":
    """All the words, the last perhaps as a prefix."""
    # Words are letters and digits only, so quoting them is enough to keep
    # them from being read as tsquery operators.
    terms = [f"'{word}'" for word in words]
    if is_partial_word(words[-1]):
        terms[-1] += ":*"
    return _ToTsquery(Value(" & ".join(terms)))


class DocumentColumn(Expression):
    """A column of the query's documents table that is no model field
    (search_vector, reader_organizations: PostgreSQL only, kept by the
    database), under whatever alias the table has there."""

    output_field = FloatField()  # never selected; the ORM only needs some type

    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        table = compiler.quote_name(compiler.query.base_table)
        return f"{table}.{connection.ops.quote_name(self.column)}", ()


class _SameRowAs(Expression):
    """PostgreSQL, in a subquery on documents: its row is the outer query's row
    (the same ctid). `outer` is OuterRef("pk"), resolved to the outer table's
    column, whose alias it gives. Within one statement the snapshot is one, so
    the address holds the version of the row the outer query read."""

    output_field = BooleanField()

    def __init__(self, outer: Any) -> None:
        super().__init__()
        self.outer = outer

    def get_source_expressions(self) -> list[Any]:
        return [self.outer]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.outer,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        inner = compiler.quote_name(compiler.query.base_table)
        return f"{inner}.ctid = {compiler.quote_name(self.outer.alias)}.ctid", ()


class _SearchTerms(Func):
    """The indexed search terms of the query's documents (dispatch migration
    0004): the words of search_vector and the type's term, under each way the
    document may be seen."""

    function = "docreg_search_terms"
    output_field = FloatField()  # a tsvector; only ever an argument

    def __init__(self) -> None:
        columns = (VECTOR_COLUMN, "doc_type_id", "register_id", READERS_COLUMN)
        super().__init__(*(DocumentColumn(column) for column in columns))


class _ScopedQuery(Func):
    """A tsquery with every term under a scope (“r18/”): dispatch migration 0004."""

    function = "docreg_scoped_query"
    output_field = FloatField()  # a tsquery; only ever an argument


class _TypeTerms(Func):
    """Type terms as a tsquery, taken as written: the text search
    configuration would read “#type8” as the word “type8”."""

    template = "CAST(%(expressions)s AS tsquery)"
    output_field = FloatField()  # a tsquery; only ever an argument


class _TsqueryAnd(Func):
    template = "(%(expressions)s)"
    arg_joiner = " && "
    output_field = FloatField()  # a tsquery; only ever an argument


class _TsqueryOr(Func):
    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = FloatField()  # a tsquery; only ever an argument


class _ToTsquery(Func):
    function = "to_tsquery"
    template = f"%(function)s('{CONFIGURATION}'::regconfig, %(expressions)s)"
    output_field = FloatField()  # a tsquery; only ever an argument


class _Matches(Func):
    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


class _Rank(Func):
    function = "ts_rank_cd"
    template = f"%(function)s('{RANK_WEIGHTS}'::float4[], %(expressions)s)"
    output_field = FloatField()
