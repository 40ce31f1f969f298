"""registry_document.reader_organizations (PostgreSQL, dispatch migration 0003):
the organizations a document is addressed or delivered to or obliges, kept by
triggers on every write, and read by visible_documents beside the search vector."""

import datetime

import pytest
from django.db import connection

from dispatch.services.deliveries import document_dispatch
from dispatch.services.obligations import obligation_create
from registry.models import Document, DocumentAddressee
from registry.search import search_documents
from registry.selectors import document_list, read_by_index, read_by_subqueries
from registry.services import AddresseeInput, document_create_draft, document_update
from tests.factories import PartyOrganizationFactory, doc_type

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


def test_readers_and_words_are_read_from_one_index(world):
    condition = read_by_index(world.districts[0].pk)
    plan = _plan(search_documents(Document.objects.filter(condition), "tong ket ban tin"))
    assert "Bitmap Index Scan on registry_document_visible_search" in plan
    assert "reader_organizations @>" in plan.split("Bitmap Index Scan on registry_document_visible_search")[1]
