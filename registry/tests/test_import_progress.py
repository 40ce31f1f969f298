"""An import's progress on SQLite, which lets one writer at a time (the import):
the rows read so far go to a file beside the database, which the job's page
reads while it runs. (PostgreSQL writes them on a connection of their own:
test_pages_registers.py.)"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from registry.imports import jobs
from registry.imports.jobs import ProgressWriter, import_job_run, import_job_start, progress_path
from registry.models import Document, ImportJob, ImportJobStatus
from registry.tests.importing import outgoing_row, xlsx_file

ROWS = [outgoing_row("141/KH-STTTT", "05/08/2021", "Kế hoạch tuyên truyền chuyển đổi số", signer_name="Lê Văn A")]

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite only: PostgreSQL writes progress on its own connection"
)


@pytest.fixture(autouse=True)
def _folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def job(clerk, register):
    upload = SimpleUploadedFile("so-di-2021.xlsx", xlsx_file(ROWS).getvalue())
    return import_job_start(register=register, upload=upload, actor=clerk, language="en")


def job_page(clerk, job) -> str:
    client = Client()
    client.force_login(clerk)
    response = client.get(f"/registers/imports/{job.pk}/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_page_reads_a_running_imports_progress_from_its_file(clerk, job):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING)
    assert "Reading row" not in job_page(clerk, job)

    writer = ProgressWriter(job.pk)
    assert writer.connection is None, "no second connection: it would wait for the import's lock"
    writer(2000, 8000)
    part = job_page(clerk, job)
    assert "Reading row 2000 of 8000" in part
    assert 'aria-valuenow="25"' in part

    writer.close()
    assert not progress_path(job.pk).exists()


@pytest.mark.django_db
def test_a_run_writes_its_progress_then_removes_the_file(job, monkeypatch):
    seen = []
    real_save = jobs._save_outcome

    def save_outcome(job_row, progress, *, status, report):
        seen.append(progress_path(job_row.pk).read_text(encoding="utf-8"))
        real_save(job_row, progress, status=status, report=report)

    monkeypatch.setattr(jobs, "_save_outcome", save_outcome)
    assert import_job_run(job_id=job.pk) == ImportJobStatus.DONE
    job.refresh_from_db()
    assert [json.loads(text) for text in seen] == [{"read": job.rows_read, "total": job.rows_total}]
    assert job.rows_read > 0
    assert not progress_path(job.pk).exists()
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_a_finished_job_ignores_a_file_left_behind(clerk, job):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.FAILED, rows_read=3, rows_total=3)
    path = progress_path(job.pk)
    path.parent.mkdir(parents=True)
    path.write_text('{"read": 1, "total": 9}', encoding="utf-8")
    assert "Reading row" not in job_page(clerk, job)
    path.write_text("not json", encoding="utf-8")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING)
    assert "Reading row 3 of 3" in job_page(clerk, job)
