"""Writing a backup: one ZIP archive holding a manifest, every backed-up table
as JSON lines, and every stored file the database refers to.

Everything streams: rows are read in chunks and written as they come, files
are copied through the storage API in chunks, so neither a million documents
nor large attachments are held in memory. The archive is written beside its
destination and renamed into place only when complete.
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import django
from django.conf import settings
from django.core.files.storage import Storage
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from core.backup.scope import (
    FILES_INDEX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    backed_up_models,
    columns,
    dump_converters,
    file_fields,
    json_default,
)
from core.backup.scope import NaturalKeys as _NaturalKeys

CHUNK_ROWS = 2000
CHUNK_BYTES = 1024 * 1024


class BackupError(Exception):
    """A backup could not be written; the message says why, for the operator."""


@dataclass
class BackupSummary:
    path: Path
    counts: dict[str, int]
    files: int = 0
    file_bytes: int = 0
    missing_files: list[str] = field(default_factory=list)


class _HashingWriter:
    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)


def _member(archive: zipfile.ZipFile, name: str, *, compress: bool) -> IO[bytes]:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    # Sizes are unknown before streaming; ZIP64 headers allow members over 2 GiB.
    return archive.open(info, "w", force_zip64=True)


@contextmanager
def consistent_snapshot() -> Iterator[None]:
    """One view of the database for the whole backup, without blocking writers."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # atomic() would BEGIN IMMEDIATE (see settings) and hold the write lock
        # for the whole backup; a deferred read transaction sees one snapshot
        # in WAL mode while clerks go on writing.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic():
        yield


def applied_migrations(app_labels: set[str]) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        if app_label in app_labels:
            applied.setdefault(app_label, []).append(name)
    return {app_label: sorted(names) for app_label, names in sorted(applied.items())}


def migration_apps() -> set[str]:
    """The apps whose schema the archive's rows depend on."""
    return {model._meta.app_label for model in backed_up_models()} | {"contenttypes", "auth"}


def docreg_version() -> dict[str, str | None]:
    version = None
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as file:
            version = tomllib.load(file).get("project", {}).get("version")
    except (OSError, tomllib.TOMLDecodeError):
        pass
    revision = None
    git = shutil.which("git")
    if git and (Path(settings.BASE_DIR) / ".git").exists():
        try:
            # Fixed arguments, no shell: the revision the code was checked out at.
            result = subprocess.run(  # noqa: S603
                [git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            revision = result.stdout.strip() or None if result.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            revision = None
    return {"version": version, "git_revision": revision}


def _dump_table(
    archive: zipfile.ZipFile,
    model: type[models.Model],
    content_types: dict[int, list[str]],
    permissions: dict[int, list[str]],
) -> dict[str, Any]:
    member = f"data/{model._meta.label_lower}.jsonl"
    fields = columns(model)
    converters = dump_converters(model, content_types, permissions)
    rows = model._base_manager.order_by("pk").values_list(*(f.attname for f in fields)).iterator(chunk_size=CHUNK_ROWS)
    count = 0
    with _member(archive, member, compress=True) as raw:
        writer = _HashingWriter(raw)
        lines: list[str] = []
        for row in rows:
            values = [
                value if convert is None else convert(value) for value, convert in zip(row, converters, strict=True)
            ]
            lines.append(
                json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=json_default)
            )
            count += 1
            if len(lines) >= CHUNK_ROWS:
                writer.write(("\n".join(lines) + "\n").encode())
                lines.clear()
        if lines:
            writer.write(("\n".join(lines) + "\n").encode())
    return {
        "model": model._meta.label_lower,
        "table": model._meta.db_table,
        "member": member,
        "columns": [f.attname for f in fields],
        "count": count,
        "sha256": writer.digest.hexdigest(),
    }


class _MissingFile(Exception):
    pass


def _copy_file(archive: zipfile.ZipFile, storage: Storage, name: str, member: str) -> tuple[int, str]:
    try:
        source = storage.open(name, "rb")
    except Exception as error:  # storages raise their own types (botocore's ClientError for S3)
        raise _MissingFile(str(error)) from error
    with source:
        try:
            chunk = source.read(CHUNK_BYTES)
        except Exception as error:  # S3 files are opened lazily: a missing object shows on the first read
            raise _MissingFile(str(error)) from error
        with _member(archive, member, compress=False) as target:
            writer = _HashingWriter(target)
            while chunk:
                writer.write(chunk)
                chunk = source.read(CHUNK_BYTES)
    return writer.size, writer.digest.hexdigest()


def _dump_files(archive: zipfile.ZipFile, index: IO[bytes], summary: BackupSummary) -> None:
    for model in backed_up_models():
        for file_field in file_fields(model):
            names = (
                model._base_manager.exclude(**{file_field.attname: ""})
                .exclude(**{f"{file_field.attname}__isnull": True})
                .order_by(file_field.attname)
                .values_list(file_field.attname, flat=True)
                .distinct()
                .iterator(chunk_size=CHUNK_ROWS)
            )
            for name in names:
                entry: dict[str, Any] = {"model": model._meta.label_lower, "field": file_field.name, "name": name}
                member = f"files/{model._meta.label_lower}.{file_field.name}/{name}"
                try:
                    size, sha256 = _copy_file(archive, file_field.storage, name, member)
                except _MissingFile:
                    summary.missing_files.append(name)
                    entry["missing"] = True
                else:
                    entry.update(member=member, size=size, sha256=sha256)
                    summary.files += 1
                    summary.file_bytes += size
                index.write((json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode())


def create_backup(
    path: Path, *, allow_missing_files: bool = False, progress: Callable[[str], None] | None = None
) -> BackupSummary:
    """Writes the archive at `path`: the database as it is at the start, and its files.

    Refuses (BackupError) when the database refers to files storage does not
    have, unless `allow_missing_files`, which notes them in the archive.
    """
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    summary = BackupSummary(path=path, counts={})
    try:
        with (
            consistent_snapshot(),
            zipfile.ZipFile(partial, "w", allowZip64=True) as archive,
            tempfile.TemporaryFile() as index,
        ):
            content_types, permissions = _NaturalKeys.dumpers()
            tables = []
            for model in backed_up_models():
                entry = _dump_table(archive, model, content_types, permissions)
                tables.append(entry)
                summary.counts[entry["model"]] = entry["count"]
                if progress:
                    progress(f"{entry['model']}: {entry['count']}")
            _dump_files(archive, index, summary)
            if summary.missing_files and not allow_missing_files:
                shown = ", ".join(summary.missing_files[:10])
                if len(summary.missing_files) > 10:
                    shown += " " + _("and %(count)s more") % {"count": len(summary.missing_files) - 10}
                raise BackupError(
                    _(
                        "%(count)s file(s) the database refers to are missing from storage: %(names)s. "
                        "Put them back, or back up without them with --allow-missing-files."
                    )
                    % {"count": len(summary.missing_files), "names": shown}
                )
            index.seek(0)
            with _member(archive, FILES_INDEX, compress=True) as raw:
                writer = _HashingWriter(raw)
                for chunk in iter(lambda: index.read(CHUNK_BYTES), b""):
                    writer.write(chunk)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "docreg": docreg_version(),
                "django": django.get_version(),
                "database": {"vendor": connection.vendor},
                "migrations": (migrations := applied_migrations(migration_apps())),
                "latest_migrations": {app_label: names[-1] for app_label, names in migrations.items()},
                "models": tables,
                "files": {
                    "member": FILES_INDEX,
                    "sha256": writer.digest.hexdigest(),
                    "count": summary.files,
                    "bytes": summary.file_bytes,
                    "missing": len(summary.missing_files),
                },
            }
            with _member(archive, MANIFEST, compress=True) as raw:
                raw.write(json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return summary
