"""What the register book tests share (test_books.py, test_books_download.py):
the Sở's outgoing register and the arrivals of its incoming register, in 2023
and around it, and reading a book back with openpyxl as an office would."""

import datetime
import io
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import time_machine
from openpyxl import load_workbook

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


def build_outgoing(make_draft, clerk, register, organization):
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


def build_incoming_register(organization):
    return RegisterFactory(owner=organization, name="Sổ văn bản đến", direction=Direction.INCOMING)


def build_arrivals(incoming_register, clerk, make_draft, organization):
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
