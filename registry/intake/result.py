"""The intake object of the CONTRACT ("Intake format"), typed, with its keys in order."""

from typing import TypedDict


class IntakeIssuer(TypedDict):
    name: str | None
    parent: str | None


class IntakeSigner(TypedDict):
    name: str | None
    title: str | None
    authority: str | None


class IntakeReference(TypedDict):
    notation: str
    date: str | None
    issuer: str | None


class IntakeDeadline(TypedDict):
    date: str
    kind: str
    text: str


class Intake(TypedDict):
    source: str | None
    system: str | None
    issuer: IntakeIssuer
    number: int | None
    symbol: str | None
    notation: str | None
    doc_type: str | None
    urgency: str | None
    confidentiality: str | None
    place: str | None
    date: str | None
    subject: str | None
    addressees: list[str]
    distribution: list[str]
    signer: IntakeSigner
    references: list[IntakeReference]
    deadlines: list[IntakeDeadline]
    warnings: list[str]


def empty_intake(source: str | None, *warnings: str) -> Intake:
    """An intake object with nothing read yet: every key present, in the CONTRACT's order."""
    return {
        "source": source,
        "system": None,
        "issuer": {"name": None, "parent": None},
        "number": None,
        "symbol": None,
        "notation": None,
        "doc_type": None,
        "urgency": None,
        "confidentiality": None,
        "place": None,
        "date": None,
        "subject": None,
        "addressees": [],
        "distribution": [],
        "signer": {"name": None, "title": None, "authority": None},
        "references": [],
        "deadlines": [],
        "warnings": list(warnings),
    }
