"""Document search (registry.search) through the API's `q`, the admin and the
import path, on SQLite and PostgreSQL; index use on PostgreSQL only."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from recipients.models import Organization, Role, User
from recipients.services import organization_create
from registry.imports import register_import
from registry.models import Direction, Document, Register
from registry.search import MAX_WORDS, filter_by_notation, is_partial_word, search_documents, search_words
from registry.services import AddresseeInput, document_issue, document_register_incoming
from registry.tests.importing import outgoing_row, xlsx_file
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory, doc_type

DOCS = "/api/v1/documents/"
ORGS = "/api/v1/organizations/"
ADMIN_DOCUMENTS = reverse("admin:registry_document_changelist")
DAY = datetime.date(2024, 3, 1)


@dataclass
class World:
    """Three intended documents and, issued later (so newest-first alone would
    list them first), decoys that carry the same words only in their body or
    addressees."""

    plan: Document
    dan_van: Document
    btgtu: Document
    decoys: list[Document]


@pytest.fixture
def incoming_register(organization: Organization) -> Register:
    return RegisterFactory.create(owner=organization, name="Sổ văn bản đến", direction=Direction.INCOMING)


@pytest.fixture
def party_bodies(clerk: User) -> tuple[Organization, Organization]:
    def body(name: str, abbreviation: str) -> Organization:
        return organization_create(actor=clerk, name=name, abbreviation=abbreviation, system="party", level="province")

    return body("Ban Tuyên giáo Tỉnh ủy", "BTGTU"), body("Ban Dân vận Tỉnh ủy", "BDVTU")


def receive(register: Register, clerk: User, **fields: object) -> Document:
    return document_register_incoming(register=register, actor=clerk, **fields)  # type: ignore[arg-type]


@pytest.fixture
def world(make_draft, clerk, incoming_register, party_bodies) -> World:
    propaganda, mass = party_bodies
    btgtu = receive(
        incoming_register,
        clerk,
        notation="Số 375-CV/BTGTU",
        sender=propaganda,
        issued_on=DAY,
        subject="V/v tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng Cộng sản Việt Nam",
        body="Ban Tuyên giáo Tỉnh ủy đề nghị các cơ quan báo chí tăng cường tuyên truyền.",
    )
    dan_van = receive(
        incoming_register,
        clerk,
        notation="Số 112-HD/BDVTU",
        sender=mass,
        issued_on=DAY,
        subject="Hướng dẫn thực hiện công tác dân vận chính quyền năm 2024",
        body="Thực hiện Nghị quyết của Tỉnh ủy, các cơ quan phối hợp thực hiện.",
    )
    plan = document_issue(
        document=make_draft(
            doc_type=doc_type("KH"),
            drafting_unit="",
            subject="Kế hoạch tổ chức Hội nghị Tổng kết công tác thông tin cơ sở năm 2023",
            body="Sở Thông tin và Truyền thông xây dựng kế hoạch như sau.",
        ),
        actor=clerk,
        issued_on=DAY,
    )
    decoys = [
        document_issue(
            document=make_draft(
                subject="Báo cáo kết quả chuyển đổi số quý I năm 2024",
                body=(
                    "Căn cứ Kế hoạch số 12/KH-UBND, Sở tổng kết, đánh giá kết quả; "
                    "theo Công văn số 375-CV/BTGTU của Ban Tuyên giáo Tỉnh ủy, phối hợp với Ban Dân vận."
                ),
                addressees=[AddresseeInput(organization=mass), AddresseeInput(organization=propaganda)],
            ),
            actor=clerk,
            issued_on=DAY + datetime.timedelta(days=5),
        ),
        make_draft(
            subject="Thông báo lịch làm việc của Giám đốc Sở",
            body="Kế hoạch tổng kết năm; làm việc với Ban Dân vận Tỉnh ủy về Công văn 375-CV/BTGTU.",
            addressees=[AddresseeInput(text="Ban Dân vận Tỉnh ủy"), AddresseeInput(text="Ban Tuyên giáo Tỉnh ủy")],
        ),
        receive(
            incoming_register,
            clerk,
            notation="Số 20/TB-UBND",
            sender_name="Ủy ban nhân dân tỉnh Kiên Giang",
            issued_on=DAY + datetime.timedelta(days=7),
            subject="Thông báo kết luận của Chủ tịch UBND tỉnh",
            body="Giao Sở xây dựng kế hoạch tổng kết; Ban Dân vận Tỉnh ủy phối hợp; xem Công văn 375-CV/BTGTU.",
        ),
    ]
    return World(plan=plan, dan_van=dan_van, btgtu=btgtu, decoys=decoys)


def found(client: APIClient, **params: str) -> list[int]:
    response = client.get(DOCS, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "intended"),
    [("ke hoach tong ket", "plan"), ("dan van", "dan_van"), ("375 btgtu", "btgtu"), ("375-cv/btgtu", "btgtu")],
)
def test_searches_without_diacritics_put_the_intended_document_first(clerk_api, world, query, intended):
    """GIVEN the intended document and newer decoys mentioning the same words only
    in body or addressees WHEN searched in lower case without diacritics THEN the
    intended one comes first and the decoys still follow."""
    results = found(clerk_api, q=query)
    assert results[0] == getattr(world, intended).pk
    assert {decoy.pk for decoy in world.decoys} <= set(results[1:])


@pytest.mark.django_db
def test_case_diacritics_and_d_stroke_are_ignored_on_both_sides(clerk_api, make_draft):
    party = make_draft(subject="ĐẢNG ỦY khối cơ quan: Nghị quyết về công tác đoàn viên")
    other = make_draft(subject="Dang ky tham du hoi nghi")
    for query in ("dang uy", "ĐẢNG ủy", "đảng UY", "Dang Uy", "doan vien"):
        assert found(clerk_api, q=query)[0] == party.pk, query
    assert found(clerk_api, q="đăng ký")[0] == other.pk
    assert party.pk not in found(clerk_api, q="dang ky")


@pytest.mark.django_db
def test_the_last_word_may_be_the_start_of_one(clerk_api, world):
    """A last word that cannot be a whole syllable ("btg" of BTGTU, "bdv" of
    BDVTU) is taken as the start of one, from three letters on."""
    assert found(clerk_api, q="ky niem 95 nam ngay thanh lap btg")[0] == world.btgtu.pk
    assert found(clerk_api, q="cong tac dan van chinh quyen bdv")[0] == world.dan_van.pk


@pytest.mark.parametrize(
    ("word", "partial"),
    [
        ("btg", True),
        ("ubn", True),
        ("sttt", True),
        ("van", False),
        ("quyen", False),
        ("nghieng", False),
        ("khuya", False),
        ("hoach", False),
        ("2024", False),
        ("so", False),
    ],
)
def test_a_whole_syllable_or_number_is_taken_as_typed(word, partial):
    """As prefixes, common syllables would stand for many words (văn, vân, vận,
    vạn…) and reading them all would cost more than the search itself."""
    assert is_partial_word(word) is partial


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_whole_syllable_last_is_a_whole_word_on_postgresql(clerk_api, world):
    assert world.btgtu.pk not in found(clerk_api, q="ky niem 95 nam ngay thanh lap dan")


@pytest.mark.django_db
def test_results_are_limited_to_what_the_user_may_see(clerk_api, world):
    """GIVEN another province department's draft with the same words WHEN our clerk
    searches THEN it is not among the results; its own clerk finds it."""
    stranger = OrganizationFactory(name="Sở Nội vụ", abbreviation="SNV")
    their_clerk = UserFactory(organization=stranger, role=Role.CLERK)
    from registry.services import document_create_draft

    theirs = document_create_draft(
        register=RegisterFactory(owner=stranger),
        actor=their_clerk,
        doc_type=doc_type("KH"),
        subject="Kế hoạch Tổng kết công tác cải cách hành chính",
        signer_name="Trần Văn B",
    )
    assert theirs.pk not in found(clerk_api, q="ke hoach tong ket")
    client = APIClient()
    client.force_authenticate(their_clerk)
    assert found(client, q="ke hoach tong ket") == [theirs.pk]


@pytest.mark.django_db
def test_search_combines_with_the_other_filters_and_pages(clerk_api, world):
    assert found(clerk_api, q="ke hoach tong ket", status="draft") == [world.decoys[1].pk]
    assert found(clerk_api, q="dan van", direction="incoming")[0] == world.dan_van.pk
    assert world.dan_van.pk not in found(clerk_api, q="dan van", direction="outgoing")
    first = clerk_api.get(DOCS, {"q": "ban dan van", "page_size": 1}).json()
    assert first["count"] == 4
    assert [row["id"] for row in first["results"]] == [world.dan_van.pk]
    rest = found(clerk_api, q="ban dan van", page_size="1", page="2")
    assert len(rest) == 1
    assert rest[0] != world.dan_van.pk


@pytest.mark.django_db
def test_equal_matches_come_newest_first_then_by_id(clerk_api, make_draft, clerk):
    older = document_issue(document=make_draft(subject="Giấy mời họp"), actor=clerk, issued_on=DAY)
    same_day = [
        document_issue(document=make_draft(subject="Giấy mời họp"), actor=clerk, issued_on=DAY.replace(day=2))
        for _ in range(3)
    ]
    assert found(clerk_api, q="giay moi hop") == [*(d.pk for d in reversed(same_day)), older.pk]


@pytest.mark.django_db
def test_a_notation_as_written_is_found_and_first(clerk_api, world):
    """The query parses as a notation: its document ranks first even where the
    words alone would not match it ("Số 375-CV/BTGTU" has "so")."""
    assert found(clerk_api, q="Số 375-CV/BTGTU")[0] == world.btgtu.pk
    assert found(clerk_api, q="Số 112-HD/BDVTU") == [world.dan_van.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "&",
        "|",
        "!",
        "()",
        "ke & hoach",
        "ke | hoach",
        "!ke",
        "(dan) & !(van)",
        "hoach:*",
        "ke:* & hoach:A",
        "'",
        "ke'hoach",
        "''''",
        "\\",
        "ke\\hoach",
        "<->",
        "ke <-> hoach",
        "%",
        "_",
        "%_%",
        "' OR 1=1 --",
        '"; DROP TABLE registry_document; --',
        "ke hoach\ttong\nket",
        "\u200b\ufeff",
        "ke\u0301 hoa\u0323ch",
    ],
)
def test_any_text_is_a_query_never_an_error(clerk_api, make_draft, query):
    plan = make_draft(doc_type=doc_type("KH"), subject="Kế hoạch tuyên truyền", drafting_unit="")
    response = clerk_api.get(DOCS, {"q": query})
    assert response.status_code == 200, response.content
    if search_words(query) == ["ke", "hoach"]:
        assert [row["id"] for row in response.json()["results"]] == [plan.pk]


@pytest.mark.django_db
def test_nul_in_a_query_is_a_400_naming_the_parameter(clerk_api, world):
    response = clerk_api.get(DOCS, {"q": "ke\x00hoach"})
    assert response.status_code == 400
    assert response.json().get("field") == "q" or "q" in response.json().get("errors", {})


@pytest.mark.django_db
def test_a_query_of_punctuation_only_finds_nothing(clerk_api, world):
    response = clerk_api.get(DOCS, {"q": "!!! -- // ... :*"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.django_db
def test_long_queries(clerk_api, world):
    """A pasted subject with diacritics finds its document first; a query of
    thousands of words or one very long word answers, without a 500."""
    pasted = f"{world.plan.subject} — {world.plan.subject}"
    assert found(clerk_api, q=pasted)[0] == world.plan.pk
    assert len(search_words("a " * 5000)) == MAX_WORDS
    assert clerk_api.get(DOCS, {"q": "kế hoạch " * 2500}).status_code == 200
    assert found(clerk_api, q="x" * 5000) == []


@pytest.mark.django_db
def test_the_list_with_a_query_keeps_a_constant_number_of_queries(clerk_api, make_draft, clerk):
    def add(count: int) -> None:
        for number in range(count):
            make_draft(subject=f"Kế hoạch tổng kết số {number}", addressees=[AddresseeInput(text="Ban Dân vận")])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert clerk_api.get(DOCS, {"q": "ke hoach tong ket"}).status_code == 200
        return len(captured)

    add(2)
    few = queries()
    add(10)
    assert queries() == few


@pytest.mark.django_db
def test_an_imported_register_is_searchable_at_once(clerk_api, register, clerk):
    """GIVEN a register book imported through the fast path (COPY on PostgreSQL)
    WHEN searched THEN its rows are found by words and by notation."""
    rows = [
        outgoing_row(
            "1163/STTTT-TTBCBC",
            "03/08/2021",
            "Công văn V/v thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU",
            signer_name="Lâm Văn Sển",
            distribution="- Như trên;\n- Ban Dân vận Tỉnh ủy;\n- Lưu: VT, TTBCBC.",
        ),
        outgoing_row("141/KH-STTTT", "05/08/2021", "Kế hoạch Tổng kết chuyển đổi số", signer_name="Lê Văn A"),
    ]
    report = register_import(register=register, file=xlsx_file(rows), filename="so-di.xlsx", actor=clerk)
    assert report.imported == 2
    letter = Document.objects.get(register=register, notation="1163/STTTT-TTBCBC")
    plan = Document.objects.get(register=register, notation="141/KH-STTTT")
    assert "ke hoach" not in plan.search_text  # the import takes the type's name off the subject
    assert found(clerk_api, q="ke hoach tong ket") == [plan.pk]
    assert found(clerk_api, q="lam van sen") == [letter.pk]
    assert found(clerk_api, q="1163 stttt")[0] == letter.pk
    assert found(clerk_api, q="chi thi 07 ct tu") == [letter.pk]


@pytest.mark.django_db
def test_admin_search_ranks_like_the_api(admin_client, world):
    def listed(params: dict[str, str]) -> list[Document]:
        response = admin_client.get(ADMIN_DOCUMENTS, params)
        assert response.status_code == 200
        return list(response.context["cl"].result_list)

    assert listed({"q": "ke hoach tong ket"})[0] == world.plan
    assert listed({"q": "375 btgtu"})[0] == world.btgtu
    assert listed({"q": "BTGTU"})[0] == world.btgtu  # part of a notation
    assert listed({"q": "!!!"}) == []
    assert admin_client.get(ADMIN_DOCUMENTS, {"q": "ke\x00hoach"}).status_code == 200
    # A chosen column orders instead: the subject (3: the checkbox is column 0), A to Z.
    by_subject = listed({"q": "ke hoach tong ket", "o": "3"})
    assert [document.subject for document in by_subject] == sorted(document.subject for document in by_subject)


@pytest.mark.django_db
def test_organization_filter_folds_and_ignores_punctuation(clerk_api, party_bodies):
    def names(**params: object) -> list[str]:
        response = clerk_api.get(ORGS, params)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    assert names(q="ban dan van") == ["Ban Dân vận Tỉnh ủy"]
    assert names(q="Ban Tuyên-giáo") == ["Ban Tuyên giáo Tỉnh ủy"]
    assert names(q="!!!") == []
    assert names(q="' OR 1=1 --") == []


@pytest.mark.django_db
def test_search_documents_on_an_empty_query_finds_nothing(world):
    assert not search_documents(Document.objects.all(), " ... ").exists()


@pytest.mark.django_db
def test_control_characters_never_reach_the_database(world):
    """The admin hands its search term over unchecked: NUL, which PostgreSQL refuses in text, is dropped."""
    assert search_documents(Document.objects.all(), "Số 375-CV/BTGTU\x00")[0] == world.btgtu
    assert list(filter_by_notation(Document.objects.all(), "\x00CV/BTG\x00")) == [world.btgtu]


# PostgreSQL: the generated column and the indexes.


def _plan(sql: str, params: Sequence[Any]) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.django_db
def test_search_vector_is_a_generated_column_kept_current_by_every_write(world, clerk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_generated, data_type FROM information_schema.columns "
            "WHERE table_name = 'registry_document' AND column_name = 'search_vector'"
        )
        assert cursor.fetchone() == ("ALWAYS", "tsvector")
        # Kept in the row, which ranking reads (registry migration 0005).
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'registry_document'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m",)
        cursor.execute("SELECT search_vector::text FROM registry_document WHERE id = %s", [world.btgtu.pk])
        vector = cursor.fetchone()[0]
    for piece in ("'375':1A", "'btgtu':3A", "'dang':"):
        assert piece in vector, vector


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_configuration_folds_vietnamese_like_core_text_fold():
    from core.text import fold

    text = "Đảng Ủy ĐOÀN Thanh niên Cộng sản Hồ Chí Minh: Ầ Ẩ Ẫ Ậ ắ ằ ẳ ẵ ặ ơ ớ ờ ở ỡ ợ ư ứ ừ ử ữ ự ỳ ỷ ỹ ỵ ý"
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_to_string(tsvector_to_array(to_tsvector('docreg_vi', %s)), ' ')", [text])
        lexemes = set(cursor.fetchone()[0].split())
    assert lexemes == set(search_words(fold(text)))


@pytest.mark.postgres
@pytest.mark.django_db
def test_searches_use_the_gin_indexes(clerk_api, world):
    documents = search_documents(Document.objects.all(), "ke hoach tong ket")
    sql, params = documents.query.sql_with_params()
    assert "registry_document_search_terms" in _plan(sql, list(params))

    icontains = Document.objects.filter(notation__icontains="CV/BTG")
    sql, params = icontains.query.sql_with_params()
    assert "registry_document_notation_trgm" in _plan(sql, list(params))

    organizations = Organization.objects.filter(search_text__contains="dan van")
    sql, params = organizations.query.sql_with_params()
    assert "recipients_organization_search_trgm" in _plan(sql, list(params))


@pytest.mark.django_db
def test_past_the_rank_limit_the_found_documents_come_newest_first(clerk_api, world, monkeypatch):
    """GIVEN "375 btgtu", found in the intended document (its notation) and in
    three newer decoys (their bodies) WHEN more are found than the rank limit
    THEN they come newest first, but for the notation the query spells."""
    ranked = found(clerk_api, q="375 btgtu")
    assert ranked[0] == world.btgtu.pk
    monkeypatch.setattr("registry.search.RANK_LIMIT", 2)
    newest_first = found(clerk_api, q="375 btgtu")
    assert set(newest_first) == set(ranked)
    issued = dict(Document.objects.filter(pk__in=newest_first).values_list("pk", "issued_on"))
    dates = [issued[pk] for pk in newest_first if issued[pk] is not None]  # where a draft goes is the database's
    assert dates == sorted(dates, reverse=True)
    assert newest_first != ranked
    assert found(clerk_api, q="Số 375-CV/BTGTU")[0] == world.btgtu.pk
