"""Input the directory API must refuse with a 400 that says what is wrong (never
a 500), and responses that must match the schema: the cases fuzzing found
(tests/test_schemathesis.py), kept here so they are caught without it."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from recipients.models import Organization, Role
from tests.factories import OrganizationFactory, UserFactory

ORGS = "/api/v1/organizations/"


@pytest.fixture(scope="module")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def admin_api(organization) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory.create(organization=organization, role=Role.ADMIN, is_staff=True))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "Sở\x00 Nội vụ"}, "name"),
        ({"name": "Sở\x07 Nội vụ"}, "name"),
        ({"name": "Sở Nội vụ " * 30}, "name"),
        ({"abbreviation": "S" * 31}, "abbreviation"),
        ({"active_from": "2024-02-30"}, "active_from"),
        ({"parent": 10**30}, "parent"),
        ({"email": "không phải thư"}, "email"),
    ],
)
def test_bad_organizations_are_a_400_naming_the_field(admin_api, overrides, field):
    payload = {"name": "Sở Nội vụ", "abbreviation": "SNV", "system": "state", "level": "province", **overrides}
    response = admin_api.post(ORGS, payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert field in body.get("errors", {}) or body.get("field") == field, body
    assert not Organization.objects.filter(abbreviation=payload["abbreviation"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/groups/", {"owner": "0"}),
        ("/api/v1/groups/", {"owner": "abc"}),
        ("/api/v1/registers/", {"owner": "0"}),
        ("/api/v1/notifications/", {"page": "0"}),
        (ORGS, {"level": "galaxy"}),
    ],
)
def test_bad_list_filters_are_a_400_the_schema_documents(clerk_api, openapi, path, query):
    response = clerk_api.get(path, query)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert "400" in openapi["paths"][path]["get"]["responses"]


@pytest.mark.django_db
def test_organizations_and_users_without_email_match_the_schema(clerk_api, openapi):
    """An e-mail address is optional and stored as "": the schema must not promise format "email"."""
    organization = OrganizationFactory(email="")
    assert clerk_api.get(f"{ORGS}{organization.pk}/").json()["email"] == ""
    assert clerk_api.get("/api/v1/me/").json()["email"] == ""
    schemas = openapi["components"]["schemas"]
    assert "format" not in schemas["Organization"]["properties"]["email"]
    assert "format" not in schemas["Me"]["properties"]["email"]
