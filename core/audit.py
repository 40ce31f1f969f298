"""The audit trail: every service write records one event here."""

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

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
    context = current_request_context()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    if organization is None and is_user:
        organization = getattr(actor, "organization", None)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_username=actor.get_username() if is_user else "",
        organization=organization,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        changes=audit_value(dict(changes or {})),
        data=audit_value(dict(data or {})),
        request_id=context.request_id,
        ip_address=context.ip_address,
    )
