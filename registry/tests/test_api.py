import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from recipients.models import Role
from registry.models import Direction, Document, DocumentStatus
from registry.services import document_issue
from tests.factories import PASSWORD, OrganizationFactory, RegisterFactory, UserFactory

DOCS = "/api/v1/documents/"


def draft_payload(register_, /, **overrides):
    payload = {
        "register": register_.pk,
        "doc_type": "CV",
        "subject": "Thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU",
        "body": "Sở Thông tin và Truyền thông đề nghị:\nCác sở, ban, ngành …",
        "signer_name": "Lâm Văn Sển",
        "signer_title": "GIÁM ĐỐC",
        "drafting_unit": "TTBCBC",
        "addressees": [{"text": "Các sở, ban, ngành cấp tỉnh"}, {"text": "Báo Kiên Giang"}],
    }
    payload.update(overrides)
    return payload


@pytest.mark.django_db
def test_token_login_and_unauthenticated_requests(api_client, clerk):
    assert api_client.get(DOCS).status_code == 401
    assert api_client.get(DOCS).json()["code"] == "not_authenticated"
    wrong = api_client.post("/api/v1/auth/token/", {"username": clerk.username, "password": "sai"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["detail"]
    response = api_client.post("/api/v1/auth/token/", {"username": clerk.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get(DOCS).status_code == 200
    assert api_client.get("/api/v1/me/").json()["role"] == "clerk"


@pytest.mark.django_db
def test_clerk_drafts_edits_and_issues_a_document_over_the_api(clerk_api, register):
    created = clerk_api.post(DOCS, draft_payload(register), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["number"], body["notation"]) == ("draft", None, "")
    assert [line["printed"] for line in body["distribution"]] == ["Như trên", "Lưu: VT, TTBCBC"]

    edited = clerk_api.patch(f"{DOCS}{body['id']}/", {"copies": 20, "urgency": "urgent"}, format="json")
    assert edited.status_code == 200
    assert (edited.json()["copies"], edited.json()["urgency"]) == (20, "urgent")

    issued = clerk_api.post(f"{DOCS}{body['id']}/issue/", {}, format="json")
    assert issued.status_code == 200, issued.json()
    result = issued.json()
    assert (result["status"], result["number"], result["notation"]) == ("issued", 1, "01/STTTT-TTBCBC")
    assert result["number_text"] == "01"
    assert result["printed_number"] == "Số: 01/STTTT-TTBCBC"
    assert result["issued_by"] == "vanthu_test"


@pytest.mark.django_db
def test_issued_document_over_the_api_refuses_changes_deletion_and_reissue(clerk_api, register):
    doc_id = clerk_api.post(DOCS, draft_payload(register), format="json").json()["id"]
    clerk_api.post(f"{DOCS}{doc_id}/issue/", {}, format="json")

    frozen = clerk_api.patch(f"{DOCS}{doc_id}/", {"subject": "Khác"}, format="json")
    assert frozen.status_code == 400
    assert frozen.json()["code"] == "frozen_fields"
    assert clerk_api.delete(f"{DOCS}{doc_id}/").status_code == 409
    assert clerk_api.post(f"{DOCS}{doc_id}/issue/", {}, format="json").status_code == 409
    withdrawn = clerk_api.post(f"{DOCS}{doc_id}/withdraw/", {"reason": "Ban hành nhầm"}, format="json")
    assert (withdrawn.status_code, withdrawn.json()["status"], withdrawn.json()["number"]) == (200, "withdrawn", 1)
    assert Document.objects.filter(pk=doc_id).exists()


@pytest.mark.django_db
def test_drafts_can_be_deleted(clerk_api, register):
    doc_id = clerk_api.post(DOCS, draft_payload(register), format="json").json()["id"]
    assert clerk_api.delete(f"{DOCS}{doc_id}/").status_code == 204
    assert clerk_api.get(f"{DOCS}{doc_id}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "a\x00b"}, "subject"),
        ({"subject": "x" * 2001}, "subject"),
        ({"doc_type": "XYZ"}, "doc_type"),
        ({"register": 999999}, "register"),
        ({"copies": -1}, "copies"),
        ({"urgency": "very"}, "urgency"),
        ({"drafting_unit": "TT BC"}, "drafting_unit"),
        ({"notation": "12/KH-UBND"}, "notation"),
        ({"addressees": [{"organization": 999999}]}, "addressees"),
        ({"distribution": [{"text": "Lưu"}, {"text": "Như trên"}]}, "distribution"),
        ({"references": [{"relation": "implements", "issued_on": "31/12/2021", "notation": "1/KH"}]}, "references"),
    ],
)
def test_bad_draft_input_is_a_400_naming_the_field(clerk_api, register, overrides, field):
    response = clerk_api.post(DOCS, draft_payload(register, **overrides), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert field in body.get("errors", {}) or body.get("field") == field, body
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_incoming_registration_over_the_api_with_duplicate_warning(clerk_api, organization):
    incoming = RegisterFactory(owner=organization, name="Sổ đến", direction=Direction.INCOMING)
    sender = OrganizationFactory(name="Ủy ban nhân dân tỉnh Kiên Giang", abbreviation="UBND")
    payload = {
        "register": incoming.pk,
        "notation": "141/KH-UBND",
        "issued_on": "2021-07-19",
        "sender": sender.pk,
        "subject": "Kế hoạch thông tin, tuyên truyền",
    }
    first = clerk_api.post(DOCS, payload, format="json")
    assert first.status_code == 201, first.json()
    assert (first.json()["arrival_number"], first.json()["doc_type"], first.json()["status"]) == (1, "KH", "received")

    duplicate = clerk_api.post(DOCS, payload, format="json")
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "duplicate_incoming"
    assert duplicate.json()["duplicates"][0]["arrival_number"] == 1

    confirmed = clerk_api.post(DOCS, {**payload, "confirm_duplicate": True}, format="json")
    assert (confirmed.status_code, confirmed.json()["arrival_number"]) == (201, 2)


@pytest.mark.django_db
def test_outgoing_drafts_refuse_incoming_only_fields(clerk_api, register):
    response = clerk_api.post(DOCS, draft_payload(register, notation="12/STTTT"), format="json")
    assert (response.status_code, response.json()["field"]) == (400, "notation")


@pytest.mark.django_db
def test_leaders_read_but_do_not_write(leader, register, clerk_api):
    doc_id = clerk_api.post(DOCS, draft_payload(register), format="json").json()["id"]
    client = APIClient()
    client.force_authenticate(leader)
    assert client.get(f"{DOCS}{doc_id}/").status_code == 200
    assert client.post(DOCS, draft_payload(register), format="json").status_code == 403
    assert client.post(f"{DOCS}{doc_id}/issue/", {}, format="json").status_code == 403
    assert client.patch(f"{DOCS}{doc_id}/", {"copies": 2}, format="json").status_code == 403


@pytest.mark.django_db
def test_other_organizations_documents_are_invisible(register, clerk_api):
    doc_id = clerk_api.post(DOCS, draft_payload(register), format="json").json()["id"]
    stranger = APIClient()
    stranger.force_authenticate(UserFactory(role=Role.CLERK))
    assert stranger.get(f"{DOCS}{doc_id}/").status_code == 404
    assert stranger.get(DOCS).json()["count"] == 0
    assert stranger.post(f"{DOCS}{doc_id}/issue/", {}, format="json").status_code == 404
    # Another organization's register cannot be written to either.
    assert stranger.post(DOCS, draft_payload(register), format="json").status_code == 400


@pytest.mark.django_db
def test_reporters_see_issued_documents_addressed_to_their_organization(clerk, register, make_draft):
    from registry.services import AddresseeInput

    district = OrganizationFactory(name="Huyện ủy Giồng Riềng", abbreviation="HU", level="district")
    reporter = UserFactory(organization=district, role=Role.REPORTER)
    draft = make_draft(addressees=[AddresseeInput(organization=district)])
    client = APIClient()
    client.force_authenticate(reporter)
    assert client.get(f"{DOCS}{draft.pk}/").status_code == 404
    document_issue(document=draft, actor=clerk)
    assert client.get(f"{DOCS}{draft.pk}/").status_code == 200


@pytest.mark.django_db
def test_list_filters(clerk_api, clerk, register, make_draft):
    plan = document_issue(
        document=make_draft(
            doc_type=__import__("tests.factories").factories.doc_type("KH"),
            subject="Kế hoạch Tổng kết 35 năm Bản tin sinh hoạt chi bộ",
            drafting_unit="",
        ),
        actor=clerk,
        issued_on=datetime.date.today() - datetime.timedelta(days=3),
    )
    letter = document_issue(document=make_draft(subject="Về việc Ban Dân vận tỉnh"), actor=clerk)
    draft = make_draft(subject="Dự thảo chưa số")

    def ids(**params):
        response = clerk_api.get(DOCS, params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(q="ke hoach tong ket") == {plan.pk}
    assert ids(q="dan van") == {letter.pk}
    assert ids(q="02 stttt") == {letter.pk}
    assert ids(notation="Số: 01/KH-STTTT") == {plan.pk}
    assert ids(notation="1/KH-STTTT") == {plan.pk}
    assert ids(doc_type="KH") == {plan.pk}
    assert ids(status="draft") == {draft.pk}
    assert ids(direction="outgoing") == {plan.pk, letter.pk, draft.pk}
    assert ids(issuer=register.owner_id, status="issued") == {plan.pk, letter.pk}
    assert ids(issued_from=datetime.date.today().isoformat()) == {letter.pk}
    assert ids(issued_to=(datetime.date.today() - datetime.timedelta(days=1)).isoformat()) == {plan.pk}
    assert clerk_api.get(DOCS, {"issued_from": "31/12/2021"}).status_code == 400
    assert clerk_api.get(DOCS, {"status": "nonsense"}).status_code == 400


@pytest.mark.django_db
def test_document_list_query_count_does_not_grow_with_rows(clerk_api, clerk, make_draft):
    from registry.services import DistributionInput, ReferenceInput

    def add(n):
        for _ in range(n):
            target = document_issue(document=make_draft(), actor=clerk)
            make_draft(
                references=[ReferenceInput(relation="implements", target=target)],
                distribution=[DistributionInput(kind="as_above"), DistributionInput(text="Lưu: VT")],
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert clerk_api.get(DOCS).status_code == 200
        return len(queries)

    add(2)
    few = count()
    add(10)
    assert count() == few


@pytest.mark.django_db
def test_unknown_ids_and_bad_paths_are_404_not_500(clerk_api):
    assert clerk_api.get(f"{DOCS}999999/").status_code == 404
    assert clerk_api.get(f"{DOCS}abc/").status_code == 404
    assert clerk_api.post(f"{DOCS}999999/issue/", {}, format="json").status_code == 404


@pytest.mark.django_db
def test_registers_api(clerk_api, organization, register):
    listed = clerk_api.get("/api/v1/registers/").json()
    assert [row["name"] for row in listed["results"]] == ["Sổ văn bản đi"]
    created = clerk_api.post(
        "/api/v1/registers/",
        {"owner": organization.pk, "name": "Sổ văn bản đến", "direction": "incoming"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["period_kind"], created.json()["system"]) == ("year", "state")
    clash = clerk_api.post(
        "/api/v1/registers/",
        {"owner": organization.pk, "name": "Sổ văn bản đến", "direction": "incoming"},
        format="json",
    )
    assert clash.status_code == 400
    renamed = clerk_api.patch(f"/api/v1/registers/{register.pk}/", {"name": "Sổ đi 2021"}, format="json")
    assert renamed.json()["name"] == "Sổ đi 2021"
    other = OrganizationFactory()
    refused = clerk_api.post(
        "/api/v1/registers/", {"owner": other.pk, "name": "Sổ lạ", "direction": "outgoing"}, format="json"
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_document_status_constants_match_contract():
    assert {choice.value for choice in DocumentStatus} >= {"draft", "issued", "dispatched", "withdrawn"}


@pytest.mark.django_db
def test_not_found_from_generic_views_has_the_error_shape(clerk_api):
    body = clerk_api.get("/api/v1/registers/999999/").json()
    assert body["code"] == "not_found"
    assert body["detail"]
