import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.errors import Conflict, DomainError, PermissionDenied
from core.models import AuditEvent
from recipients.models import Role
from registry.models import Direction, DocumentStatus
from registry.services import document_register_incoming, document_update
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory, doc_type

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def incoming_register(organization):
    return RegisterFactory(owner=organization, name="Sổ văn bản đến", direction=Direction.INCOMING)


@pytest.fixture
def sender(db):
    return OrganizationFactory(name="Ủy ban nhân dân tỉnh Kiên Giang", abbreviation="UBND")


def receive(register, clerk, **fields):
    data = {
        "subject": "Kế hoạch thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU",
        "notation": "Số: 141/KH-UBND",
        "issued_on": datetime.date(2021, 7, 19),
    }
    data.update(fields)
    return document_register_incoming(register=register, actor=clerk, **data)


@pytest.mark.django_db
def test_received_document_gets_arrival_numbers_in_order_and_its_parsed_notation(incoming_register, clerk, sender):
    first = receive(incoming_register, clerk, sender=sender)
    second = receive(incoming_register, clerk, sender=sender, notation="Số 07-CT/TU", subject="Chỉ thị")

    assert (first.arrival_number, second.arrival_number) == (1, 2)
    assert first.status == DocumentStatus.RECEIVED
    assert (first.notation, first.number, first.doc_type.code, first.system) == ("141/KH-UBND", 141, "KH", "state")
    assert (second.notation, second.doc_type.code, second.system) == ("07-CT/TU", "CT", "party")
    assert first.issuer == sender
    assert first.issuer_name == "Ủy ban nhân dân tỉnh Kiên Giang"
    assert AuditEvent.objects.for_object(first).filter(action="document.register_incoming", actor=clerk).exists()


@pytest.mark.django_db
def test_state_notation_without_type_is_an_official_letter(incoming_register, clerk):
    letter = receive(incoming_register, clerk, notation="1163/STTTT-TTBCBC", sender_name="Sở TT&TT Kiên Giang")
    assert (letter.doc_type.code, letter.issuer_abbreviation, letter.drafting_unit) == ("CV", "STTTT", "TTBCBC")


@pytest.mark.django_db
def test_arrival_numbers_restart_each_year_in_ho_chi_minh_time(incoming_register, clerk, sender):
    with time_machine.travel(datetime.datetime(2021, 12, 31, 23, 0, tzinfo=HCM), tick=False):
        receive(incoming_register, clerk, sender=sender)
        receive(incoming_register, clerk, sender=sender, notation="142/KH-UBND")
    with time_machine.travel(datetime.datetime(2021, 12, 31, 17, 30, tzinfo=datetime.UTC), tick=False):
        new_year = receive(incoming_register, clerk, sender=sender, notation="01/KH-UBND")
    assert new_year.arrival_number == 1


@pytest.mark.django_db
def test_duplicate_number_notation_and_issuer_warns_and_writes_nothing_until_confirmed(
    incoming_register, clerk, sender
):
    """GIVEN 141/KH-UBND from UBND tỉnh already registered WHEN it is registered again
    THEN the clerk is warned with the earlier arrival number and nothing is written,
    unless the clerk confirms."""
    first = receive(incoming_register, clerk, sender=sender)
    with pytest.raises(Conflict) as warned:
        receive(incoming_register, clerk, sender=sender, notation="141/KH-UBND")
    assert warned.value.code == "duplicate_incoming"
    assert warned.value.details["duplicates"][0]["arrival_number"] == first.arrival_number
    assert incoming_register.documents.count() == 1

    again = receive(incoming_register, clerk, sender=sender, confirm_duplicate=True)
    assert again.arrival_number == 2


@pytest.mark.django_db
def test_same_notation_from_another_issuer_is_not_a_duplicate(incoming_register, clerk, sender):
    receive(incoming_register, clerk, sender=sender)
    other = OrganizationFactory(name="Ủy ban nhân dân tỉnh Tiền Giang", abbreviation="UBND")
    assert receive(incoming_register, clerk, sender=other).arrival_number == 2


@pytest.mark.django_db
def test_duplicate_is_found_by_sender_name_when_the_sender_is_not_in_the_directory(incoming_register, clerk):
    receive(incoming_register, clerk, sender_name="Ủy ban nhân dân tỉnh")
    with pytest.raises(Conflict, match="registered already"):
        receive(incoming_register, clerk, sender_name="ỦY BAN NHÂN DÂN TỈNH")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"notation": "Số M/STTTT-TTBCBC"}, "not a number"),
        ({"notation": "375/"}, "375/"),
        ({"sender": None, "sender_name": ""}, "who sent"),
        ({"issued_on": datetime.date(2099, 1, 1)}, "dated after it arrived"),
        ({"subject": "   "}, "subject"),
        ({"subject": "Nội dung\x00"}, "control characters"),
    ],
)
def test_bad_incoming_input_is_refused_with_a_reason(incoming_register, clerk, sender, fields, message):
    data = {"sender": sender, **fields}
    with pytest.raises(DomainError, match=message):
        receive(incoming_register, clerk, **data)
    assert incoming_register.documents.count() == 0


@pytest.mark.django_db
def test_incoming_goes_in_incoming_registers_by_their_clerks(register, incoming_register, clerk, leader, sender):
    with pytest.raises(DomainError, match="outgoing register"):
        receive(register, clerk, sender=sender)
    with pytest.raises(PermissionDenied):
        receive(incoming_register, leader, sender=sender)
    with pytest.raises(PermissionDenied):
        receive(incoming_register, UserFactory(role=Role.CLERK), sender=sender)


@pytest.mark.django_db
def test_transcription_corrections_are_recorded_but_arrival_number_is_fixed(incoming_register, clerk, sender):
    received = receive(incoming_register, clerk, sender=sender, notation="14/KH-UBND")
    corrected = document_update(
        document=received, actor=clerk, changes={"notation": "141/KH-UBND", "handling_unit": "Phòng TTBCBC"}
    )
    assert (corrected.notation, corrected.number) == ("141/KH-UBND", 141)
    event = AuditEvent.objects.for_object(received).get(action="document.update")
    assert event.changes["notation"] == {"before": "14/KH-UBND", "after": "141/KH-UBND"}
    with pytest.raises(DomainError, match="cannot be changed"):
        document_update(document=received, actor=clerk, changes={"confidentiality": "secret"})


@pytest.mark.django_db
def test_incoming_registers_number_per_year_only(organization, clerk):
    from registry.services import register_create

    with pytest.raises(DomainError, match="calendar year"):
        register_create(
            actor=clerk,
            owner=organization,
            name="Sổ đến",
            direction="incoming",
            period_kind="term",
            term_start=datetime.date(2020, 1, 1),
        )
    assert doc_type("CV").is_letter
