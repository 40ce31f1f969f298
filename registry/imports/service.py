"""register_import: a legacy register book (XLSX or CSV) into a register, all
or nothing.

One pass over the file, in one transaction: each row is read and checked as
it streams in, and while no row has failed the valid ones are written in
batches. A bad row stops the writing but not the reading, so the report names
every bad row; then the transaction is rolled back and nothing stays written.
"""

from collections.abc import Callable
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from core.time import office_today
from recipients.models import User
from registry.imports.columns import HeaderError, is_blank_row, locate_header
from registry.imports.lookups import SequenceBook
from registry.imports.reader import ImportFileError, open_rows
from registry.imports.report import ImportReport, RowError
from registry.imports.validation import RowValidator
from registry.imports.writing import BatchWriter, DocumentBuilder, close_import
from registry.models import Direction, Register
from registry.permissions import require_register_clerk

# Called with the rows read so far and the sheet's row count, when known.
Progress = Callable[[int, int | None], None]
PROGRESS_EVERY = 1000


def register_import(
    *,
    register: Register,
    file: IO[bytes],
    filename: str,
    actor: User,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Imports the rows of a register book into `register` as documents:
    outgoing rows as issued documents with their book's number, notation and
    date, incoming rows as received documents with their arrival number.

    Nothing is written if any row is bad or with `dry_run`; the report lists
    each bad row with its reasons. After an import, each counter the numbers
    came from continues after the highest imported number. Only a clerk of
    the register's organization (or an administrator) may import; a closed
    register accepts its own history too, as the opening number does."""
    require_register_clerk(actor, register)
    report = ImportReport(register=register.name, filename=filename, dry_run=dry_run)
    with transaction.atomic():
        try:
            _read(register=register, file=file, actor=actor, report=report, progress=progress)
        except ImportFileError as error:
            report.errors.append(RowError(row=error.row, column="", message=error.message))
        except HeaderError as error:
            report.errors.extend(error.errors)
        if report.refused or dry_run:
            report.imported = 0
            transaction.set_rollback(True)
    return report


def _read(*, register: Register, file: IO[bytes], actor: User, report: ImportReport, progress: Progress | None) -> None:
    incoming = register.direction == Direction.INCOMING
    sequences = SequenceBook(create=not report.dry_run, arrivals=incoming)
    with open_rows(file) as source:
        header, rows = locate_header(source.rows, register.direction)
        report.header_row = header.row
        if header.ignored:
            report.notices.append(
                _("Columns not in the register were ignored: %(columns)s.")
                % {"columns": ", ".join(f"“{name}”" for name in header.ignored)}
            )
        validator = RowValidator(register=register, header=header, sequences=sequences, today=office_today())
        writer = BatchWriter(DocumentBuilder(register=register, actor=actor, sequences=sequences))
        last = header.row
        for last, values in rows:
            if progress and last % PROGRESS_EVERY == 0:
                progress(last, source.total)
            cells = header.cells(values)
            if is_blank_row(cells):
                continue
            report.rows += 1
            checked = validator.validate(last, cells)
            if isinstance(checked, list):
                report.errors.extend(checked)
            elif not report.errors and not report.dry_run:
                writer.add(checked)
        if progress:
            progress(last, source.total)
    if not report.rows:
        report.errors.append(RowError(row=0, column="", message=_("The file has no rows under its header.")))
    report.notices.extend(validator.notices())
    report.unmatched_senders.update(validator.unmatched_senders)
    if report.refused or report.dry_run:
        return
    writer.flush()
    report.imported = writer.written
    close_import(register=register, actor=actor, report=report, sequences=sequences)
