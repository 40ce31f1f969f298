import datetime

import pytest
import time_machine

from core.errors import Conflict, DomainError, PermissionDenied
from core.models import AuditEvent
from dispatch.models import Notification, Submission
from dispatch.selectors import assignment_list
from dispatch.services import (
    assignment_set_due_date,
    obligation_add_organizations,
    obligation_create,
    obligation_update,
    submission_create,
    submission_record_paper,
    submission_review,
)
from dispatch.tests.conftest import at, fake_upload, pdf
from registry.models import Document, DocumentStatus, ReferenceRelation
from tests.factories import PartyOrganizationFactory, UserFactory

DUE = datetime.date(2023, 11, 30)


@pytest.fixture
def obligation(world):
    return obligation_create(
        document=world.plan,
        actor=world.clerk,
        title="Báo cáo tổng kết 35 năm Bản tin sinh hoạt chi bộ",
        due_on=DUE,
        organizations=[world.districts[0], world.province],
        groups=[world.group],
    )


def statuses(world, today):
    rows = assignment_list(user=world.clerk, today=today).order_by("organization_name")
    return {row.organization_name: row.status for row in rows}


def submit(world, obligation, index, when, **kwargs):
    with time_machine.travel(when, tick=False):
        return submission_create(obligation=obligation, actor=world.reporters[index], files=[pdf()], **kwargs)


@pytest.mark.django_db
def test_obligation_reaches_organizations_and_groups_but_not_the_requester(world, obligation):
    assert {a.organization_name for a in obligation.assignments.all()} == {
        "Huyện ủy Cái Bè",
        "Huyện ủy Chợ Gạo",
        "Thành ủy Mỹ Tho",
    }
    assert {a.due_on for a in obligation.assignments.all()} == {DUE}
    assert obligation.organization == world.province
    told = Notification.objects.filter(kind="obligation").values_list("user__username", flat=True)
    assert set(told) == {"huyen_0", "huyen_1", "huyen_2", "vanthu_huyen_0", "vanthu_huyen_1", "vanthu_huyen_2"}
    assert AuditEvent.objects.for_object(obligation).get().action == "obligation.create"


@pytest.mark.django_db
def test_statuses_follow_reports_and_whole_days_in_ho_chi_minh_city(world, obligation):
    """GIVEN due 30/11/2023 WHEN Mỹ Tho reports at 23:30 on 30/11 and Cái Bè at 00:10 on 01/12
    (still 30/11 in UTC) THEN Mỹ Tho is on time, Cái Bè late, Chợ Gạo pending until the day passes."""
    assert set(statuses(world, datetime.date(2023, 11, 1)).values()) == {"pending"}
    submit(world, obligation, 0, at(2023, 11, 30, 23, 30))
    submit(world, obligation, 1, at(2023, 12, 1, 0, 10))
    assert statuses(world, DUE) == {
        "Thành ủy Mỹ Tho": "submitted",
        "Huyện ủy Cái Bè": "late",
        "Huyện ủy Chợ Gạo": "pending",
    }
    assert statuses(world, datetime.date(2023, 12, 1))["Huyện ủy Chợ Gạo"] == "overdue"


@pytest.mark.django_db
def test_return_resubmit_accept_keeps_every_version(world, obligation):
    first = submit(world, obligation, 0, at(2023, 11, 20))
    with pytest.raises(DomainError, match="revised"):
        submission_review(submission=first, actor=world.clerk, decision="returned", reason=" ")
    submission_review(submission=first, actor=world.clerk, decision="returned", reason="Thiếu số liệu năm 2023")
    assert statuses(world, DUE)["Thành ủy Mỹ Tho"] == "returned"
    assert Notification.objects.filter(kind="submission_returned", user=world.reporters[0]).exists()

    second = submit(world, obligation, 0, at(2023, 12, 5))
    assert second.version == 2
    # Judged by the first report, which came on time; the revision was asked for.
    assert statuses(world, datetime.date(2023, 12, 6))["Thành ủy Mỹ Tho"] == "submitted"
    with pytest.raises(Conflict, match="latest"):
        submission_review(submission=first, actor=world.clerk, decision="accepted")
    submission_review(submission=second, actor=world.clerk, decision="accepted")
    assert statuses(world, datetime.date(2023, 12, 6))["Thành ủy Mỹ Tho"] == "accepted"
    assert list(
        Submission.objects.filter(assignment__organization=world.districts[0]).values_list("version", "decision")
    ) == [
        (1, "returned"),
        (2, "accepted"),
    ]
    with pytest.raises(Conflict, match="accepted"):
        submit(world, obligation, 0, at(2023, 12, 7))


@pytest.mark.django_db
def test_submission_is_registered_as_incoming_with_a_receipt(world, obligation):
    submission = submit(world, obligation, 1, at(2023, 11, 25), note="Báo cáo tổng kết", report_notation="Số 45-BC/HU")
    incoming = submission.incoming_document
    assert incoming.register == world.incoming
    assert incoming.arrival_number == 1
    assert incoming.status == DocumentStatus.RECEIVED
    assert incoming.issuer == world.districts[1]
    assert (incoming.notation, incoming.doc_type.code) == ("45-BC/HU", "BC")
    assert incoming.references.get().relation == ReferenceRelation.ANSWERS
    assert incoming.references.get().target == world.plan
    assert [a.original_name for a in incoming.attachments.all()] == ["bao-cao.pdf"]
    assert submission.report_notation == "45-BC/HU"
    assert Notification.objects.filter(kind="submission", user=world.clerk).exists()


@pytest.mark.django_db
def test_wrong_submissions_are_refused_and_leave_nothing(world, obligation):
    outsider = UserFactory(organization=PartyOrganizationFactory(name="Huyện ủy Tân Phước"), role="reporter")
    documents_before = Document.objects.count()
    with pytest.raises(PermissionDenied, match="not obligated"):
        submission_create(obligation=obligation, actor=outsider, files=[pdf()])
    with pytest.raises(PermissionDenied, match="own organization"):
        submission_create(
            obligation=obligation, actor=world.reporters[0], files=[pdf()], organization=world.districts[1]
        )
    with pytest.raises(PermissionDenied):
        submission_create(obligation=obligation, actor=world.leader, files=[pdf()])
    with pytest.raises(DomainError, match="content was checked"):
        submission_create(
            obligation=obligation,
            actor=world.reporters[0],
            files=[pdf(), fake_upload("bao-cao.pdf", b"MZ\x90 not a pdf")],
        )
    with pytest.raises(DomainError, match="at least one"):
        submission_create(obligation=obligation, actor=world.reporters[0], files=[])
    with pytest.raises(DomainError, match="issuer abbreviation is missing"):
        submission_create(obligation=obligation, actor=world.reporters[0], files=[pdf()], report_notation="45/")
    assert Document.objects.count() == documents_before
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_paper_reports_count_from_when_they_arrived(world, obligation):
    submission_record_paper(
        obligation=obligation,
        organization=world.districts[2],
        actor=world.clerk,
        received_at=at(2023, 11, 29, 15),
        files=[pdf("scan.pdf")],
    )
    assert statuses(world, datetime.date(2023, 12, 10))["Huyện ủy Chợ Gạo"] == "submitted"
    with pytest.raises(PermissionDenied):
        submission_record_paper(
            obligation=obligation,
            organization=world.districts[1],
            actor=world.reporters[1],
            received_at=at(2023, 11, 29),
            files=[pdf()],
        )


@pytest.mark.django_db
def test_own_due_dates_and_changes_of_the_obligation(world, obligation):
    cai_be = obligation.assignments.get(organization=world.districts[1])
    assignment_set_due_date(assignment=cai_be, actor=world.clerk, due_on=datetime.date(2023, 12, 15))
    obligation_update(obligation=obligation, actor=world.clerk, due_on=datetime.date(2023, 12, 5))
    assert dict(obligation.assignments.values_list("organization_name", "due_on")) == {
        "Thành ủy Mỹ Tho": datetime.date(2023, 12, 5),
        "Huyện ủy Cái Bè": datetime.date(2023, 12, 15),
        "Huyện ủy Chợ Gạo": datetime.date(2023, 12, 5),
    }
    newcomer = PartyOrganizationFactory(name="Huyện ủy Tân Phước", level="district")
    added = obligation_add_organizations(obligation=obligation, actor=world.clerk, organizations=[newcomer])
    assert [a.organization_name for a in added] == ["Huyện ủy Tân Phước"]
    with pytest.raises(DomainError, match="already obligated"):
        obligation_add_organizations(obligation=obligation, actor=world.clerk, organizations=[newcomer])
    with pytest.raises(PermissionDenied):
        obligation_update(obligation=obligation, actor=world.leader, title="Khác")


@pytest.mark.django_db
def test_obligations_need_an_issued_document_of_the_clerks_register(world):
    from registry.services import document_create_draft
    from tests.factories import doc_type

    draft = document_create_draft(
        register=world.outgoing, actor=world.clerk, doc_type=doc_type("KH"), subject="Dự thảo", signer_name="A"
    )
    with pytest.raises(Conflict, match="issued"):
        obligation_create(document=draft, actor=world.clerk, title="Báo cáo", due_on=DUE, organizations=world.districts)
    with pytest.raises(PermissionDenied):
        obligation_create(
            document=world.plan, actor=world.leader, title="Báo cáo", due_on=DUE, organizations=world.districts
        )
    with pytest.raises(DomainError, match="organizations that must report"):
        obligation_create(
            document=world.plan, actor=world.clerk, title="Báo cáo", due_on=DUE, organizations=[world.province]
        )
