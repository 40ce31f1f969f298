"""`POST /api/v1/intake/`: a document's text in, the intake object out."""

import json
from pathlib import Path

import pytest

from registry.tests.test_intake import CONTRACT_KEYS

URL = "/api/v1/intake/"
EXAMPLE = Path(__file__).parent / "intake_samples" / "examples" / "95-KH-TU.txt"


@pytest.mark.django_db
def test_an_example_is_read(clerk_api):
    response = clerk_api.post(URL, {"text": EXAMPLE.read_text(encoding="utf-8"), "source": EXAMPLE.name}, format="json")
    assert response.status_code == 200
    assert response.json() == json.loads(EXAMPLE.with_suffix(".json").read_text(encoding="utf-8"))
    assert list(response.json()) == CONTRACT_KEYS


@pytest.mark.django_db
def test_the_source_is_optional(clerk_api):
    response = clerk_api.post(URL, {"text": "Báo cáo trước ngày 15/3/2024."}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["source"] is None
    assert body["deadlines"] == [{"date": "2024-03-15", "kind": "before", "text": "Báo cáo trước ngày 15/3/2024"}]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "text"),
        ({"source": "x.txt"}, "text"),
        ({"text": None}, "text"),
        ({"text": 12}, "text"),
        ({"text": ["Số 95-KH/TU"]}, "text"),
        ({"text": {"body": "x"}}, "text"),
        ({"text": ""}, "text"),
        ({"text": " \n\t "}, "text"),
        ({"text": "x" * 1_000_001}, "text"),
        ({"text": "x", "source": "x" * 256}, "source"),
    ],
    ids=["no text", "only source", "null", "number", "list", "object", "empty", "blank", "too long", "long source"],
)
def test_bad_bodies_are_400_with_the_error_body(clerk_api, payload, field):
    response = clerk_api.post(URL, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert list(body["errors"]) == [field]


@pytest.mark.django_db
def test_a_body_that_is_not_an_object_is_400(clerk_api):
    response = clerk_api.post(URL, ["text"], format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.django_db
def test_a_million_characters_are_accepted(clerk_api):
    response = clerk_api.post(URL, {"text": "x" * 1_000_000}, format="json")
    assert response.status_code == 200


@pytest.mark.django_db
def test_only_signed_in_users(api_client):
    response = api_client.post(URL, {"text": "x"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_the_schema_documents_the_intake_object(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"][URL]["post"]
    assert set(operation["responses"]) == {"200", "400", "401", "413", "415"}
    components = schema["components"]["schemas"]
    assert list(components["Intake"]["properties"]) == CONTRACT_KEYS
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert components[request]["required"] == ["text"]
