"""Stored files that no row refers to any more, and their removal.

Attachments are stored once per content (registry.models.attachment_path: the
same scan attached to two documents is one file), import files under a random
name. A file outlives the rows that referred to it:

- when the transaction that stored it rolls back: an upload refused by a
  check made after the file was written, a submission that failed;
- when the last row referring to it goes: a deleted draft's attachments.

A deleted draft's files are removed once the deletion commits
(stored_files_release); whatever else is left, `manage.py purge_files`
removes (daily, README: Production). A confidential draft's scan must not
stay on disk because the draft was deleted.

Writers and removal must not cross. A writer that finds its content already
stored uses that file, so the file must not be removed before the writer's
row commits. Every writer holds the files lock shared until its transaction
ends (hold_stored_files); removal takes it exclusively while it checks which
files rows refer to and removes the others, a batch at a time, so uploads wait
at most one batch. On PostgreSQL it is a transaction-level advisory lock; on
SQLite every write transaction already excludes the others (BEGIN IMMEDIATE,
config/settings.py), which is the same lock.
"""

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import connection, models, transaction
from django.utils import timezone

from core.audit import audit_record

# The folders of storage whose files rows refer to (FileFields' upload_to).
# Staged intake files (intake/) keep their own expiry.
DIRECTORIES = ("attachments", "imports")
# PostgreSQL names advisory locks by two integers; registry.imports.jobs uses 417001.
LOCK_SPACE = 417002
LOCK_KEY = 0
# Files checked and removed under one hold of the lock.
BATCH = 100
# Unreferenced files younger than this are left to a later run.
GRACE = timedelta(hours=24)
# File names an audit event lists.
LISTED = 100


@dataclass
class StoredFilesPurge:
    """What a purge found: the files it removed (or, in a dry run, would remove)
    with their total size, how many files it looked at, and how many more it
    left unlooked at for being recent."""

    removed: list[str] = field(default_factory=list)
    removed_bytes: int = 0
    recent: int = 0
    checked: int = 0


def hold_stored_files() -> None:
    """Called by every writer of stored files, inside the transaction that
    writes the row referring to the file: removal waits until it ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("hold_stored_files() belongs inside the transaction that writes the file's row")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [LOCK_SPACE, LOCK_KEY])


def _hold_exclusively() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, LOCK_KEY])


def _file_fields() -> Iterator[tuple[type[models.Model], str]]:
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                yield model, model_field.attname


def referenced(names: Collection[str]) -> set[str]:
    """Of these stored names, those a row of any model refers to."""
    found: set[str] = set()
    if not names:
        return found
    for model, attname in _file_fields():
        rows = model._base_manager.filter(**{f"{attname}__in": list(names)}).order_by()
        found.update(rows.values_list(attname, flat=True))
    return found


def stored_names(storage: Storage, directory: str) -> Iterator[str]:
    """Every file under a folder of storage, at any depth; none for a missing folder."""
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}"
    for folder in sorted(folders):
        yield from stored_names(storage, f"{directory}/{folder}")


def stored_files_purge(*, older_than: timedelta = GRACE, dry_run: bool = False) -> StoredFilesPurge:
    """Removes the files under DIRECTORIES that no row refers to and that are
    older than `older_than`; `dry_run` only lists them. One `files.purge`
    audit event when anything was removed."""
    storage = default_storage
    cutoff = timezone.now() - older_than
    result = StoredFilesPurge()
    candidates = []
    for directory in DIRECTORIES:
        for name in stored_names(storage, directory):
            try:
                modified = storage.get_modified_time(name)
            except FileNotFoundError:  # removed since the folder was listed
                continue
            result.checked += 1
            if modified < cutoff:
                candidates.append(name)
            else:
                result.recent += 1
    try:
        for start in range(0, len(candidates), BATCH):
            _purge_batch(storage, candidates[start : start + BATCH], result, dry_run=dry_run)
    finally:
        # What was removed is recorded, even when a later removal failed.
        if result.removed and not dry_run:
            with transaction.atomic():
                audit_record(actor=None, action="files.purge", data=_audit_data(result))
    return result


def _purge_batch(storage: Storage, batch: list[str], result: StoredFilesPurge, *, dry_run: bool) -> None:
    with transaction.atomic():
        _hold_exclusively()
        in_use = referenced(batch)
        for name in batch:
            if name in in_use or not storage.exists(name):
                continue
            size = storage.size(name)
            if not dry_run:
                storage.delete(name)
            result.removed.append(name)
            result.removed_bytes += size


def _audit_data(result: StoredFilesPurge) -> dict[str, Any]:
    return {
        "removed": len(result.removed),
        "bytes": result.removed_bytes,
        "files": result.removed[:LISTED],
    }


def stored_files_release(names: Sequence[str]) -> list[str]:
    """Removes those of these stored files no row refers to any more (the files
    of rows just deleted, once the deletion has committed); returns their names."""
    storage = default_storage
    removed = []
    with transaction.atomic():
        _hold_exclusively()
        in_use = referenced(names)
        for name in dict.fromkeys(names):
            if name and name not in in_use and storage.exists(name):
                storage.delete(name)
                removed.append(name)
    return removed
