"""Restoring a backup written by core.backup.dump.

Nothing is touched until the whole archive has been read and every member
matched its checksum. Then, in one transaction, the rows are INSERTed with
their primary keys (never saved through the models, so append-only audit
events and the triggers that freeze issued numbers, which guard UPDATE and
DELETE, see only inserts), foreign keys are checked, PostgreSQL's sequences
are moved past the restored ids, and the files are written back through the
storage API; an error anywhere rolls the database back and removes the files
this restore wrote.
"""

import hashlib
import json
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import Storage
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from core.backup.dump import CHUNK_BYTES, CHUNK_ROWS, migration_apps
from core.backup.scope import (
    EXCLUDED,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SEEDED,
    NaturalKeys,
    backed_up_models,
    columns,
    load_converters,
)

# What reading a damaged archive can raise: bad ZIP structure or CRC, broken
# deflate data, a cut-off member, bytes that are not UTF-8 or JSON.
ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, UnicodeDecodeError, ValueError, KeyError)


class RestoreError(Exception):
    """A restore was refused or failed; the message says why and what to do.
    The database is as it was."""


@dataclass
class RestoreSummary:
    counts: dict[str, int]
    files_written: int = 0
    files_present: int = 0
    missing_files: int = 0
    created_keys: list[str] = field(default_factory=list)


class _HashingReader:
    """Hands a member's bytes to storage while checking them against the manifest."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _sha256(stream: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class Archive:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.zip = zipfile.ZipFile(self.path)
        except FileNotFoundError as error:
            raise RestoreError(_("There is no file %(path)s.") % {"path": self.path}) from error
        except ARCHIVE_ERRORS as error:
            raise RestoreError(
                _("%(path)s is not a docreg backup or is damaged: %(error)s.") % {"path": self.path, "error": error}
            ) from error
        try:
            manifest = json.loads(self.zip.read(MANIFEST))
        except KeyError as error:
            raise RestoreError(
                _("%(path)s is not a docreg backup: it has no %(manifest)s.")
                % {"path": self.path, "manifest": MANIFEST}
            ) from error
        except ARCHIVE_ERRORS as error:
            raise RestoreError(
                _("The manifest of %(path)s is damaged: %(error)s.") % {"path": self.path, "error": error}
            ) from error
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise RestoreError(_("%(path)s is not a docreg backup.") % {"path": self.path})
        version = manifest.get("format_version")
        if version != FORMAT_VERSION:
            raise RestoreError(
                _(
                    "%(path)s is in backup format %(version)s; this docreg reads format %(supported)s. "
                    "Restore it with the docreg version that wrote it."
                )
                % {"path": self.path, "version": version, "supported": FORMAT_VERSION}
            )
        self.manifest: dict[str, Any] = manifest

    def close(self) -> None:
        self.zip.close()

    def rows(self, member: str) -> Iterator[list[Any]]:
        with self.zip.open(member) as stream:
            for line in stream:
                yield json.loads(line)

    def file_entries(self) -> Iterator[dict[str, Any]]:
        with self.zip.open(self.manifest["files"]["member"]) as stream:
            for line in stream:
                yield json.loads(line)

    def problems(self) -> list[str]:
        """Every way the archive differs from its manifest (reads it all once)."""
        found: list[str] = []
        members = [(t["member"], t["sha256"]) for t in self.manifest["models"]]
        members.append((self.manifest["files"]["member"], self.manifest["files"]["sha256"]))
        for member, expected in members:
            try:
                with self.zip.open(member) as stream:
                    actual, _size = _sha256(stream)
            except KeyError:
                found.append(_("%(member)s is missing") % {"member": member})
                continue
            except ARCHIVE_ERRORS as error:
                found.append(_("%(member)s is damaged (%(error)s)") % {"member": member, "error": error})
                continue
            if actual != expected:
                found.append(_("%(member)s does not match its checksum") % {"member": member})
        if found:
            return found
        for table in self.manifest["models"]:
            try:
                lines = sum(1 for _row in self.rows(table["member"]))
            except ARCHIVE_ERRORS as error:
                found.append(_("%(member)s is damaged (%(error)s)") % {"member": table["member"], "error": error})
                continue
            if lines != table["count"]:
                found.append(
                    _("%(member)s holds %(lines)s rows, not %(count)s")
                    % {"member": table["member"], "lines": lines, "count": table["count"]}
                )
        try:
            for entry in self.file_entries():
                if entry.get("missing"):
                    continue
                try:
                    with self.zip.open(entry["member"]) as stream:
                        actual, size = _sha256(stream)
                except KeyError:
                    found.append(_("the file %(name)s is missing") % {"name": entry["name"]})
                    continue
                except ARCHIVE_ERRORS as error:
                    found.append(
                        _("the file %(name)s is damaged (%(error)s)") % {"name": entry["name"], "error": error}
                    )
                    continue
                if (actual, size) != (entry["sha256"], entry["size"]):
                    found.append(_("the file %(name)s does not match its checksum") % {"name": entry["name"]})
        except ARCHIVE_ERRORS as error:
            found.append(_("the list of files is damaged (%(error)s)") % {"error": error})
        return found


def check_migrations(manifest: dict[str, Any]) -> None:
    """The archive's rows fit this database only if both had the same migrations applied."""
    recorded: dict[str, list[str]] = manifest["migrations"]
    app_labels = migration_apps() | set(recorded)
    applied: dict[str, set[str]] = {}
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        if app_label in app_labels:
            applied.setdefault(app_label, set()).add(name)
    lacking = [
        f"{app_label}.{name}"
        for app_label, names in sorted(recorded.items())
        for name in names
        if name not in applied.get(app_label, set())
    ]
    extra = [
        f"{app_label}.{name}"
        for app_label, names in sorted(applied.items())
        for name in sorted(names)
        if name not in recorded.get(app_label, [])
    ]
    messages = []
    if lacking:
        revision = manifest.get("docreg", {}).get("git_revision") or manifest.get("docreg", {}).get("version")
        messages.append(
            _(
                "This database lacks migrations the backed-up one had: %(migrations)s. Update docreg to the "
                "version that wrote the archive (%(revision)s) or later, run `manage.py migrate`, and restore again."
            )
            % {"migrations": ", ".join(lacking), "revision": revision or _("unknown")}
        )
    if extra:
        targets = " and ".join(
            f"`manage.py migrate {app_label} {name}`"
            for app_label, name in sorted(manifest["latest_migrations"].items())
        )
        messages.append(
            _(
                "This database has migrations the backed-up one had not: %(migrations)s. Restore into a new "
                "database migrated only as far as the archive (%(targets)s), then run `manage.py migrate` to "
                "bring it up to date."
            )
            % {"migrations": ", ".join(extra), "targets": targets}
        )
    if messages:
        raise RestoreError(" ".join(messages))


def check_models(manifest: dict[str, Any]) -> list[tuple[type[models.Model], dict[str, Any]]]:
    """Pairs each table of the archive with its model here, column for column."""
    pairs = []
    problems = []
    seen = set()
    for table in manifest["models"]:
        label = table["model"]
        seen.add(label)
        try:
            model = apps.get_model(label)
        except LookupError:
            problems.append(_("the archive holds %(model)s, which this docreg does not have") % {"model": label})
            continue
        here = [f.attname for f in columns(model)]
        if here != table["columns"]:
            problems.append(
                _("%(model)s has the columns %(here)s here but %(there)s in the archive")
                % {"model": label, "here": ", ".join(here), "there": ", ".join(table["columns"])}
            )
            continue
        pairs.append((model, table))
    for model in backed_up_models():
        if model._meta.label_lower not in seen:
            problems.append(_("the archive has no table for %(model)s") % {"model": model._meta.label_lower})
    if problems:
        raise RestoreError(
            _("The archive does not fit this database: %(problems)s.") % {"problems": "; ".join(problems)}
        )
    return pairs


def rows_in_use() -> dict[str, int]:
    """The tables that make this database one in use, with their row counts."""
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in backed_up_models()
        if model._meta.label_lower not in SEEDED and model._base_manager.exists()
    }


def _refuse_if_in_use() -> None:
    in_use = rows_in_use()
    if in_use:
        held = ", ".join(f"{count} {name}" for name, count in list(in_use.items())[:6])
        raise RestoreError(
            _(
                "The database is in use (it holds %(rows)s…). Restore into an empty database made with "
                "`manage.py migrate`, or add --force to replace everything in this one."
            )
            % {"rows": held}
        )


def _execute(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def empty_tables(model_list: list[type[models.Model]]) -> None:
    """Empties the tables with SQL (TRUNCATE on PostgreSQL), never through the
    models: issued documents and audit events refuse to be deleted by design."""
    tables = [model._meta.db_table for model in model_list]
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with foreign-key checks still pending in this
        # transaction; running them now clears the queue.
        connection.check_constraints()
    _execute(connection.ops.sql_flush(no_style(), tables, reset_sequences=True))


def _insert(archive: Archive, model: type[models.Model], table: dict[str, Any], keys: NaturalKeys) -> int:
    quote = connection.ops.quote_name
    fields = columns(model)
    converters = load_converters(model, connection, keys)
    names = [quote(field.column) for field in fields if field.column is not None]
    assert len(names) == len(fields)
    # Table and column names come from the models, quoted; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table), ", ".join(names), ", ".join(["%s"] * len(fields))
    )
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in archive.rows(table["member"]):
            batch.append([convert(value) for convert, value in zip(converters, row, strict=True)])
            if len(batch) >= CHUNK_ROWS:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _restore_files(archive: Archive, summary: RestoreSummary, written: list[tuple[Storage, str]]) -> None:
    for entry in archive.file_entries():
        if entry.get("missing"):
            summary.missing_files += 1
            continue
        file_field = apps.get_model(entry["model"])._meta.get_field(entry["field"])
        assert isinstance(file_field, models.FileField)
        storage = file_field.storage
        name = entry["name"]
        if storage.exists(name):
            with storage.open(name, "rb") as existing:
                if _sha256(existing) == (entry["sha256"], entry["size"]):
                    summary.files_present += 1
                    continue
            storage.delete(name)
        with archive.zip.open(entry["member"]) as stream:
            reader = _HashingReader(stream)
            content = File(cast(IO[bytes], reader), name=Path(name).name)
            content.size = entry["size"]
            try:
                saved = storage.save(name, content)
            except SuspiciousFileOperation as error:
                raise RestoreError(
                    _("The archive names a file storage refuses: %(name)s (%(error)s).")
                    % {"name": name, "error": error}
                ) from error
        written.append((storage, saved or name))
        if saved != name:
            raise RestoreError(
                _("Storage saved %(name)s as %(saved)s; the database refers to %(name)s.")
                % {"name": name, "saved": saved}
            )
        if (reader.digest.hexdigest(), reader.size) != (entry["sha256"], entry["size"]):
            raise RestoreError(_("The file %(name)s changed while it was restored.") % {"name": name})
        summary.files_written += 1


def restore_backup(path: Path, *, force: bool = False, progress: Callable[[str], None] | None = None) -> RestoreSummary:
    """Restores the archive at `path` into this database and its storage, all or nothing."""
    archive = Archive(path)
    try:
        check_migrations(archive.manifest)
        pairs = check_models(archive.manifest)
        if not force:
            _refuse_if_in_use()
        if progress:
            progress("Checking the archive…")
        problems = archive.problems()
        if problems:
            shown = "; ".join(problems[:10])
            if len(problems) > 10:
                shown += " " + _("and %(count)s more") % {"count": len(problems) - 10}
            raise RestoreError(
                _("%(path)s is damaged: %(problems)s. Nothing was restored.")
                % {"path": archive.path, "problems": shown}
            )
        summary = RestoreSummary(counts={})
        written: list[tuple[Storage, str]] = []
        try:
            with transaction.atomic():
                if force:
                    sessions = [m for m in apps.get_models() if m._meta.label_lower in EXCLUDED and _is_sessions(m)]
                    empty_tables(backed_up_models() + sessions)
                else:
                    _refuse_if_in_use()
                    # DELETE, not TRUNCATE: PostgreSQL truncates no table that
                    # others refer to, even when they are empty.
                    _execute(
                        [
                            f"DELETE FROM {connection.ops.quote_name(m._meta.db_table)}"  # noqa: S608 (a model's table)
                            for m in backed_up_models()
                            if m._meta.label_lower in SEEDED
                        ]
                    )
                keys = NaturalKeys()
                for model, table in pairs:
                    count = _insert(archive, model, table, keys)
                    if count != table["count"]:
                        raise RestoreError(
                            _("%(member)s held %(lines)s rows, not %(count)s.")
                            % {"member": table["member"], "lines": count, "count": table["count"]}
                        )
                    summary.counts[table["model"]] = count
                    if progress:
                        progress(f"{table['model']}: {count}")
                try:
                    connection.check_constraints(table_names=[model._meta.db_table for model, _table in pairs])
                except DatabaseError as error:
                    raise RestoreError(
                        _("The archive's rows do not fit together: %(error)s. Nothing was restored.") % {"error": error}
                    ) from error
                _execute(connection.ops.sequence_reset_sql(no_style(), [model for model, _table in pairs]))
                summary.created_keys = keys.created
                _restore_files(archive, summary, written)
        except BaseException:
            for storage, name in written:
                storage.delete(name)
            raise
        finally:
            ContentType.objects.clear_cache()
    except ARCHIVE_ERRORS as error:
        raise RestoreError(
            _("%(path)s could not be read: %(error)s. Nothing was restored.") % {"path": archive.path, "error": error}
        ) from error
    except DatabaseError as error:
        raise RestoreError(
            _("The database refused the archive's rows: %(error)s. Nothing was restored.") % {"error": error}
        ) from error
    finally:
        archive.close()
    return summary


def _is_sessions(model: type[models.Model]) -> bool:
    # Sessions of the replaced users would name users who may now be others.
    return model._meta.label_lower == "sessions.session"
