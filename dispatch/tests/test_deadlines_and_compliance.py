import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from core.errors import DomainError
from dispatch.services import obligations_from_deadlines, submission_create
from dispatch.tests.conftest import at, pdf


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_the_documents_deadlines_become_obligations_in_one_step(world):
    clerk = client_for(world.clerk)
    deadlines = clerk.get(f"/api/v1/documents/{world.plan.pk}/deadlines/").json()
    assert [(d["kind"], d["date"], d["due_on"]) for d in deadlines] == [("before", "2023-12-01", "2023-11-30")]

    response = clerk.post(
        "/api/v1/obligations/from-deadlines/",
        {"document": world.plan.pk, "groups": [world.group.pk], "organizations": [world.districts[0].pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    [created] = response.json()
    assert created["due_on"] == "2023-11-30"
    assert "trước ngày 01/12/2023" in created["deadline_text"]
    assert {row["organization_name"] for row in created["organizations"]} == {
        "Thành ủy Mỹ Tho",
        "Huyện ủy Cái Bè",
        "Huyện ủy Chợ Gạo",
    }
    wrong = clerk.post(
        "/api/v1/obligations/from-deadlines/",
        {"document": world.plan.pk, "organizations": [world.districts[0].pk], "deadlines": [3]},
        format="json",
    )
    assert (wrong.status_code, wrong.json()["field"]) == (400, "deadlines")


@pytest.mark.django_db
def test_a_document_without_deadlines_says_so(world):
    from registry.services import document_create_draft, document_issue
    from tests.factories import doc_type

    draft = document_create_draft(
        register=world.outgoing,
        actor=world.clerk,
        doc_type=doc_type("CV"),
        subject="Về việc thông tin",
        body="Đề nghị các đơn vị nghiên cứu, quán triệt.",
        signer_name="A",
    )
    letter = document_issue(document=draft, actor=world.clerk)
    with pytest.raises(DomainError, match="no deadline"):
        obligations_from_deadlines(document=letter, actor=world.clerk, organizations=world.districts)


@pytest.mark.django_db
def test_compliance_rows_and_summary(world):
    [obligation] = obligations_from_deadlines(document=world.plan, actor=world.clerk, organizations=world.districts)
    with time_machine.travel(at(2023, 11, 28), tick=False):
        submission_create(obligation=obligation, actor=world.reporters[0], files=[pdf()], report_notation="12-BC/TU")
    with time_machine.travel(at(2023, 12, 3), tick=False):
        submission_create(obligation=obligation, actor=world.reporters[1], files=[pdf()])
    with time_machine.travel(at(2023, 12, 5), tick=False):
        body = client_for(world.leader).get("/api/v1/compliance/", {"obligation": obligation.pk}).json()
        overdue = client_for(world.leader).get("/api/v1/compliance/overdue/").json()
        summaries = client_for(world.leader).get("/api/v1/compliance/obligations/").json()
    rows = {row["organization_name"]: row for row in body["results"]}
    assert {name: row["status"] for name, row in rows.items()} == {
        "Thành ủy Mỹ Tho": "submitted",
        "Huyện ủy Cái Bè": "late",
        "Huyện ủy Chợ Gạo": "overdue",
    }
    assert rows["Thành ủy Mỹ Tho"]["latest_submission"]["report_notation"] == "12-BC/TU"
    assert rows["Thành ủy Mỹ Tho"]["latest_submission"]["arrival_number"] == 1
    assert rows["Huyện ủy Cái Bè"]["days_late"] == 3
    assert rows["Huyện ủy Chợ Gạo"]["days_late"] == 5
    assert rows["Huyện ủy Chợ Gạo"]["submitted_at"] is None
    assert body["summary"]["counts"] == {
        "pending": 0,
        "submitted": 1,
        "late": 1,
        "overdue": 1,
        "accepted": 0,
        "returned": 0,
    }
    assert body["summary"]["on_time_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert [row["organization_name"] for row in overdue["results"]] == ["Huyện ủy Chợ Gạo"]
    assert summaries["results"][0]["counts"]["late"] == 1
    assert list(body) == ["count", "next", "previous", "summary", "results"]

    reporter = client_for(world.reporters[1]).get("/api/v1/compliance/", {"obligation": obligation.pk}).json()
    assert [row["organization_name"] for row in reporter["results"]] == ["Huyện ủy Cái Bè"]
    assert client_for(world.clerk).get("/api/v1/compliance/", {"status": "nonsense"}).status_code == 400
    assert datetime.date.fromisoformat(rows["Huyện ủy Cái Bè"]["due_on"]) == datetime.date(2023, 11, 30)
