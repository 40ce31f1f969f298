"""`manage.py restore FILE [--force]`

Restores an archive written by `manage.py backup` into this database and its
file storage: every row with its primary key, every file checked against its
checksum, all in one transaction. A database in use is refused unless
--force, which empties every backed-up table first. A damaged archive, or one
from a database at other migrations, is refused with what is wrong and the
database is left as it was.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.backup import RestoreError, restore_backup


class Command(BaseCommand):
    help = "Restores an archive written by `backup`: every row and file, or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the archive written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace everything in a database in use (its rows are deleted first, in the same transaction)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        progress = self.stderr.write if options["verbosity"] >= 2 else None
        try:
            summary = restore_backup(Path(options["file"]), force=options["force"], progress=progress)
        except RestoreError as error:
            raise CommandError(str(error)) from error
        for key in summary.created_keys:
            self.stderr.write(_("Created, as the archive refers to it: %(key)s") % {"key": key})
        if summary.missing_files:
            self.stderr.write(
                _("%(count)s files were missing when the archive was made and are still missing.")
                % {"count": summary.missing_files}
            )
        self.stdout.write(
            _("Restored %(rows)s rows of %(tables)s tables and %(files)s files (%(present)s already in storage).")
            % {
                "rows": sum(summary.counts.values()),
                "tables": len(summary.counts),
                "files": summary.files_written,
                "present": summary.files_present,
            }
        )
        if options["verbosity"] >= 1:
            for label, count in summary.counts.items():
                if count:
                    self.stdout.write(f"  {label}: {count}")
