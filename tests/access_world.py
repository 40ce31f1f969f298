"""The world of the access matrix (tests/test_access_matrix.py): two unrelated
organization trees with an object of every kind on each side.

Own tree: Ban Tuyên giáo Tỉnh ủy Kiên Giang (the clerk's and the leader's
board) with Huyện ủy Giồng Riềng below it (the reporter's district), and two
more districts: An Biên, obligated but silent (overdue), and Châu Thành,
neither addressed nor obligated. Other tree: Tỉnh ủy Tiền Giang with Cái Bè
(obligated, has reported), Chợ Gạo (obligated, overdue) and Tân Phước.

Every object is built through the services, as a clerk would, and is
non-confidential: confidentiality has tests of its own.
"""

import datetime
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.time import office_today
from dispatch.models import Delivery
from dispatch.services import document_dispatch, obligation_create, submission_create
from recipients.models import Role
from registry.models import Direction, PeriodKind, SequenceScope
from registry.services import (
    AddresseeInput,
    attachment_add,
    document_create_draft,
    document_issue,
    document_register_incoming,
)
from tests.factories import PartyOrganizationFactory, RecipientGroupFactory, RegisterFactory, UserFactory, doc_type

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TITLE = "Báo cáo sơ kết công tác tuyên truyền"


def pdf(name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def plan_body(today: datetime.date) -> str:
    """A body stating one deadline, a month ahead, for …/from-deadlines/."""
    deadline = (today + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    return (
        "Thực hiện Kế hoạch số 254-KH/BTGTW của Ban Tuyên giáo Trung ương.\n"
        f"Các huyện ủy gởi báo cáo về Ban Thường vụ Tỉnh ủy (qua Ban Tuyên giáo Tỉnh ủy) trước ngày {deadline}."
    )


def _tree(name: str, abbreviation: str, districts: list[str], parent_header: str) -> SimpleNamespace:
    head = PartyOrganizationFactory.create(name=name, abbreviation=abbreviation, header_parent_name=parent_header)
    below = [
        PartyOrganizationFactory.create(
            name=district, abbreviation="HU", level="district", parent=head, header_parent_name=""
        )
        for district in districts
    ]
    return SimpleNamespace(head=head, districts=below)


def _registers(owner, prefix: str) -> SimpleNamespace:
    outgoing = RegisterFactory.create(
        owner=owner,
        name=f"Sổ văn bản đi {prefix}",
        period_kind=PeriodKind.YEAR,
        sequence_scope=SequenceScope.REGISTER,
    )
    incoming = RegisterFactory.create(owner=owner, name=f"Sổ văn bản đến {prefix}", direction=Direction.INCOMING)
    return SimpleNamespace(outgoing=outgoing, incoming=incoming)


def _draft(register, clerk, addressees, subject: str, body: str = "Nội dung kế hoạch."):
    return document_create_draft(
        register=register,
        actor=clerk,
        doc_type=doc_type("KH"),
        subject=subject,
        body=body,
        signer_authority="T/M BAN THƯỜNG VỤ",
        signer_name="Nguyễn Văn An",
        addressees=[AddresseeInput(organization=organization) for organization in addressees],
    )


def _received(register, clerk, sender_name: str, notation: str):
    return document_register_incoming(
        register=register,
        actor=clerk,
        subject="Về việc tăng cường công tác thông tin đối ngoại",
        notation=notation,
        doc_type=doc_type("CV"),
        sender_name=sender_name,
        issued_on=office_today() - datetime.timedelta(days=3),
    )


def _side(tree, clerk, reporter, registers, prefix: str, today: datetime.date) -> SimpleNamespace:
    """One tree's documents: a draft, a plan issued to and dispatched to the
    first two districts (the first has reported, the second is overdue),
    a received document, attachments and a recipient group."""
    reporting, silent = tree.districts[0], tree.districts[1]
    draft = _draft(registers.outgoing, clerk, [reporting], f"Dự thảo kế hoạch {prefix}")
    draft_attachment = attachment_add(document=draft, actor=clerk, upload=pdf("du-thao.pdf"))
    plan = document_issue(
        document=_draft(
            registers.outgoing, clerk, [reporting, silent], f"Kế hoạch sơ kết {prefix}", body=plan_body(today)
        ),
        actor=clerk,
    )
    attachment = attachment_add(document=plan, actor=clerk, upload=pdf("phu-luc.pdf"))
    document_dispatch(document=plan, actor=clerk)
    obligation = obligation_create(
        document=plan,
        actor=clerk,
        title=TITLE,
        # Due yesterday: the silent district is overdue, the reporting one was late.
        due_on=today - datetime.timedelta(days=1),
        organizations=[reporting, silent],
    )
    submission = submission_create(obligation=obligation, actor=reporter, files=[pdf()], note="Báo cáo")
    return SimpleNamespace(
        draft=draft,
        draft_attachment=draft_attachment,
        issued=plan,
        attachment=attachment,
        received=_received(registers.incoming, clerk, "Ủy ban nhân dân tỉnh", f"12/UBND-VP{prefix}"),
        delivery=Delivery.objects.get(document=plan, recipient=reporting),
        obligation=obligation,
        assignment=obligation.assignments.get(organization=reporting),
        overdue=obligation.assignments.get(organization=silent),
        submission=submission,
        submission_file=submission.incoming_document.attachments.get(),
        group=RecipientGroupFactory.create(name=f"Các huyện ủy {prefix}", owner=tree.head, members=tree.districts[:2]),
    )


def build_world() -> SimpleNamespace:
    today = office_today()
    own_tree = _tree(
        "Ban Tuyên giáo Tỉnh ủy Kiên Giang",
        "BTGTU",
        ["Huyện ủy Giồng Riềng", "Huyện ủy An Biên", "Huyện ủy Châu Thành"],
        "TỈNH ỦY KIÊN GIANG",
    )
    other_tree = _tree("Tỉnh ủy Tiền Giang", "TU", ["Huyện ủy Cái Bè", "Huyện ủy Chợ Gạo", "Huyện ủy Tân Phước"], "")
    province, district = own_tree.head, own_tree.districts[0]
    users = {
        "clerk": UserFactory.create(username="vanthu", organization=province, role=Role.CLERK),
        "leader": UserFactory.create(username="lanhdao", organization=province, role=Role.LEADER),
        "reporter": UserFactory.create(username="huyen_giong_rieng", organization=district, role=Role.REPORTER),
        "admin": UserFactory.create(username="quantri", organization=None, role=Role.ADMIN),
        "superuser": UserFactory.create(
            username="admin", organization=None, role=Role.ADMIN, is_superuser=True, is_staff=True
        ),
    }
    district_clerk = UserFactory.create(username="vanthu_giong_rieng", organization=district, role=Role.CLERK)
    other_clerk = UserFactory.create(username="vanthu_tutg", organization=other_tree.head, role=Role.CLERK)
    other_reporter = UserFactory.create(
        username="huyen_tg_cai_be", organization=other_tree.districts[0], role=Role.REPORTER
    )

    own_registers = _registers(province, "BTGTU")
    other_registers = _registers(other_tree.head, "TU")
    district_registers = _registers(district, "HU")
    own = _side(own_tree, users["clerk"], users["reporter"], own_registers, "BTGTU", today)
    other = _side(other_tree, other_clerk, other_reporter, other_registers, "TU", today)

    # The district's own papers: a draft, and a report sent up to the province (not dispatched yet).
    district_draft = _draft(district_registers.outgoing, district_clerk, [province], "Dự thảo báo cáo huyện")
    district_issued = document_issue(
        document=_draft(district_registers.outgoing, district_clerk, [province], "Báo cáo tháng của huyện"),
        actor=district_clerk,
    )
    # Tiền Giang writes to the own board: the one thing of the other tree the own side may see.
    inbound = document_issue(
        document=_draft(other_registers.outgoing, other_clerk, [province], "Trao đổi kinh nghiệm tuyên truyền"),
        actor=other_clerk,
    )
    document_dispatch(document=inbound, actor=other_clerk)

    return SimpleNamespace(
        today=today,
        now=timezone.now(),
        users=users,
        other_clerk=other_clerk,
        province=province,
        district=district,
        unobligated=own_tree.districts[2],
        other_province=other_tree.head,
        other_district=other_tree.districts[0],
        other_unobligated=other_tree.districts[2],
        registers={
            "own": own_registers.outgoing,
            "own_incoming": own_registers.incoming,
            "below": district_registers.outgoing,
            "other": other_registers.outgoing,
        },
        documents={
            "own_draft": own.draft,
            "own_issued": own.issued,
            "own_received": own.received,
            "below_draft": district_draft,
            "below_issued": district_issued,
            "inbound": inbound,
            "other_draft": other.draft,
            "other_issued": other.issued,
            "other_received": other.received,
        },
        attachments={
            "own_draft": own.draft_attachment,
            "own_issued": own.attachment,
            "other_issued": other.attachment,
        },
        deliveries={
            "own": own.delivery,
            "inbound": Delivery.objects.get(document=inbound, recipient=province),
            "other": other.delivery,
        },
        own=own,
        other=other,
    )
