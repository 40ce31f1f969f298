"""The admin's register import (django-import-export): preview, then confirm."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from core.tests import messages_of
from registry.models import Direction, Document, NumberSequence
from registry.services import document_issue
from registry.tests.importing import TITLE_ROWS, incoming_row, xlsx_file
from registry.tests.importing import outgoing_row as row
from tests.factories import RegisterFactory
from tests.register_forms import INCOMING_HEADER

IMPORT = reverse("admin:registry_document_import")
CONFIRM = reverse("admin:registry_document_process_import")
GOOD = [
    row("01/STTTT-VP", "03/08/2021", "Công văn V/v họp giao ban", distribution="Như trên\nLưu: VT"),
    row("02/KH-STTTT", datetime.datetime(2021, 8, 4), "Kế hoạch tuyên truyền"),
]


@pytest.fixture
def admin_client(admin_client):
    """The admin in English, so the messages checked here stay as written once translated."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def preview(client, register, content, name="so-di.xlsx"):
    upload = SimpleUploadedFile(name, content.getvalue())
    return client.post(IMPORT, {"register": register.pk, "format": "0", "resource": "0", "import_file": upload})


def confirm(client, response):
    data = {name: value for name, value in response.context["confirm_form"].initial.items() if value is not None}
    return client.post(CONFIRM, data)


@pytest.mark.django_db
def test_the_import_page_asks_for_the_register_and_lists_the_columns(admin_client, register):
    page = admin_client.get(IMPORT)
    assert page.status_code == 200
    content = page.content.decode()
    assert register.name in content
    assert "Tên loại và trích yếu nội dung" in content
    assert "Tác giả" in content
    assert IMPORT in admin_client.get(reverse("admin:registry_document_changelist")).content.decode()


@pytest.mark.django_db
def test_the_preview_names_every_bad_row_by_its_spreadsheet_number_and_writes_nothing(admin_client, register):
    """GIVEN a book with four title rows, its header on row 5 and bad rows 7 and 9
    WHEN it is uploaded THEN the preview lists rows 7 and 9 with their reasons,
    offers no confirmation, and nothing is written."""
    rows = [GOOD[0], row("02/STTTT-VP", "32/08/2021", "Ngày sai"), GOOD[1], row("01/BC-STTTT", "05/08/2021", "")]
    before = (Document.objects.count(), NumberSequence.objects.count())

    response = preview(admin_client, register, xlsx_file(rows, title=TITLE_ROWS))

    assert response.status_code == 200
    result = response.context["result"]
    assert [invalid.number for invalid in result.invalid_rows] == [7, 9]
    assert result.invalid_rows[0].field_specific_errors == {"Ngày tháng": ["“32/08/2021” is not a real date."]}
    assert set(result.invalid_rows[1].field_specific_errors) == {"Số, ký hiệu", "Tên loại và trích yếu nội dung"}
    assert "also in row 6" in result.invalid_rows[1].field_specific_errors["Số, ký hiệu"][0]
    assert "confirm_form" not in response.context
    page = response.content.decode()
    assert "“32/08/2021” is not a real date." in page
    assert "also in row 6" in page
    assert (Document.objects.count(), NumberSequence.objects.count()) == before


@pytest.mark.django_db
def test_a_file_without_the_register_columns_is_refused_with_its_reason(admin_client, register):
    response = preview(admin_client, register, xlsx_file([["x"]], header=INCOMING_HEADER))
    errors = [str(error.error) for error in response.context["result"].base_errors]
    assert len(errors) == 1
    assert "incoming register" in errors[0]
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_an_unreadable_file_is_a_form_error(admin_client, register):
    upload = SimpleUploadedFile("so.xls", b"\xd0\xcf\x11\xe0 old excel")
    response = admin_client.post(IMPORT, {"register": register.pk, "format": "0", "import_file": upload})
    assert ".xls" in str(response.context["form"].errors["import_file"])


@pytest.mark.django_db
def test_confirming_a_clean_preview_imports_the_whole_file(admin_client, admin_user, register):
    response = preview(admin_client, register, xlsx_file(GOOD))
    assert response.context["result"].totals["new"] == 2
    assert not Document.objects.filter(register=register).exists()

    done = confirm(admin_client, response)

    assert done.status_code == 302
    documents = Document.objects.filter(register=register).order_by("number")
    assert [(doc.number, doc.notation, doc.status, doc.subject) for doc in documents] == [
        (1, "01/STTTT-VP", "issued", "họp giao ban"),
        (2, "02/KH-STTTT", "issued", "Tuyên truyền"),
    ]
    assert [line.text for line in documents[0].distribution.order_by("position")] == ["Như trên", "Lưu: VT"]
    assert NumberSequence.objects.get(register=register).last_number == 2
    event = AuditEvent.objects.get(action="register.import")
    assert (event.actor, event.data["file"], event.data["documents"]) == (admin_user, "so-di.xlsx", 2)
    assert any("Imported 2 documents" in text for _level, text in messages_of(done))


@pytest.mark.django_db
def test_confirm_imports_nothing_when_a_number_was_taken_after_the_preview(admin_client, register, make_draft, clerk):
    response = preview(admin_client, register, xlsx_file(GOOD))
    assert "confirm_form" in response.context
    document_issue(document=make_draft(), actor=clerk, issued_on=datetime.date(2021, 8, 1))  # takes number 1

    refused = confirm(admin_client, response)

    assert refused.status_code == 302
    assert refused.url == IMPORT
    assert Document.objects.filter(register=register).count() == 1
    assert NumberSequence.objects.get(register=register).last_number == 1
    texts = [text for _level, text in messages_of(refused)]
    assert "Nothing was imported." in texts
    assert any(text.startswith("Row 2, Số, ký hiệu: Number 1 is already taken") for text in texts)
    assert not AuditEvent.objects.filter(action="register.import").exists()


@pytest.mark.django_db
def test_incoming_preview_reports_senders_kept_as_written(admin_client, organization):
    register = RegisterFactory(owner=organization, name="Sổ văn bản đến", direction=Direction.INCOMING)
    rows = [incoming_row("05/08/2021", 1, "Hội Nông dân xã Bình An", "12/BC-HND", "01/08/2021", "Báo cáo quý")]
    response = preview(admin_client, register, xlsx_file(rows, header=INCOMING_HEADER))
    assert "confirm_form" in response.context
    assert any("Hội Nông dân xã Bình An" in text for level, text in messages_of(response) if level == "warning")

    confirm(admin_client, response)

    received = Document.objects.get(register=register)
    assert (received.arrival_number, received.issuer_name, received.issuer) == (1, "Hội Nông dân xã Bình An", None)
