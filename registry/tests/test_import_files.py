"""What register files the import reads: printed books with title rows, CSV
from Excel with a byte-order mark and semicolons, real Excel dates."""

import datetime
import io

import pytest

from registry.imports import register_import
from registry.imports.columns import header_key
from registry.imports.validation import cell_date
from registry.models import Direction, Document
from registry.tests.importing import TITLE_ROWS, csv_file, incoming_row, xlsx_file
from registry.tests.importing import outgoing_row as row
from tests.factories import RegisterFactory
from tests.register_forms import INCOMING_HEADER, OUTGOING_HEADER


def imported(register):
    return {doc.number: doc for doc in Document.objects.filter(register=register)}


@pytest.mark.django_db
def test_title_rows_column_numbers_and_blank_rows_around_the_header(register, clerk):
    """GIVEN a printed book: four title rows, the header on row 5, its column
    numbers (1)…(10) on row 6, an extra “STT” column, blank lines in between
    WHEN it is imported THEN the rows under the header are its documents."""
    header = [*OUTGOING_HEADER, "STT"]
    numbering = [f"({n})" for n in range(1, 12)]
    rows = [
        numbering,
        [*row("01/STTTT-VP", "03/08/2021", "Văn bản một"), 1],
        [None] * 10 + [2],  # a numbered but empty line of the book
        [],
        [*row("02/STTTT-VP", "04/08/2021", "Văn bản hai"), 3],
    ]
    report = register_import(
        register=register, file=xlsx_file(rows, header=header, title=TITLE_ROWS), filename="so.xlsx", actor=clerk
    )

    assert not report.refused, report.lines()
    assert (report.header_row, report.rows, report.imported) == (5, 2, 2)
    assert sorted(imported(register)) == [1, 2]
    assert any("“STT”" in notice for notice in report.notices)


@pytest.mark.django_db
def test_errors_name_the_rows_as_the_spreadsheet_numbers_them(register, clerk):
    rows = [row("01/STTTT-VP", "03/08/2021", "Một"), [], row("02/STTTT-VP", "hôm qua", "Hai")]
    report = register_import(register=register, file=xlsx_file(rows, title=TITLE_ROWS), filename="so.xlsx", actor=clerk)
    assert [(error.row, error.column) for error in report.errors] == [(8, "Ngày tháng")]
    assert "dd/mm/yyyy" in report.errors[0].message


@pytest.mark.django_db
@pytest.mark.parametrize(("delimiter", "bom"), [(";", True), (",", False), ("\t", True)])
def test_csv_with_or_without_byte_order_mark_and_any_separator(register, clerk, delimiter, bom):
    rows = [
        row("1163/STTTT-TTBCBC", "3/8/2021", "Công văn về việc tuyên truyền", distribution="UBND tỉnh; Sở Nội vụ"),
        row("1164/STTTT-TTBCBC", "04-08-2021", "Công văn", copies="12"),
    ]
    file = csv_file(rows, delimiter=delimiter, bom=bom, title=[["SỔ ĐĂNG KÝ VĂN BẢN ĐI"]])
    report = register_import(register=register, file=file, filename="so.csv", actor=clerk)

    assert not report.refused, report.lines()
    assert report.header_row == 2
    documents = imported(register)
    assert documents[1163].issued_on == datetime.date(2021, 8, 3)
    assert documents[1163].subject == "tuyên truyền"
    assert [line.text for line in documents[1163].distribution.all()] == ["UBND tỉnh", "Sở Nội vụ"]
    assert (documents[1164].issued_on, documents[1164].copies, documents[1164].subject) == (
        datetime.date(2021, 8, 4),
        12,
        "Công văn",
    )


@pytest.mark.django_db
def test_excel_dates_and_times_are_dates(register, clerk):
    rows = [
        row("01/STTTT-VP", datetime.datetime(2021, 8, 3, 16, 45), "Một", transferred_on=datetime.date(2021, 8, 4)),
        row("02/STTTT-VP", datetime.date(2021, 8, 5), "Hai", copies=3.0),
    ]
    report = register_import(register=register, file=xlsx_file(rows), filename="so.xlsx", actor=clerk)
    assert not report.refused, report.lines()
    documents = imported(register)
    assert (documents[1].issued_on, documents[1].transferred_on) == (
        datetime.date(2021, 8, 3),
        datetime.date(2021, 8, 4),
    )
    assert (documents[2].issued_on, documents[2].copies) == (datetime.date(2021, 8, 5), 3)


@pytest.mark.django_db
def test_text_is_stored_in_nfc_and_control_characters_are_refused(register, clerk):
    decomposed = "Ke\u0302\u0301 hoa\u0323ch"  # “Kế hoạch” typed with combining accents
    rows = [
        row("01/STTTT-VP", "03/08/2021", f"  {decomposed}  năm 2021 "),
        row("02/STTTT-VP", "03/08/2021", "Có ký tự\x00NUL"),
        row("03/STTTT-VP", "03/08/2021", "Đúng", signer_name="Tab\x0bdọc"),
    ]
    report = register_import(register=register, file=csv_file(rows), filename="so.csv", actor=clerk)
    assert [(error.row, error.field) for error in report.errors] == [(3, "subject"), (4, "signer_name")]
    assert "control characters" in report.errors[0].message

    report = register_import(register=register, file=csv_file(rows[:1]), filename="so.csv", actor=clerk)
    assert imported(register)[1].subject == "Kế hoạch năm 2021"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", ".xls"),
        (b"PK\x03\x04 not really a zip", "Excel workbook"),
        (
            "Số, ký hiệu,Ngày tháng,Tên loại và trích yếu nội dung\n1/STTTT-VP,03/08/2021,Kế hoạch".encode("utf-16"),
            "UTF-8",
        ),
        (b"", "No header row"),
        ("Ngày đến,Số đến,Tác giả,Số ký hiệu\n".encode(), "incoming register"),
    ],
)
def test_files_that_are_no_register_are_refused_with_a_reason(register, clerk, content, message):
    report = register_import(register=register, file=io.BytesIO(content), filename="x", actor=clerk)
    assert report.refused
    assert message in report.errors[0].message
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_book_of_the_other_direction_is_refused(register, clerk, organization):
    """An incoming book shares “Số, ký hiệu”, “Ngày tháng” and “Tên loại và trích yếu” with an
    outgoing one: imported into an outgoing register its senders' numbers would pass for ours."""
    incoming = [incoming_row("05/08/2021", 1, "UBND tỉnh", "141/KH-UBND", "19/07/2021", "Kế hoạch")]
    report = register_import(
        register=register, file=csv_file(incoming, header=INCOMING_HEADER), filename="den.csv", actor=clerk
    )
    assert [(error.row, error.message) for error in report.errors] == [
        (1, "The file has the columns of an incoming register (Ngày đến, Số đến, Tác giả …): choose one.")
    ]

    incoming_register = RegisterFactory(owner=organization, direction=Direction.INCOMING)
    outgoing = [row("01/STTTT-VP", "03/08/2021", "Một", signer_name="A", distribution="Như trên")]
    report = register_import(register=incoming_register, file=xlsx_file(outgoing), filename="di.xlsx", actor=clerk)
    assert "columns of an outgoing register" in report.errors[0].message
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_header_without_rows_is_refused(register, clerk):
    report = register_import(register=register, file=xlsx_file([[], []]), filename="x.xlsx", actor=clerk)
    assert [(error.row, error.message) for error in report.errors] == [(0, "The file has no rows under its header.")]


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("03/08/2021", datetime.date(2021, 8, 3)),
        ("3/8/2021", datetime.date(2021, 8, 3)),
        ("03-08-2021", datetime.date(2021, 8, 3)),
        (" 03.08.2021 ", datetime.date(2021, 8, 3)),
        ("2021-08-03", datetime.date(2021, 8, 3)),
        (datetime.datetime(2021, 8, 3, 23, 59), datetime.date(2021, 8, 3)),
    ],
)
def test_dates_as_clerks_write_them(value, day):
    assert cell_date(value) == day


@pytest.mark.parametrize("value", ["03/08/21", "32/01/2021", "29/02/2021", "ngày 3 tháng 8", 44411, "2021"])
def test_what_is_not_a_date(value):
    with pytest.raises(ValueError, match="date"):
        cell_date(value)


def test_headers_are_compared_folded():
    assert {header_key(text) for text in ("Số, ký hiệu", "SỐ, KÝ HIỆU (1)", "So  ky\nhieu", "số/ký hiệu")} == {
        "so ky hieu"
    }
    assert header_key(INCOMING_HEADER[0]) == "ngay den"
