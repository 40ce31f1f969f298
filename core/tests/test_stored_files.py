"""Stored files no row refers to: the purge, a deleted draft's files, and the lock
that keeps a purge from removing a file a writer is about to refer to."""

import os
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from core.models import AuditEvent
from core.stored_files import LOCK_KEY, LOCK_SPACE, hold_stored_files, stored_files_purge
from registry.services import attachment_add, document_delete_draft

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OTHER_PDF = PDF + b"% annex\n"
DAY = 24 * 3600


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def stored(name: str, content: bytes = b"x", *, age_seconds: int = 2 * DAY) -> str:
    """A file in storage, last written `age_seconds` ago."""
    path = default_storage.save(name, ContentFile(content))
    then = time.time() - age_seconds
    os.utime(default_storage.path(path), (then, then))
    return path


def attach(document, actor, content: bytes = PDF, name: str = "cong-van.pdf"):
    return attachment_add(document=document, actor=actor, upload=SimpleUploadedFile(name, content))


def age(path: str, seconds: int = 2 * DAY) -> None:
    then = time.time() - seconds
    os.utime(default_storage.path(path), (then, then))


@pytest.mark.django_db
def test_purge_removes_old_files_nothing_refers_to(make_draft, clerk):
    """GIVEN an attachment, an import file of no import, an attachment blob of no
    attachment, a recent blob of none and a staged intake file
    WHEN the purge runs, first as a dry run
    THEN only the old unreferenced files go, once, with an audit event."""
    attachment = attach(make_draft(), clerk)
    age(attachment.file.name)
    orphan_blob = stored("attachments/ab/ab" + "0" * 62, b"old scan")
    orphan_import = stored("imports/" + "f" * 32, b"old book")
    recent = stored("attachments/cd/cd" + "1" * 62, age_seconds=60)
    staged = stored("intake/" + "2" * 64)

    dry = stored_files_purge(dry_run=True)
    assert sorted(dry.removed) == sorted([orphan_blob, orphan_import])
    assert (dry.removed_bytes, dry.checked, dry.recent) == (len(b"old scan") + len(b"old book"), 4, 1)
    assert default_storage.exists(orphan_blob)
    assert default_storage.exists(orphan_import)
    assert not AuditEvent.objects.filter(action="files.purge").exists()

    result = stored_files_purge()
    assert sorted(result.removed) == sorted([orphan_blob, orphan_import])
    assert not default_storage.exists(orphan_blob)
    assert not default_storage.exists(orphan_import)
    for kept in (attachment.file.name, recent, staged):
        assert default_storage.exists(kept)
    [event] = AuditEvent.objects.filter(action="files.purge")
    assert event.actor is None
    assert event.data["removed"] == 2
    assert sorted(event.data["files"]) == sorted([orphan_blob, orphan_import])

    assert stored_files_purge(older_than=timedelta(0)).removed == [recent]
    assert AuditEvent.objects.filter(action="files.purge").count() == 2


@pytest.mark.django_db
def test_an_upload_rolled_back_leaves_a_file_the_purge_removes(make_draft, clerk):
    document = make_draft()
    with pytest.raises(RuntimeError), transaction.atomic():
        attachment = attach(document, clerk)
        path = attachment.file.name
        raise RuntimeError("the request failed after the file was stored")
    assert default_storage.exists(path)
    assert not document.attachments.exists()

    assert stored_files_purge(older_than=timedelta(0)).removed == [path]
    assert not default_storage.exists(path)


@pytest.mark.django_db
def test_a_deleted_drafts_files_go_unless_another_document_has_the_same(
    make_draft, clerk, django_capture_on_commit_callbacks
):
    first, second = make_draft(), make_draft()
    shared = attach(first, clerk).file.name
    own = attach(first, clerk, OTHER_PDF, "phu-luc.pdf").file.name
    assert attach(second, clerk).file.name == shared  # stored once, by content

    with django_capture_on_commit_callbacks(execute=True):
        document_delete_draft(document=first, actor=clerk)
    assert not default_storage.exists(own)
    assert default_storage.exists(shared)

    with django_capture_on_commit_callbacks(execute=True):
        document_delete_draft(document=second, actor=clerk)
    assert not default_storage.exists(shared)


@pytest.mark.django_db
def test_the_file_of_an_attachment_added_again_is_stored_again(make_draft, clerk):
    """A purge between two uploads of the same content leaves the second its own file."""
    document = make_draft()
    with pytest.raises(RuntimeError), transaction.atomic():
        attach(document, clerk)
        raise RuntimeError("rolled back")
    stored_files_purge(older_than=timedelta(0))
    attachment = attach(document, clerk)
    assert default_storage.open(attachment.file.name).read() == PDF


def test_writers_hold_the_lock_inside_their_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        hold_stored_files()


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_writers_hold_keeps_removal_waiting(make_draft, clerk):
    """GIVEN an attachment stored in a transaction not yet committed
    THEN no other session can take the files lock exclusively, as removal does."""
    attach(make_draft(), clerk)
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        taken = other.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, LOCK_KEY]).fetchone()
        assert taken == (False,)
        shared = other.execute("SELECT pg_try_advisory_lock_shared(%s, %s)", [LOCK_SPACE, LOCK_KEY]).fetchone()
        assert shared == (True,)  # writers do not wait for one another


@pytest.mark.django_db
def test_the_command(make_draft, clerk, tmp_path):
    orphan = stored("attachments/ef/ef" + "3" * 62, b"scan", age_seconds=3600)
    call_command("purge_files", stdout=StringIO())
    assert default_storage.exists(orphan)  # an hour old: too recent for the default day
    out = StringIO()
    call_command("purge_files", "--dry-run", "--older-than-hours", "0", stdout=out)
    assert orphan in out.getvalue()
    assert default_storage.exists(orphan)
    assert not AuditEvent.objects.filter(action="files.purge").exists()

    call_command("purge_files", "--older-than-hours", "0", stdout=StringIO())
    assert not Path(tmp_path, orphan).exists()
    assert AuditEvent.objects.get(action="files.purge").data["files"] == [orphan]

    with pytest.raises(CommandError, match="whole number"):
        call_command("purge_files", "--older-than-hours", "-3")
    with pytest.raises(CommandError, match="whole number"):
        call_command("purge_files", "--older-than-hours", "một")
