"""`manage.py seed_demo`: the demo data of CONTRACT.md, written through the
services, idempotent and all or nothing; the example documents as printed, the
drafts that issue next, and the reporting obligations with the districts'
answers. The accounts, organizations, groups and registers it writes are in
test_seed_demo_directory.py."""

import datetime
import re
import unicodedata

import pytest
import time_machine
from django.core.management import CommandError
from rest_framework.test import APIClient

from core.errors import DomainError
from core.models import AuditEvent
from dispatch.models import Delivery, Obligation, Submission
from dispatch.selectors import assignment_list
from recipients.models import Organization, RecipientGroup, Role, User
from registry.management.commands import seed_demo
from registry.management.commands._seed_obligations import report_pdf
from registry.models import Document, DocumentStatus, Register
from registry.services import document_issue
from tests.seeded_demo import HCM, PASSWORD, counts, district_committees, org, seed


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """The demo reports' files go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    seed("--password", PASSWORD)
    first = counts()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    output = seed()
    seed("--password", PASSWORD)  # the same password again: nothing to reset either

    assert counts() == first
    assert AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() == last_event
    assert "nothing was created" in output
    assert first["Document"] == 5 + 9  # the examples and drafts, and the reports registered as incoming
    assert first["User"] == 32
    assert (first["Obligation"], first["Assignment"], first["Submission"]) == (2, 11 + 5, 9)


@pytest.mark.django_db
def test_everything_is_written_through_the_services_by_admin():
    seed("--password", PASSWORD)
    admin = User.objects.get(username="admin")
    assert AuditEvent.objects.filter(action="organization.create", actor=admin).count() == Organization.objects.count()
    assert AuditEvent.objects.filter(action="register.create", actor=admin).count() == Register.objects.count()
    assert AuditEvent.objects.filter(action="document.issue", actor=admin).count() == 3
    assert AuditEvent.objects.filter(action="user.create").count() == User.objects.count()
    assert AuditEvent.objects.filter(action="document.deliver", actor=admin).count() == 1
    assert AuditEvent.objects.filter(action="obligation.create", actor=admin).count() == Obligation.objects.count()
    assert AuditEvent.objects.filter(action="submission.create", actor=admin).count() == Submission.objects.count()
    assert (
        AuditEvent.objects.filter(action__in=["submission.accepted", "submission.returned"], actor=admin).count() == 2
    )
    # Only a user of the recipient can say it opened a delivery: each district's reporter did.
    opened = Delivery.objects.filter(received_at__isnull=False)
    assert [(d.received_by.role, d.received_by.organization_id) for d in opened] == [
        (Role.REPORTER, d.recipient_id) for d in opened
    ]


@pytest.mark.django_db
def test_a_failure_leaves_nothing_half_seeded(monkeypatch):
    def refuse(**kwargs):
        raise DomainError("refused for the test")

    monkeypatch.setattr(seed_demo, "document_issue", refuse)
    with pytest.raises(CommandError, match="refused for the test"):
        seed("--password", PASSWORD)
    assert set(counts().values()) == {0}


EXAMPLES = [
    pytest.param(
        "375-CV/BTGTU",
        DocumentStatus.ISSUED,
        datetime.date(2021, 12, 27),
        ("BAN TUYÊN GIÁO", "TỈNH ỦY KIÊN GIANG"),
        [
            "Cơ quan Thường trực Ban Tuyên giáo Trung ương (tại Tp.HCM)",
            "Trung tâm thông tin công tác tuyên giáo Ban Tuyên giáo Trung ương",
            "Thường trực Tỉnh ủy",
            "Văn phòng Tỉnh ủy; Văn phòng Ủy ban nhân dân; Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh",
            "Ban Dân vận Tỉnh ủy",
            "Các sở, ban, ngành, đoàn thể cấp tỉnh",
            "Thường trực và ban tuyên giáo các huyện, thành ủy",
            "Đảng ủy Khối các Cơ quan - Doanh nghiệp tỉnh",
        ],
        ["Như trên", "BTG TU (LĐ Ban, P.TTr, Tổng hợp)", "Lưu"],
        ("Nguyễn Thanh Phong", "TRƯỞNG BAN", ""),
        id="375-CV-BTGTU",
    ),
    pytest.param(
        "95-KH/TU",
        DocumentStatus.DISPATCHED,  # sent to the districts it asks for a report
        datetime.date(2023, 4, 28),
        ("TỈNH ỦY TIỀN GIANG", ""),
        [],
        ["BTGTW (HN, TPHCM)", "Các Ban, Đảng trực thuộc TU", "BTG cấp ủy, huyện (tương đương)", "Lưu VPTU"],
        ("", "", "T/M BAN THƯỜNG VỤ"),
        id="95-KH-TU",
    ),
    pytest.param(
        "1163/STTTT-TTBCBC",
        DocumentStatus.ISSUED,
        datetime.date(2021, 8, 3),
        ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "UBND TỈNH KIÊN GIANG"),
        [
            "Các sở, ban, ngành cấp tỉnh",
            "Báo Kiên Giang",
            "Đài Phát thanh và Truyền hình Kiên Giang",
            "Ủy ban nhân dân các huyện, thành phố",
        ],
        ["Như trên", "UBND tỉnh (báo cáo)", "Lưu: VT, TTBCBC"],
        ("Lâm Văn Sển", "", ""),
        id="1163-STTTT-TTBCBC",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("notation", "status", "issued_on", "header", "addressees", "distribution", "signer"), EXAMPLES
)
def test_the_examples_are_issued_as_printed(notation, status, issued_on, header, addressees, distribution, signer):
    seed("--password", PASSWORD)
    document = Document.objects.get(notation=notation)

    assert document.status == status
    assert document.issued_on == issued_on
    assert (document.issuer_header_name, document.issuer_header_parent) == header
    assert [line.text for line in document.addressees.order_by("position")] == addressees
    assert [line.printed for line in document.distribution.order_by("position")] == distribution
    assert (document.signer_name, document.signer_title, document.signer_authority) == signer
    for text in (document.subject, document.body, *addressees, *distribution):
        assert unicodedata.is_normalized("NFC", text)


@pytest.mark.django_db
def test_example_lines_link_the_organizations_and_groups_they_name():
    seed("--password", PASSWORD)
    letter = Document.objects.get(notation="1163/STTTT-TTBCBC")
    kinds = [(line.kind, line.organization_id, line.group_id) for line in letter.addressees.order_by("position")]
    provincial = RecipientGroup.objects.get(name="Các sở, ban, ngành cấp tỉnh")
    districts = RecipientGroup.objects.get(name="Ủy ban nhân dân các huyện, thành phố")
    assert kinds == [
        ("group", None, provincial.pk),
        ("organization", org("Báo Kiên Giang").pk, None),
        ("organization", org("Đài Phát thanh và Truyền hình Kiên Giang").pk, None),
        ("group", None, districts.pk),
    ]
    report_to = letter.distribution.get(position=2)
    assert (report_to.organization, report_to.text, report_to.purpose) == (
        org("Ủy ban nhân dân tỉnh Kiên Giang"),
        "UBND tỉnh",
        "báo cáo",
    )
    assert [(ref.notation, ref.issued_on) for ref in letter.references.order_by("position")] == [
        ("07-CT/TU", datetime.date(2021, 6, 4)),
        ("141/KH-UBND", datetime.date(2021, 7, 19)),
    ]

    plan = Document.objects.get(notation="95-KH/TU")
    assert [ref.notation for ref in plan.references.order_by("position")] == [
        "254-KH/BTGTW",
        "18-KL/TW",
        "10-CT/TW",
        "21-NQ/TW",
    ]


@pytest.mark.django_db
def test_the_btgtu_draft_issues_as_376():
    seed("--password", PASSWORD)
    clerk = User.objects.get(username="vanthu")
    draft = Document.objects.get(register__owner=clerk.organization, status=DocumentStatus.DRAFT)

    issued = document_issue(document=draft, actor=clerk)

    assert issued.notation == "376-CV/BTGTU"
    seed()
    outgoing = Document.objects.filter(register__owner=clerk.organization, direction="outgoing")
    assert outgoing.count() == 2  # no new draft


@pytest.mark.django_db
def test_the_stttt_draft_issues_as_a_state_letter_of_its_drafting_unit():
    seed("--password", PASSWORD)
    clerk = User.objects.get(username="vanthu_stttt")
    draft = Document.objects.get(register__owner=clerk.organization, status=DocumentStatus.DRAFT)

    with time_machine.travel(datetime.datetime(2021, 8, 5, 9, 0, tzinfo=HCM), tick=False):
        issued = document_issue(document=draft, actor=clerk)

    assert issued.notation == "1164/STTTT-TTBCBC"
    assert re.fullmatch(r"\d{2,}/STTTT-TTBCBC", issued.notation)


PLAN_STATUSES = {
    "Thành ủy Mỹ Tho": "accepted",
    "Thị ủy Gò Công": "submitted",
    "Thị ủy Cai Lậy": "submitted",
    "Huyện ủy Cái Bè": "submitted",
    "Huyện ủy Cai Lậy": "submitted",
    "Huyện ủy Châu Thành": "submitted",
    "Huyện ủy Chợ Gạo": "returned",
    "Huyện ủy Tân Phước": "late",
    "Huyện ủy Gò Công Tây": "overdue",
    "Huyện ủy Gò Công Đông": "overdue",
    "Huyện ủy Tân Phú Đông": "overdue",
}


@pytest.mark.django_db
def test_the_plan_asks_the_districts_for_a_report_and_they_answer_in_every_way():
    """95-KH/TU: “gởi báo cáo … trước ngày 01/12/2023” is due 30/11/2023; Tỉnh ủy Tiền Giang's
    leader sees each district's status and the counts."""
    seed()
    leader = User.objects.get(username="lanhdao_tutg")
    plan = Document.objects.get(notation="95-KH/TU")
    obligation = Obligation.objects.get(document=plan)

    assert (obligation.due_on, obligation.organization.name) == (datetime.date(2023, 11, 30), "Tỉnh ủy Tiền Giang")
    assert obligation.title.startswith(
        "Báo cáo tổng kết 35 năm thực hiện khai thác và sử dụng Bản tin Thông tin sinh hoạt chi bộ"
    )
    assert obligation.deadline_text.endswith("trước ngày 01/12/2023")
    rows = assignment_list(user=leader).filter(obligation=obligation)
    assert {row.organization_name: row.status for row in rows} == PLAN_STATUSES

    api = APIClient()
    api.force_authenticate(leader)
    response = api.get(f"/api/v1/compliance/?document={plan.pk}")
    assert response.status_code == 200
    assert response.json()["summary"] == {
        "organizations": 11,
        "counts": {"pending": 0, "submitted": 5, "late": 1, "overdue": 3, "accepted": 1, "returned": 1},
        "on_time_rate": round(7 / 11, 4),
    }
    assert {row["organization_name"]: row["status"] for row in response.json()["results"]} == PLAN_STATUSES

    late = rows.get(organization_name="Huyện ủy Tân Phước")
    assert late.first_submitted_on == datetime.date(2023, 12, 4)
    returned = Submission.objects.get(assignment__organization_name="Huyện ủy Chợ Gạo")
    assert returned.decision == "returned"
    assert returned.review_reason.startswith("Báo cáo chưa đánh giá")


@pytest.mark.django_db
def test_the_districts_reports_are_registered_in_order_with_a_pdf_each():
    seed()
    reports = Document.objects.filter(register__owner__name="Tỉnh ủy Tiền Giang", direction="incoming")
    assert [(d.arrival_number, d.received_at.astimezone(HCM).date()) for d in reports.order_by("received_at")] == [
        (number, datetime.date(2023, 11, day)) for number, day in enumerate((20, 22, 24, 27, 28, 29, 30), start=1)
    ] + [(8, datetime.date(2023, 12, 4))]
    for report in reports:
        (attachment,) = report.attachments.all()
        with attachment.file.open("rb") as handle:
            content = handle.read()
        assert attachment.content_type == "application/pdf"
        assert content.startswith(b"%PDF-1.4\n")
        assert content.endswith(b"%%EOF\n")
        assert report.issuer.name.encode("utf-16-be").hex().upper().encode() in content

    plan = Document.objects.get(notation="95-KH/TU")
    deliveries = Delivery.objects.filter(document=plan)
    assert set(deliveries.values_list("recipient_id", flat=True)) == {
        *(c.pk for c in district_committees("Tiền Giang")),
        org("Ban Tuyên giáo Trung ương").pk,
    }
    assert deliveries.filter(received_at__isnull=False).count() == 8


def test_the_report_pdf_points_its_cross_reference_at_its_objects():
    content = report_pdf(["HUYỆN ỦY CHỢ GẠO", "(mẫu) \\"], title="Huyện ủy Chợ Gạo")
    assert b"(HUYEN UY CHO GAO) Tj T* (\\(mau\\) \\\\) Tj" in content
    xref = int(content.rsplit(b"startxref\n", 1)[1].split()[0])
    entries = content[xref:].split(b"\n")[3:9]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry.split()[0])
        assert content[offset:].startswith(b"%d 0 obj" % number)


@pytest.mark.django_db
def test_an_obligation_stays_open_thirty_days_from_the_day_of_seeding():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=HCM), tick=False):
        seed()
    letter = Document.objects.get(notation="375-CV/BTGTU")
    obligation = Obligation.objects.get(document=letter)
    assert (obligation.due_on, obligation.organization.name) == (
        datetime.date(2026, 4, 1),
        "Ban Tuyên giáo Tỉnh ủy Kiên Giang",
    )
    leader = User.objects.get(username="lanhdao")
    rows = assignment_list(user=leader, today=datetime.date(2026, 3, 2)).filter(obligation=obligation)
    assert {row.organization_name: row.status for row in rows} == {
        "Thành ủy Rạch Giá": "submitted",
        "Thành ủy Hà Tiên": "pending",
        "Thành ủy Phú Quốc": "pending",
        "Huyện ủy Giồng Riềng": "pending",
        "Huyện ủy U Minh Thượng": "pending",
    }
    assert rows.get(organization_name="Thành ủy Rạch Giá").first_submitted_on == datetime.date(2026, 3, 2)

    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, 0, tzinfo=HCM), tick=False):
        before = counts()
        assert "nothing was created" in seed()
    assert counts() == before
    assert Obligation.objects.get(document=letter).due_on == datetime.date(2026, 4, 1)
