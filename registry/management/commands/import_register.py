"""`manage.py import_register FILE --register ID [--dry-run] [--user USERNAME] [--no-progress]`

Imports a register book (.xlsx or CSV) into a register through
registry.imports.register_import: every row or none. Prints what was
imported, or every bad row with its spreadsheet row number and reasons, and
then exits with status 1 having written nothing.

The import is done as --user, who must be a clerk of the register's
organization or an administrator. Without --user it is done as the
installation's superuser when there is exactly one; otherwise --user is required.
A progress bar goes to stderr when that is a terminal (not with --no-progress).
"""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from core.errors import DomainError
from recipients.models import User
from registry.imports import register_import
from registry.models import Register


def acting_user(username: str | None) -> User:
    """The user named, or the only active superuser."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("There is no active user “%(username)s”.") % {"username": username})
        return user
    superusers = list(User.objects.filter(is_superuser=True, is_active=True).order_by("pk")[:2])
    if len(superusers) != 1:
        raise CommandError(
            _(
                "Say who imports with --user USERNAME: a clerk of the register's organization or an administrator "
                "(without it, the import is done as the only superuser, and there is not exactly one)."
            )
        )
    return superusers[0]


class Command(BaseCommand):
    help = "Imports a register book (XLSX or CSV) into a register as documents: every row, or none if one is bad."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the register book, .xlsx or .csv (UTF-8)")
        parser.add_argument("--register", type=int, required=True, metavar="ID", help="the register to import into")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="who imports: a clerk of the register's organization or an administrator (default: the superuser)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        register = Register.objects.select_related("owner").filter(pk=options["register"]).first()
        if register is None:
            raise CommandError(_("There is no register %(id)s.") % {"id": options["register"]})
        actor = acting_user(options["user"])
        path = Path(options["file"])
        stream = getattr(self.stderr, "_out", sys.stderr)
        try:
            with (
                path.open("rb") as file,
                tqdm(
                    unit=" " + _("rows"),
                    file=stream,
                    disable=options["no_progress"] or not stream.isatty(),
                    leave=False,
                ) as bar,
            ):

                def progress(done: int, total: int | None) -> None:
                    if total and bar.total != total:
                        bar.total = total
                    bar.update(done - bar.n)

                report = register_import(
                    register=register,
                    file=file,
                    filename=path.name,
                    actor=actor,
                    dry_run=options["dry_run"],
                    progress=progress,
                )
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from error
        except DomainError as error:  # not allowed to import into this register
            raise CommandError(error.message) from error
        if report.refused:
            for line in report.lines()[1:]:
                self.stderr.write(line)
            raise CommandError(report.outcome())
        for line in report.lines():
            self.stdout.write(line)
