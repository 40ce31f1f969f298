"""What a backup holds, and how values travel in it.

Every concrete table of every installed app is backed up unless it is listed
in EXCLUDED with the reason, so a model added later is backed up without
anyone remembering to. Rows keep their primary keys; foreign keys to content
types and permissions, whose ids differ from one database to the next, travel
as natural keys instead.
"""

import base64
import datetime
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.duration import duration_iso_string

FORMAT = "docreg-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_INDEX = "files.jsonl"

# label_lower -> why its rows are not in a backup.
EXCLUDED: dict[str, str] = {
    "contenttypes.contenttype": "recreated by migrate; rows pointing to one carry (app_label, model)",
    "auth.permission": "recreated by migrate; rows pointing to one carry (app_label, model, codename)",
    "sessions.session": "sign-ins are short-lived and signed with SECRET_KEY; people sign in again",
    "django_tasks_database.dbtaskresult": (
        "a work queue, not records: schedule_reminders enqueues the daily job again and Reminder rows "
        "keep reminders from going out twice"
    ),
}

# Filled by data migrations in every new database: a restore replaces their
# rows with the archive's, and they do not make a database count as in use.
SEEDED = {"registry.documenttype"}


def backed_up_models() -> list[type[models.Model]]:
    """Every table a backup holds, in INSTALLED_APPS and definition order.

    The order is not a dependency order (organizations point to their
    successors, documents to other documents): foreign keys are checked when
    the restore's transaction ends, as Django creates them deferrable on both
    SQLite and PostgreSQL.
    """
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in EXCLUDED
    ]


def columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.local_concrete_fields)


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [field for field in model._meta.local_concrete_fields if isinstance(field, models.FileField)]


def _related(field: models.Field[Any, Any]) -> type[models.Model] | None:
    related = field.related_model if field.is_relation and (field.many_to_one or field.one_to_one) else None
    return related if isinstance(related, type) else None


def json_default(value: Any) -> Any:
    """JSON for the values databases return that JSON lacks; each field's
    to_python reads them back (full precision: DjangoJSONEncoder would cut
    microseconds)."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not serializable in a backup")


class NaturalKeys:
    """Content types and permissions by natural key, both ways."""

    def __init__(self) -> None:
        self._content_type_ids: dict[tuple[str, str], int] = {}
        self._permission_ids: dict[tuple[str, str, str], int] = {}
        self.created: list[str] = []

    @staticmethod
    def dumpers() -> tuple[dict[int, list[str]], dict[int, list[str]]]:
        content_types = {ct.pk: [ct.app_label, ct.model] for ct in ContentType.objects.all()}
        permissions = {
            pk: [*content_types[ct_id], codename]
            for pk, ct_id, codename in Permission.objects.values_list("pk", "content_type_id", "codename")
        }
        return content_types, permissions

    def content_type_id(self, key: list[str]) -> int:
        app_label, model = key
        found = self._content_type_ids.get((app_label, model))
        if found is None:
            content_type, created = ContentType.objects.get_or_create(app_label=app_label, model=model)
            if created:
                self.created.append(f"content type {app_label}.{model}")
            found = self._content_type_ids[(app_label, model)] = content_type.pk
        return found

    def permission_id(self, key: list[str]) -> int:
        app_label, model, codename = key
        found = self._permission_ids.get((app_label, model, codename))
        if found is None:
            permission, created = Permission.objects.get_or_create(
                content_type_id=self.content_type_id([app_label, model]),
                codename=codename,
                defaults={"name": codename},
            )
            if created:
                self.created.append(f"permission {app_label}.{codename}")
            found = self._permission_ids[(app_label, model, codename)] = permission.pk
        return found


def dump_converters(
    model: type[models.Model], content_types: dict[int, list[str]], permissions: dict[int, list[str]]
) -> list[Callable[[Any], Any] | None]:
    """Per column, what replaces the database value in the archive (None: the value itself)."""
    converters: list[Callable[[Any], Any] | None] = []
    for field in columns(model):
        related = _related(field)
        if related is ContentType:
            converters.append(lambda value: None if value is None else content_types[value])
        elif related is Permission:
            converters.append(lambda value: None if value is None else permissions[value])
        else:
            converters.append(None)
    return converters


def load_converters(
    model: type[models.Model], connection: BaseDatabaseWrapper, keys: NaturalKeys
) -> list[Callable[[Any], Any]]:
    """Per column, the archive value made ready for an INSERT on this connection."""
    converters: list[Callable[[Any], Any]] = []
    for field in columns(model):
        converters.append(_load_converter(field, connection, keys))
    return converters


def _load_converter(
    field: models.Field[Any, Any], connection: BaseDatabaseWrapper, keys: NaturalKeys
) -> Callable[[Any], Any]:
    related = _related(field)
    if related is ContentType:
        return lambda value: None if value is None else keys.content_type_id(value)
    if related is Permission:
        return lambda value: None if value is None else keys.permission_id(value)
    if isinstance(field, models.JSONField):
        # None in a column that cannot be NULL was the JSON value null.
        nullable = field.null
        return lambda value: (
            None if value is None and nullable else connection.ops.adapt_json_value(value, field.encoder)
        )
    return lambda value: None if value is None else field.get_db_prep_save(field.to_python(value), connection)
