"""Importing an incoming register book: arrival numbers and senders."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from core.models import AuditEvent
from core.time import office_today
from registry.imports import register_import
from registry.models import Direction, Document, DocumentStatus, NumberSequence
from registry.services import document_register_incoming
from registry.tests.importing import incoming_row as row
from registry.tests.importing import xlsx_file
from tests.factories import OrganizationFactory, PartyOrganizationFactory, RegisterFactory, doc_type
from tests.register_forms import INCOMING_HEADER

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def incoming_register(organization):
    return RegisterFactory(owner=organization, name="Sổ văn bản đến", direction=Direction.INCOMING)


@pytest.fixture
def province(db):
    return OrganizationFactory(name="Ủy ban nhân dân tỉnh Kiên Giang", short_name="UBND tỉnh", abbreviation="UBND")


@pytest.fixture
def committee(db):
    return PartyOrganizationFactory(name="Tỉnh ủy Kiên Giang", short_name="Tỉnh ủy KG", abbreviation="TU", code="H36")


def book(rows):
    return xlsx_file(rows, header=INCOMING_HEADER)


@pytest.mark.django_db
def test_rows_get_their_arrival_numbers_and_senders_are_matched_or_kept_as_written(
    incoming_register, clerk, province, committee
):
    """GIVEN senders written without diacritics, by short name, by official code,
    and one that is no known organization WHEN the book is imported THEN the
    first three are linked, the fourth keeps its name and is reported."""
    rows = [
        row("05/08/2021", 1, "UY BAN NHAN DAN TINH KIEN GIANG", "141/KH-UBND", "19/07/2021", "Kế hoạch thông tin"),
        row(
            "06/08/2021",
            2,
            "tỉnh ủy kg",
            "Số 07-CT/TU",
            "04/06/2021",
            "Chỉ thị về tuyên truyền",
            handling_unit="P.TTBC",
        ),
        row("07/08/2021", 3, "h36", "95-KH/TU", datetime.datetime(2021, 8, 1), "Tổng kết 35 năm"),
        row("07/08/2021", 4, "Hội Nông dân xã Bình An", "", "", "Giấy mời họp tổng kết", note="Họp ngày 10/8"),
        row("09/08/2021", 5, "Hội Nông dân xã Bình An", "", "", "Báo cáo tình hình"),
        row("10/08/2021", 6, "Tỉnh ủy Kiên Giang", "", "", "Giấy mời dự hội nghị"),
    ]
    report = register_import(register=incoming_register, file=book(rows), filename="den-2021.xlsx", actor=clerk)

    assert not report.refused, report.lines()
    assert report.imported == 6
    documents = {doc.arrival_number: doc for doc in Document.objects.filter(register=incoming_register)}
    plan = documents[1]
    assert (plan.status, plan.direction, plan.notation, plan.number, plan.doc_type.code, plan.system) == (
        DocumentStatus.RECEIVED,
        Direction.INCOMING,
        "141/KH-UBND",
        141,
        "KH",
        "state",
    )
    assert (plan.issuer, plan.issuer_name, plan.subject) == (province, "UY BAN NHAN DAN TINH KIEN GIANG", "Thông tin")
    assert plan.received_at == datetime.datetime(2021, 8, 5, 12, tzinfo=HCM)
    assert plan.issued_on == datetime.date(2021, 7, 19)
    assert plan.arrival_sequence == NumberSequence.objects.get(register=incoming_register)
    assert (documents[2].issuer, documents[2].system, documents[2].handling_unit) == (committee, "party", "P.TTBC")
    assert (documents[3].issuer, documents[3].issued_on) == (committee, datetime.date(2021, 8, 1))
    invitation = documents[4]
    assert (invitation.issuer, invitation.issuer_name, invitation.notation) == (None, "Hội Nông dân xã Bình An", "")
    assert (invitation.doc_type.code, invitation.subject, invitation.note) == ("GM", "Họp tổng kết", "Họp ngày 10/8")
    assert documents[5].doc_type == doc_type("BC")
    # A Party sender's invitation: Giấy mời is a State type only, so the document is read as State.
    assert (documents[6].issuer, documents[6].doc_type.code, documents[6].system) == (committee, "GM", "state")
    assert report.unmatched_senders == {"Hội Nông dân xã Bình An": [5, 6]}
    assert any("Hội Nông dân xã Bình An" in notice and "5, 6" in notice for notice in report.notices)
    assert NumberSequence.objects.get(register=incoming_register).last_number == 6
    assert AuditEvent.objects.get(action="register.import").data["unmatched_senders"] == ["Hội Nông dân xã Bình An"]


@pytest.mark.django_db
def test_arrival_numbers_repeated_or_taken_and_impossible_dates_are_refused(incoming_register, clerk, province):
    earlier = document_register_incoming(
        register=incoming_register,
        actor=clerk,
        subject="Đã vào sổ",
        sender=province,
        notation="140/KH-UBND",
        received_at=datetime.datetime(2021, 8, 2, 9, tzinfo=HCM),
    )
    assert earlier.arrival_number == 1
    before = Document.objects.count()
    rows = [
        row("05/08/2021", 1, "UBND tỉnh", "141/KH-UBND", "19/07/2021", "Số đến đã có"),  # row 2
        row("05/08/2021", 2, "UBND tỉnh", "142/KH-UBND", "19/07/2021", "Tốt"),  # row 3
        row("06/08/2021", 2, "UBND tỉnh", "143/KH-UBND", "19/07/2021", "Số đến lặp"),  # row 4
        row("06/08/2021", 3, "UBND tỉnh", "144/KH-UBND", "20/08/2021", "Ngày văn bản sau ngày đến"),  # row 5
        row("06/08/2021", 0, "", "145/XYZ/UBND/A/B", "19/07/2021", "Nhiều lỗi"),  # row 6
        row("", 5, "UBND tỉnh", "", "", "Không rõ loại"),  # row 7
    ]
    report = register_import(register=incoming_register, file=book(rows), filename="den.xlsx", actor=clerk)

    assert report.refused
    assert [(error.row, error.field) for error in report.errors] == [
        (2, "arrival_number"),
        (4, "arrival_number"),
        (5, "issued_on"),
        (6, "arrival_number"),
        (6, "sender"),
        (6, "notation"),
        (7, "received_on"),
        (7, "subject"),
    ]
    assert "already taken" in report.errors[0].message
    assert "also in row 3" in report.errors[1].message
    assert Document.objects.count() == before


@pytest.mark.django_db
def test_the_next_registered_document_follows_the_imported_arrival_numbers(incoming_register, clerk, province):
    new_year = datetime.date(office_today().year, 1, 1).strftime("%d/%m/%Y")
    rows = [row(new_year, number, "UBND tỉnh", f"{number}/TB-UBND", new_year, "Thông báo") for number in (1, 2, 3)]
    assert register_import(register=incoming_register, file=book(rows), filename="den.xlsx", actor=clerk).imported == 3

    received = document_register_incoming(
        register=incoming_register, actor=clerk, subject="Văn bản mới", sender=province, notation="200/KH-UBND"
    )

    assert received.arrival_number == 4


@pytest.mark.django_db
def test_documents_already_received_or_listed_twice_are_imported_and_named(incoming_register, clerk, province):
    """GIVEN a plan of the province registered from its delivery, and a book kept on
    paper that lists it again (sender written differently) and lists another letter
    twice WHEN the book is imported THEN every row is imported, and the notices name
    the row already received, with its arrival number, and the two rows of the repeat;
    the documents written by the import itself are not taken for duplicates."""
    earlier = document_register_incoming(
        register=incoming_register,
        actor=clerk,
        subject="Kế hoạch thông tin",
        sender=province,
        notation="141/KH-UBND",
        received_at=datetime.datetime(2021, 8, 2, 9, tzinfo=HCM),
    )
    rows = [
        row("05/08/2021", 2, "UY BAN NHAN DAN TINH KIEN GIANG", "Số 141/KH-UBND", "19/07/2021", "Kế hoạch thông tin"),
        row("06/08/2021", 3, "Hội Nông dân xã Bình An", "12/CV-HND", "01/08/2021", "Mời họp"),  # row 3
        row("06/08/2021", 4, "Hội Nông dân xã Bình An", "12/CV-HND", "01/08/2021", "Mời họp"),  # row 4
        row("07/08/2021", 5, "UBND tỉnh", "142/KH-UBND", "19/07/2021", "Kế hoạch khác"),  # row 5
        row("07/08/2021", 6, "Sở Nội vụ", "141/KH-UBND", "19/07/2021", "Cùng số, nơi gửi khác"),  # row 6
    ]
    report = register_import(register=incoming_register, file=book(rows), filename="den.xlsx", actor=clerk)

    assert not report.refused
    assert report.imported == 5
    received = [notice for notice in report.notices if "already received" in notice]
    assert received == [
        f"Row 2: 141/KH-UBND from {province.name} was already received, arrival number "
        f"{earlier.arrival_number} in “{incoming_register.name}”."
    ]
    assert [notice for notice in report.notices if "same received document" in notice] == [
        "Rows 3, 4 are the same received document: 12/CV-HND from Hội Nông dân xã Bình An."
    ]


@pytest.mark.django_db
def test_the_duplicate_check_asks_the_database_once_per_chunk_of_notations(incoming_register, clerk, province):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.imports import duplicates

    rows = [row("05/08/2021", n, "UBND tỉnh", f"{n}/KH-UBND", "19/07/2021", f"Kế hoạch {n}") for n in range(1, 31)]
    with CaptureQueriesContext(connection) as queries:
        report = register_import(register=incoming_register, file=book(rows), filename="den.xlsx", actor=clerk)
    assert report.imported == 30
    asked = [query["sql"] for query in queries if '"registry_document"."notation" IN' in query["sql"]]
    assert len(asked) == 1, f"one query for up to {duplicates.CHUNK} notations"
