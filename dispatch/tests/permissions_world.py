"""What the permission tests share (test_permissions.py, test_permissions_reports.py):
API clients, the count of stored records a refused request must leave alone,
and the scene of the role-by-endpoint matrix — two provinces, each with its
plan, obligation and reports, and the people and objects a case is about."""

import datetime
from types import SimpleNamespace

import time_machine
from rest_framework.test import APIClient

from core.models import AuditEvent
from dispatch.models import Assignment, Delivery, Notification, Obligation, Submission
from dispatch.services import document_dispatch, obligation_create, submission_create
from dispatch.services.notify import notify
from dispatch.tests.conftest import PLAN_BODY, at, pdf
from recipients.models import Role
from registry.models import Attachment, Direction, Document, PeriodKind, SequenceScope
from registry.services import AddresseeInput, document_create_draft, document_issue
from tests.factories import PartyOrganizationFactory, RegisterFactory, UserFactory, doc_type

DUE = datetime.date(2023, 11, 30)
TITLE = "Báo cáo tổng kết 35 năm Bản tin sinh hoạt chi bộ"
STORED = (Obligation, Assignment, Submission, Delivery, Document, Attachment, AuditEvent)


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def stored():
    """How many rows of each record a refused request must leave as they were."""
    return {model.__name__: model.objects.count() for model in STORED}


def province(name, prefix, district_names, *, addressed, obligated, reporting):
    """A provincial committee that sent its plan to its first `addressed`
    districts, obliged the first `obligated` to report by 30/11/2023, and
    heard from the first `reporting` on 20/11/2023. Every district has a
    reporter, a clerk and an incoming register."""
    province = PartyOrganizationFactory(name=name, abbreviation="TU", header_parent_name="")
    clerk = UserFactory(username=f"{prefix}_vanthu", organization=province, role=Role.CLERK)
    leader = UserFactory(username=f"{prefix}_lanhdao", organization=province, role=Role.LEADER)
    outgoing = RegisterFactory(
        owner=province,
        name="Sổ văn bản đi",
        period_kind=PeriodKind.TERM,
        term_start=datetime.date(2020, 10, 15),
        sequence_scope=SequenceScope.DOC_TYPE,
    )
    districts = [
        PartyOrganizationFactory(name=district, abbreviation="HU", level="district", parent=province)
        for district in district_names
    ]
    for organization in [province, *districts]:
        RegisterFactory(owner=organization, name="Sổ văn bản đến", direction=Direction.INCOMING, system="party")
    reporters = [
        UserFactory(username=f"{prefix}_huyen_{i}", organization=district, role=Role.REPORTER)
        for i, district in enumerate(districts)
    ]
    district_clerks = [
        UserFactory(username=f"{prefix}_vanthu_huyen_{i}", organization=district, role=Role.CLERK)
        for i, district in enumerate(districts)
    ]
    with time_machine.travel(at(2023, 4, 28), tick=False):
        draft = document_create_draft(
            register=outgoing,
            actor=clerk,
            doc_type=doc_type("KH"),
            subject="Tổng kết 35 năm thực hiện khai thác và sử dụng Bản tin Thông tin sinh hoạt chi bộ",
            body=PLAN_BODY,
            signer_authority="T/M BAN THƯỜNG VỤ",
            addressees=[AddresseeInput(organization=district) for district in districts[:addressed]],
        )
        plan = document_issue(document=draft, actor=clerk)
    with time_machine.travel(at(2023, 11, 1), tick=False):
        deliveries = document_dispatch(document=plan, actor=clerk).deliveries
        obligation = obligation_create(
            document=plan, actor=clerk, title=TITLE, due_on=DUE, organizations=districts[:obligated]
        )
    with time_machine.travel(at(2023, 11, 20), tick=False):
        submissions = [
            submission_create(obligation=obligation, actor=reporter, files=[pdf()])
            for reporter in reporters[:reporting]
        ]
    return SimpleNamespace(
        province=province,
        clerk=clerk,
        leader=leader,
        districts=districts,
        reporters=reporters,
        district_clerks=district_clerks,
        plan=plan,
        deliveries={delivery.recipient_id: delivery for delivery in deliveries},
        obligation=obligation,
        submissions=submissions,
        reporting=reporting,
    )


def build_scene():
    """Tiền Giang asks Mỹ Tho, Cái Bè and Chợ Gạo (not Tân Phước) to report;
    Mỹ Tho and Cái Bè have. Bến Tre asks Châu Thành and Giồng Trôm (not Ba
    Tri); Châu Thành has. Plus an administrator of no organization."""
    return SimpleNamespace(
        tien_giang=province(
            "Tỉnh ủy Tiền Giang",
            "tg",
            ["Thành ủy Mỹ Tho", "Huyện ủy Cái Bè", "Huyện ủy Chợ Gạo", "Huyện ủy Tân Phước"],
            addressed=3,
            obligated=3,
            reporting=2,
        ),
        ben_tre=province(
            "Tỉnh ủy Bến Tre",
            "bt",
            ["Huyện ủy Châu Thành", "Huyện ủy Giồng Trôm", "Huyện ủy Ba Tri"],
            addressed=2,
            obligated=2,
            reporting=1,
        ),
        admin=UserFactory(username="quantri", organization=None, role=Role.ADMIN, is_staff=True),
    )


def user_for(scene, role):
    """The people of the matrix. The reporter and district clerk are Mỹ Tho's
    (obligated); the outsider reports for Tân Phước, a district of the same
    province that was neither sent the plan nor obliged."""
    tien_giang = scene.tien_giang
    return {
        "clerk": tien_giang.clerk,
        "leader": tien_giang.leader,
        "reporter": tien_giang.reporters[0],
        "district_clerk": tien_giang.district_clerks[0],
        "outsider": tien_giang.reporters[3],
        "foreign_clerk": scene.ben_tre.clerk,
        "anonymous": None,
        "admin": scene.admin,
    }[role]


def objects_of(scene, side, user):
    """The objects a case is about. Sides: "tien_giang" (Mỹ Tho's delivery,
    report and row of Tiền Giang's obligation), "cai_be" (Cái Bè's, a sibling
    of the reporter's district), "ben_tre" (another province's); for
    notifications, "own" (the user's) and "others" (someone else's)."""
    if side in ("own", "others"):
        owner = user if side == "own" and user is not None else scene.ben_tre.reporters[0]
        notify([owner], kind="test", title="Thông báo")
        return SimpleNamespace(notification=Notification.objects.filter(user=owner).latest("id"))
    province = scene.ben_tre if side == "ben_tre" else scene.tien_giang
    index = 1 if side == "cai_be" else 0
    district = province.districts[index]
    submission = province.submissions[index]
    unreported = province.districts[province.reporting]
    assignments = province.obligation.assignments
    return SimpleNamespace(
        document=province.plan,
        obligation=province.obligation,
        delivery=province.deliveries[district.pk],
        submission=submission,
        attachment=submission.incoming_document.attachments.get(),
        assignment=assignments.get(organization=district),
        organization=district,
        unreported=unreported,
        overdue=assignments.get(organization=unreported),
        not_obligated=province.districts[-1],
    )
