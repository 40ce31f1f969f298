import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from recipients.models import Role
from registry.models import Direction, PeriodKind, SequenceScope
from registry.services import AddresseeInput, DistributionInput, document_create_draft, document_issue
from tests.factories import PartyOrganizationFactory, RecipientGroupFactory, RegisterFactory, UserFactory, doc_type

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PLAN_BODY = (
    "Thực hiện Kế hoạch số 254-KH/BTGTW ngày 27/02/2023 của Ban Tuyên giáo Trung ương.\n"
    "3. Cấp ủy huyện và tương đương\n"
    "Lãnh đạo, chỉ đạo việc tổng kết ở cấp mình; gởi báo cáo về Ban Thường vụ Tỉnh ủy "
    "(qua Ban Tuyên giáo Tỉnh ủy) trước ngày 01/12/2023."
)


def at(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=HCM)


def pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def fake_upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(db):
    """Tỉnh ủy Tiền Giang asks three district committees (one through a group) to report on its plan."""
    province = PartyOrganizationFactory(name="Tỉnh ủy Tiền Giang", abbreviation="TU", header_parent_name="")
    clerk = UserFactory(username="vanthu_tu", organization=province, role=Role.CLERK)
    leader = UserFactory(username="lanhdao_tu", organization=province, role=Role.LEADER)
    outgoing = RegisterFactory(
        owner=province,
        name="Sổ văn bản đi",
        period_kind=PeriodKind.TERM,
        term_start=datetime.date(2020, 10, 15),
        sequence_scope=SequenceScope.DOC_TYPE,
    )
    incoming = RegisterFactory(owner=province, name="Sổ văn bản đến", direction=Direction.INCOMING, system="party")
    names = ["Thành ủy Mỹ Tho", "Huyện ủy Cái Bè", "Huyện ủy Chợ Gạo"]
    districts = [
        PartyOrganizationFactory(name=name, abbreviation="HU", level="district", parent=province) for name in names
    ]
    reporters = [
        UserFactory(username=f"huyen_{i}", organization=district, role=Role.REPORTER, email=f"huyen{i}@example.vn")
        for i, district in enumerate(districts)
    ]
    district_clerks = [
        UserFactory(username=f"vanthu_huyen_{i}", organization=district, role=Role.CLERK)
        for i, district in enumerate(districts)
    ]
    group = RecipientGroupFactory(name="Cấp ủy huyện và tương đương", owner=province, members=districts[1:])
    with time_machine.travel(at(2023, 4, 28), tick=False):
        draft = document_create_draft(
            register=outgoing,
            actor=clerk,
            doc_type=doc_type("KH"),
            subject="Tổng kết 35 năm thực hiện khai thác và sử dụng Bản tin Thông tin sinh hoạt chi bộ",
            body=PLAN_BODY,
            signer_authority="T/M BAN THƯỜNG VỤ",
            addressees=[AddresseeInput(organization=districts[0]), AddresseeInput(group=group)],
            distribution=[DistributionInput(kind="as_above"), DistributionInput(text="Lưu VPTU")],
        )
        plan = document_issue(document=draft, actor=clerk)
    return SimpleNamespace(
        province=province,
        clerk=clerk,
        leader=leader,
        outgoing=outgoing,
        incoming=incoming,
        districts=districts,
        reporters=reporters,
        district_clerks=district_clerks,
        group=group,
        plan=plan,
    )
