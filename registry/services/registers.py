"""Opening and maintaining registers (sổ) and their numbering policy."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record, diff, snapshot
from core.errors import Conflict, DomainError
from core.text import clean_text
from recipients.models import Organization, User
from registry.models import (
    Direction,
    Document,
    DocumentType,
    NotationSystem,
    NumberSequence,
    PeriodKind,
    Register,
    SequenceScope,
    Series,
)
from registry.permissions import require_register_clerk
from registry.services.numbering import sequence_id, sequence_key

REGISTER_FIELDS = (
    "owner",
    "name",
    "direction",
    "system",
    "period_kind",
    "term_start",
    "term_end",
    "sequence_scope",
    "confidential_series",
    "is_active",
    "description",
)
# Once a number has been given these define what the numbers mean. The term
# start may still move forward: that starts a new term, whose numbers run from 1.
POLICY_FIELDS = {"direction", "system", "period_kind", "sequence_scope", "confidential_series"}


def _clean_register(register: Register) -> None:
    register.name = clean_text(register.name or "", label=_("Name"), field="name", max_length=200)
    if not register.name:
        raise DomainError(_("The register needs a name."), field="name")
    register.description = clean_text(
        register.description or "", label=_("Description"), field="description", multiline=True
    )
    for field, choices in (
        ("direction", Direction),
        ("system", NotationSystem),
        ("period_kind", PeriodKind),
        ("sequence_scope", SequenceScope),
    ):
        if getattr(register, field) not in choices.values:
            label = getattr(Register._meta.get_field(field), "verbose_name", field)
            raise DomainError(
                _("%(field)s must be one of %(allowed)s.") % {"field": label, "allowed": ", ".join(choices.values)},
                field=field,
            )
    if register.direction == Direction.INCOMING and (
        register.period_kind != PeriodKind.YEAR or register.sequence_scope != SequenceScope.REGISTER
    ):
        raise DomainError(
            _(
                "Arrival numbers run per register and calendar year: "
                "an incoming register uses the year period and one sequence."
            ),
            field="period_kind",
        )
    if register.period_kind == PeriodKind.TERM:
        if register.term_start is None:
            raise DomainError(_("A register numbered per term needs the term's start date."), field="term_start")
        if register.term_end is not None and register.term_end < register.term_start:
            raise DomainError(_("The term cannot end before it starts."), field="term_end")
    elif register.term_start is not None or register.term_end is not None:
        raise DomainError(_("Term dates apply only to registers numbered per term."), field="term_start")
    clash = Register.objects.filter(owner=register.owner, name=register.name).exclude(pk=register.pk)
    if clash.exists():
        raise DomainError(
            _("%(owner)s already has a register named “%(name)s”.")
            % {"owner": register.owner.name, "name": register.name},
            field="name",
        )


@transaction.atomic
def register_create(
    *,
    actor: User,
    owner: Organization,
    name: str,
    direction: str,
    period_kind: str | None = None,
    system: str | None = None,
    term_start: datetime.date | None = None,
    term_end: datetime.date | None = None,
    sequence_scope: str | None = None,
    confidential_series: bool = False,
    description: str = "",
) -> Register:
    """Opens a register. Defaults follow the owner's system: State registers
    number per calendar year in one sequence; Party registers per term and
    document type."""
    system = system or owner.notation_system
    party_outgoing = system == NotationSystem.PARTY and direction == Direction.OUTGOING
    register = Register(
        owner=owner,
        name=name,
        direction=direction,
        system=system,
        period_kind=period_kind or (PeriodKind.TERM if party_outgoing else PeriodKind.YEAR),
        term_start=term_start,
        term_end=term_end,
        sequence_scope=sequence_scope or (SequenceScope.DOC_TYPE if party_outgoing else SequenceScope.REGISTER),
        confidential_series=confidential_series,
        description=description,
    )
    require_register_clerk(actor, register)
    _clean_register(register)
    register.save()
    audit_record(
        actor=actor, action="register.create", obj=register, changes=diff({}, snapshot(register, REGISTER_FIELDS))
    )
    return register


@transaction.atomic
def register_update(*, register: Register, actor: User, **changes: Any) -> Register:
    """Renames, closes or reopens a register, ends its term or starts the next
    one. The numbering policy is fixed once a number has been given; moving
    term_start past the last numbered document starts a new term, whose
    sequences begin again at 1 (Party numbering runs per term)."""
    register = Register.objects.select_for_update().select_related("owner").get(pk=register.pk)
    require_register_clerk(actor, register)
    unknown = set(changes) - (set(REGISTER_FIELDS) - {"owner"})
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    before = snapshot(register, REGISTER_FIELDS)
    used = NumberSequence.objects.filter(register=register, last_number__gt=0).exists()
    changed_policy = sorted(
        field for field in POLICY_FIELDS & set(changes) if changes[field] != getattr(register, field)
    )
    if used and changed_policy:
        raise Conflict(
            _("Numbers have already been given from this register, so its numbering policy (%(fields)s) is fixed.")
            % {"fields": ", ".join(changed_policy)},
            code="policy_fixed",
        )
    new_term = "term_start" in changes and changes["term_start"] != register.term_start
    for field, value in changes.items():
        setattr(register, field, value)
    _clean_register(register)
    numbered = Document.objects.filter(register=register, sequence__isnull=False)
    if new_term and used:
        last = numbered.order_by("-issued_on").values_list("issued_on", flat=True).first()
        if register.term_start is None or (last is not None and register.term_start <= last):
            raise Conflict(
                _("A new term must start after the last numbered document (dated %(day)s).")
                % {"day": last.strftime("%d/%m/%Y") if last else "?"},
                field="term_start",
            )
    if register.term_end is not None and not new_term and numbered.filter(issued_on__gt=register.term_end).exists():
        raise Conflict(
            _("Documents dated after %(day)s already carry numbers of this term.")
            % {"day": register.term_end.strftime("%d/%m/%Y")},
            field="term_end",
        )
    register.save()
    audit_record(
        actor=actor, action="register.update", obj=register, changes=diff(before, snapshot(register, REGISTER_FIELDS))
    )
    return register


@transaction.atomic
def register_set_opening_number(
    *,
    register: Register,
    actor: User,
    day: datetime.date,
    last_number: int,
    doc_type: DocumentType | None = None,
    series: str = Series.NORMAL,
) -> NumberSequence:
    """Records that numbers 1..`last_number` of the period containing `day`
    were given in the paper register before this system took over, so the
    system continues at last_number + 1. Refused once the system has given a
    number in that sequence."""
    require_register_clerk(actor, register)
    if isinstance(last_number, bool) or not isinstance(last_number, int) or last_number < 0:
        raise DomainError(_("The last number given on paper must be 0 or more."), field="last_number")
    confidentiality = "confidential" if series == Series.CONFIDENTIAL else "normal"
    key = sequence_key(register=register, day=day, confidentiality=confidentiality, doc_type=doc_type)
    sequence = NumberSequence.objects.select_for_update().get(pk=sequence_id(key))
    if sequence.last_number != sequence.opening_number:
        raise Conflict(
            _("The system has already given numbers in this sequence (up to %(number)d); the opening number is fixed.")
            % {"number": sequence.last_number},
            code="sequence_in_use",
        )
    before = {"opening_number": sequence.opening_number}
    sequence.opening_number = sequence.last_number = last_number
    sequence.save(update_fields=["opening_number", "last_number"])
    audit_record(
        actor=actor,
        action="register.set_opening_number",
        obj=register,
        changes=diff(before, {"opening_number": last_number}),
        data={"sequence": str(sequence)},
    )
    return sequence
