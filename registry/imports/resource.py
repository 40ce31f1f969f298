"""The register import as a django-import-export resource, for the admin's
import with preview and confirmation.

It reads the same files (RegisterFileFormat, through registry.imports.reader),
finds the header the same way, and checks and builds each row with the same
RowValidator and DocumentBuilder as register_import; only the writing is
import-export's: row by row by default, in batches with BulkRegisterRowResource.
Errors carry the spreadsheet's row numbers. One bad row and the confirm step
imports nothing: after_import refuses the whole file, which rolls it back.
"""

import datetime
import io
import traceback
from collections import OrderedDict
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.formats.base_formats import Format
from import_export.results import Error, Result

from core.errors import DomainError
from core.time import office_date, office_today
from recipients.models import User
from registry.imports.columns import (
    INCOMING_COLUMNS,
    OUTGOING_COLUMNS,
    Column,
    HeaderError,
    columns_for,
    is_blank_row,
    locate_header,
)
from registry.imports.lookups import SequenceBook
from registry.imports.reader import open_rows
from registry.imports.report import ImportReport
from registry.imports.validation import RowValidator, ValidRow
from registry.imports.writing import BATCH_SIZE, DocumentBuilder, close_import
from registry.models import Direction, DistributionEntry, Document, Register
from registry.permissions import require_register_clerk

# The dataset column carrying each row's number in the spreadsheet.
ROW_COLUMN = "#"
# Where a document keeps the checked row it was built from, until its lines are written.
CHECKED_ROW = "import_row"
# What the preview shows under each column: the document's attribute.
SHOWN = {
    "notation": "notation",
    "issued_on": "issued_on",
    "subject": "subject",
    "signer_name": "signer_name",
    "distribution": f"{CHECKED_ROW}__distribution",
    "file_copy_holder": "file_copy_holder",
    "copies": "copies",
    "transferred_on": "transferred_on",
    "receipt_signature": "receipt_signature",
    "note": "note",
    "received_on": "received_at",
    "arrival_number": "arrival_number",
    "sender": "issuer_name",
    "handling_unit": "handling_unit",
}


class RegisterFileFormat(Format):
    """An .xlsx workbook or a CSV file, told apart by content; every row is
    kept, title rows included, with its number, for the resource to find the header."""

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding = encoding  # the content tells

    def get_title(self) -> str:
        return "XLSX / CSV"

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        with open_rows(io.BytesIO(in_stream)) as source:
            rows = list(source.rows)
        width = max((len(values) for _number, values in rows), default=0)
        dataset = tablib.Dataset(headers=[ROW_COLUMN, *(str(index) for index in range(1, width + 1))])
        for number, values in rows:
            dataset.append([number, *values, *[None] * (width - len(values))])
        return dataset

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def get_extension(self) -> str:
        return "xlsx"

    def can_import(self) -> bool:
        return True


class ShownValue(widgets.Widget):
    """Values as the register prints them: dates dd/mm/yyyy, lines joined."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            value = office_date(value)
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, tuple | list):
            return "; ".join(str(item) for item in value)
        return str(value)


class SheetResult(Result):
    """Rows named by their number in the spreadsheet, not their place in the dataset."""

    def append_invalid_row(self, number: int, row: Any, validation_error: Any) -> None:
        super().append_invalid_row(row.get(ROW_COLUMN, number), row, validation_error)

    def append_error_row(self, number: int, row: Any, errors: Any) -> None:
        super().append_error_row(row.get(ROW_COLUMN, number), row, errors)


class RefusalError(Error):
    """A refusal of the file is shown as its message, without a traceback."""

    @property
    def traceback(self) -> str:
        if isinstance(self.error, DomainError):
            return ""
        return "".join(traceback.format_exception(self.error))


class ImportRefused(DomainError):
    pass


def _shown_columns(register: Register | None) -> tuple[Column, ...]:
    if register is not None:
        return columns_for(register.direction)
    keys = {column.key for column in OUTGOING_COLUMNS}
    return (*OUTGOING_COLUMNS, *(column for column in INCOMING_COLUMNS if column.key not in keys))


class RegisterRowResource(resources.ModelResource):
    """Rows of a register book into `register`, acting as `actor`. With the
    register unknown (before the form is filled in) it lists every column."""

    class Meta:
        model = Document
        fields = ()  # the register's columns, set per instance
        use_transactions = True

    def __init__(self, register: Register | None = None, actor: User | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.register = register
        self.actor = actor
        self.columns = _shown_columns(register)
        self.fields = OrderedDict(
            (column.key, fields.Field(attribute=SHOWN[column.key], column_name=column.label, widget=ShownValue()))
            for column in self.columns
        )
        self.sequences: SequenceBook | None = None
        self.validator: RowValidator | None = None
        self.builder: DocumentBuilder | None = None

    def get_result_class(self) -> type[Result]:
        return SheetResult

    def get_error_result_class(self) -> type[Error]:
        return RefusalError

    def get_instance(self, instance_loader: Any, row: Any) -> None:
        return None  # every row is a new document

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        """Finds the header in the raw rows and leaves in `dataset` only the rows
        under it, in the register's columns, with their row numbers."""
        register, actor = self.register, self.actor
        try:
            if register is None or actor is None:
                raise ImportRefused(_("Choose the register to import into."))
            require_register_clerk(actor, register)
            header, rows = locate_header(((int(row[0]), tuple(row[1:])) for row in dataset), register.direction)
        except (DomainError, HeaderError) as error:
            dataset.wipe()
            if isinstance(error, HeaderError):
                raise ImportRefused(" ".join(problem.describe() for problem in error.errors)) from error
            raise
        kept = []
        for number, values in rows:
            cells = header.cells(values)
            if not is_blank_row(cells):
                kept.append([*(cells.get(column.key) for column in self.columns), number])
        dataset.wipe()
        dataset.headers = [*(column.label for column in self.columns), ROW_COLUMN]
        dataset.extend(kept)
        self.sequences = SequenceBook(create=True, arrivals=register.direction == Direction.INCOMING)
        self.validator = RowValidator(register=register, header=header, sequences=self.sequences, today=office_today())
        self.builder = DocumentBuilder(register=register, actor=actor, sequences=self.sequences)

    def import_instance(self, instance: Document, row: Any, **kwargs: Any) -> None:
        assert self.validator is not None
        assert self.builder is not None
        cells = {column.key: row.get(column.label) for column in self.columns}
        checked = self.validator.validate(int(row[ROW_COLUMN]), cells)
        if isinstance(checked, list):
            errors: dict[str, list[str]] = {}
            for error in checked:
                errors.setdefault(error.column or NON_FIELD_ERRORS, []).append(error.message)
            raise ValidationError(errors)
        self.builder.fill(instance, checked)
        setattr(instance, CHECKED_ROW, checked)

    def after_save_instance(self, instance: Document, row: Any, **kwargs: Any) -> None:
        if not self._meta.use_bulk:
            self._write_lines([instance])

    def bulk_create(self, using_transactions: bool, dry_run: bool, raise_errors: bool, **kwargs: Any) -> None:
        documents = list(self.create_instances)
        super().bulk_create(using_transactions, dry_run, raise_errors, **kwargs)
        if documents and documents[0].pk is not None:
            self._write_lines(documents)

    def _write_lines(self, documents: list[Document]) -> None:
        assert self.builder is not None
        builder = self.builder
        lines: list[DistributionEntry] = []
        for document in documents:
            checked: ValidRow = getattr(document, CHECKED_ROW)
            lines.extend(builder.distribution(document, checked))
        DistributionEntry.objects.bulk_create(lines)

    def after_import(self, dataset: tablib.Dataset, result: Result, **kwargs: Any) -> None:
        """Refuses the whole file if any row failed, so the import's transaction
        rolls back; otherwise raises the counters and records the import."""
        if self.validator is None or self.sequences is None or self.register is None or self.actor is None:
            return
        report = ImportReport(
            register=self.register.name,
            filename=kwargs.get("file_name") or "",
            dry_run=bool(kwargs.get("dry_run")),
            rows=len(dataset),
            imported=0 if kwargs.get("dry_run") else result.totals["new"],
        )
        report.notices.extend(self.validator.notices())
        report.unmatched_senders.update(self.validator.unmatched_senders)
        result.import_report = report  # for the admin's messages
        if report.dry_run:
            return
        if result.has_errors() or result.has_validation_errors():
            raise ImportRefused(_("Nothing was imported: some rows have errors."))
        close_import(register=self.register, actor=self.actor, report=report, sequences=self.sequences)


class BulkRegisterRowResource(RegisterRowResource):
    """The admin's: documents and their lines written in batches, not one by one."""

    class Meta:
        use_bulk = True
        batch_size = BATCH_SIZE
