"""Correcting the document types (Decree 30, Guideline 36-HD/VPTW).

The types are seeded by a migration; only superusers add, correct or remove
one, in the admin. Each change is audited like any other write: a type's
abbreviation goes into every notation issued under it from then on, so an
inspector asks who changed it and when. Documents already issued keep the
abbreviation and name they were issued with (Document.type_abbreviation and
the printed text), so a correction never alters them.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from core.audit import audit_record, diff, snapshot
from core.errors import Conflict, DomainError, PermissionDenied
from core.text import clean_text
from recipients.models import User
from registry.models import DocumentType
from registry.notation import is_abbreviation

DOCUMENT_TYPE_FIELDS = (
    "code",
    "state_name",
    "state_abbreviation",
    "party_name",
    "party_abbreviation",
    "is_letter",
    "position",
)
_NAMES = ("state_name", "party_name")
MAX_POSITION = 32767  # a PositiveSmallIntegerField
_ABBREVIATIONS = ("state_abbreviation", "party_abbreviation")


def _require_superuser(actor: User) -> None:
    if not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser may change the document types."))


def _label(field: str) -> str:
    return str(getattr(DocumentType._meta.get_field(field), "verbose_name", field))


def _clean_document_type(document_type: DocumentType) -> None:
    """The rules a notation and the layout rely on, as messages instead of constraint failures."""
    code = clean_text(str(document_type.code or ""), label=_label("code"), field="code", max_length=10)
    if not code or not all(ch.isalnum() or ch in "_-" for ch in code):
        raise DomainError(_("The code is letters, digits, “-” or “_”, as in KH or CV."), field="code")
    document_type.code = code
    for field in _NAMES:
        value = clean_text(getattr(document_type, field) or "", label=_label(field), field=field, max_length=80)
        setattr(document_type, field, value)
    for field in _ABBREVIATIONS:
        value = clean_text(getattr(document_type, field) or "", label=_label(field), field=field, max_length=10)
        if value and not is_abbreviation(value):
            raise DomainError(
                _("%(field)s “%(value)s” must be letters and digits, starting with a letter, as in KH or TTr.")
                % {"field": _label(field), "value": value},
                field=field,
            )
        setattr(document_type, field, value)
    if not document_type.state_name and not document_type.party_name:
        raise DomainError(_("A document type needs its State name, its Party name or both."), field="state_name")
    if document_type.state_abbreviation and not document_type.state_name:
        raise DomainError(_("A State abbreviation needs the State name."), field="state_name")
    if document_type.party_name and not document_type.party_abbreviation:
        raise DomainError(
            _("A type used by the Party needs its Party abbreviation (a Party công văn is CV)."),
            field="party_abbreviation",
        )
    position = document_type.position
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= MAX_POSITION:
        raise DomainError(
            _("The position is a whole number from 0 to %(max)d.") % {"max": MAX_POSITION}, field="position"
        )
    if not isinstance(document_type.is_letter, bool):
        raise DomainError(_("“Is an official letter” is true or false."), field="is_letter")
    clash = DocumentType.objects.filter(code__iexact=document_type.code).exclude(pk=document_type.pk)
    if clash.exists():
        raise DomainError(
            _("A document type with the code “%(code)s” already exists.") % {"code": document_type.code}, field="code"
        )


def _save(document_type: DocumentType) -> None:
    try:
        with transaction.atomic():
            document_type.save()
    except IntegrityError:  # the same code written meanwhile by another request
        raise Conflict(
            _("A document type with the code “%(code)s” already exists.") % {"code": document_type.code}, field="code"
        ) from None


@transaction.atomic
def document_type_create(*, actor: User, **values: Any) -> DocumentType:
    """Adds a type (values: DOCUMENT_TYPE_FIELDS; code and one name at least)."""
    _require_superuser(actor)
    unknown = set(values) - set(DOCUMENT_TYPE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    document_type = DocumentType(**values)
    _clean_document_type(document_type)
    _save(document_type)
    audit_record(
        actor=actor,
        action="document_type.create",
        obj=document_type,
        changes=diff({}, snapshot(document_type, DOCUMENT_TYPE_FIELDS)),
    )
    return document_type


@transaction.atomic
def document_type_update(*, document_type: DocumentType, actor: User, **changes: Any) -> DocumentType:
    """Corrects a type's names, abbreviations, layout or position. Documents
    already issued keep what they were issued with."""
    _require_superuser(actor)
    unknown = set(changes) - set(DOCUMENT_TYPE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    document_type = DocumentType.objects.select_for_update().get(pk=document_type.pk)
    before = snapshot(document_type, DOCUMENT_TYPE_FIELDS)
    for field, value in changes.items():
        setattr(document_type, field, value)
    _clean_document_type(document_type)
    changed = diff(before, snapshot(document_type, DOCUMENT_TYPE_FIELDS))
    if changed:
        _save(document_type)
        audit_record(actor=actor, action="document_type.update", obj=document_type, changes=changed)
    return document_type


@transaction.atomic
def document_type_delete(*, document_type: DocumentType, actor: User) -> None:
    """Removes a type nothing uses (documents and numbering sequences protect it)."""
    _require_superuser(actor)
    document_type = DocumentType.objects.select_for_update().get(pk=document_type.pk)
    audit_record(
        actor=actor,
        action="document_type.delete",
        obj=document_type,
        changes=diff(snapshot(document_type, DOCUMENT_TYPE_FIELDS), {}),
    )
    try:
        # Django finds the protecting rows before it deletes anything; a refusal rolls the event back.
        document_type.delete()
    except (ProtectedError, RestrictedError):
        raise Conflict(
            _("“%(type)s” is used by documents or numbering sequences: it can be corrected, not removed.")
            % {"type": document_type}
        ) from None
