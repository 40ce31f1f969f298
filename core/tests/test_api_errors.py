"""Errors DRF and Django answer before any view of ours runs: in the API's error
format, with the status the schema documents (found by tests/test_schemathesis.py)."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import OrganizationFactory


def _operation(path: str, method: str) -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)["paths"][path][method]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/documents/abc/", "/api/v1/documents/%C2%84/", "/api/v1/no-such-thing/"])
def test_api_addresses_that_match_no_endpoint_are_a_json_404(clerk_api, path):
    response = clerk_api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_pages_outside_the_api_keep_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "9" * 30])
def test_a_page_that_is_no_page_number_is_a_400_naming_it(clerk_api, page):
    response = clerk_api.get("/api/v1/organizations/", {"page": page})
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["page"]


@pytest.mark.django_db
def test_a_page_past_the_last_is_a_404_and_last_is_the_last(clerk_api):
    OrganizationFactory.create_batch(3)
    assert clerk_api.get("/api/v1/organizations/", {"page": 2, "page_size": 2}).status_code == 200
    assert clerk_api.get("/api/v1/organizations/", {"page": "last", "page_size": 2}).status_code == 200
    past = clerk_api.get("/api/v1/organizations/", {"page": 99, "page_size": 2})
    assert past.status_code == 404
    assert past.json()["code"] == "not_found"


def test_paginated_lists_document_the_400_and_404_of_their_page_parameter():
    responses = _operation("/api/v1/organizations/", "get")["responses"]
    assert {"400", "404"} <= set(responses)


@pytest.mark.django_db
def test_a_body_without_a_type_is_a_415_the_schema_documents(clerk_api):
    response = clerk_api.generic("POST", "/api/v1/registers/", b"name=x", content_type="")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert "415" in _operation("/api/v1/registers/", "post")["responses"]
    # Operations that read no body do not claim it.
    assert "415" not in _operation("/api/v1/deliveries/{id}/acknowledge/", "post")["responses"]


@pytest.mark.django_db
def test_a_body_over_the_memory_limit_is_a_json_413(clerk_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = clerk_api.post("/api/v1/intake/", {"text": "Công văn " * 500}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert "413" in _operation("/api/v1/intake/", "post")["responses"]
