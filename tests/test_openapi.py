import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

CONTRACT_PATHS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/organizations/": {"get", "post"},
    "/api/v1/groups/": {"get"},
    "/api/v1/registers/": {"get", "post"},
    "/api/v1/documents/": {"get", "post"},
    "/api/v1/documents/{id}/": {"get", "patch"},
    "/api/v1/documents/{id}/issue/": {"post"},
    "/api/v1/documents/{id}/pdf/": {"get"},
}
CONTRACT_DOCUMENT_FILTERS = {"q", "notation", "doc_type", "direction", "status", "issuer", "issued_from", "issued_to"}


def test_schema_validates_without_warnings(tmp_path):
    """The same check as `manage.py spectacular --validate --fail-on-warn`."""
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=io.StringIO())
    assert target.stat().st_size > 0


@pytest.mark.django_db
def test_schema_and_swagger_ui_are_served_with_the_contract_paths():
    client = APIClient()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path, methods in CONTRACT_PATHS.items():
        assert methods <= set(paths[path]), path
    documented = {param["name"] for param in paths["/api/v1/documents/"]["get"]["parameters"]}
    assert documented >= CONTRACT_DOCUMENT_FILTERS
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
