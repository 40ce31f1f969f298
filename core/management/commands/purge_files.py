"""`manage.py purge_files [--older-than-hours 24] [--dry-run]`

Removes the stored files (attachments, import files) that no row refers to
any more: left by a transaction that rolled back, or by the last row that
referred to them. Run it once a day (README: Production). See core.stored_files.
"""

import argparse
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.stored_files import GRACE, stored_files_purge

GRACE_HOURS = int(GRACE.total_seconds() // 3600)


def hours(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(_("a whole number of hours from 0, not “%(value)s”") % {"value": value})
    return number


class Command(BaseCommand):
    help = "Removes the stored files (attachments, import files) that no document or import refers to any more."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-hours",
            type=hours,
            default=GRACE_HOURS,
            help=f"leave files written in the last N hours (default {GRACE_HOURS})",
        )
        parser.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        try:
            result = stored_files_purge(older_than=timedelta(hours=options["older_than_hours"]), dry_run=dry_run)
        except OSError as error:
            raise CommandError(_("Cannot read or remove stored files: %(error)s") % {"error": error}) from error
        if options["verbosity"] >= 2 or dry_run:
            for name in result.removed:
                self.stdout.write(f"  {name}")
        if dry_run:
            summary = _(
                "Would remove %(files)s of %(checked)s stored files (%(bytes)s bytes): nothing refers to them. "
                "%(recent)s written in the last %(hours)s hours were not looked at."
            )
        else:
            summary = _(
                "Removed %(files)s of %(checked)s stored files (%(bytes)s bytes): nothing referred to them. "
                "%(recent)s written in the last %(hours)s hours were not looked at."
            )
        counts = {"files": len(result.removed), "bytes": result.removed_bytes, "checked": result.checked}
        self.stdout.write(summary % {**counts, "recent": result.recent, "hours": options["older_than_hours"]})
