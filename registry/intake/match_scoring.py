"""How well each body and recipient group of the directory fits a name the document prints,
given what is known of the document, and which of them to propose.

A candidate is ``certain`` (the ``match`` of its entry) only when it is good and clearly better
than the next one; two equally good candidates are never a match. The place a document comes
from makes its province's names optional: in a Kiên Giang document "UBND tỉnh" is the Ủy ban
nhân dân tỉnh Kiên Giang, and a body of another province with the same name comes second.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from recipients.models import Organization, OrganizationLevel
from registry.intake.match_names import Directory, DirectoryEntry, Variant
from registry.intake.suggestions import ORGANIZATION, Candidate

CERTAIN = 0.8  # a candidate this good …
MARGIN = 0.08  # … and this much better than the next is a match
SHOWN = 0.35  # weaker candidates are not shown
MAX_CANDIDATES = 5

# Factors on a score, each with the reason shown for it.
ELSEWHERE = 0.9  # a provincial or local body of another place than the document's
INACTIVE = 0.85  # a body that did not exist on the document's date
OTHER_SYSTEM = 0.9  # a Party issuer for a State document, or the reverse
UNPRINTED_PARENT = 0.95  # the body prints a parent line, the document printed none
FOREIGN_GROUP = 0.9  # a group kept by neither the user's organization nor the issuer
PARENT_SHARE = 0.4  # the weight of the parent line in an issuer's score
HEADED_BODY = 0.95  # "Thường trực Tỉnh ủy" read as the Tỉnh ủy
# "Thường trực Tỉnh ủy", "Ban Thường vụ Huyện ủy": the standing committee of a body.
LEADING_ROLES: tuple[tuple[str, ...], ...] = (("ban", "thuong", "vu"), ("thuong", "truc"), ("thuong", "vu"))

_PARENTHESES = re.compile(r"\([^()]*\)?")


def _variant_reason(variant: Variant, organization: Organization | None) -> str:
    if variant.label == "full name":
        return _("its full name matches")
    if variant.label == "short name":
        return _("its short name matches")
    if variant.label == "header":
        return _("its name in document headers matches")
    if variant.label == "abbreviation" and organization is not None:
        return _("its abbreviation %(abbreviation)s matches") % {"abbreviation": organization.abbreviation}
    return _("its name matches")


@dataclass(frozen=True)
class DocumentContext:
    """What is known of the document: its date, system, places, and who issued and reads it."""

    day: datetime.date
    system: str | None
    places: frozenset[str]  # folded place names, e.g. "kien giang"
    optional: frozenset[str]  # their words
    owners: frozenset[int]  # organizations whose recipient groups are the document's own
    issuer_id: int | None = None


def _is_active(organization: Organization, day: datetime.date) -> bool:
    return (organization.active_from is None or organization.active_from <= day) and (
        organization.active_to is None or organization.active_to >= day
    )


def _adjust(
    directory: Directory, entry: DirectoryEntry, score: float, written: frozenset[str], context: DocumentContext
) -> tuple[float, list[str]]:
    """The score after the document's context: place, date, and whose group it is."""
    reasons: list[str] = []
    organization = entry.organization
    if organization is not None:
        place = " ".join(directory.words(organization.place))
        if place and context.places and organization.level != OrganizationLevel.CENTRAL:
            if place in context.places:
                reasons.append(_("a body of %(place)s, where the document comes from") % {"place": organization.place})
            elif not set(place.split()) <= written:
                score *= ELSEWHERE
                message = _("a body of %(place)s, not where the document comes from")
                reasons.append(message % {"place": organization.place})
        if not _is_active(organization, context.day):
            score *= INACTIVE
            reasons.append(_("did not exist on %(day)s") % {"day": context.day.strftime("%d/%m/%Y")})
    if entry.group is not None:
        if entry.group.owner_id in context.owners:
            reasons.append(_("a recipient group of %(owner)s") % {"owner": entry.context})
        else:
            score *= FOREIGN_GROUP
            reasons.append(_("a recipient group of another organization (%(owner)s)") % {"owner": entry.context})
    return score, reasons


def _ranked(candidates: Iterable[Candidate]) -> tuple[tuple[Candidate, ...], Candidate | None]:
    """The candidates worth showing, best first, and the match: the best when it is good and
    clearly better than the second (two equally good ones are never a match)."""
    shown = sorted(
        (candidate for candidate in candidates if candidate.score >= SHOWN),
        key=lambda candidate: (-candidate.score, candidate.kind, candidate.name, candidate.id),
    )[:MAX_CANDIDATES]
    if not shown or shown[0].score < CERTAIN:
        return tuple(shown), None
    if len(shown) > 1 and shown[0].score - shown[1].score < MARGIN:
        return tuple(shown), None
    return tuple(shown), shown[0]


def _texts(words: Callable[[str], tuple[str, ...]], text: str) -> list[tuple[tuple[str, ...], float]]:
    """The ways to read an entry, each with the factor its matches get: its words; its words
    without the parts in brackets ("(báo cáo)"); and without a leading "Thường trực" or "Ban
    Thường vụ", as the body whose standing committee it names ("Thường trực Tỉnh ủy")."""
    bare = _PARENTHESES.sub(" ", text)
    readings = [(words(text), 1.0), (words(bare), 1.0)]
    for reading, _factor in list(readings):
        for prefix in LEADING_ROLES:
            if reading[: len(prefix)] == prefix and len(reading) > len(prefix) and reading[len(prefix)] != "va":
                readings.append((reading[len(prefix) :], HEADED_BODY))
    found: dict[tuple[str, ...], float] = {}
    for reading, factor in readings:
        if reading and factor > found.get(reading, 0.0):
            found[reading] = factor
    return list(found.items())


def match_entry(
    directory: Directory, text: str, context: DocumentContext
) -> tuple[tuple[Candidate, ...], Candidate | None]:
    """The bodies and recipient groups an entry's text (one body of it) may name, and the match."""
    texts = _texts(directory.words, text)
    written = frozenset(word for words, _factor in texts for word in words)
    candidates = []
    for position in directory.near(texts):
        entry = directory.entries[position]
        score, variant = directory.best_variant(texts, entry, context.optional)
        if variant is None or score <= 0:
            continue
        score, reasons = _adjust(directory, entry, score, written, context)
        why = (_variant_reason(variant, entry.organization), *reasons)
        candidates.append(Candidate(entry.kind, entry.id, entry.name, entry.context, score, why))
    return _ranked(candidates)


def _parent_texts(directory: Directory, organization: Organization) -> list[Variant]:
    """The ways the body above an organization is written: its printed parent line, and the
    names of its parent in the directory."""
    texts = [organization.header_parent_name]
    parent = directory.organizations.get(organization.parent_id) if organization.parent_id else None
    if parent is not None:
        texts += [parent.header_name, parent.short_name, parent.name]
        if parent.header_parent_name:
            texts.append(f"{parent.header_name} {parent.header_parent_name}")
    variants = [Variant("parent", directory.words(text)) for text in texts if text.strip()]
    return [variant for variant in variants if variant.words]


def match_issuer(
    directory: Directory, name: str | None, parent: str | None, context: DocumentContext
) -> tuple[tuple[Candidate, ...], Candidate | None]:
    """The organizations the printed issuer may be, from its name and the line above it, and the match."""
    if not name:
        return (), None
    name_words = directory.words(name)
    parent_words = directory.words(parent) if parent else ()
    texts = [(name_words, 1.0)] + ([(name_words + parent_words, 1.0)] if parent_words else [])
    written = frozenset(name_words) | frozenset(parent_words)
    candidates = []
    for position in directory.near(texts):
        entry = directory.entries[position]
        organization = entry.organization
        if organization is None:
            continue
        name_score, variant = directory.best_variant([(name_words, 1.0)], entry, context.optional)
        reasons: list[str] = []
        if parent_words:
            parents = _parent_texts(directory, organization)
            parent_score = max(
                (directory.similarity(parent_words, text, context.optional) for text in parents), default=0.0
            )
            score = (1 - PARENT_SHARE) * name_score + PARENT_SHARE * parent_score
            joined, joined_variant = directory.best_variant([(name_words + parent_words, 1.0)], entry, context.optional)
            if joined > score:
                score, variant = joined, joined_variant
            elif parent_score >= CERTAIN:
                reasons.append(_("the body above it matches “%(parent)s”") % {"parent": parent})
        else:
            score = name_score
            if organization.header_parent_name:
                score *= UNPRINTED_PARENT
                reasons.append(
                    _("its documents print “%(parent)s” above its name") % {"parent": organization.header_parent_name}
                )
        if variant is None or score <= 0:
            continue
        if context.system and organization.notation_system != context.system:
            score *= OTHER_SYSTEM
            reasons.append(_("its documents follow the other system (Party or State)"))
        score, more = _adjust(directory, entry, score, written, context)
        why = (_variant_reason(variant, organization), *reasons, *more)
        candidates.append(Candidate(ORGANIZATION, organization.pk, organization.name, entry.context, score, why))
    return _ranked(candidates)
