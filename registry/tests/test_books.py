"""Register books (Decree 30, Appendix IV) as XLSX, through the function: the
outgoing, incoming and follow-up registers of one register and year, their
rows, layout and print setup, who may have them and their query counts; read
back with openpyxl as an office would open them. Downloading a book (API,
command, admin) and importing it back are in test_books_download.py."""

import datetime
import unicodedata

import pytest
import time_machine

from core.errors import DomainError, NotFound
from core.xlsx import cell_text
from recipients.models import Role
from registry.books import register_book
from registry.services import ReferenceInput, document_register_incoming, document_withdraw
from registry.tests.books_world import (
    HEADER_ROW,
    at,
    book_sheet,
    build_arrivals,
    build_incoming_register,
    build_outgoing,
    data_rows,
    header,
    issue,
    titles,
)
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory, doc_type
from tests.register_forms import FOLLOW_UP_HEADER, INCOMING_HEADER, OUTGOING_HEADER


@pytest.fixture
def outgoing(make_draft, clerk, register, organization):
    return build_outgoing(make_draft, clerk, register, organization)


@pytest.fixture
def incoming_register(organization):
    return build_incoming_register(organization)


@pytest.fixture
def arrivals(incoming_register, clerk, make_draft, organization):
    return build_arrivals(incoming_register, clerk, make_draft, organization)


@pytest.mark.django_db
def test_outgoing_book_prints_the_appendix_iv_columns_and_one_row_per_document_of_the_year(outgoing, register, clerk):
    sheet = book_sheet(register=register, year=2023, user=clerk)

    assert titles(sheet) == ["SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Sổ văn bản đi", "Năm 2023"]
    assert sheet.cell(row=HEADER_ROW - 1, column=1).value is None
    assert header(sheet) == OUTGOING_HEADER
    rows = data_rows(sheet)
    assert [row["Số, ký hiệu"] for row in rows] == [outgoing.letter.notation, outgoing.plan.notation]
    letter = rows[0]
    assert letter["Ngày tháng"] == datetime.datetime(2023, 3, 5)
    assert letter["Tên loại và trích yếu nội dung"] == (
        "Công văn\nV/v Thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU"
    )
    assert letter["Người ký"] == "Lâm Văn Sển"
    # “Như trên” stands for the addressees; the file copy has a column of its own.
    assert letter["Nơi nhận"] == "Các sở, ban, ngành cấp tỉnh\nUBND tỉnh (báo cáo)"
    assert letter["Đơn vị, người nhận bản lưu"] == "VT, TTBCBC"
    assert letter["Số lượng bản"] == 5
    assert letter["Ngày chuyển"] == datetime.datetime(2023, 3, 6)
    assert letter["Ký nhận"] == "Trần Thị Bình"
    assert letter["Ghi chú"] == "Gửi kèm phụ lục"
    assert rows[1]["Tên loại và trích yếu nội dung"] == "Kế hoạch\nTuyên truyền Ngày Sách Việt Nam"


@pytest.mark.django_db
def test_withdrawn_document_keeps_its_row_with_the_withdrawal_noted(outgoing, register, clerk):
    rows = data_rows(book_sheet(register=register, year=2023, user=clerk))
    plan = next(row for row in rows if row["Số, ký hiệu"] == outgoing.plan.notation)
    assert plan["Ghi chú"] == "Đã thu hồi ngày 12/04/2023: Ban hành sai thẩm quyền"


@pytest.mark.django_db
def test_each_year_has_its_own_book(outgoing, register, clerk):
    rows = data_rows(book_sheet(register=register, year=2022, user=clerk))
    assert [row["Số, ký hiệu"] for row in rows] == [outgoing.old.notation]
    assert data_rows(book_sheet(register=register, year=2021, user=clerk)) == []


@pytest.mark.django_db
def test_dates_are_spreadsheet_dates_shown_day_month_year(outgoing, register, clerk):
    sheet = book_sheet(register=register, year=2023, user=clerk)
    for column in (2, 8):  # Ngày tháng, Ngày chuyển
        cell = sheet.cell(row=HEADER_ROW + 1, column=column)
        assert cell.is_date
        assert cell.number_format == "DD/MM/YYYY"
    assert sheet.cell(row=HEADER_ROW + 2, column=8).value is None  # not transferred yet


@pytest.mark.django_db
def test_book_prints_on_a4_landscape_in_times_new_roman_with_the_header_on_every_page(outgoing, register, clerk):
    sheet = book_sheet(register=register, year=2023, user=clerk)
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert "A1:J1" in {str(merged) for merged in sheet.merged_cells.ranges}
    for row, column in ((1, 1), (HEADER_ROW, 3), (HEADER_ROW + 1, 3), (HEADER_ROW + 1, 7)):
        assert sheet.cell(row=row, column=column).font.name == "Times New Roman"
    body = sheet.cell(row=HEADER_ROW + 1, column=3)
    assert body.alignment.wrap_text
    assert body.border.left.style == "thin"
    assert sheet.cell(row=HEADER_ROW, column=1).font.bold


@pytest.mark.django_db
def test_incoming_book_lists_the_arrivals_of_the_year_by_arrival_number(arrivals, incoming_register, clerk):
    """GIVEN an arrival at 23:30 on 31/12/2022 (Asia/Ho_Chi_Minh) and two in January 2023
    WHEN the 2023 incoming book is made THEN it has the two of 2023, numbered from 1."""
    sheet = book_sheet(register=incoming_register, year=2023, user=clerk)
    assert titles(sheet)[1:] == ["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", "Sổ văn bản đến", "Năm 2023"]
    assert header(sheet) == INCOMING_HEADER
    rows = data_rows(sheet)
    assert [row["Số đến"] for row in rows] == [1, 2]
    plan, letter = rows
    assert plan["Ngày đến"] == datetime.datetime(2023, 1, 5)
    assert plan["Tác giả"] == "Ủy ban nhân dân tỉnh Kiên Giang"
    assert plan["Số, ký hiệu"] == arrivals.original.notation
    assert plan["Ngày tháng"] == datetime.datetime(2023, 1, 3)
    assert plan["Đơn vị hoặc người nhận"] == "Phòng Thông tin - Báo chí"
    assert letter == {
        "Ngày đến": datetime.datetime(2023, 1, 9),
        "Số đến": 2,
        "Tác giả": "Sở Thông tin và Truyền thông Sóc Trăng",
        "Số, ký hiệu": "1163/STTTT-TTBCBC",
        "Ngày tháng": datetime.datetime(2023, 1, 6),
        "Tên loại và trích yếu": "Công văn\nV/v Góp ý dự thảo quy chế",
        "Đơn vị hoặc người nhận": None,
        "Ngày chuyển": datetime.datetime(2023, 1, 10),
        "Ký nhận": "Lê Văn Cường",
        "Ghi chú": None,
    }
    assert [row["Số đến"] for row in data_rows(book_sheet(register=incoming_register, year=2022, user=clerk))] == [1]


@pytest.mark.django_db
def test_follow_up_book_tracks_handling_and_the_replies_of_the_registers_owner(arrivals, incoming_register, clerk):
    sheet = book_sheet(register=incoming_register, year=2023, kind="follow_up", user=clerk)
    assert titles(sheet)[1] == "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"
    assert header(sheet) == FOLLOW_UP_HEADER
    plan, letter = data_rows(sheet)
    assert plan["Số đến"] == 1
    assert plan["Tên loại, số, ký hiệu, ngày tháng và trích yếu văn bản"] == (
        f"Kế hoạch số {arrivals.original.notation} ngày 03/01/2023\n{arrivals.original.subject}"
    )
    assert plan["Đơn vị hoặc người xử lý"] == "Phòng Thông tin - Báo chí"
    assert plan["Thời hạn giải quyết"] == datetime.datetime(2023, 2, 15)
    assert sheet.cell(row=HEADER_ROW + 1, column=4).number_format == "DD/MM/YYYY"
    assert plan["Tiến độ giải quyết"] == "Đang xây dựng kế hoạch của Sở"
    # The Sở's answers, to the arrival and to the original; not the province's own letter.
    assert plan["Số, ký hiệu văn bản trả lời"] == "\n".join(reply.notation for reply in arrivals.replies)
    assert letter["Số, ký hiệu văn bản trả lời"] is None
    assert letter["Tên loại, số, ký hiệu, ngày tháng và trích yếu văn bản"] == (
        "Công văn số 1163/STTTT-TTBCBC ngày 06/01/2023\nV/v Góp ý dự thảo quy chế"
    )


@pytest.mark.django_db
def test_withdrawn_arrival_is_noted_in_both_incoming_books(arrivals, incoming_register, clerk):
    with time_machine.travel(at(2023, 1, 11), tick=False):
        document_withdraw(document=arrivals.letter, actor=clerk, reason="Gửi nhầm")
    for kind in ("incoming", "follow_up"):
        rows = data_rows(book_sheet(register=incoming_register, year=2023, kind=kind, user=clerk))
        assert rows[1]["Ghi chú"] == "Đã thu hồi ngày 11/01/2023: Gửi nhầm"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("direction", "kind"),
    [("outgoing", "follow_up"), ("outgoing", "incoming"), ("incoming", "outgoing"), ("outgoing", "sideways")],
)
def test_a_register_has_only_its_own_books(organization, clerk, direction, kind):
    register = RegisterFactory(owner=organization, direction=direction)
    with pytest.raises(DomainError) as refused:
        register_book(register=register, year=2023, kind=kind, user=clerk)
    assert refused.value.field == "kind"
    assert refused.value.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("year", [1899, 10000])
def test_years_out_of_range_are_refused(register, clerk, year):
    with pytest.raises(DomainError) as refused:
        register_book(register=register, year=year, user=clerk)
    assert refused.value.field == "year"


@pytest.mark.django_db
def test_a_register_the_user_cannot_see_has_no_book_for_them(register):
    stranger = UserFactory(role=Role.LEADER)
    with pytest.raises(NotFound):
        register_book(register=register, year=2023, user=stranger)


@pytest.mark.django_db
def test_a_parent_bodys_leader_sees_the_book_and_a_sub_units_clerk_does_not(outgoing, register, organization):
    parent = OrganizationFactory(name="Ủy ban nhân dân tỉnh")
    organization.parent = parent
    organization.save()
    leader_above = UserFactory(organization=parent, role=Role.LEADER)
    unit_below = UserFactory(organization=OrganizationFactory(parent=organization), role=Role.CLERK)
    assert len(data_rows(book_sheet(register=register, year=2023, user=leader_above))) == 2
    with pytest.raises(NotFound):
        register_book(register=register, year=2023, user=unit_below)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["outgoing", "incoming", "follow_up"])
def test_query_count_does_not_grow_with_the_rows(
    kind, make_draft, clerk, register, incoming_register, arrivals, django_assert_num_queries
):
    """GIVEN a book of a few rows, read once, WHEN four times as many rows with
    their lines and replies are added THEN the book is read in as many queries:
    the register, the rows, and one query per kind of line (per chunk of 2,000 rows)."""
    book_register = register if kind == "outgoing" else incoming_register
    expected = {"outgoing": 4, "incoming": 2, "follow_up": 3}[kind]
    with django_assert_num_queries(expected):
        small = register_book(register=book_register, year=2023, kind=kind, user=clerk)
    for day in range(1, 5):
        if kind == "outgoing":
            issue(make_draft(), clerk, at(2023, 6, day))
        else:
            reply_to = document_register_incoming(
                register=incoming_register,
                actor=clerk,
                received_at=at(2023, 6, day),
                subject=arrivals.original.subject,
                sender_name="Ủy ban nhân dân tỉnh Kiên Giang",
                doc_type=doc_type("KH"),
                original=arrivals.original,
            )
            issue(make_draft(references=[ReferenceInput(relation="answers", target=reply_to)]), clerk, at(2023, 6, day))
    with django_assert_num_queries(expected):
        large = register_book(register=book_register, year=2023, kind=kind, user=clerk)
    assert large.rows >= small.rows + 4 > 4


@pytest.mark.django_db
def test_text_in_cells_is_nfc_without_control_characters():
    decomposed = unicodedata.normalize("NFD", "Kế hoạch tuyên truyền")
    assert cell_text(decomposed + "\x07") == "Kế hoạch tuyên truyền"
    assert cell_text("x" * 40_000) == "x" * 32_767
