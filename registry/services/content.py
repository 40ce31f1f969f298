"""Validation of what a document says: fields, addressees, distribution and
references. Used by drafting, issuing, incoming registration and corrections."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.text import clean_text, fold
from recipients.models import Organization, RecipientGroup
from recipients.services import clean_abbreviation
from registry.models import (
    AddresseeKind,
    Confidentiality,
    DistributionEntry,
    DistributionKind,
    Document,
    DocumentAddressee,
    DocumentReference,
    DocumentType,
    NotationSystem,
    ReferenceRelation,
    Urgency,
)
from registry.notation import Notation, NotationError, parse_notation

MAX_COUNT = 100_000


@dataclass(frozen=True)
class AddresseeInput:
    """One “Kính gửi” line: an organization, a group, or free text. `text`
    overrides the printed wording (e.g. “Thường trực Tỉnh ủy”)."""

    organization: Organization | None = None
    group: RecipientGroup | None = None
    text: str = ""


@dataclass(frozen=True)
class DistributionInput:
    """One “Nơi nhận” line. `kind` may be left empty: “Như trên” and “Lưu…”
    are recognised from the text."""

    kind: str = ""
    organization: Organization | None = None
    group: RecipientGroup | None = None
    text: str = ""
    purpose: str = ""


@dataclass(frozen=True)
class ReferenceInput:
    relation: str
    target: Document | None = None
    notation: str = ""
    issued_on: datetime.date | None = None
    issuer_name: str = ""


def _single_line(max_length: int, label: str) -> Any:
    def clean(value: Any) -> str:
        return clean_text(value or "", label=label, max_length=max_length)

    return clean


def _multiline(max_length: int, label: str) -> Any:
    def clean(value: Any) -> str:
        return clean_text(value or "", label=label, multiline=True, max_length=max_length)

    return clean


def _choice(choices: Any, label: str) -> Any:
    def clean(value: Any) -> str:
        if value not in choices.values:
            raise DomainError(
                _("%(field)s must be one of %(allowed)s, not “%(value)s”.")
                % {"field": label, "allowed": ", ".join(choices.values), "value": value}
            )
        return str(value)

    return clean


def _count(label: str) -> Any:
    def clean(value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_COUNT:
            raise DomainError(
                _("%(field)s must be a whole number from 1 to %(max)d.") % {"field": label, "max": MAX_COUNT}
            )
        return value

    return clean


def _date(label: str) -> Any:
    def clean(value: Any) -> datetime.date | None:
        if value is None:
            return None
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            raise DomainError(_("%(field)s must be a date.") % {"field": label})
        return value

    return clean


def _drafting_unit(value: Any) -> str:
    value = value or ""
    return clean_abbreviation(value, label=_("Drafting unit")) if value.strip() else ""


def _doc_type(value: Any) -> DocumentType:
    if not isinstance(value, DocumentType):
        raise DomainError(_("Choose the document type."))
    return value


CLEANERS: dict[str, Any] = {
    "doc_type": _doc_type,
    "subject": _single_line(2000, _("Subject")),
    "body": _multiline(500_000, _("Body")),
    "signer_name": _single_line(120, _("Signer")),
    "signer_title": _single_line(120, _("Signer's title")),
    "signer_authority": _single_line(255, _("Signing authority")),
    "urgency": _choice(Urgency, _("Urgency")),
    "confidentiality": _choice(Confidentiality, _("Confidentiality")),
    "page_count": _count(_("Pages")),
    "copies": _count(_("Copies")),
    "drafting_unit": _drafting_unit,
    "place": _single_line(80, _("Place")),
    "issuer_name": _single_line(255, _("Issuer name")),
    "file_copy_holder": _single_line(255, _("Unit or person keeping the file copy")),
    "transferred_on": _date(_("Date transferred")),
    "receipt_signature": _single_line(255, _("Received by")),
    "note": _multiline(10_000, _("Note")),
    "handling_unit": _single_line(255, _("Handling unit")),
    "handling_deadline": _date(_("Handling deadline")),
    "handling_progress": _multiline(10_000, _("Handling progress")),
    "issued_on": _date(_("Date of the document")),
}


def apply_fields(document: Document, changes: Mapping[str, Any], allowed: set[str]) -> None:
    """Cleans and sets `changes` on the document; refuses fields not in `allowed`."""
    refused = sorted(set(changes) - allowed)
    if refused:
        names = ", ".join(_field_label(name) for name in refused)
        raise DomainError(
            _("These fields cannot be changed on a document that is %(status)s: %(fields)s.")
            % {"status": document.get_status_display().lower(), "fields": names},
            code="frozen_fields",
            details={"fields": refused},
        )
    for name, value in changes.items():
        try:
            setattr(document, name, CLEANERS[name](value))
        except DomainError as exc:
            exc.field = name
            raise
    if not document.subject:
        raise DomainError(_("The subject (trích yếu) is required."), field="subject")
    if not document.doc_type.used_by(document.system):
        raise DomainError(
            _("“%(type)s” is not a document type of the %(system)s system.")
            % {"type": document.doc_type.name_for(document.system), "system": document.get_system_display()},
            field="doc_type",
        )


def _field_label(name: str) -> str:
    try:
        return str(getattr(Document._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def build_addressees(document: Document, entries: Sequence[AddresseeInput]) -> list[DocumentAddressee]:
    rows = []
    for position, entry in enumerate(entries, start=1):
        if entry.organization is not None and entry.group is not None:
            raise DomainError(
                _("Addressee %(n)d: choose an organization or a group, not both.") % {"n": position},
                field="addressees",
            )
        text = clean_text(
            entry.text or "", label=_("Addressee %(n)d") % {"n": position}, field="addressees", max_length=500
        )
        if entry.organization is not None:
            kind, text = AddresseeKind.ORGANIZATION, text or entry.organization.name
        elif entry.group is not None:
            kind, text = AddresseeKind.GROUP, text or entry.group.name
        else:
            kind = AddresseeKind.TEXT
        if not text:
            raise DomainError(_("Addressee %(n)d is empty.") % {"n": position}, field="addressees")
        rows.append(
            DocumentAddressee(
                document=document,
                position=position,
                kind=kind,
                organization=entry.organization,
                group=entry.group,
                text=text,
            )
        )
    keys = [(row.kind, row.organization_id, row.group_id, fold(row.text)) for row in rows]
    if len(set(keys)) != len(keys):
        raise DomainError(_("The same addressee is listed twice."), field="addressees")
    return rows


AS_ABOVE_TEXT = "Như trên"


def _distribution_kind(entry: DistributionInput, text: str) -> str:
    if entry.kind:
        if entry.kind not in DistributionKind.values:
            raise DomainError(_("Unknown distribution kind “%(kind)s”.") % {"kind": entry.kind}, field="distribution")
        return entry.kind
    if entry.organization is not None:
        return DistributionKind.ORGANIZATION
    if entry.group is not None:
        return DistributionKind.GROUP
    folded = fold(text)
    if folded in {"nhu tren", "nhu tren."}:
        return DistributionKind.AS_ABOVE
    if folded == "luu" or folded.startswith(("luu:", "luu ")):
        return DistributionKind.FILE_COPY
    return DistributionKind.TEXT


def build_distribution(document: Document, entries: Sequence[DistributionInput]) -> list[DistributionEntry]:
    rows = []
    for position, entry in enumerate(entries, start=1):
        label = _("Distribution line %(n)d") % {"n": position}
        text = clean_text(entry.text or "", label=label, field="distribution", max_length=500).rstrip(";,.")
        purpose = clean_text(entry.purpose or "", label=label, field="distribution", max_length=80).strip("()")
        kind = _distribution_kind(entry, text)
        organization = entry.organization if kind == DistributionKind.ORGANIZATION else None
        group = entry.group if kind == DistributionKind.GROUP else None
        if kind == DistributionKind.ORGANIZATION and organization is None:
            raise DomainError(_("%(line)s: choose the organization.") % {"line": label}, field="distribution")
        if kind == DistributionKind.GROUP and group is None:
            raise DomainError(_("%(line)s: choose the group.") % {"line": label}, field="distribution")
        if kind == DistributionKind.AS_ABOVE:
            text = AS_ABOVE_TEXT
        text = text or (organization.name if organization else group.name if group else "")
        if not text:
            raise DomainError(_("%(line)s is empty.") % {"line": label}, field="distribution")
        rows.append(
            DistributionEntry(
                document=document,
                position=position,
                kind=kind,
                organization=organization,
                group=group,
                text=text,
                purpose=purpose,
            )
        )
    kinds = [row.kind for row in rows]
    if kinds.count(DistributionKind.AS_ABOVE) > 1:
        raise DomainError(_("“Như trên” appears more than once in the distribution."), field="distribution")
    if kinds.count(DistributionKind.FILE_COPY) > 1:
        raise DomainError(_("The file copy line (Lưu) appears more than once."), field="distribution")
    if DistributionKind.FILE_COPY in kinds and kinds[-1] != DistributionKind.FILE_COPY:
        raise DomainError(
            _("The file copy line (Lưu) must be the last line of the distribution."), field="distribution"
        )
    return rows


def default_distribution(document: Document, has_addressees: bool) -> list[DistributionInput]:
    """“Như trên” when there are addressees, then the file copy line: State
    “Lưu: VT, <unit>”, Party “Lưu <unit>” (the Party form has no colon)."""
    entries = [DistributionInput(kind=DistributionKind.AS_ABOVE)] if has_addressees else []
    unit = document.drafting_unit
    if document.system == NotationSystem.STATE:
        file_copy = f"Lưu: VT, {unit}" if unit else "Lưu: VT"
    else:
        file_copy = f"Lưu {unit}" if unit else "Lưu"
    entries.append(DistributionInput(kind=DistributionKind.FILE_COPY, text=file_copy))
    return entries


def file_copy_holder_from(distribution: Sequence[DistributionEntry]) -> str:
    """“Lưu: VT, TTBCBC” → “VT, TTBCBC”: the register's “Đơn vị, người nhận bản lưu” column."""
    for row in distribution:
        if row.kind == DistributionKind.FILE_COPY:
            return row.text[3:].lstrip(" :").strip()
    return ""


def build_references(document: Document, entries: Sequence[ReferenceInput]) -> list[DocumentReference]:
    rows = []
    for position, entry in enumerate(entries, start=1):
        label = _("Reference %(n)d") % {"n": position}
        if entry.relation not in ReferenceRelation.values:
            raise DomainError(
                _("%(line)s: unknown relation “%(relation)s”.") % {"line": label, "relation": entry.relation},
                field="references",
            )
        notation = clean_text(entry.notation or "", label=label, field="references", max_length=120)
        issuer_name = clean_text(entry.issuer_name or "", label=label, field="references", max_length=255)
        issued_on = _date(label)(entry.issued_on)
        target = entry.target
        if target is not None:
            if document.pk is not None and target.pk == document.pk:
                raise DomainError(
                    _("%(line)s: a document cannot refer to itself.") % {"line": label}, field="references"
                )
            notation = notation or target.notation
            issued_on = issued_on or target.issued_on
            issuer_name = issuer_name or target.issuer_name
        if not notation and target is None:
            raise DomainError(
                _("%(line)s: give the referenced document or its number and notation.") % {"line": label},
                field="references",
            )
        rows.append(
            DocumentReference(
                document=document,
                position=position,
                relation=entry.relation,
                target=target,
                notation=notation,
                issued_on=issued_on,
                issuer_name=issuer_name,
            )
        )
    return rows


def search_text_besides_notation(document: Document, addressee_texts: Sequence[str]) -> str:
    """The folded subject, issuer, signer, addressees and body."""
    return folded_search_text(
        subject=document.subject,
        issuer_name=document.issuer_name,
        signer_name=document.signer_name,
        addressee_texts=addressee_texts,
        body=document.body,
    )


def folded_search_text(
    *, subject: str, issuer_name: str, signer_name: str, addressee_texts: Sequence[str], body: str
) -> str:
    """search_text_besides_notation from the values themselves, for rows written without a model instance."""
    return fold(" ".join([subject, issuer_name, signer_name, " ".join(addressee_texts), body]))


def join_search_text(notation: str, rest: str) -> str:
    """The folded text that `q` searches: the notation, then the rest."""
    return f"{fold(notation)} {rest}".strip()


def refresh_search_text(document: Document, addressee_texts: Sequence[str] | None = None) -> None:
    if addressee_texts is None:
        addressee_texts = [row.text for row in document.addressees.all()] if document.pk else []
    document.search_text = join_search_text(document.notation, search_text_besides_notation(document, addressee_texts))


def parse_incoming_notation(text: str) -> Notation | None:
    text = clean_text(text or "", label=_("Number and notation"), field="notation", max_length=120)
    if not text:
        return None
    try:
        return parse_notation(text)
    except NotationError as exc:
        raise DomainError(str(exc), field="notation", code="invalid_notation") from exc


def doc_type_for_notation(notation: Notation) -> DocumentType | None:
    """The type a notation names; a State notation without one is a công văn."""
    if notation.system == "state":
        if not notation.type_abbr:
            return DocumentType.objects.filter(is_letter=True).exclude(state_name="").first()
        return DocumentType.objects.filter(state_abbreviation=notation.type_abbr).first()
    return DocumentType.objects.filter(party_abbreviation=notation.type_abbr).first()


def apply_incoming_notation(document: Document, parsed: Notation | None) -> None:
    """Copies a sender's notation and its parts onto a received document."""
    for name, value in notation_fields(parsed).items():
        setattr(document, name, value)


def notation_fields(parsed: Notation | None) -> dict[str, Any]:
    """A document's number, notation and their parts, as a parsed notation gives them."""
    if parsed is None:
        return {"number": None, "notation": "", "type_abbreviation": "", "issuer_abbreviation": "", "drafting_unit": ""}
    return {
        "number": parsed.number,
        "notation": parsed.format(),
        "type_abbreviation": parsed.type_abbr,
        "issuer_abbreviation": parsed.issuer,
        "drafting_unit": parsed.unit,
    }
