"""Register files for the import tests, written in memory with openpyxl and csv."""

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from tests.register_forms import OUTGOING_HEADER

# What a printed register book puts above its header.
TITLE_ROWS = [
    ["SỞ THÔNG TIN VÀ TRUYỀN THÔNG"],
    ["SỔ ĐĂNG KÝ VĂN BẢN ĐI"],
    ["Năm 2021"],
    [],
]


def xlsx_file(rows: Sequence[Sequence[Any]], *, header: Sequence[str] = OUTGOING_HEADER, title: Sequence[Any] = ()):
    """A workbook whose active sheet holds `title` rows, the header, then `rows`."""
    workbook = Workbook()
    sheet = workbook.active
    for row in [*title, header, *rows]:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def csv_file(
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] = OUTGOING_HEADER,
    delimiter: str = ",",
    bom: bool = False,
    title: Sequence[Any] = (),
) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    for row in [*title, header, *rows]:
        writer.writerow(row)
    return io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode("utf-8"))


def outgoing_row(notation: str, day: Any, subject: str, **columns: Any) -> list[Any]:
    """One outgoing row; other columns by their key (signer_name, distribution, copies …)."""
    keys = ["signer_name", "distribution", "file_copy_holder", "copies", "transferred_on", "receipt_signature", "note"]
    return [notation, day, subject, *(columns.get(key, "") for key in keys)]


def incoming_row(received: Any, arrival: Any, sender: str, notation: str, day: Any, subject: str, **columns: Any):
    keys = ["handling_unit", "transferred_on", "receipt_signature", "note"]
    return [received, arrival, sender, notation, day, subject, *(columns.get(key, "") for key in keys)]
