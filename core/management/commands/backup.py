"""`manage.py backup FILE [--allow-missing-files]`

Writes one ZIP archive with the whole installation: a manifest (format,
time, docreg version, database vendor, applied migrations, rows per table,
checksums), every backed-up table's rows and every stored file the database
refers to. `manage.py restore FILE` brings it back. See README, Backup and
restore.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Writes the database and the stored files into one archive (ZIP) that `restore` brings back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the archive to write, e.g. docreg-2024-05-01.zip")
        parser.add_argument(
            "--allow-missing-files",
            action="store_true",
            help="back up even if files the database refers to are missing from storage (they are listed)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if path.is_dir():
            raise CommandError(_("%(path)s is a folder; name the archive file to write.") % {"path": path})
        progress = self.stderr.write if options["verbosity"] >= 2 else None
        try:
            summary = create_backup(path, allow_missing_files=options["allow_missing_files"], progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": error.strerror or error}
            ) from error
        for name in summary.missing_files:
            self.stderr.write(_("Missing from storage, not in the archive: %(name)s") % {"name": name})
        rows = sum(summary.counts.values())
        self.stdout.write(
            _("Backed up %(rows)s rows of %(tables)s tables and %(files)s files (%(bytes)s bytes) to %(path)s.")
            % {
                "rows": rows,
                "tables": len(summary.counts),
                "files": summary.files,
                "bytes": summary.file_bytes,
                "path": path,
            }
        )
        if options["verbosity"] >= 1:
            for label, count in summary.counts.items():
                if count:
                    self.stdout.write(f"  {label}: {count}")
