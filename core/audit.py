"""The audit trail: every service write records one event here."""

import datetime
import decimal
import functools
import uuid
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models

from core.context import current_request_context
from core.models import AuditEvent


def audit_value(value: Any) -> Any:
    """A JSON-safe rendering of a field value for the before/after record."""
    if isinstance(value, models.Model):
        return {"id": value.pk, "repr": str(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [audit_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): audit_value(item) for key, item in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: audit_value(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"before": old, "after": new}} for the fields that changed."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None,
    changes: Mapping[str, Any] | None,
    data: Mapping[str, Any] | None,
    organization: Any,
) -> AuditEvent:
    context = current_request_context()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        actor=actor if is_user else None,
        actor_username=actor.get_username() if is_user else "",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        changes=audit_value(dict(changes or {})),
        data=audit_value(dict(data or {})),
        request_id=context.request_id,
        ip_address=context.ip_address,
    )
    if organization is not None:
        event.organization = organization
    elif is_user:
        event.organization_id = getattr(actor, "organization_id", None)
    return event


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    organization: Any = None,
) -> AuditEvent:
    """Writes one audit event in the caller's transaction.

    `actor` is a user or None for system jobs; the organization defaults to the
    actor's own."""
    event = _event(actor=actor, action=action, obj=obj, changes=changes, data=data, organization=organization)
    _insert(event)
    return event


def audit_record_each(
    *,
    actor: Any,
    action: str,
    objects: Iterable[models.Model],
    data: Mapping[str, Any] | None = None,
    organization: Any = None,
) -> int:
    """One event per object, the same action and details for each (a register
    book handing out many confidential documents at once), inserted in batches;
    returns how many were written."""
    events = [
        _event(actor=actor, action=action, obj=obj, changes=None, data=data, organization=organization)
        for obj in objects
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)
    return len(events)


_INSERTED_FIELDS = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]


@functools.cache
def _insert_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in _INSERTED_FIELDS)
    placeholders = ", ".join(["%s"] * len(_INSERTED_FIELDS))
    return (
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"RETURNING {quote(str(AuditEvent._meta.pk.column))}"
    )


def _insert(event: AuditEvent) -> None:
    """A plain INSERT … RETURNING id. Every service write records an event,
    issuing included, where the counter is locked until commit: the model's
    save() machinery costs more than the statement itself. Audit events have
    no signals or custom save logic beyond being append-only."""
    params = [field.get_db_prep_save(getattr(event, field.attname), connection) for field in _INSERTED_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), params)
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
