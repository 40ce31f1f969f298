"""Suggestions for an intake object: who the bodies it names are in the directory, which
registered documents it cites, and the reporting obligations its deadlines make.

Everything here only reads, and only proposes: the clerk confirms. The names are turned into
words in registry.intake.match_names and the directory's candidates for them scored in
registry.intake.match_scoring; what a suggestion is, is in registry.intake.suggestions.

The directory is read once per call (organizations, recipient groups), and the cited
documents in one query through registry.selectors.visible_documents.
"""

import datetime
import re
from collections.abc import Mapping, Sequence
from typing import Any

from core.text import fold
from core.time import office_today
from recipients.models import Organization, User
from recipients.selectors import group_list, organization_list
from registry.intake.deadlines import Deadline
from registry.intake.match_names import Directory, Variant
from registry.intake.match_scoring import MARGIN, SHOWN, DocumentContext, match_entry, match_issuer
from registry.intake.result import Intake
from registry.intake.suggestions import (
    ARCHIVE,
    AS_ABOVE,
    BODY,
    GROUP,
    ORGANIZATION,
    DocumentLink,
    EntrySuggestion,
    IntakeSuggestions,
    IssuerSuggestion,
    ObligationProposal,
    OrganizationRef,
    ReferenceSuggestion,
)
from registry.models import Document
from registry.notation import NotationError, parse_notation
from registry.selectors import visible_documents

# What the views, the API and the tests use, where they have always found it.
__all__ = ["ARCHIVE", "AS_ABOVE", "BODY", "GROUP", "ORGANIZATION", "IntakeSuggestions", "intake_suggestions"]

MAX_DOCUMENTS = 5  # documents linked per reference
MAX_REFERENCE_ROWS = 200  # documents read for all references together
TITLE_LENGTH = 500  # as obligations_from_deadlines cuts a deadline's text

_AS_ABOVE = re.compile(r"^nhu tren\b")
_ARCHIVE = re.compile(r"^luu\b")


# --- entries ----------------------------------------------------------------------------


def _entry_kind(text: str) -> str:
    folded = fold(text)
    if _AS_ABOVE.match(folded):
        return AS_ABOVE
    if _ARCHIVE.match(folded):
        return ARCHIVE
    return BODY


def _split_entry(text: str) -> list[str]:
    """The bodies an entry names: "Văn phòng Tỉnh ủy; Văn phòng Ủy ban nhân dân" is two."""
    parts = [part.strip(" ,.;") for part in text.split(";")]
    return [part for part in parts if part] or [text]


def _match_entries(
    directory: Directory, entries: Sequence[str], context: DocumentContext
) -> tuple[EntrySuggestion, ...]:
    suggestions: list[EntrySuggestion] = []
    for index, entry in enumerate(entries):
        kind = _entry_kind(entry)
        if kind != BODY:
            suggestions.append(EntrySuggestion(index, entry, kind, (), None))
            continue
        for part in _split_entry(entry):
            candidates, match = match_entry(directory, part, context)
            suggestions.append(EntrySuggestion(index, part, BODY, candidates, match))
    return tuple(suggestions)


# --- references --------------------------------------------------------------------------


def _canonical(notation: str) -> str | None:
    try:
        return parse_notation(notation).format()
    except NotationError:
        return None


def _references(
    directory: Directory, references: Sequence[Mapping[str, Any]], user: User
) -> tuple[ReferenceSuggestion, ...]:
    """Each cited notation with the documents of that notation the user may see; when there
    are several, those whose issuer is most like the one cited ("của Tỉnh ủy Kiên Giang")."""
    cited = [(reference, _canonical(str(reference.get("notation") or ""))) for reference in references]
    wanted = {canonical or str(reference.get("notation") or "") for reference, canonical in cited} - {""}
    found: dict[str, list[DocumentLink]] = {}
    if wanted:
        rows = (
            visible_documents(Document.objects.filter(notation__in=wanted), user=user)
            .order_by("-issued_on", "-pk")
            .values_list("pk", "notation", "subject", "issuer_name", "issued_on")[:MAX_REFERENCE_ROWS]
        )
        for pk, notation, subject, issuer_name, issued_on in rows:
            found.setdefault(notation, []).append(DocumentLink(pk, notation, subject, issuer_name, issued_on))
    suggestions = []
    for reference, canonical in cited:
        notation = str(reference.get("notation") or "")
        documents = found.get(canonical or notation, [])
        issuer = reference.get("issuer")
        if len(documents) > 1 and issuer:
            documents = _narrowed(directory, documents, str(issuer))
        suggestions.append(
            ReferenceSuggestion(
                notation=notation,
                canonical=canonical,
                date=reference.get("date"),
                issuer=issuer,
                documents=tuple(documents[:MAX_DOCUMENTS]),
            )
        )
    return tuple(suggestions)


def _narrowed(directory: Directory, documents: list[DocumentLink], issuer: str) -> list[DocumentLink]:
    """The documents whose issuer is most like the one cited; all of them when none is like it."""
    cited = directory.words(issuer)
    scores = [
        directory.similarity(cited, Variant("issuer", directory.words(document.issuer_name)), frozenset())
        for document in documents
    ]
    best = max(scores)
    if best < SHOWN:
        return documents
    return [document for document, score in zip(documents, scores, strict=True) if score >= best - MARGIN]


# --- obligations -------------------------------------------------------------------------


def _obligations(
    deadlines: Sequence[Mapping[str, Any]],
    organizations: Sequence[Organization],
    today: datetime.date,
) -> tuple[ObligationProposal, ...]:
    """A proposal per deadline, due as obligations_from_deadlines makes it due (Deadline.due_on),
    titled with the deadline's text cut as it cuts it, for organizations that exist today."""
    obligated = tuple(
        OrganizationRef(organization.pk, organization.name)
        for organization in organizations
        if organization.active_to is None or organization.active_to >= today
    )
    proposals = []
    for item in deadlines:
        try:
            deadline = Deadline(datetime.date.fromisoformat(str(item["date"])), str(item["kind"]), str(item["text"]))
        except (KeyError, ValueError):
            continue
        proposals.append(
            ObligationProposal(
                title=deadline.text[:TITLE_LENGTH],
                due_on=deadline.due_on,
                deadline_date=deadline.date,
                kind=deadline.kind,
                text=deadline.text,
                organizations=obligated,
            )
        )
    return tuple(proposals)


def _matched_organizations(
    directory: Directory, entries: Sequence[EntrySuggestion], issuer_id: int | None
) -> list[Organization]:
    ids = [
        entry.match.id
        for entry in entries
        if entry.match is not None and entry.match.kind == ORGANIZATION and entry.match.id != issuer_id
    ]
    return [directory.organizations[pk] for pk in dict.fromkeys(ids)]


# --- the whole -----------------------------------------------------------------------------


def _document_day(intake: Mapping[str, Any]) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(intake.get("date")))
    except ValueError:
        return office_today()


def _context(
    directory: Directory,
    intake: Mapping[str, Any],
    user: User,
    issuer: Organization | None,
) -> DocumentContext:
    """The places a document speaks from: where it was written, its issuer's and the issuer's
    parents' places; with neither, the user's organization's."""
    places = [str(intake.get("place") or "")]
    chain = directory.ancestors(issuer) if issuer is not None else []
    own = directory.organizations.get(user.organization_id) if user.organization_id else None
    if not chain and not places[0] and own is not None:
        chain = directory.ancestors(own)
    places += [organization.place for organization in chain]
    folded = frozenset(" ".join(directory.words(place)) for place in places if place.strip()) - {""}
    owners = {user.organization_id} if user.organization_id else set()
    if issuer is not None:
        owners.add(issuer.pk)
    return DocumentContext(
        day=_document_day(intake),
        system=intake.get("system") if intake.get("system") in ("party", "state") else None,
        places=folded,
        optional=frozenset(word for place in folded for word in place.split()),
        owners=frozenset(owners),
        issuer_id=issuer.pk if issuer is not None else None,
    )


def _strings(values: Any) -> list[str]:
    return [str(value) for value in values or [] if isinstance(value, str) and value.strip()]


def intake_suggestions(intake: Intake | Mapping[str, Any], *, user: User) -> IntakeSuggestions:
    """Suggestions for an intake object (registry.intake.read_document): the issuer's and the
    addressees' candidates in the directory, the cited documents the user may see, and the
    obligations its deadlines propose. Reads only; three queries whatever the document holds."""
    directory = Directory(
        list(organization_list().order_by("name", "id")),
        list(group_list().prefetch_related(None).order_by("name", "id")),
    )
    issuer_data = intake.get("issuer") or {}
    name = issuer_data.get("name") if isinstance(issuer_data, Mapping) else None
    parent = issuer_data.get("parent") if isinstance(issuer_data, Mapping) else None
    first = _context(directory, intake, user, None)
    candidates, match = match_issuer(directory, name, parent, first)
    issuer = directory.organizations[match.id] if match is not None else None
    context = _context(directory, intake, user, issuer) if issuer is not None else first
    addressees = _match_entries(directory, _strings(intake.get("addressees")), context)
    distribution = _match_entries(directory, _strings(intake.get("distribution")), context)
    # Like the obligation page: the addressees (Kính gửi), or when it names none, the recipients.
    obligated = _matched_organizations(directory, addressees or distribution, context.issuer_id)
    references = [item for item in intake.get("references") or [] if isinstance(item, Mapping)]
    deadlines = [item for item in intake.get("deadlines") or [] if isinstance(item, Mapping)]
    return IntakeSuggestions(
        issuer=IssuerSuggestion(name, parent, candidates, match),
        addressees=addressees,
        distribution=distribution,
        references=_references(directory, references, user),
        obligations=_obligations(deadlines, obligated, office_today()),
    )
