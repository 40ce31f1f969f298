"""Importing legacy register books (XLSX or CSV) into a register: parse
(reader, columns), validate (validation, lookups), write (writing), all in
register_import; the admin's django-import-export resource reuses the same
pieces (resource, admin)."""

from registry.imports.report import ImportReport, RowError, SequenceResult
from registry.imports.service import register_import

__all__ = ["ImportReport", "RowError", "SequenceResult", "register_import"]
