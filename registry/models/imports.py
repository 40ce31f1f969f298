"""Register books imported from the pages (registry.imports.jobs)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.registers import Register


def import_file_path(instance: "ImportJob", filename: str) -> str:
    # A random name: the file's own name is kept in the row, never in a path.
    return f"imports/{uuid.uuid4().hex}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """A register book uploaded on the registers pages, imported in the
    background (registry.tasks) by registry.imports.register_import: how far
    it got, and its report once finished (registry.imports.jobs)."""

    register = models.ForeignKey(
        Register, verbose_name=_("register"), on_delete=models.PROTECT, related_name="import_jobs"
    )
    file = models.FileField(_("file"), upload_to=import_file_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    dry_run = models.BooleanField(_("check only"), default=False)
    language = models.CharField(_("language of the report"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows found"), default=0)
    imported = models.PositiveIntegerField(_("documents imported"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.register}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)

    @property
    def refused(self) -> bool:
        """Finished, and nothing was imported because the file has errors."""
        return self.status == ImportJobStatus.DONE and self.error_count > 0
