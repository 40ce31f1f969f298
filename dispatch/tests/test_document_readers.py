"""registry_document.reader_organizations (PostgreSQL, dispatch migration 0003):
the organizations a document is addressed or delivered to or obliges, kept by
triggers on every write, and read by visible_documents and, as the scopes of
the indexed search terms, by searches (dispatch migration 0004)."""

import datetime

import pytest
from django.db import connection

from dispatch.services.deliveries import document_dispatch
from dispatch.services.obligations import obligation_create
from recipients.models import Role
from registry.models import Document, DocumentAddressee, Register
from registry.search import search_documents
from registry.selectors import document_list, read_by_index, read_by_subqueries, search_scopes
from registry.services import AddresseeInput, document_create_draft, document_issue, document_update
from tests.factories import PartyOrganizationFactory, RegisterFactory, UserFactory, doc_type

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def readers(document: Document) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reader_organizations FROM registry_document WHERE id = %s", [document.pk])
        return list(cursor.fetchone()[0])


def test_addressees_deliveries_and_obligations_make_readers(world):
    """GIVEN the plan addressed to one district and a group of the two others
    WHEN it is dispatched, one more body is added, and an obligation names a fourth
    THEN its readers are exactly the organizations it reached, in order."""
    first = world.districts[0]
    assert readers(world.plan) == [first.pk]  # a group addressee is no organization of its own

    document_dispatch(document=world.plan, actor=world.clerk)
    assert readers(world.plan) == sorted(district.pk for district in world.districts)

    outsider = PartyOrganizationFactory(name="Ban Dân vận Tỉnh ủy", parent=world.province)
    obligation_create(
        document=world.plan,
        actor=world.clerk,
        title="Báo cáo tổng kết",
        due_on=datetime.date(2023, 12, 1),
        organizations=[outsider],
    )
    assert readers(world.plan) == sorted([*(district.pk for district in world.districts), outsider.pk])


def test_changing_or_removing_addressees_updates_readers(world):
    first, second, third = world.districts
    draft = document_create_draft(
        register=world.outgoing,
        actor=world.clerk,
        doc_type=doc_type("CV"),
        subject="Đề nghị báo cáo",
        body="Đề nghị các đơn vị báo cáo.",
        addressees=[AddresseeInput(organization=first), AddresseeInput(organization=second)],
    )
    assert readers(draft) == sorted([first.pk, second.pk])

    document_update(document=draft, actor=world.clerk, changes={}, addressees=[AddresseeInput(organization=third)])
    assert readers(draft) == [third.pk]

    DocumentAddressee.objects.filter(document=draft).update(organization=second)
    assert readers(draft) == [second.pk]

    DocumentAddressee.objects.filter(document=draft).delete()
    assert readers(draft) == []


def test_readers_admit_what_the_subqueries_admit(world):
    """The indexed reading (PostgreSQL) and the subquery reading (SQLite) admit the same documents."""
    document_dispatch(document=world.plan, actor=world.clerk)
    first = world.districts[0]
    document_create_draft(
        register=world.outgoing,
        actor=world.clerk,
        doc_type=doc_type("CV"),
        subject="Đề nghị báo cáo",
        body="Đề nghị các đơn vị báo cáo.",
        addressees=[AddresseeInput(organization=first), AddresseeInput(text="Các đơn vị")],
    )
    for organization in [*world.districts, world.province, PartyOrganizationFactory()]:
        indexed = set(Document.objects.filter(read_by_index(organization.pk)).values_list("pk", flat=True))
        subqueries = set(Document.objects.filter(read_by_subqueries(organization.pk)).values_list("pk", flat=True))
        assert indexed == subqueries
    assert Document.objects.filter(read_by_index(first.pk)).count() == 2


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_clerks_search_has_no_subquery_per_document(world):
    """The user's registers are one list, computed once; the readers a column."""
    documents = search_documents(document_list(user=world.district_clerks[0]), "tong ket ban tin")
    sql, _params = documents.query.sql_with_params()
    assert "EXISTS" not in sql
    assert '"register_id" = ANY(ARRAY(SELECT' in sql
    assert '"reader_organizations" @> ARRAY[' in sql


def test_a_users_search_reads_only_the_terms_under_their_scopes(world):
    """GIVEN a district clerk, who keeps the district's registers and reads what reaches the district
    WHEN the clerk searches
    THEN one index scan asks the words under each register and under the district as a reader."""
    user = world.district_clerks[0]
    scopes = search_scopes(user)
    registers = list(Register.objects.filter(owner=user.organization).values_list("pk", flat=True))
    assert sorted(scopes) == sorted([*(f"r{pk}/" for pk in registers), f"o{user.organization_id}/", "w/"])
    plan = _plan(search_documents(Document.objects.all(), "tong ket ban tin", scopes=scopes))
    assert plan.count("Bitmap Index Scan on registry_document_search_terms") == 1
    for scope in scopes:
        assert f"{scope}tong" in plan


def _found(user, query: str, *, scoped: bool) -> list[int]:
    scopes = search_scopes(user) if scoped else None
    return list(search_documents(document_list(user=user), query, scopes=scopes).values_list("pk", flat=True))


QUERIES = [
    "tong ket ban tin",  # the plan's subject
    "ke hoach ban tin",  # its type, named, and words of its subject
    "ke hoach",  # the type alone
    "ke hoach sinh hoat chi bo",
    "bao cao",  # words of the answers' subjects
    "dang ki",  # nothing
    "thong tin sinh",  # a syllable as typed, then a prefix of one
    "Số 01-KH/TU",  # the notation
    "de nghi cac don",
]


LETTER_BODY = "Đề nghị các đơn vị thực hiện."


def _issued_letter(world, subject: str, *addressees: AddresseeInput, body: str = LETTER_BODY) -> Document:
    draft = document_create_draft(
        register=world.outgoing,
        actor=world.clerk,
        doc_type=doc_type("CV"),
        subject=subject,
        body=body,
        signer_name="Lê Văn Hòa",
        addressees=list(addressees),
    )
    return document_issue(document=draft, actor=world.clerk)


def test_scoped_searches_find_what_unscoped_ones_find(world):
    """GIVEN the plan dispatched, a letter addressed to one district, an obligation and a report
    WHEN each user searches under their scopes
    THEN they find the same documents, in the same order, as the search of every document's terms
    restricted to what they may see."""
    document_dispatch(document=world.plan, actor=world.clerk)
    letter = _issued_letter(
        world, "Đề nghị báo cáo kết quả sinh hoạt chi bộ", AddresseeInput(organization=world.districts[0])
    )
    obligation_create(
        document=world.plan,
        actor=world.clerk,
        title="Báo cáo tổng kết Bản tin",
        due_on=datetime.date(2023, 12, 1),
        organizations=[world.districts[2]],
    )
    users = [world.clerk, world.leader, *world.district_clerks, *world.reporters]
    for user in users:
        for query in QUERIES:
            assert _found(user, query, scoped=True) == _found(user, query, scoped=False), (user, query)
    assert _found(world.district_clerks[0], "de nghi bao cao sinh hoat", scoped=True) == [letter.pk]
    assert _found(world.district_clerks[1], "de nghi bao cao sinh hoat", scoped=True) == []
    assert _found(world.district_clerks[2], "tong ket ban tin", scoped=True) == [world.plan.pk]


def test_a_document_is_found_under_a_new_reader_once_it_reaches_them(world):
    """GIVEN a letter addressed to no organization yet
    WHEN an addressee is added, then taken away
    THEN the district's search finds it only in between (the index follows the readers' triggers)."""
    letter = _issued_letter(world, "Về việc cử cán bộ dự tập huấn chuyển đổi số", AddresseeInput(text="Các đơn vị"))
    reader = world.district_clerks[1]
    assert _found(reader, "chuyen doi so", scoped=True) == []
    DocumentAddressee.objects.create(
        document=letter, kind="organization", organization=world.districts[1], text="Huyện ủy Cái Bè", position=2
    )
    assert _found(reader, "chuyen doi so", scoped=True) == [letter.pk]
    DocumentAddressee.objects.filter(document=letter, organization=world.districts[1]).delete()
    assert _found(reader, "chuyen doi so", scoped=True) == []


def _terms(document: Document) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(docreg_search_terms(search_vector, doc_type_id, register_id, "
            "reader_organizations)) FROM registry_document WHERE id = %s",
            [document.pk],
        )
        return set(cursor.fetchone()[0])


def test_a_long_document_sent_widely_is_indexed_once_for_all_its_readers(world):
    """GIVEN a letter of 8,000 different words addressed to the three districts and two more bodies
    WHEN it is written
    THEN its words are indexed under its register and once under the wide scope, not under each of the
    five readers (which would make 48,000 terms), and each reader, and only they, still find it."""
    extra = [PartyOrganizationFactory(name=f"Đảng ủy xã {i}", parent=world.province) for i in range(2)]
    letter = _issued_letter(
        world,
        "Danh mục tài liệu phục vụ tổng kết",
        *(AddresseeInput(organization=organization) for organization in [*world.districts, *extra]),
        body=" ".join(f"muc{i}" for i in range(8000)),
    )
    terms = _terms(letter)
    assert {f"r{world.outgoing.pk}/muc7999", "w/muc7999", "w/danh"} <= terms
    assert not any(term.startswith("o") for term in terms)
    assert _found(world.district_clerks[1], "danh muc tai lieu muc7999", scoped=True) == [letter.pk]
    outsider = UserFactory(organization=PartyOrganizationFactory(), role=Role.CLERK)
    assert _found(outsider, "danh muc tai lieu muc7999", scoped=True) == []

    narrow = _issued_letter(world, "Danh mục tài liệu", AddresseeInput(organization=world.districts[0]))
    assert {f"o{world.districts[0].pk}/danh", f"r{world.outgoing.pk}/danh"} <= _terms(narrow)
    assert not any(term.startswith("w/") for term in _terms(narrow))


def test_administrators_search_under_every_register_and_no_scope_finds_nothing(world):
    """The words are indexed only under scopes: without any, a search reads under every register."""
    admin = UserFactory(organization=None, role=Role.ADMIN)
    assert search_scopes(admin) is None
    other = RegisterFactory(owner=PartyOrganizationFactory(), name="Sổ văn bản đi")
    letter = _issued_letter(world, "Tổng kết Bản tin sinh hoạt chi bộ", AddresseeInput(text="Các đơn vị"))
    Document.objects.filter(pk=letter.pk).update(register=other)
    assert set(_found(admin, "tong ket ban tin", scoped=False)) == {world.plan.pk, letter.pk}
    empty = search_documents(Document.objects.all(), "tong ket ban tin", scopes=[])
    assert not empty.exists()
