"""Input the registry API must refuse with a 400 that says what is wrong (never a
500), and responses that must match the schema: the cases fuzzing found
(tests/test_schemathesis.py), kept here so they are caught without it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator

from registry.models import Direction, Document
from registry.services import attachment_add, document_issue
from tests.factories import RegisterFactory

DOCS = "/api/v1/documents/"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def draft(register, **overrides):
    return {"register": register.pk, "doc_type": "CV", "subject": "Về việc tuyên truyền", **overrides}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "Về việc\x00 tuyên truyền"}, "subject"),
        ({"subject": "Về việc\x07 tuyên truyền"}, "subject"),
        ({"body": "Kính gửi\x1b các sở"}, "body"),
        ({"subject": "x" * 2001}, "subject"),
        ({"signer_name": "Lâm Văn Sển" * 20}, "signer_name"),
        ({"page_count": 10**30}, "page_count"),
        ({"copies": "nhiều"}, "copies"),
        ({"handling_deadline": "2024-02-30"}, "handling_deadline"),
        ({"transferred_on": "31/12/2024"}, "transferred_on"),
        ({"references": [{"relation": "implements", "notation": "1/KH", "issued_on": "hôm qua"}]}, "references"),
        ({"addressees": [{"organization": "một"}]}, "addressees"),
    ],
)
def test_bad_text_numbers_and_dates_are_a_400_naming_the_field(clerk_api, register, overrides, field):
    response = clerk_api.post(DOCS, draft(register, **overrides), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert field in body.get("errors", {}) or body.get("field") == field, body
    assert not Document.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("notation", ["@@@", "không có số", "0/KH-UBND", "12" * 100, "12\x00/KH-UBND"])
def test_incoming_notations_that_do_not_parse_are_a_400_naming_the_notation(clerk_api, organization, notation):
    incoming = RegisterFactory(owner=organization, name="Sổ đến", direction=Direction.INCOMING)
    payload = {"register": incoming.pk, "notation": notation, "subject": "Về việc báo cáo", "sender_name": "UBND"}
    response = clerk_api.post(DOCS, payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert "notation" in body.get("errors", {}) or body.get("field") == "notation", body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"issued_from": "2024-02-30"},
        {"issued_to": "hôm nay"},
        {"status": "archived"},
        {"direction": "sideways"},
        {"register": "1.5"},
        {"notation": "12\x00/KH"},
        {"q": "tuyên\x00truyền"},
    ],
)
def test_bad_filters_are_a_400_with_a_message(clerk_api, query):
    response = clerk_api.get(DOCS, query)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["issue", "withdraw"])
def test_malformed_dates_and_control_characters_in_actions_are_a_400(clerk_api, make_draft, path):
    document = make_draft()
    payload = {"issue": {"issued_on": "2024-13-01"}, "withdraw": {"reason": "Sai\x00 sót"}}[path]
    response = clerk_api.post(f"{DOCS}{document.pk}/{path}/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["CV", "cv\x00", "%C2%84", "a" * 40])
def test_document_types_that_do_not_exist_are_a_documented_json_404(clerk_api, openapi, code):
    response = clerk_api.get(f"/api/v1/document-types/{code}/")
    if code == "CV":
        assert response.status_code == 200
        return
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert {"401", "404"} <= set(openapi["paths"]["/api/v1/document-types/{code}/"]["get"]["responses"])


def test_users_who_have_not_acted_yet_are_null_in_the_schema(openapi):
    properties = openapi["components"]["schemas"]["Document"]["properties"]
    assert properties["issued_by"]["nullable"] is True
    assert properties["withdrawn_by"]["nullable"] is True


@pytest.mark.django_db
def test_a_draft_is_served_with_no_one_having_issued_or_withdrawn_it(clerk_api, make_draft):
    body = clerk_api.get(f"{DOCS}{make_draft().pk}/").json()
    assert (body["issued_by"], body["withdrawn_by"]) == (None, None)


@pytest.mark.django_db
def test_attachments_are_served_with_a_type_the_schema_documents(
    clerk_api, clerk, make_draft, openapi, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    document = document_issue(document=make_draft(), actor=clerk)
    attachment = attachment_add(
        document=document, actor=clerk, upload=SimpleUploadedFile("ban-ky.pdf", PDF, content_type="text/plain")
    )
    response = clerk_api.get(f"{DOCS}{document.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    documented = openapi["paths"]["/api/v1/documents/{id}/attachments/{attachment_id}/"]["get"]["responses"]["200"]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Type"] in documented["content"]
