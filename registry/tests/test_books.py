"""Register books (Decree 30, Appendix IV) as XLSX: the outgoing, incoming and
follow-up registers of one register and year, through the function, the API,
the admin and the command; read back with openpyxl as an office would open them."""

import datetime
import io
import unicodedata
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from core.errors import DomainError, NotFound
from core.xlsx import XLSX_CONTENT_TYPE, cell_text
from recipients.models import Role
from registry.books import register_book
from registry.models import Direction, Document
from registry.services import (
    DistributionInput,
    ReferenceInput,
    document_issue,
    document_register_incoming,
    document_update,
    document_withdraw,
)
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory, doc_type
from tests.register_forms import FOLLOW_UP_HEADER, INCOMING_HEADER, OUTGOING_HEADER

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER_ROW = 6


def at(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=HCM)


def sheet_of(content):
    return load_workbook(io.BytesIO(content), read_only=False).active


def book_sheet(**kwargs):
    book = register_book(**kwargs)
    with book.file:
        return sheet_of(book.file.read())


def titles(sheet):
    return [sheet.cell(row=n, column=1).value for n in range(1, HEADER_ROW - 1)]


def header(sheet):
    return [cell.value for cell in sheet[HEADER_ROW]]


def data_rows(sheet):
    """The rows under the header, as dicts by column name."""
    names = header(sheet)
    return [dict(zip(names, row, strict=True)) for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


def issue(draft, clerk, when):
    with time_machine.travel(when, tick=False):
        return document_issue(document=draft, actor=clerk)


@pytest.fixture
def outgoing(make_draft, clerk, register, organization):
    """The Sở's outgoing register with, in 2023, a letter (register-book columns
    filled in) and a plan later withdrawn; a letter of 31/12/2022, a draft, and
    a letter of 2023 in another register of the Sở, none of which is in the 2023 book."""
    letter = issue(
        make_draft(
            distribution=[
                DistributionInput(kind="as_above"),
                DistributionInput(text="UBND tỉnh", purpose="báo cáo"),
                DistributionInput(text="Lưu: VT, TTBCBC"),
            ]
        ),
        clerk,
        at(2023, 3, 5),
    )
    letter = document_update(
        document=letter,
        actor=clerk,
        changes={
            "copies": 5,
            "transferred_on": datetime.date(2023, 3, 6),
            "receipt_signature": "Trần Thị Bình",
            "note": "Gửi kèm phụ lục",
        },
    )
    plan = issue(
        make_draft(doc_type=doc_type("KH"), subject="Tuyên truyền Ngày Sách Việt Nam", drafting_unit=""),
        clerk,
        at(2023, 4, 10),
    )
    with time_machine.travel(at(2023, 4, 12), tick=False):
        plan = document_withdraw(document=plan, actor=clerk, reason="Ban hành sai thẩm quyền")
    old = issue(make_draft(subject="Văn bản năm trước"), clerk, at(2022, 12, 31, 16))
    draft = make_draft(subject="Dự thảo chưa ban hành")
    # Even a draft carrying a date (as an imported one might) has no place in the book.
    Document.objects.filter(pk=draft.pk).update(issued_on=datetime.date(2023, 5, 1))
    other_register = RegisterFactory(owner=organization, name="Sổ văn bản mật")
    elsewhere = issue(make_draft(register=other_register, subject="Văn bản sổ khác"), clerk, at(2023, 5, 2))
    return SimpleNamespace(letter=letter, plan=plan, old=old, draft=draft, elsewhere=elsewhere)


@pytest.fixture
def incoming_register(organization):
    return RegisterFactory(owner=organization, name="Sổ văn bản đến", direction=Direction.INCOMING)


@pytest.fixture
def arrivals(incoming_register, clerk, make_draft, organization):
    """Arrivals of the province's plan (a copy of its outgoing document) and of
    a letter in 2023, one on the last evening of 2022; the Sở answers the plan
    three times: citing its arrival, citing the province's original, and with
    a report the province registered as an arrival of its own."""
    province = OrganizationFactory(name="Ủy ban nhân dân tỉnh Kiên Giang", abbreviation="UBND")
    province_clerk = UserFactory(organization=province, role=Role.CLERK)
    province_register = RegisterFactory(owner=province, name="Sổ văn bản đi của tỉnh")
    original = issue(
        make_draft(register=province_register, actor=province_clerk, doc_type=doc_type("KH"), drafting_unit=""),
        province_clerk,
        at(2023, 1, 3),
    )

    def receive(when, **fields):
        return document_register_incoming(register=incoming_register, actor=clerk, received_at=when, **fields)

    late_2022 = receive(at(2022, 12, 31, 23, 30), subject="Công văn cuối năm", notation="900/UBND-VX", sender=province)
    plan = receive(
        at(2023, 1, 5, 8),
        subject=original.subject,
        notation=original.notation,
        issued_on=original.issued_on,
        sender=province,
        original=original,
        handling_unit="Phòng Thông tin - Báo chí",
        handling_deadline=datetime.date(2023, 2, 15),
        handling_progress="Đang xây dựng kế hoạch của Sở",
    )
    letter = receive(
        at(2023, 1, 9, 14),
        subject="Góp ý dự thảo quy chế",
        notation="Số: 1163/STTTT-TTBCBC",
        issued_on=datetime.date(2023, 1, 6),
        sender_name="Sở Thông tin và Truyền thông Sóc Trăng",
        transferred_on=datetime.date(2023, 1, 10),
        receipt_signature="Lê Văn Cường",
    )
    replies = [
        issue(
            make_draft(subject=subject, references=[ReferenceInput(relation="answers", target=target)]),
            clerk,
            at(2023, 2, day),
        )
        for subject, target, day in (("Báo cáo lần 1", plan, 1), ("Báo cáo lần 2", original, 10))
    ]
    # The Sở's report as the province registered it on arrival (as dispatch does with submissions) answers too.
    report = document_register_incoming(
        register=RegisterFactory(owner=province, name="Sổ văn bản đến của tỉnh", direction=Direction.INCOMING),
        actor=province_clerk,
        received_at=at(2023, 2, 25),
        subject="Báo cáo kết quả thực hiện",
        notation="45/BC-STTTT",
        issued_on=datetime.date(2023, 2, 24),
        sender=organization,
        references=[ReferenceInput(relation="answers", target=original)],
    )
    # The province citing its own plan is not the Sở's reply.
    issue(
        make_draft(
            register=province_register,
            actor=province_clerk,
            subject="Đôn đốc thực hiện",
            references=[ReferenceInput(relation="answers", target=original)],
        ),
        province_clerk,
        at(2023, 2, 20),
    )
    return SimpleNamespace(late_2022=late_2022, plan=plan, letter=letter, original=original, replies=[*replies, report])


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


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def book_url(register, query=""):
    return f"/api/v1/registers/{register.pk}/book.xlsx{query}"


@pytest.mark.django_db
def test_api_sends_the_book_as_an_xlsx_attachment(outgoing, register, clerk):
    response = api(clerk).get(book_url(register, "?year=2023"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="so-van-ban-di-2023.xlsx"'
    sheet = sheet_of(b"".join(response.streaming_content))
    assert len(data_rows(sheet)) == 2


@pytest.mark.django_db
def test_api_book_defaults_to_the_current_office_year_and_the_registers_own_kind(arrivals, incoming_register, clerk):
    # 00:30 on 01/01/2024 in Asia/Ho_Chi_Minh is still 2023 in UTC: the office year is 2024.
    with time_machine.travel(datetime.datetime(2023, 12, 31, 17, 30, tzinfo=datetime.UTC), tick=False):
        response = api(clerk).get(book_url(incoming_register))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="so-van-ban-den-2024.xlsx"'
    assert titles(sheet_of(b"".join(response.streaming_content)))[3] == "Năm 2024"
    follow_up = api(clerk).get(book_url(incoming_register, "?year=2023&kind=follow_up"))
    assert follow_up["Content-Disposition"] == 'attachment; filename="so-theo-doi-giai-quyet-2023.xlsx"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?year=abc", "year"),
        ("?year=20233", "year"),
        ("?year=1800", "year"),
        ("?year=2023&kind=sideways", "kind"),
        ("?year=2023&kind=follow_up", "kind"),
    ],
)
def test_api_answers_a_bad_year_or_kind_with_400_in_json(register, clerk, query, field):
    response = api(clerk).get(book_url(register, query), HTTP_ACCEPT=XLSX_CONTENT_TYPE)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"]
    assert field in body.get("errors", {}) or body.get("field") == field


@pytest.mark.django_db
def test_api_hides_another_organizations_register_and_refuses_anonymous_users(register):
    other_clerk = UserFactory(role=Role.CLERK)
    response = api(other_clerk).get(book_url(register, "?year=2023"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api().get(book_url(register, "?year=2023")).status_code == 401
    assert api(other_clerk).get("/api/v1/registers/99999999999999999999999/book.xlsx").status_code == 404


@pytest.mark.django_db
def test_schema_documents_the_book_download():
    schema = api().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/registers/{id}/book.xlsx"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"id", "year", "kind"}
    assert XLSX_CONTENT_TYPE in operation["responses"]["200"]["content"]


@pytest.mark.django_db
def test_command_writes_the_book(outgoing, register, tmp_path):
    target = tmp_path / "so-di.xlsx"
    out = io.StringIO()
    call_command(
        "export_register", "--register", str(register.pk), "--year", "2023", "--output", str(target), stdout=out
    )
    assert "2 documents" in out.getvalue()
    assert len(data_rows(sheet_of(target.read_bytes()))) == 2
    call_command("export_register", "--register", str(register.pk), "--year", "2022", "--output", str(tmp_path))
    assert len(data_rows(sheet_of((tmp_path / "so-van-ban-di-2022.xlsx").read_bytes()))) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--register", "999999"], "No register 999999"),
        (["--year", "1800"], "year"),
        (["--kind", "follow_up"], "follow_up"),
    ],
)
def test_command_explains_what_is_wrong(register, tmp_path, arguments, message):
    defaults = {"--register": str(register.pk), "--year": "2023", "--output": str(tmp_path)}
    options = dict(zip(arguments[::2], arguments[1::2], strict=True))
    argv = [item for pair in (defaults | options).items() for item in pair]
    with pytest.raises(CommandError, match=message):
        call_command("export_register", *argv)


@pytest.mark.django_db
def test_command_refuses_a_path_it_cannot_write(register, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_register", "--register", str(register.pk), "--output", str(tmp_path / "no" / "b.xlsx"))


@pytest.mark.django_db
def test_admin_links_the_book_and_downloads_it_for_the_chosen_year(admin_client, outgoing, register):
    change_page = admin_client.get(reverse("admin:registry_register_change", args=[register.pk]))
    book_page = reverse("admin:registry_register_book", args=[register.pk])
    assert book_page in change_page.content.decode()

    form = admin_client.get(book_page)
    assert form.status_code == 200
    assert [value for value, _label in form.context["form"].fields["kind"].choices] == ["outgoing"]

    download = admin_client.get(book_page, {"year": "2023", "kind": "outgoing"})
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="so-van-ban-di-2023.xlsx"'
    assert len(data_rows(sheet_of(b"".join(download.streaming_content)))) == 2

    refused = admin_client.get(book_page, {"year": "2023", "kind": "follow_up"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["kind"]


@pytest.mark.django_db
def test_a_book_exported_imports_back_into_an_empty_register(outgoing, register, clerk, organization):
    """GIVEN the 2023 book of a register, as docreg exports it
    WHEN an office imports that file into another, empty register of the same body
    THEN every row comes back as an issued document with the book's number, date and columns."""
    from registry.imports import register_import

    book = register_book(register=register, year=2023, user=clerk)
    with book.file:
        content = book.file.read()
    copy = RegisterFactory(owner=organization, name="Sổ văn bản đi (chuyển đổi)")

    report = register_import(register=copy, file=io.BytesIO(content), filename=book.filename, actor=clerk)

    assert not report.refused, [str(error) for error in report.errors]
    assert report.imported == 2
    fields = ("notation", "number", "issued_on", "subject", "signer_name", "copies", "transferred_on")
    imported = list(Document.objects.filter(register=copy).order_by("number").values(*fields))
    originals = [outgoing.letter, outgoing.plan]
    assert imported == [{name: getattr(document, name) for name in fields} for document in originals]
