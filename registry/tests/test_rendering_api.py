"""Printing through the API (`GET /api/v1/documents/{id}/pdf/`, `…/docx/`),
the admin and `manage.py render_document`: who may print what, the
responses' types and names, and the errors."""

import datetime
import io

import docx
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from recipients.models import Role
from registry.rendering import DOCX_CONTENT_TYPE
from registry.services import document_create_draft, document_issue
from registry.tests.pdfprobe import page_text
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory, doc_type

pytestmark = pytest.mark.django_db


def pdf_url(document, **query):
    suffix = "".join(f"&{key}={value}" for key, value in query.items()).replace("&", "?", 1)
    return f"/api/v1/documents/{document.pk}/pdf/{suffix}"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def issued(make_draft, clerk):
    return document_issue(document=make_draft(), actor=clerk, issued_on=datetime.date(2025, 1, 5))


def test_a_clerk_prints_an_issued_document_as_pdf(clerk_api, issued):
    response = clerk_api.get(pdf_url(issued))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    name = issued.notation.replace("/", "-")
    assert response["Content-Disposition"] == f'inline; filename="{name}.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = page_text(response.content)
    assert f"Số: {issued.notation}" in text
    assert "Kiên Giang, ngày 05 tháng 01 năm 2025" in text
    assert "DỰ THẢO" not in text


def test_the_archival_pdf_over_the_api(clerk_api, issued):
    response = clerk_api.get(pdf_url(issued, archival="true"))
    assert response.status_code == 200
    xmp = PdfReader(io.BytesIO(response.content)).xmp_metadata
    assert xmp is not None
    assert 'pdfaid:part="2"' in xmp.rdf_root.toxml()
    plain = clerk_api.get(pdf_url(issued, archival="false"))
    assert PdfReader(io.BytesIO(plain.content)).xmp_metadata is None


@pytest.mark.parametrize("value", ["maybe", "2", "oui"])
def test_a_bad_archival_flag_is_a_400_in_json(clerk_api, issued, value):
    response = clerk_api.get(pdf_url(issued, archival=value), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "invalid"
    assert "archival" in response.json()["errors"]


def test_a_draft_prints_as_docx_with_its_mark(clerk_api, make_draft):
    draft = make_draft()
    response = clerk_api.get(f"/api/v1/documents/{draft.pk}/docx/")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="du-thao-{draft.pk}.docx"'
    texts = [paragraph.text for paragraph in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert texts[0] == "DỰ THẢO"
    assert "DỰ THẢO" in page_text(clerk_api.get(pdf_url(draft)).content)


def test_markup_in_a_documents_text_is_printed_as_text(clerk_api, make_draft):
    """GIVEN a body with HTML in it
    THEN the PDF shows it literally: nothing is interpreted or fetched."""
    draft = make_draft(body="Xem <img src='http://127.0.0.1:9/x.png'> và <b>chữ đậm</b> &amp; ký hiệu")
    text = page_text(clerk_api.get(pdf_url(draft)).content)
    assert "Xem <img src='http://127.0.0.1:9/x.png'> và <b>chữ đậm</b> &amp; ký hiệu" in text


def test_readers_of_the_document_print_it_and_others_get_404(clerk, issued, make_draft):
    """GIVEN an issued document and a draft of the clerk's organization
    THEN its leader prints both, its reporter only the issued one (reporters do
    not see drafts), a clerk of another organization neither: 404 in JSON."""
    draft = make_draft()
    leader = UserFactory.create(organization=clerk.organization, role=Role.LEADER)
    reporter = UserFactory.create(organization=clerk.organization, role=Role.REPORTER)
    stranger = UserFactory.create(organization=OrganizationFactory(), role=Role.CLERK)
    expected = {
        (leader, issued): 200,
        (leader, draft): 200,
        (reporter, issued): 200,
        (reporter, draft): 404,
        (stranger, issued): 404,
        (stranger, draft): 404,
    }
    for (user, document), status in expected.items():
        client = client_for(user)
        for path in (pdf_url(document), f"/api/v1/documents/{document.pk}/docx/"):
            response = client.get(path, HTTP_ACCEPT="application/pdf")
            assert response.status_code == status, (user.role, document.status, path)
            if status == 404:
                assert response.json()["code"] == "not_found"


def test_another_organizations_document_is_404(clerk_api):
    other = OrganizationFactory(name="Sở Nội vụ", abbreviation="SNV")
    other_clerk = UserFactory.create(organization=other, role=Role.CLERK)
    document = document_create_draft(
        register=RegisterFactory.create(owner=other),
        actor=other_clerk,
        doc_type=doc_type("KH"),
        subject="Kế hoạch cải cách hành chính",
    )
    assert client_for(other_clerk).get(pdf_url(document)).status_code == 200
    response = clerk_api.get(pdf_url(document))
    assert response.status_code == 404
    assert response.json()["detail"]


def test_anonymous_requests_are_401(api_client, issued):
    for path in (pdf_url(issued), f"/api/v1/documents/{issued.pk}/docx/"):
        response = api_client.get(path)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_unknown_and_huge_ids_are_404(clerk_api):
    for path in ("/api/v1/documents/999999/pdf/", "/api/v1/documents/99999999999999999999999/docx/"):
        assert clerk_api.get(path).status_code == 404


def test_missing_fonts_answer_503_in_json(clerk_api, issued, settings, tmp_path):
    settings.DOCREG_PDF_FONT_DIRS = [str(tmp_path)]
    response = clerk_api.get(pdf_url(issued))
    assert response.status_code == 503
    assert response.json()["code"] == "fonts_unavailable"
    assert "fonts-liberation2" in response.json()["detail"]
    assert clerk_api.get(f"/api/v1/documents/{issued.pk}/docx/").status_code == 200, "DOCX needs no font files"


def test_the_command_writes_the_file(issued, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    call_command("render_document", str(issued.pk), stdout=out)
    written = tmp_path / f"{issued.notation.replace('/', '-')}.pdf"
    assert written.read_bytes().startswith(b"%PDF-")
    assert str(written.name) in out.getvalue()
    target = tmp_path / "out" / "van-ban.docx"
    target.parent.mkdir()
    call_command("render_document", str(issued.pk), "--format", "docx", "--output", str(target), stdout=out)
    assert docx.Document(str(target)).paragraphs
    binary = io.BytesIO()
    call_command("render_document", str(issued.pk), "--archival", "-o", "-", stdout=binary)
    assert PdfReader(io.BytesIO(binary.getvalue())).xmp_metadata is not None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["999999"], "999999"),
        (["0"], "0"),
        (["1", "--format", "docx", "--archival"], "PDF only"),
    ],
)
def test_the_command_refuses_unknown_ids_and_bad_options(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("render_document", *arguments, stdout=io.StringIO())


def test_the_command_rejects_an_unknown_format():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("render_document", "1", "--format", "odt", stdout=io.StringIO())


def test_the_admin_links_and_serves_the_files(admin_client, issued):
    page = admin_client.get(reverse("admin:registry_document_change", args=[issued.pk])).content.decode()
    pdf_link = reverse("admin:registry_document_pdf", args=[issued.pk])
    docx_link = reverse("admin:registry_document_docx", args=[issued.pk])
    assert f'href="{pdf_link}"' in page
    assert f'href="{docx_link}"' in page
    response = admin_client.get(pdf_link)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert f"Số: {issued.notation}" in page_text(response.content)
    archival = admin_client.get(pdf_link, {"archival": "1"})
    assert PdfReader(io.BytesIO(archival.content)).xmp_metadata is not None
    response = admin_client.get(docx_link)
    assert (response.status_code, response["Content-Type"]) == (200, DOCX_CONTENT_TYPE)
    assert admin_client.get(reverse("admin:registry_document_pdf", args=[999999])).status_code == 404


def test_the_admins_files_are_for_administrators_only(client, clerk, issued):
    clerk.is_staff = True
    clerk.save(update_fields=["is_staff"])
    client.force_login(clerk)
    response = client.get(reverse("admin:registry_document_pdf", args=[issued.pk]))
    assert response.status_code == 403
