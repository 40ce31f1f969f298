import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from core.errors import Conflict, DomainError, PermissionDenied
from core.models import AuditEvent
from recipients.models import Role
from registry.models import Document, DocumentDeletionRefused, DocumentStatus, NumberSequence, PeriodKind, SequenceScope
from registry.services import (
    AddresseeInput,
    DistributionInput,
    document_delete_draft,
    document_issue,
    document_update,
    document_withdraw,
    register_set_opening_number,
    register_update,
)
from tests.factories import PartyOrganizationFactory, RegisterFactory, UserFactory, doc_type

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=HCM)


@pytest.mark.django_db
def test_issue_gives_first_number_notation_date_and_records_who(make_draft, clerk):
    draft = make_draft()
    with time_machine.travel(at(2021, 8, 3), tick=False):
        issued = document_issue(document=draft, actor=clerk)

    assert issued.status == DocumentStatus.ISSUED
    assert issued.number == 1
    assert issued.notation == "01/STTTT-TTBCBC"
    assert issued.issued_on == datetime.date(2021, 8, 3)
    assert issued.issued_by == clerk
    event = AuditEvent.objects.for_object(issued).get(action="document.issue")
    assert event.actor == clerk
    assert event.changes["number"] == {"before": None, "after": 1}


@pytest.mark.django_db
def test_numbers_follow_each_other_across_types_in_a_state_register(make_draft, clerk):
    """GIVEN a State register with one sequence WHEN a letter, a plan and a letter are issued
    THEN they take 01, 02, 03 and the plan's notation carries its type."""
    letter = document_issue(document=make_draft(), actor=clerk)
    plan = document_issue(document=make_draft(doc_type=doc_type("KH"), drafting_unit=""), actor=clerk)
    letter2 = document_issue(document=make_draft(), actor=clerk)
    assert [letter.notation, plan.notation, letter2.notation] == ["01/STTTT-TTBCBC", "02/KH-STTTT", "03/STTTT-TTBCBC"]


@pytest.mark.django_db
def test_state_year_rollover_happens_at_midnight_in_ho_chi_minh_city(make_draft, clerk):
    """GIVEN issues on 31/12 late evening WHEN the clock passes midnight in Asia/Ho_Chi_Minh
    (17:00 UTC, when UTC still says 31/12) THEN numbering starts again at 01 in the new year."""
    with time_machine.travel(at(2021, 12, 31, 23, 59), tick=False):
        last_2021 = [document_issue(document=make_draft(), actor=clerk) for _ in range(3)][-1]
    with time_machine.travel(datetime.datetime(2021, 12, 31, 17, 0, 30, tzinfo=datetime.UTC), tick=False):
        first_2022 = document_issue(document=make_draft(), actor=clerk)
        second_2022 = document_issue(document=make_draft(), actor=clerk)

    assert (last_2021.number, last_2021.issued_on) == (3, datetime.date(2021, 12, 31))
    assert (first_2022.number, first_2022.issued_on) == (1, datetime.date(2022, 1, 1))
    assert second_2022.notation == "02/STTTT-TTBCBC"
    assert NumberSequence.objects.filter(register=first_2022.register).count() == 2


@pytest.mark.django_db
def test_party_register_numbers_per_type_and_restarts_with_the_new_term():
    """GIVEN a Party register numbered per type per term WHEN letters and plans are issued, then a
    new term starts THEN each type counts on its own and every type restarts at 01."""
    board = PartyOrganizationFactory(name="Ban Tuyên giáo Tỉnh ủy Kiên Giang", abbreviation="BTGTU")
    clerk = UserFactory(organization=board, role=Role.CLERK)
    register = RegisterFactory(
        owner=board,
        period_kind=PeriodKind.TERM,
        term_start=datetime.date(2015, 10, 1),
        sequence_scope=SequenceScope.DOC_TYPE,
    )
    from registry.services import document_create_draft

    def issue(code, when):
        draft = document_create_draft(
            register=register,
            actor=clerk,
            doc_type=doc_type(code),
            subject="Về việc thử",
            signer_name="Nguyễn Thanh Phong",
            addressees=[AddresseeInput(text="Các huyện ủy, thành ủy")],
        )
        with time_machine.travel(when, tick=False):
            return document_issue(document=draft, actor=clerk).notation

    assert issue("CV", at(2019, 5, 1)) == "01-CV/BTGTU"
    assert issue("CV", at(2020, 2, 1)) == "02-CV/BTGTU"  # a new year does not restart Party numbers
    assert issue("KH", at(2020, 2, 2)) == "01-KH/BTGTU"
    register_update(register=register, actor=clerk, term_start=datetime.date(2020, 10, 15))
    assert issue("CV", at(2020, 10, 20)) == "01-CV/BTGTU"
    assert issue("KH", at(2020, 10, 21)) == "01-KH/BTGTU"


@pytest.mark.django_db
def test_a_new_term_cannot_start_before_the_last_numbered_document(make_draft, clerk):
    board = PartyOrganizationFactory(abbreviation="TU")
    party_clerk = UserFactory(organization=board, role=Role.CLERK)
    register = RegisterFactory(owner=board, period_kind=PeriodKind.TERM, term_start=datetime.date(2020, 10, 15))
    from registry.services import document_create_draft

    draft = document_create_draft(
        register=register,
        actor=party_clerk,
        doc_type=doc_type("KH"),
        subject="Kế hoạch",
        signer_authority="T/M BAN THƯỜNG VỤ",
    )
    with time_machine.travel(at(2023, 4, 28), tick=False):
        document_issue(document=draft, actor=party_clerk)
    with pytest.raises(Conflict, match="after the last numbered document"):
        register_update(register=register, actor=party_clerk, term_start=datetime.date(2023, 1, 1))


@pytest.mark.django_db
def test_issue_outside_the_registers_term_is_refused(clerk):
    board = PartyOrganizationFactory()
    party_clerk = UserFactory(organization=board, role=Role.CLERK)
    register = RegisterFactory(
        owner=board,
        period_kind=PeriodKind.TERM,
        term_start=datetime.date(2015, 10, 1),
        term_end=datetime.date(2020, 10, 14),
    )
    from registry.services import document_create_draft

    draft = document_create_draft(
        register=register, actor=party_clerk, doc_type=doc_type("CV"), subject="Về việc thử", signer_name="A"
    )
    with time_machine.travel(at(2021, 1, 5), tick=False), pytest.raises(DomainError, match="outside the term"):
        document_issue(document=draft, actor=party_clerk)
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT


@pytest.mark.django_db
def test_opening_number_continues_the_paper_register(clerk, make_draft, register):
    """GIVEN 1163 numbers given on paper this year WHEN the system issues THEN it gives 1164."""
    with time_machine.travel(at(2021, 8, 3), tick=False):
        register_set_opening_number(register=register, actor=clerk, day=datetime.date(2021, 8, 3), last_number=1163)
        issued = document_issue(document=make_draft(), actor=clerk)
        assert issued.notation == "1164/STTTT-TTBCBC"
        with pytest.raises(Conflict, match="already given numbers"):
            register_set_opening_number(register=register, actor=clerk, day=datetime.date(2021, 8, 3), last_number=2000)


@pytest.mark.django_db
def test_rolled_back_issue_gives_its_number_back(make_draft, clerk):
    """GIVEN an issue inside a transaction that then fails WHEN the next draft is issued
    THEN it takes the number the failed one had: no gap."""
    first, second = make_draft(), make_draft()
    with pytest.raises(RuntimeError), transaction.atomic():
        document_issue(document=first, actor=clerk)
        raise RuntimeError("printer on fire")
    first.refresh_from_db()
    assert first.status == DocumentStatus.DRAFT
    assert first.number is None
    assert document_issue(document=second, actor=clerk).number == 1
    assert document_issue(document=first, actor=clerk).number == 2


@pytest.mark.django_db
def test_issuing_twice_is_refused(make_draft, clerk):
    issued = document_issue(document=make_draft(), actor=clerk)
    with pytest.raises(Conflict, match="only drafts are issued"):
        document_issue(document=issued, actor=clerk)


@pytest.mark.django_db
def test_only_the_registers_clerks_issue(make_draft, leader):
    other_clerk = UserFactory(role=Role.CLERK)
    draft = make_draft()
    for actor in (leader, other_clerk):
        with pytest.raises(PermissionDenied):
            document_issue(document=draft, actor=actor)


@pytest.mark.django_db
def test_draft_missing_signer_or_file_copy_line_cannot_be_issued(make_draft, clerk):
    with pytest.raises(DomainError, match="signer"):
        document_issue(document=make_draft(signer_name="", signer_title=""), actor=clerk)
    no_file_copy = make_draft(distribution=[DistributionInput(kind="as_above")])
    with pytest.raises(DomainError, match="file copy"):
        document_issue(document=no_file_copy, actor=clerk)
    with pytest.raises(DomainError, match="drafting unit"):
        document_issue(document=make_draft(drafting_unit=""), actor=clerk)


@pytest.mark.django_db
def test_future_and_out_of_order_backdating_are_refused(make_draft, clerk):
    with time_machine.travel(at(2021, 8, 10), tick=False):
        with pytest.raises(DomainError, match="future"):
            document_issue(document=make_draft(), actor=clerk, issued_on=datetime.date(2021, 8, 11))
        late = document_issue(document=make_draft(), actor=clerk, issued_on=datetime.date(2021, 8, 9))
        assert (late.number, late.issued_on) == (1, datetime.date(2021, 8, 9))
        document_issue(document=make_draft(), actor=clerk)
        with pytest.raises(DomainError, match="later-dated"):
            document_issue(document=make_draft(), actor=clerk, issued_on=datetime.date(2021, 8, 9))
        assert document_issue(document=make_draft(), actor=clerk).number == 3


@pytest.mark.django_db
def test_confidential_documents_take_their_own_series(clerk, organization):
    register = RegisterFactory(owner=organization, confidential_series=True)
    clerk.clearance = "secret"  # Tối mật: writing confidential documents needs the clearance for them
    from registry.services import document_create_draft

    def issue(confidentiality):
        draft = document_create_draft(
            register=register,
            actor=clerk,
            doc_type=doc_type("BC"),
            subject="Báo cáo",
            signer_name="A",
            confidentiality=confidentiality,
        )
        return document_issue(document=draft, actor=clerk).number

    assert [issue("normal"), issue("confidential"), issue("secret"), issue("normal")] == [1, 1, 2, 2]


@pytest.mark.django_db
def test_withdrawal_keeps_the_number_and_freezes_the_document(make_draft, clerk):
    issued = document_issue(document=make_draft(), actor=clerk)
    with pytest.raises(DomainError, match="why"):
        document_withdraw(document=issued, actor=clerk, reason="  ")
    withdrawn = document_withdraw(document=issued, actor=clerk, reason="Sai nội dung, thay bằng văn bản khác")
    assert (withdrawn.status, withdrawn.number, withdrawn.notation) == (DocumentStatus.WITHDRAWN, 1, "01/STTTT-TTBCBC")
    with pytest.raises(DomainError, match="cannot be changed"):
        document_update(document=withdrawn, actor=clerk, changes={"copies": 3})
    assert document_issue(document=make_draft(), actor=clerk).number == 2
    assert AuditEvent.objects.for_object(withdrawn).filter(action="document.withdraw").exists()


@pytest.mark.django_db
def test_issued_documents_are_never_deleted(make_draft, clerk):
    issued = document_issue(document=make_draft(), actor=clerk)
    with pytest.raises(Conflict, match="never deleted"):
        document_delete_draft(document=issued, actor=clerk)
    with pytest.raises(DocumentDeletionRefused):
        issued.delete()
    with pytest.raises(DocumentDeletionRefused):
        Document.objects.filter(pk=issued.pk).delete()
    draft = make_draft()
    document_delete_draft(document=draft, actor=clerk)
    assert not Document.objects.filter(pk=draft.pk).exists()
    assert Document.objects.filter(pk=issued.pk).exists()


@pytest.mark.django_db
@pytest.mark.postgres
def test_postgres_trigger_refuses_deleting_an_issued_document_even_in_raw_sql(make_draft, clerk):
    issued = document_issue(document=make_draft(), actor=clerk)
    with pytest.raises(IntegrityError, match="never be deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_document WHERE id = %s", [issued.pk])
    assert Document.objects.filter(pk=issued.pk).exists()


@pytest.mark.django_db
def test_database_refuses_changing_a_given_number_even_in_raw_sql(make_draft, clerk):
    issued = document_issue(document=make_draft(), actor=clerk)
    for statement in (
        "UPDATE registry_document SET number = 99 WHERE id = %s",
        "UPDATE registry_document SET notation = '99/STTTT-TTBCBC' WHERE id = %s",
        "UPDATE registry_document SET status = 'draft' WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [issued.pk])
    issued.refresh_from_db()
    assert (issued.number, issued.notation, issued.status) == (1, "01/STTTT-TTBCBC", DocumentStatus.ISSUED)


@pytest.mark.django_db
def test_issued_document_refuses_content_changes_and_audits_register_columns(make_draft, clerk):
    issued = document_issue(document=make_draft(), actor=clerk)
    with pytest.raises(DomainError, match="cannot be changed") as refused:
        document_update(document=issued, actor=clerk, changes={"subject": "Nội dung khác"})
    assert refused.value.details["fields"] == ["subject"]
    with pytest.raises(DomainError, match="addressees"):
        document_update(document=issued, actor=clerk, changes={}, addressees=[AddresseeInput(text="Báo Kiên Giang")])

    document_update(document=issued, actor=clerk, changes={"copies": 25, "transferred_on": datetime.date(2021, 8, 4)})
    event = AuditEvent.objects.for_object(issued).get(action="document.update")
    assert event.actor == clerk
    assert event.changes["copies"] == {"before": None, "after": 25}
    assert event.changes["transferred_on"] == {"before": None, "after": "2021-08-04"}
    issued.refresh_from_db()
    assert issued.subject == "Thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU"


@pytest.mark.django_db
def test_issue_keeps_the_issuers_names_of_the_day(make_draft, clerk, organization):
    """GIVEN an issued document WHEN the issuer is later renamed THEN the document still reads the old names."""
    issued = document_issue(document=make_draft(), actor=clerk)
    organization.name = "Sở Khoa học và Công nghệ"
    organization.header_name = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    organization.save()
    issued.refresh_from_db()
    assert issued.issuer_name == "Sở Thông tin và Truyền thông"
    assert issued.issuer_header_name == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"


@pytest.mark.django_db
def test_issue_takes_the_issuers_current_name_when_it_changed_since_drafting(make_draft, clerk, organization):
    draft = make_draft()
    organization.name = "Sở Văn hóa, Thể thao và Du lịch"
    organization.save()
    issued = document_issue(document=draft, actor=clerk)
    issued.refresh_from_db()
    assert issued.issuer_name == "Sở Văn hóa, Thể thao và Du lịch"
    assert "so van hoa, the thao va du lich" in issued.search_text
    assert issued.search_text.startswith("01/stttt-ttbcbc ")
    assert "cac so, ban, nganh cap tinh" in issued.search_text
