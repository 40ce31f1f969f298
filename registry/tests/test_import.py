"""Importing an outgoing register book: all or nothing, numbers that stay legal."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from core.errors import PermissionDenied
from core.models import AuditEvent
from core.time import office_today
from recipients.models import Role
from registry.imports import register_import
from registry.models import Document, DocumentStatus, NumberSequence, PeriodKind, SequenceScope
from registry.services import document_issue, register_set_opening_number
from registry.tests.importing import outgoing_row as row
from registry.tests.importing import xlsx_file
from tests.factories import PartyOrganizationFactory, RegisterFactory, UserFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")

GOOD_ROWS = [
    row(
        "1163/STTTT-TTBCBC",
        "03/08/2021",
        "Công văn V/v thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU",
        signer_name="Lâm Văn Sển",
        distribution="- Như trên;\n- UBND tỉnh (b/c);\n- Lưu: VT, TTBCBC.",
        file_copy_holder="VT, TTBCBC",
        copies=5,
        transferred_on="04/08/2021",
        receipt_signature="Nguyễn Thị Hoa",
    ),
    row("141/KH-STTTT", datetime.datetime(2021, 8, 5), "Kế hoạch tuyên truyền chuyển đổi số", signer_name="Lê Văn A"),
]
BAD_ROWS = [
    row("STTTT-1164", "04/08/2021", "Ký hiệu không có số"),  # row 4: bad notation
    row("1165/STTTT-TTBCBC", "31/02/2021", "Ngày không có thật"),  # row 5: bad date
    row("1163/BC-STTTT", "06/08/2021", "Báo cáo trùng số"),  # row 6: 1163 again in the 2021 sequence
    row("01/STTTT-VP", "02/08/2021", "Trùng số đã cấp trong hệ thống"),  # row 7: number 1 already issued
    row("1166/STTTT-TTBCBC", "07/08/2021", "   "),  # row 8: no subject
    row("15/ABC-STTTT", "07/08/2021", "Loại văn bản lạ"),  # row 9: ABC is no type
]


def counts():
    return (Document.objects.count(), NumberSequence.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def issued_in_2021(make_draft, clerk):
    """Number 1 of 2021, given by the system."""
    return document_issue(document=make_draft(), actor=clerk, issued_on=datetime.date(2021, 8, 2))


@pytest.mark.django_db
def test_a_file_with_bad_rows_is_refused_whole_naming_each_row_and_reason(register, clerk, issued_in_2021):
    """GIVEN two good rows and six bad ones (rows 4–9) WHEN the file is imported
    THEN nothing is written, and each bad row is reported with its reason."""
    before = counts()
    sequence = issued_in_2021.sequence

    report = register_import(
        register=register, file=xlsx_file([*GOOD_ROWS, *BAD_ROWS]), filename="so-di-2021.xlsx", actor=clerk
    )

    assert report.refused
    assert report.bad_rows == [4, 5, 6, 7, 8, 9]
    found = {(error.row, error.field): error.message for error in report.errors}
    assert set(found) == {(4, "notation"), (5, "issued_on"), (6, "notation"), (7, "notation"), (8, "subject")} | {
        (9, "notation")
    }
    assert "STTTT-1164" in found[4, "notation"]
    assert "31/02/2021" in found[5, "issued_on"]
    assert "1163" in found[6, "notation"]
    assert "row 2" in found[6, "notation"]
    assert "already taken" in found[7, "notation"]
    assert "must be filled in" in found[8, "subject"]
    assert "ABC" in found[9, "notation"]
    assert {error.column for error in report.errors if error.row == 5} == {"Ngày tháng"}
    assert (report.rows, report.imported) == (8, 0)
    assert counts() == before
    sequence.refresh_from_db()
    assert sequence.last_number == 1
    assert "Nothing was imported" in report.outcome()
    assert any(line.startswith("Row 9, Số, ký hiệu: ") for line in report.lines())


@pytest.mark.django_db
def test_the_fixed_file_imports_completely_with_the_right_fields(register, clerk, issued_in_2021):
    documents, sequences, events = counts()

    report = register_import(register=register, file=xlsx_file(GOOD_ROWS), filename="so-di-2021.xlsx", actor=clerk)

    assert not report.refused, report.lines()
    assert (report.rows, report.imported) == (2, 2)
    assert counts() == (documents + 2, sequences, events + 1)
    letter = Document.objects.get(register=register, number=1163)
    assert (letter.status, letter.notation, letter.doc_type.code, letter.system) == (
        DocumentStatus.ISSUED,
        "1163/STTTT-TTBCBC",
        "CV",
        "state",
    )
    assert letter.sequence == issued_in_2021.sequence
    assert (letter.issuer_abbreviation, letter.drafting_unit, letter.type_abbreviation) == ("STTTT", "TTBCBC", "")
    assert letter.issued_on == datetime.date(2021, 8, 3)
    assert letter.issued_at == datetime.datetime(2021, 8, 3, 12, tzinfo=HCM)
    assert (letter.issued_by, letter.created_by, letter.issuer) == (None, clerk, register.owner)
    assert letter.subject == "thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU"
    assert (letter.signer_name, letter.copies, letter.file_copy_holder) == ("Lâm Văn Sển", 5, "VT, TTBCBC")
    assert (letter.transferred_on, letter.receipt_signature) == (datetime.date(2021, 8, 4), "Nguyễn Thị Hoa")
    assert [line.text for line in letter.distribution.order_by("position")] == [
        "Như trên",
        "UBND tỉnh (b/c)",
        "Lưu: VT, TTBCBC",
    ]
    assert letter.search_text.startswith("1163/stttt-ttbcbc ")
    assert "tuyen truyen" in letter.search_text
    assert "lam van sen" in letter.search_text
    plan = Document.objects.get(register=register, number=141)
    assert (plan.notation, plan.doc_type.code, plan.subject) == ("141/KH-STTTT", "KH", "Tuyên truyền chuyển đổi số")
    assert plan.issued_on == datetime.date(2021, 8, 5)

    event = AuditEvent.objects.get(action="register.import")
    assert (event.actor, event.object_id, event.data["file"], event.data["documents"]) == (
        clerk,
        str(register.pk),
        "so-di-2021.xlsx",
        2,
    )
    label = str(issued_in_2021.sequence)
    assert event.changes == {label: {"before": 1, "after": 1163}}
    assert [(result.highest, result.last_number) for result in report.sequences] == [(1163, 1163)]
    assert any("2–140" in notice for notice in report.notices)


@pytest.mark.django_db
def test_the_next_issued_number_follows_the_imported_maximum(register, clerk, make_draft):
    """GIVEN a book of this year ending at 1163 WHEN it is imported
    THEN the next document the system issues is number 1164."""
    new_year = datetime.date(office_today().year, 1, 1).strftime("%d/%m/%Y")
    rows = [row(f"{number}/STTTT-TTBCBC", new_year, f"Văn bản số {number}") for number in (1161, 1162, 1163)]
    assert not register_import(register=register, file=xlsx_file(rows), filename="book.xlsx", actor=clerk).refused

    issued = document_issue(document=make_draft(), actor=clerk)

    assert (issued.number, issued.notation) == (1164, "1164/STTTT-TTBCBC")


@pytest.mark.django_db
def test_a_counter_is_never_lowered_and_numbers_given_on_paper_can_be_recorded(register, clerk, make_draft):
    """GIVEN numbers 1..2000 of this year recorded as given on paper WHEN the
    first pages of that paper book (1–3) are imported THEN they become documents
    and the system still continues at 2001."""
    today = office_today()
    register_set_opening_number(register=register, actor=clerk, day=today, last_number=2000)
    first_day = datetime.date(today.year, 1, 1).strftime("%d/%m/%Y")
    rows = [row(f"0{number}/STTTT-VP", first_day, f"Văn bản số {number}") for number in (1, 2, 3)]

    report = register_import(register=register, file=xlsx_file(rows), filename="book.xlsx", actor=clerk)

    assert (report.imported, report.sequences[0].last_number) == (3, 2000)
    assert Document.objects.filter(register=register, number__in=[1, 2, 3]).count() == 3
    assert document_issue(document=make_draft(), actor=clerk).number == 2001


@pytest.mark.django_db
def test_party_numbers_run_per_type_within_the_term(db):
    """GIVEN a Party register numbered per type over the 2020–2025 term WHEN a
    book has 12-CV and 12-KH THEN both import, each into its type's counter;
    a row dated before the term is refused."""
    party = PartyOrganizationFactory(name="Ban Tuyên giáo Tỉnh ủy", abbreviation="BTGTU")
    clerk = UserFactory(organization=party, role=Role.CLERK)
    register = RegisterFactory(
        owner=party,
        period_kind=PeriodKind.TERM,
        term_start=datetime.date(2020, 10, 15),
        sequence_scope=SequenceScope.DOC_TYPE,
    )
    rows = [
        row("Số 12-CV/BTGTU", "03/08/2021", "Thay đổi hình thức phát hành Bản tin"),
        row("12-KH/BTGTU", "04/08/2021", "Kế hoạch tổng kết 35 năm Bản tin"),
        row("13-KH/BTGTU", "05/08/2021", "Tổng kết công tác"),
    ]
    report = register_import(register=register, file=xlsx_file(rows), filename="d.xlsx", actor=clerk)
    assert report.imported == 3, report.lines()
    by_type = {
        sequence.doc_type.code: sequence.last_number for sequence in NumberSequence.objects.filter(register=register)
    }
    assert by_type == {"CV": 12, "KH": 13}
    assert Document.objects.get(register=register, notation="12-KH/BTGTU").subject == "Tổng kết 35 năm Bản tin"

    early = register_import(
        register=register,
        file=xlsx_file([row("14-KH/BTGTU", "01/10/2020", "Trước nhiệm kỳ"), row("141/KH-UBND", "02/11/2020", "X")]),
        filename="d.xlsx",
        actor=clerk,
    )
    assert [(error.row, error.field) for error in early.errors] == [(2, "issued_on"), (3, "notation")]
    assert "not a Party notation" in early.errors[1].message


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["reporter", "other clerk"])
def test_only_the_registers_clerks_may_import(register, who):
    other = UserFactory(role=Role.CLERK) if who == "other clerk" else None
    actor = other or UserFactory(organization=register.owner, role=Role.REPORTER)
    before = counts()
    with pytest.raises(PermissionDenied):
        register_import(register=register, file=xlsx_file(GOOD_ROWS), filename="x.xlsx", actor=actor)
    assert counts() == before


@pytest.mark.django_db
def test_an_administrator_may_import_and_a_dry_run_writes_nothing(register):
    admin = UserFactory(organization=None, role=Role.ADMIN)
    before = counts()
    report = register_import(register=register, file=xlsx_file(GOOD_ROWS), filename="x.xlsx", actor=admin, dry_run=True)
    assert (report.refused, report.rows, report.imported) == (False, 2, 0)
    assert "dry run" in report.outcome()
    assert counts() == before
    assert register_import(register=register, file=xlsx_file(GOOD_ROWS), filename="x.xlsx", actor=admin).imported == 2


@pytest.mark.django_db
def test_a_missing_required_column_is_named_with_the_header_row(register, clerk):
    header = ["Số, ký hiệu", "Tên loại và trích yếu nội dung", "Người ký", "STT"]
    report = register_import(
        register=register,
        file=xlsx_file([["1/STTTT-VP", "Văn bản", "A", 1]], header=header),
        filename="x.xlsx",
        actor=clerk,
    )
    assert [(error.row, error.field) for error in report.errors] == [(1, "")]
    assert "“Ngày tháng”" in report.errors[0].message
    assert "Required columns are missing" in report.errors[0].message
