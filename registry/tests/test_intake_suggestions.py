"""Intake suggestions on the real examples against the demo directory, cited documents linked
only when the user may see them, bounded queries, and `POST /api/v1/intake/suggestions/`.
The matching rules themselves: test_intake_matching.py."""

import datetime
import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from recipients.models import Role
from registry.api_intake_suggest import IntakeWithSuggestionsSerializer
from registry.intake.matching import (
    ARCHIVE,
    AS_ABOVE,
    BODY,
    GROUP,
    ORGANIZATION,
    intake_suggestions,
)
from registry.models import Document
from registry.services import document_create_draft, document_issue
from registry.tests.intake_directory import (
    API,
    EXAMPLES,
    demo_directory,
    entry_for,
    example,
    intake_of,
    kien_giang_directory,
    kien_giang_registers,
    names,
    outsider_clerk,
    received,
)
from tests.factories import UserFactory, doc_type


@pytest.fixture
def demo(db):
    return demo_directory()


@pytest.fixture
def board_clerk(demo):
    """The clerk of the Ban Tuyên giáo Tỉnh ủy Kiên Giang (seed_demo's `vanthu`)."""
    return UserFactory(organization=demo.organizations["kg.btgtu"], role=Role.CLERK, username="vanthu_btg")


@pytest.fixture
def kien_giang(db):
    return kien_giang_directory()


@pytest.fixture
def outsider(db):
    return outsider_clerk()


@pytest.fixture
def registers(kien_giang):
    """The board's incoming register, its clerk, and another province's registers."""
    return kien_giang_registers(kien_giang)


# --- the real examples, against the demo directory ------------------------------------------


@pytest.mark.django_db
def test_a_party_letter_finds_its_board_and_every_addressee(demo, board_clerk):
    """GIVEN the demo directory WHEN the Ban Tuyên giáo's letter 375-CV/BTGTU is read THEN its
    issuer is the Kiên Giang board (not Tiền Giang's, not the central one), its addressees are
    found — an entry naming three offices gives three — and "Như trên" and "Lưu" get none."""
    suggestions = intake_suggestions(example("375-CV-BTGTU.txt"), user=board_clerk)
    org = demo.organizations

    assert suggestions.issuer.match is not None
    assert suggestions.issuer.match.id == org["kg.btgtu"].pk
    assert {org["tg.btgtu"].name, org["btgtw"].name} <= set(names(suggestions.issuer.candidates))
    matches = {entry.text: entry.match.name if entry.match else None for entry in suggestions.addressees}
    assert matches == {
        "Cơ quan Thường trực Ban Tuyên giáo Trung ương (tại Tp.HCM)": org["btgtw.cqtt"].name,
        "Trung tâm thông tin công tác tuyên giáo Ban Tuyên giáo Trung ương": org["btgtw.ttt"].name,
        "Thường trực Tỉnh ủy": org["kg.tu"].name,
        "Văn phòng Tỉnh ủy": org["kg.vptu"].name,
        "Văn phòng Ủy ban nhân dân": org["kg.vpubnd"].name,
        "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh": org["kg.vpdbqh"].name,
        "Ban Dân vận Tỉnh ủy": org["kg.bdvtu"].name,
        "Các sở, ban, ngành, đoàn thể cấp tỉnh": demo.groups["kg.so_ban_nganh_doan_the"].name,
        "Thường trực và ban tuyên giáo các huyện, thành ủy": demo.groups["kg.huyen_thanh_uy"].name,
        "Đảng ủy Khối các Cơ quan - Doanh nghiệp tỉnh": org["kg.duk"].name,
    }
    assert [entry.entry for entry in suggestions.addressees if entry.text.startswith("Văn phòng")] == [3, 3, 3]
    assert entry_for(suggestions, "Các sở, ban, ngành, đoàn thể cấp tỉnh").match.kind == GROUP
    distribution = [(entry.kind, entry.candidates, entry.match) for entry in suggestions.distribution]
    assert distribution[0] == (AS_ABOVE, (), None)
    assert distribution[2] == (ARCHIVE, (), None)
    assert suggestions.distribution[1].match.id == org["kg.btgtu"].pk  # "BTG TU (LĐ Ban, P.TTr, Tổng hợp)"
    assert suggestions.references == ()
    assert suggestions.obligations == ()


@pytest.mark.django_db
def test_a_state_letter_finds_its_department_groups_and_the_province(demo, board_clerk):
    suggestions = intake_suggestions(example("M-STTTT-TTBCBC.txt"), user=board_clerk)
    org, groups = demo.organizations, demo.groups

    assert suggestions.issuer.match.id == org["kg.stttt"].pk
    assert [(entry.match.kind, entry.match.id) for entry in suggestions.addressees] == [
        (GROUP, groups["kg.so_ban_nganh"].pk),
        (ORGANIZATION, org["kg.baokg"].pk),
        (ORGANIZATION, org["kg.dai"].pk),
        (GROUP, groups["kg.ubnd_huyen"].pk),
    ]
    # "UBND tỉnh (báo cáo)": the people's committee of the province the letter comes from.
    assert entry_for(suggestions, "UBND tỉnh (báo cáo)", "distribution").match.id == org["kg.ubnd"].pk
    assert entry_for(suggestions, "Lưu: VT, TTBCBC", "distribution").kind == ARCHIVE
    assert [(ref.notation, ref.canonical, ref.documents) for ref in suggestions.references] == [
        ("07-CT/TU", "07-CT/TU", ()),
        ("141/KH-UBND", "141/KH-UBND", ()),
    ]


@pytest.mark.django_db
def test_a_plan_proposes_its_deadlines_as_obligations(demo, board_clerk):
    """95-KH/TU has no addressees: the obligations go to the matched recipients (as the
    obligation page proposes the delivered ones), due as obligations_from_deadlines makes
    them due: a month's last day, and the day before a "trước ngày" deadline."""
    intake = example("95-KH-TU.txt")
    suggestions = intake_suggestions(intake, user=board_clerk)

    assert suggestions.issuer.match.id == demo.organizations["tg.tu"].pk
    assert entry_for(suggestions, "BTGTW (HN, TPHCM)", "distribution").match.id == demo.organizations["btgtw"].pk
    assert [(p.due_on, p.deadline_date, p.kind, p.title) for p in suggestions.obligations] == [
        (datetime.date(2023, 10, 31), datetime.date(2023, 10, 31), "during", intake["deadlines"][0]["text"]),
        (datetime.date(2023, 12, 31), datetime.date(2023, 12, 31), "during", intake["deadlines"][1]["text"]),
        (datetime.date(2023, 11, 30), datetime.date(2023, 12, 1), "before", intake["deadlines"][2]["text"]),
    ]
    assert {org.id for p in suggestions.obligations for org in p.organizations} == {demo.organizations["btgtw"].pk}
    assert suggestions.earliest_due_on == datetime.date(2023, 10, 31)


@pytest.mark.django_db
def test_references_link_only_documents_the_user_may_see(registers, kien_giang):
    """GIVEN 07-CT/TU registered by the board and received elsewhere too, another organization's
    issued plan, and its draft carrying a notation WHEN a letter citing them is read THEN only
    the board's record is linked; the other organization's documents never appear."""
    mine = received(registers["incoming"], registers["clerk"], "07-CT/TU", "Tỉnh ủy Kiên Giang")
    received(registers["other_incoming"], registers["other_clerk"], "07-CT/TU", "Tỉnh ủy Kiên Giang")
    other_clerk, outgoing = registers["other_clerk"], registers["other_outgoing"]
    plan = document_create_draft(
        register=outgoing,
        actor=other_clerk,
        doc_type=doc_type("KH"),
        subject="Kế hoạch tuyên truyền",
        body="…",
        signer_name="Lâm Văn Sển",
        signer_title="GIÁM ĐỐC",
    )
    plan = document_issue(document=plan, actor=other_clerk)
    draft = document_create_draft(
        register=outgoing, actor=other_clerk, doc_type=doc_type("KH"), subject="Kế hoạch (dự thảo)", body="…"
    )
    Document.objects.filter(pk=draft.pk).update(notation="141/KH-UBND")
    intake = intake_of(
        references=[
            {"notation": "7-CT/TU", "date": "2021-06-04", "issuer": "Tỉnh ủy Kiên Giang"},
            {"notation": "141/KH-UBND", "date": "2021-07-19", "issuer": "Ủy ban nhân dân tỉnh"},
            {"notation": plan.notation, "date": None, "issuer": None},
        ]
    )

    clerk_view = intake_suggestions(intake, user=registers["clerk"])
    other_view = intake_suggestions(intake, user=other_clerk)

    assert [(ref.canonical, [d.id for d in ref.documents]) for ref in clerk_view.references] == [
        ("07-CT/TU", [mine.pk]),
        ("141/KH-UBND", []),
        (plan.notation, []),
    ]
    assert clerk_view.references[0].documents[0].subject == mine.subject
    seen_by_other = {d.id for ref in other_view.references for d in ref.documents}
    assert mine.pk not in seen_by_other
    assert {draft.pk, plan.pk} <= seen_by_other  # their own documents


@pytest.mark.django_db
def test_the_cited_issuer_narrows_several_records_of_a_notation(registers):
    ours = received(registers["incoming"], registers["clerk"], "07-CT/TU", "Tỉnh ủy Kiên Giang")
    theirs = received(registers["incoming"], registers["clerk"], "07-CT/TU", "Tỉnh ủy Tiền Giang")
    cited = {"notation": "07-CT/TU", "date": "2021-06-04"}

    narrowed = intake_suggestions(
        intake_of(references=[{**cited, "issuer": "Tỉnh ủy Kiên Giang"}]), user=registers["clerk"]
    )
    unnamed = intake_suggestions(intake_of(references=[{**cited, "issuer": None}]), user=registers["clerk"])

    assert [d.id for d in narrowed.references[0].documents] == [ours.pk]
    assert {d.id for d in unnamed.references[0].documents} == {ours.pk, theirs.pk}


# --- bounded queries ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_queries_do_not_grow_with_the_document(registers, size, django_assert_max_num_queries):
    for index in range(size):
        received(registers["incoming"], registers["clerk"], f"{index + 1}-CT/TU", "Tỉnh ủy Kiên Giang")
    intake = intake_of(
        issuer={"name": "TỈNH ỦY KIÊN GIANG", "parent": None},
        addressees=[f"Sở Thử nghiệm {index}" for index in range(size)],
        distribution=["Như trên", *(f"Huyện ủy {index}" for index in range(size)), "Lưu VT"],
        references=[{"notation": f"{index + 1}-CT/TU", "date": None, "issuer": None} for index in range(size)],
        deadlines=[{"date": "2024-03-15", "kind": "before", "text": f"Báo cáo {index}"} for index in range(size)],
    )
    with django_assert_max_num_queries(3):
        suggestions = intake_suggestions(intake, user=registers["clerk"])
    assert sum(len(ref.documents) for ref in suggestions.references) == size


# --- the API ---------------------------------------------------------------------------------


def _keys(schema: dict[str, Any], components: dict[str, Any], value: Any) -> None:
    """The value has exactly the properties its schema documents, all the way down."""
    while "$ref" in schema or "allOf" in schema:
        schema = components[(schema.get("$ref") or schema["allOf"][0]["$ref"]).rsplit("/", 1)[1]]
    if value is None:
        return
    if schema.get("type") == "array":
        for item in value:
            _keys(schema["items"], components, item)
    elif "properties" in schema:
        assert set(value) == set(schema["properties"]), (set(value), set(schema["properties"]))
        for key, item in value.items():
            _keys(schema["properties"][key], components, item)


@pytest.mark.django_db
def test_the_api_reads_and_suggests_as_its_schema_says(demo, board_clerk):
    client = APIClient()
    client.force_authenticate(board_clerk)
    path = EXAMPLES / "M-STTTT-TTBCBC.txt"

    response = client.post(API, {"text": path.read_text(encoding="utf-8"), "source": path.name}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["intake", "suggestions"]
    assert body["intake"] == json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    suggestions = body["suggestions"]
    assert suggestions["issuer"]["match"]["id"] == demo.organizations["kg.stttt"].pk
    assert suggestions["addressees"][0]["kind"] == BODY
    assert suggestions["distribution"][0] == {
        "entry": 0,
        "text": "Như trên",
        "kind": AS_ABOVE,
        "candidates": [],
        "match": None,
    }
    assert IntakeWithSuggestionsSerializer(body).data["suggestions"]["issuer"]["match"]["name"]
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    documented = schema["paths"][API]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    _keys(documented, components, body)


@pytest.mark.django_db
def test_the_api_links_only_what_the_caller_may_see(registers):
    mine = received(registers["incoming"], registers["clerk"], "07-CT/TU", "Tỉnh ủy Kiên Giang")
    text = "Thực hiện Chỉ thị số 07-CT/TU ngày 04/6/2021 của Tỉnh ủy Kiên Giang, báo cáo trước ngày 15/3/2024."
    linked = {}
    for role in ("clerk", "other_clerk"):
        client = APIClient()
        client.force_authenticate(registers[role])
        response = client.post(API, {"text": text}, format="json")
        assert response.status_code == 200
        (reference,) = response.json()["suggestions"]["references"]
        linked[role] = [document["id"] for document in reference["documents"]]
    assert linked == {"clerk": [mine.pk], "other_clerk": []}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [({}, "text"), ({"text": ""}, "text"), ({"text": 12}, "text"), ({"text": "x", "source": "x" * 256}, "source")],
    ids=["no text", "empty", "number", "long source"],
)
def test_the_api_refuses_bad_bodies(outsider, payload, field):
    client = APIClient()
    client.force_authenticate(outsider)
    response = client.post(API, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert list(body["errors"]) == [field]


@pytest.mark.django_db
def test_the_api_is_for_signed_in_users_only():
    response = APIClient().post(API, {"text": "Số 95-KH/TU"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
