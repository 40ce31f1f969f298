"""Register books downloaded: through the API (an XLSX attachment, its default
year and kind, its errors in JSON, the schema), the `export_register` command
and the admin; and a book exported then imported back into an empty register.
What a book holds is in test_books.py."""

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from core.xlsx import XLSX_CONTENT_TYPE
from recipients.models import Role
from registry.books import register_book
from registry.models import Document
from registry.tests.books_world import (
    build_arrivals,
    build_incoming_register,
    build_outgoing,
    data_rows,
    sheet_of,
    titles,
)
from tests.factories import RegisterFactory, UserFactory


@pytest.fixture
def outgoing(make_draft, clerk, register, organization):
    return build_outgoing(make_draft, clerk, register, organization)


@pytest.fixture
def incoming_register(organization):
    return build_incoming_register(organization)


@pytest.fixture
def arrivals(incoming_register, clerk, make_draft, organization):
    return build_arrivals(incoming_register, clerk, make_draft, organization)


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def book_url(register, query=""):
    return f"/api/v1/registers/{register.pk}/book.xlsx{query}"


@pytest.mark.django_db
def test_api_sends_the_book_as_an_xlsx_attachment(outgoing, register, clerk):
    response = api(clerk).get(book_url(register, "?year=2023"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="so-van-ban-di-2023.xlsx"'
    sheet = sheet_of(b"".join(response.streaming_content))
    assert len(data_rows(sheet)) == 2


@pytest.mark.django_db
def test_api_book_defaults_to_the_current_office_year_and_the_registers_own_kind(arrivals, incoming_register, clerk):
    # 00:30 on 01/01/2024 in Asia/Ho_Chi_Minh is still 2023 in UTC: the office year is 2024.
    with time_machine.travel(datetime.datetime(2023, 12, 31, 17, 30, tzinfo=datetime.UTC), tick=False):
        response = api(clerk).get(book_url(incoming_register))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="so-van-ban-den-2024.xlsx"'
    assert titles(sheet_of(b"".join(response.streaming_content)))[3] == "Năm 2024"
    follow_up = api(clerk).get(book_url(incoming_register, "?year=2023&kind=follow_up"))
    assert follow_up["Content-Disposition"] == 'attachment; filename="so-theo-doi-giai-quyet-2023.xlsx"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?year=abc", "year"),
        ("?year=20233", "year"),
        ("?year=1800", "year"),
        ("?year=2023&kind=sideways", "kind"),
        ("?year=2023&kind=follow_up", "kind"),
    ],
)
def test_api_answers_a_bad_year_or_kind_with_400_in_json(register, clerk, query, field):
    response = api(clerk).get(book_url(register, query), HTTP_ACCEPT=XLSX_CONTENT_TYPE)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"]
    assert field in body.get("errors", {}) or body.get("field") == field


@pytest.mark.django_db
def test_api_hides_another_organizations_register_and_refuses_anonymous_users(register):
    other_clerk = UserFactory(role=Role.CLERK)
    response = api(other_clerk).get(book_url(register, "?year=2023"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api().get(book_url(register, "?year=2023")).status_code == 401
    assert api(other_clerk).get("/api/v1/registers/99999999999999999999999/book.xlsx").status_code == 404


@pytest.mark.django_db
def test_schema_documents_the_book_download():
    schema = api().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/registers/{id}/book.xlsx"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"id", "year", "kind"}
    assert XLSX_CONTENT_TYPE in operation["responses"]["200"]["content"]


@pytest.mark.django_db
def test_command_writes_the_book(outgoing, register, tmp_path):
    target = tmp_path / "so-di.xlsx"
    out = io.StringIO()
    call_command(
        "export_register", "--register", str(register.pk), "--year", "2023", "--output", str(target), stdout=out
    )
    assert "2 documents" in out.getvalue()
    assert len(data_rows(sheet_of(target.read_bytes()))) == 2
    call_command("export_register", "--register", str(register.pk), "--year", "2022", "--output", str(tmp_path))
    assert len(data_rows(sheet_of((tmp_path / "so-van-ban-di-2022.xlsx").read_bytes()))) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--register", "999999"], "No register 999999"),
        (["--year", "1800"], "year"),
        (["--kind", "follow_up"], "follow_up"),
    ],
)
def test_command_explains_what_is_wrong(register, tmp_path, arguments, message):
    defaults = {"--register": str(register.pk), "--year": "2023", "--output": str(tmp_path)}
    options = dict(zip(arguments[::2], arguments[1::2], strict=True))
    argv = [item for pair in (defaults | options).items() for item in pair]
    with pytest.raises(CommandError, match=message):
        call_command("export_register", *argv)


@pytest.mark.django_db
def test_command_refuses_a_path_it_cannot_write(register, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_register", "--register", str(register.pk), "--output", str(tmp_path / "no" / "b.xlsx"))


@pytest.mark.django_db
def test_admin_links_the_book_and_downloads_it_for_the_chosen_year(admin_client, outgoing, register):
    change_page = admin_client.get(reverse("admin:registry_register_change", args=[register.pk]))
    book_page = reverse("admin:registry_register_book", args=[register.pk])
    assert book_page in change_page.content.decode()

    form = admin_client.get(book_page)
    assert form.status_code == 200
    assert [value for value, _label in form.context["form"].fields["kind"].choices] == ["outgoing"]

    download = admin_client.get(book_page, {"year": "2023", "kind": "outgoing"})
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="so-van-ban-di-2023.xlsx"'
    assert len(data_rows(sheet_of(b"".join(download.streaming_content)))) == 2

    refused = admin_client.get(book_page, {"year": "2023", "kind": "follow_up"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["kind"]


@pytest.mark.django_db
def test_a_book_exported_imports_back_into_an_empty_register(outgoing, register, clerk, organization):
    """GIVEN the 2023 book of a register, as docreg exports it
    WHEN an office imports that file into another, empty register of the same body
    THEN every row comes back as an issued document with the book's number, date and columns."""
    from registry.imports import register_import

    book = register_book(register=register, year=2023, user=clerk)
    with book.file:
        content = book.file.read()
    copy = RegisterFactory(owner=organization, name="Sổ văn bản đi (chuyển đổi)")

    report = register_import(register=copy, file=io.BytesIO(content), filename=book.filename, actor=clerk)

    assert not report.refused, [str(error) for error in report.errors]
    assert report.imported == 2
    fields = ("notation", "number", "issued_on", "subject", "signer_name", "copies", "transferred_on")
    imported = list(Document.objects.filter(register=copy).order_by("number").values(*fields))
    originals = [outgoing.letter, outgoing.plan]
    assert imported == [{name: getattr(document, name) for name in fields} for document in originals]
