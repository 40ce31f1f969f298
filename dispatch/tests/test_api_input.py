"""Input the dispatch API must refuse with a 400 that says what is wrong (never a
500), and responses that must match the schema: the cases fuzzing found
(tests/test_schemathesis.py), kept here so they are caught without it."""

import datetime

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from core.time import office_today
from dispatch.services import document_dispatch, obligation_create, submission_create
from dispatch.tests.conftest import pdf


@pytest.fixture(scope="module")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def obligation(world):
    return obligation_create(
        document=world.plan,
        actor=world.clerk,
        title="Báo cáo tổng kết",
        due_on=office_today() + datetime.timedelta(days=30),
        organizations=world.districts,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "Báo cáo\x00 tổng kết"}, "title"),
        ({"title": "Báo cáo\x1b tổng kết"}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"due_on": "2024-02-30"}, "due_on"),
        ({"due_on": "30/11/2024"}, "due_on"),
        ({"organizations": [10**30]}, "organizations"),
        ({"due_dates": [{"organization": 1, "due_on": "mai"}]}, "due_dates"),
    ],
)
def test_bad_obligations_are_a_400_naming_the_field(world, overrides, field):
    payload = {"document": world.plan.pk, "title": "Báo cáo", "due_on": "2099-11-30", **overrides}
    response = _api(world.clerk).post("/api/v1/obligations/", payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert field in body.get("errors", {}) or body.get("field") == field, body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", [{"due_from": "2024-13-01"}, {"due_to": "hôm qua"}, {"obligated": "-1"}, {"document": "1e3"}]
)
def test_bad_obligation_filters_are_a_400(world, query):
    response = _api(world.clerk).get("/api/v1/obligations/", query)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


@pytest.mark.django_db
def test_a_paper_report_with_a_malformed_arrival_time_is_a_400(world, obligation):
    response = _api(world.clerk).post(
        f"/api/v1/obligations/{obligation.pk}/paper-submissions/",
        {"file": pdf(), "organization": world.districts[0].pk, "received_at": "hôm qua lúc 9 giờ"},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert "received_at" in response.json()["errors"]


@pytest.mark.django_db
def test_deliveries_and_reports_not_yet_handled_are_served_with_nulls_the_schema_allows(world, obligation, openapi):
    document_dispatch(document=world.plan, actor=world.clerk)
    submission = submission_create(obligation=obligation, actor=world.reporters[0], files=[pdf()])
    delivery = _api(world.clerk).get("/api/v1/deliveries/").json()["results"][0]
    report = _api(world.clerk).get(f"/api/v1/submissions/{submission.pk}/").json()
    assert (delivery["received_by"], report["reviewed_by"]) == (None, None)
    schemas = openapi["components"]["schemas"]
    assert schemas["Delivery"]["properties"]["received_by"]["nullable"] is True
    assert schemas["Submission"]["properties"]["reviewed_by"]["nullable"] is True


@pytest.mark.django_db
def test_unpaginated_answers_are_lists_in_the_schema_and_on_the_wire(world, obligation, openapi):
    """from-deadlines and an obligation's submissions answer with a plain list,
    though their view set paginates its list."""
    created = _api(world.clerk).post(
        "/api/v1/obligations/from-deadlines/",
        {"document": world.plan.pk, "organizations": [world.districts[0].pk]},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert isinstance(created.json(), list)
    submissions = _api(world.clerk).get(f"/api/v1/obligations/{obligation.pk}/submissions/")
    assert isinstance(submissions.json(), list)
    paths = openapi["paths"]
    for path, method, code in [
        ("/api/v1/obligations/from-deadlines/", "post", "201"),
        ("/api/v1/obligations/{id}/submissions/", "get", "200"),
    ]:
        assert paths[path][method]["responses"][code]["content"]["application/json"]["schema"]["type"] == "array"


def test_the_compliance_list_is_one_page_with_a_summary_in_the_schema(openapi):
    schema = openapi["paths"]["/api/v1/compliance/"]["get"]["responses"]["200"]["content"]["application/json"]
    page = openapi["components"]["schemas"][schema["schema"]["$ref"].rsplit("/", 1)[1]]
    assert {"count", "summary", "results"} <= set(page["properties"])
    row = page["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]
    assert "status" in openapi["components"]["schemas"][row]["properties"]


@pytest.mark.django_db
def test_report_files_are_served_with_a_type_the_schema_documents(world, obligation, openapi):
    submission = submission_create(obligation=obligation, actor=world.reporters[0], files=[pdf()])
    file_id = submission.incoming_document.attachments.get().pk
    response = _api(world.clerk).get(f"/api/v1/submissions/{submission.pk}/files/{file_id}/")
    assert response.status_code == 200
    documented = openapi["paths"]["/api/v1/submissions/{id}/files/{attachment_id}/"]["get"]["responses"]["200"]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Type"] in documented["content"]
