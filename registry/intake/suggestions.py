"""What the suggestions for an intake object are (registry.intake.matching makes them): the
candidates for each body the document names, the records of the documents it cites, and the
reporting obligations its deadlines propose. ``as_dict`` gives each as the API answers it.
"""

import datetime
from dataclasses import dataclass
from typing import Any

# What a candidate is.
ORGANIZATION = "organization"
GROUP = "group"
# What an addressee or distribution entry is.
BODY = "body"  # names one or more bodies
AS_ABOVE = "as_above"  # "Như trên": the addressees again
ARCHIVE = "archive"  # "Lưu: VT": the file copy


@dataclass(frozen=True)
class Candidate:
    """An organization or recipient group an entry may stand for."""

    kind: str  # ORGANIZATION or GROUP
    id: int
    name: str
    context: str  # the organization's parent, or the group's owner; "" for none
    score: float  # 0 … 1
    why: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "context": self.context or None,
            "score": round(self.score, 2),
            "why": list(self.why),
        }


def _as_dict(candidate: Candidate | None) -> dict[str, Any] | None:
    return None if candidate is None else candidate.as_dict()


@dataclass(frozen=True)
class IssuerSuggestion:
    """The issuer as printed (name and the line above it) and the organizations it may be."""

    name: str | None
    parent: str | None
    candidates: tuple[Candidate, ...]
    match: Candidate | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "parent": self.parent,
            "candidates": [candidate.as_dict() for candidate in self.candidates],
            "match": _as_dict(self.match),
        }


@dataclass(frozen=True)
class EntrySuggestion:
    """One body named in an addressee or distribution entry. An entry naming several bodies
    ("Văn phòng Tỉnh ủy; Văn phòng Ủy ban nhân dân") gives one suggestion per body, all with
    the entry's position in its list."""

    entry: int
    text: str
    kind: str  # BODY, AS_ABOVE or ARCHIVE (these two have no candidates)
    candidates: tuple[Candidate, ...]
    match: Candidate | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "entry": self.entry,
            "text": self.text,
            "kind": self.kind,
            "candidates": [candidate.as_dict() for candidate in self.candidates],
            "match": _as_dict(self.match),
        }


@dataclass(frozen=True)
class DocumentLink:
    """A registered document the user may see."""

    id: int
    notation: str
    subject: str
    issuer_name: str
    issued_on: datetime.date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "notation": self.notation,
            "subject": self.subject,
            "issuer_name": self.issuer_name,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
        }


@dataclass(frozen=True)
class ReferenceSuggestion:
    """A cited document and the records of it the user may see (none when there are none)."""

    notation: str  # as cited
    canonical: str | None  # as the registry writes it, when it reads as a notation
    date: str | None
    issuer: str | None
    documents: tuple[DocumentLink, ...]

    @property
    def cited_on(self) -> datetime.date | None:
        """The date as cited, as a date."""
        try:
            return datetime.date.fromisoformat(self.date) if self.date else None
        except ValueError:
            return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "notation": self.notation,
            "canonical": self.canonical,
            "date": self.date,
            "issuer": self.issuer,
            "documents": [document.as_dict() for document in self.documents],
        }


@dataclass(frozen=True)
class OrganizationRef:
    id: int
    name: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class ObligationProposal:
    """A reporting obligation a stated deadline makes, as obligations_from_deadlines would
    create it: the deadline's text as title, due on the last day that is on time ("trước ngày
    01/12/2023" → 30/11/2023), for the organizations the document addresses."""

    title: str
    due_on: datetime.date
    deadline_date: datetime.date
    kind: str
    text: str
    organizations: tuple[OrganizationRef, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "due_on": self.due_on.isoformat(),
            "deadline": {"date": self.deadline_date.isoformat(), "kind": self.kind, "text": self.text},
            "organizations": [organization.as_dict() for organization in self.organizations],
        }


@dataclass(frozen=True)
class IntakeSuggestions:
    issuer: IssuerSuggestion
    addressees: tuple[EntrySuggestion, ...]
    distribution: tuple[EntrySuggestion, ...]
    references: tuple[ReferenceSuggestion, ...]
    obligations: tuple[ObligationProposal, ...]

    @property
    def earliest_due_on(self) -> datetime.date | None:
        """The first day something the document asks for is due, if it asks for anything."""
        return min((proposal.due_on for proposal in self.obligations), default=None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer.as_dict(),
            "addressees": [entry.as_dict() for entry in self.addressees],
            "distribution": [entry.as_dict() for entry in self.distribution],
            "references": [reference.as_dict() for reference in self.references],
            "obligations": [proposal.as_dict() for proposal in self.obligations],
        }
