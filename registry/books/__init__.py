"""Register books (sổ đăng ký, Decree 30 Appendix IV) as XLSX: the outgoing,
incoming and follow-up registers of one register and year."""

from registry.books.export import MAX_YEAR, MIN_YEAR, RegisterBook, book_kinds, register_book
from registry.books.layouts import BookKind

__all__ = ["MAX_YEAR", "MIN_YEAR", "BookKind", "RegisterBook", "book_kinds", "register_book"]
