"""An import whose worker stopped (killed, out of memory, the machine restarted)
is reported as failed when its page is next polled, instead of “importing”
for ever; one still running is left alone."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent
from registry.imports import jobs
from registry.imports.jobs import ProgressWriter, import_job_check_run, import_job_run, import_job_start
from registry.models import Document, ImportJob, ImportJobStatus
from registry.tests.importing import outgoing_row, xlsx_file

ROWS = [outgoing_row("141/KH-STTTT", "05/08/2021", "Kế hoạch tuyên truyền chuyển đổi số", signer_name="Lê Văn A")]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def job(clerk, register):
    upload = SimpleUploadedFile("so-di-2021.xlsx", xlsx_file(ROWS).getvalue())
    return import_job_start(register=register, upload=upload, actor=clerk, language="en")


def running_since(job, age):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, started_at=timezone.now() - age)


def poll(clerk, job):
    client = Client()
    client.force_login(clerk)
    response = client.get(f"/registers/imports/{job.pk}/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_run_long_gone_is_reported_as_failed_once(clerk, job):
    running_since(job, datetime.timedelta(hours=7))

    part = poll(clerk, job)

    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert "the worker running it was shut down" in job.report["failure"]
    assert "upload the file again" in part
    assert 'hx-trigger="every 1s"' not in part, "the page stops polling"
    assert not Document.objects.exists()
    [event] = AuditEvent.objects.filter(action="register.import_interrupted")
    assert event.data["job"] == job.pk
    assert event.organization_id == job.register.owner_id

    poll(clerk, job)
    assert AuditEvent.objects.filter(action="register.import_interrupted").count() == 1


@pytest.mark.django_db
def test_a_run_just_claimed_is_not_judged(clerk, job):
    running_since(job, datetime.timedelta(seconds=20))
    assert 'hx-trigger="every 1s"' in poll(clerk, job)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.RUNNING


@pytest.mark.django_db
def test_without_a_lock_to_tell_an_hour_old_run_is_still_running_on_sqlite(job):
    """GIVEN a run started two hours ago THEN on SQLite (no lock tells) it may still be
    running; on PostgreSQL no run holds its lock, so its worker is gone."""
    running_since(job, datetime.timedelta(hours=2))
    checked = import_job_check_run(job=ImportJob.objects.get(pk=job.pk))
    expected = ImportJobStatus.FAILED if connection.vendor == "postgresql" else ImportJobStatus.RUNNING
    assert checked.status == expected


@pytest.mark.django_db
def test_finished_and_waiting_jobs_are_left_as_they_are(job):
    assert import_job_check_run(job=job).status == ImportJobStatus.QUEUED
    assert import_job_run(job_id=job.pk) == ImportJobStatus.DONE
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - datetime.timedelta(days=2))
    assert import_job_check_run(job=ImportJob.objects.get(pk=job.pk)).status == ImportJobStatus.DONE
    assert not AuditEvent.objects.filter(action="register.import_interrupted").exists()


@pytest.mark.django_db
def test_each_run_takes_its_lock(job, monkeypatch):
    calls = []
    monkeypatch.setattr(ProgressWriter, "lock_run", lambda writer: calls.append(writer.job_id))
    import_job_run(job_id=job.pk)
    assert calls == [job.pk]


@pytest.mark.django_db
def test_the_documents_and_the_outcome_commit_together(job, monkeypatch):
    """GIVEN a run whose outcome cannot be saved once its rows are written (as if
    the worker stopped there) THEN its documents are not kept either: the job,
    failed, says nothing was imported, and that is true."""
    real_save = jobs._save_outcome

    def failing_save(job_row, progress, *, status, report):
        if status == ImportJobStatus.DONE:
            assert Document.objects.exists(), "the rows were written before the outcome"
            raise OSError("the worker stopped")
        real_save(job_row, progress, status=status, report=report)

    monkeypatch.setattr(jobs, "_save_outcome", failing_save)
    assert import_job_run(job_id=job.pk) == ImportJobStatus.FAILED
    assert not Document.objects.exists()
    assert not AuditEvent.objects.filter(action="register.import").exists()
    job.refresh_from_db()
    assert (job.status, job.rows, job.imported) == (ImportJobStatus.FAILED, 0, 0)
    assert "nothing was imported" in job.report["failure"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_run_holding_its_lock_is_left_running_until_its_connection_goes(job):
    """GIVEN a run older than any grace, whose worker holds the run's lock on its own
    connection WHEN the page checks it THEN it is still importing; once that connection
    is gone (the worker died) THEN it is reported as failed."""
    running_since(job, datetime.timedelta(hours=2))
    worker = ProgressWriter(job.pk, enabled=True)
    try:
        worker.lock_run()
        assert worker.connection is not None, "the lock was taken"
        assert import_job_check_run(job=ImportJob.objects.get(pk=job.pk)).status == ImportJobStatus.RUNNING
    finally:
        worker.close()
    assert import_job_check_run(job=ImportJob.objects.get(pk=job.pk)).status == ImportJobStatus.FAILED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_run_holds_its_lock_while_it_imports(job, monkeypatch):
    """GIVEN a worker thread running the import, held in the middle of it WHEN the
    page checks the job, its claim made an hour ago THEN it is left importing; once
    the run ends THEN the job is done, not marked stopped."""
    started, release = threading.Event(), threading.Event()
    real_import = jobs._import

    def held_import(job_row, progress):
        started.set()
        assert release.wait(30)
        return real_import(job_row, progress)

    monkeypatch.setattr(jobs, "_import", held_import)
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(_run_in_thread(job.pk)))
    worker.start()
    try:
        assert started.wait(30)
        ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - datetime.timedelta(hours=1))
        assert import_job_check_run(job=ImportJob.objects.get(pk=job.pk)).status == ImportJobStatus.RUNNING
    finally:
        release.set()
        worker.join(60)
    assert outcome == [ImportJobStatus.DONE]
    assert import_job_check_run(job=ImportJob.objects.get(pk=job.pk)).status == ImportJobStatus.DONE
    assert not AuditEvent.objects.filter(action="register.import_interrupted").exists()


def _run_in_thread(job_id):
    try:
        return import_job_run(job_id=job_id)
    finally:
        connection.close()  # the thread's own connection
