"""Imports started from the registers pages: the uploaded register book is
stored with an ImportJob row, a background task (registry.tasks) runs
register_import on it, and the row keeps how far it got and, once finished,
the report the pages show (every bad row with its number, column and reason).

All or nothing, as register_import is: a file with errors imports nothing,
and neither does a run whose worker stopped (its transaction never commits).
Such a run would leave its job “importing” for good: on PostgreSQL the run
holds an advisory lock on its progress connection, which the server releases
when the worker's connections go, and import_job_check_run records a job
whose lock is gone as failed. (Where no lock tells, on SQLite, a run older
than RUN_STALE_AFTER is taken as stopped.) The import's page does so as it
polls the job.

Progress while the import runs: register_import reports the rows read every
PROGRESS_EVERY rows from inside its transaction, so the counts are written on
a second database connection that others can read at once. SQLite lets one
writer at a time, and the import is that writer until it commits: there the
counts go to a small file beside the database instead (progress_path), which
the page reads while the job runs (import_job_progress); the run removes it
when it ends.
"""

import datetime
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import DomainError, NotFound
from core.stored_files import hold_stored_files
from core.text import clean_text
from recipients.models import User
from registry.imports.admin import importable_registers
from registry.imports.report import ImportReport
from registry.imports.service import register_import
from registry.models import ImportJob, ImportJobStatus, Register
from registry.permissions import require_register_clerk
from registry.services.attachments import check_upload_size

logger = logging.getLogger(__name__)

# PostgreSQL's advisory locks are named by two integers: this one, and the job's id.
RUN_LOCK_SPACE = 417_001
# A run claims its job, then takes its lock: a job claimed this recently is not judged yet.
RUN_GRACE = datetime.timedelta(minutes=1)
# Without a lock to tell (SQLite), a run this old has stopped: 100,000 rows import in under a minute.
RUN_STALE_AFTER = datetime.timedelta(hours=6)


def import_job_list(*, user: User) -> QuerySet[ImportJob]:
    """The imports into the registers `user` may import into, newest first."""
    return ImportJob.objects.filter(register__in=importable_registers(user)).select_related(
        "register__owner", "created_by"
    )


def import_job_get(*, user: User, pk: int) -> ImportJob:
    try:
        return import_job_list(user=user).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise NotFound(_("No import %(id)s that you can see.") % {"id": pk}) from None


@transaction.atomic
def import_job_start(
    *, register: Register, upload: UploadedFile, actor: User, dry_run: bool = False, language: str = ""
) -> ImportJob:
    """Stores the uploaded register book, records the upload, and queues its
    import into `register` (after the transaction commits, so the worker finds
    the row). Only the register's clerk may import; the file's content is read
    by the import itself, which reports what it cannot read."""
    require_register_clerk(actor, register)
    check_upload_size(upload)
    filename = clean_text(upload.name or "", label=_("File name"), field="file", max_length=255) or "register"
    job = ImportJob(register=register, filename=filename, dry_run=dry_run, language=language, created_by=actor)
    hold_stored_files()
    job.file.save(filename, upload, save=False)
    job.save()
    audit_record(
        actor=actor,
        action="register.import_upload",
        obj=register,
        data={"job": job.pk, "file": filename, "size": upload.size, "dry_run": dry_run},
    )

    from registry.tasks import run_register_import

    job_id = job.pk
    transaction.on_commit(lambda: run_register_import.enqueue(job_id))
    return job


def progress_path(job_id: int) -> Path:
    """SQLite: where a running import's counts are kept (see the module's docstring)."""
    return Path(settings.VAR_DIR) / "import-progress" / f"{job_id}.json"


def import_job_progress(job: ImportJob) -> tuple[int, int | None]:
    """The rows read so far and the rows in the file: on SQLite, while the job
    runs, from its progress file when there is one; otherwise from the row."""
    if job.status == ImportJobStatus.RUNNING and connection.vendor == "sqlite":
        try:
            counts = json.loads(progress_path(job.pk).read_text(encoding="utf-8"))
            return int(counts["read"]), None if counts["total"] is None else int(counts["total"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not written yet, or just removed: the row says enough
    return job.rows_read, job.rows_total


class ProgressWriter:
    """register_import's progress callback: the rows read so far, written on a
    connection of its own, or on SQLite to a file (see the module's docstring)."""

    def __init__(self, job_id: int, *, enabled: bool | None = None) -> None:
        self.job_id = job_id
        self.read = 0
        self.total: int | None = None
        if enabled is None:
            # Inside a transaction (a task run in a request that is one), that
            # transaction may hold the job's row: the second connection would wait on it.
            enabled = connection.vendor != "sqlite" and not connection.in_atomic_block
        self.connection: BaseDatabaseWrapper | None = (
            connections.create_connection(DEFAULT_DB_ALIAS) if enabled else None
        )
        self.path = progress_path(job_id) if self.connection is None and connection.vendor == "sqlite" else None

    def lock_run(self) -> None:
        """Holds the run's advisory lock on this connection until it closes or
        its process ends, so that import_job_check_run can tell a run that goes
        on from one whose worker stopped; nothing on SQLite."""
        if self.connection is None:
            return
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RUN_LOCK_SPACE, self.job_id])
        except Exception:
            logger.warning("Could not lock the run of import %s", self.job_id, exc_info=True)
            self.close()

    def __call__(self, read: int, total: int | None) -> None:
        self.read, self.total = read, total
        if self.connection is None:
            self._write_file()
            return
        quote = self.connection.ops.quote_name
        meta = ImportJob._meta
        columns = {field.name: quote(str(field.column)) for field in meta.concrete_fields}
        sql = (
            f"UPDATE {quote(meta.db_table)} SET {columns['rows_read']} = %s, {columns['rows_total']} = %s "  # noqa: S608
            f"WHERE {columns['id']} = %s"
        )
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, [read, total, self.job_id])
        except Exception:
            # Progress is a courtesy: the import goes on without it.
            logger.warning("Could not record the progress of import %s", self.job_id, exc_info=True)
            self.close()

    def _write_file(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Written whole, then put in place: a reader never finds half a file.
            partial = self.path.with_suffix(".tmp")
            partial.write_text(json.dumps({"read": self.read, "total": self.total}), encoding="utf-8")
            os.replace(partial, self.path)
        except OSError:
            logger.warning("Could not record the progress of import %s", self.job_id, exc_info=True)
            self.path = None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


def report_data(report: ImportReport) -> dict[str, Any]:
    """What the pages show of a report, as JSON: its messages are already in the uploader's language."""
    lines = report.lines()
    first_sequence = 1 + len(report.errors)
    return {
        "outcome": report.outcome(),
        "header_row": report.header_row,
        "bad_rows": len(report.bad_rows),
        "errors": [[error.row, error.column, error.message] for error in report.errors],
        "sequences": lines[first_sequence : first_sequence + len(report.sequences)],
        "notices": list(report.notices),
        "unmatched_senders": dict(sorted(report.unmatched_senders.items())),
    }


def import_job_run(*, job_id: int) -> str:
    """Runs a queued import once (a second run of the same job does nothing)
    and records its outcome; returns the job's status."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.QUEUED).update(
        status=ImportJobStatus.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("register__owner", "created_by").get(pk=job_id)
    if not claimed:
        return job.status
    progress = ProgressWriter(job.pk)
    progress.lock_run()
    try:
        # The documents and the outcome commit together: a worker stopped in
        # between would otherwise leave an import that committed looking like
        # one that never finished, which import_job_check_run reports as
        # "nothing was imported".
        with translation.override(job.language or settings.LANGUAGE_CODE), transaction.atomic():
            report = _import(job, progress)
            job.rows = report.rows
            job.imported = report.imported
            job.error_count = len(report.errors)
            _save_outcome(job, progress, status=ImportJobStatus.DONE, report=report_data(report))
    except DomainError as error:
        # The uploader may no longer import into the register (role or organization changed).
        _finish(job, progress, status=ImportJobStatus.FAILED, report={"failure": error.message})
    except Exception:
        logger.exception("Import %s of “%s” failed", job.pk, job.filename)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            failure = _(
                "The import stopped on an unexpected error; nothing was imported. Try again or ask the administrator."
            )
        _finish(job, progress, status=ImportJobStatus.FAILED, report={"failure": failure})
    finally:
        progress.close()
    return job.status


def _import(job: ImportJob, progress: ProgressWriter) -> ImportReport:
    # A local, seekable copy: the reader needs to seek, whatever storage holds the file.
    with tempfile.TemporaryFile() as local, job.file.open("rb") as stored:
        shutil.copyfileobj(stored, local)
        local.seek(0)
        return register_import(
            register=job.register,
            file=local,
            filename=job.filename,
            actor=job.created_by,
            dry_run=job.dry_run,
            progress=progress,
        )


def _finish(job: ImportJob, progress: ProgressWriter, *, status: str, report: dict[str, Any]) -> None:
    # The outcome is saved before the run's lock goes with its connection: a page
    # polling in between would otherwise find a job importing with no run behind it.
    if status == ImportJobStatus.FAILED:  # the import's counts, if it got that far, were rolled back with it
        job.rows = job.imported = job.error_count = 0
    _save_outcome(job, progress, status=status, report=report)
    progress.close()


def _save_outcome(job: ImportJob, progress: ProgressWriter, *, status: str, report: dict[str, Any]) -> None:
    job.status = status
    job.report = report
    job.finished_at = timezone.now()
    job.rows_read = progress.read
    job.rows_total = progress.total if progress.total is not None else progress.read
    job.save(
        update_fields=[
            "status",
            "report",
            "finished_at",
            "rows",
            "imported",
            "error_count",
            "rows_read",
            "rows_total",
        ]
    )


def _run_stopped(job: ImportJob, now: datetime.datetime) -> bool:
    """Whether the job is importing with no worker left to finish it."""
    if job.status != ImportJobStatus.RUNNING or job.started_at is None or now - job.started_at < RUN_GRACE:
        return False
    if connection.vendor != "postgresql":
        return now - job.started_at >= RUN_STALE_AFTER
    with connection.cursor() as cursor:
        # An advisory lock on two integers shows in pg_locks as classid, objid and objsubid 2.
        cursor.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
            "AND classid = %s AND objid = %s AND objsubid = 2)",
            [RUN_LOCK_SPACE, job.pk],
        )
        (stopped,) = cursor.fetchone()
    return bool(stopped)


def import_job_check_run(*, job: ImportJob) -> ImportJob:
    """The job, recorded as failed if it is importing with no worker left to
    finish it (nothing was imported: the run's transaction never committed).
    Recorded once, with a `register.import_interrupted` audit event."""
    now = timezone.now()
    if not _run_stopped(job, now):
        return job
    with transaction.atomic():
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not _run_stopped(current, now):  # the run finished, or another request recorded it
            job.refresh_from_db()
            return job
        with translation.override(current.language or settings.LANGUAGE_CODE):
            failure = _(
                "The import stopped: the worker running it was shut down before it finished. "
                "Nothing was imported; upload the file again."
            )
        job.status, job.report, job.finished_at = ImportJobStatus.FAILED, {"failure": failure}, now
        job.save(update_fields=["status", "report", "finished_at"])
        audit_record(
            actor=None,
            action="register.import_interrupted",
            obj=job.register,
            organization=job.register.owner,
            data={"job": job.pk, "file": job.filename, "started_at": job.started_at, "rows_read": job.rows_read},
        )
    return job
