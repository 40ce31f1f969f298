"""The clerk's pages, continued: editing drafts, the errors of issuing and
dispatching, the addressee picker without JavaScript, and what the pages cost
in queries as rows grow."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dispatch.models import Delivery
from dispatch.services import document_dispatch
from registry.models import Document, DocumentStatus
from registry.services import AddresseeInput, document_create_draft, document_issue
from registry.tests.clerk_pages import (
    browser,
    build_world,
    draft_data,
    field_error,
    htmx,
    issued,
    make_draft,
    messages_of,
    organization,
)
from tests.factories import RecipientGroupFactory, RegisterFactory, doc_type


@pytest.fixture
def world(db):
    return build_world()


# --- Editing ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_editing_a_draft_keeps_its_lines_and_an_issued_document_is_not_editable(world):
    draft = document_create_draft(
        register=world.outgoing,
        actor=world.clerk,
        doc_type=doc_type("CV"),
        subject="Bản nháp",
        signer_name="Nguyễn Thanh Phong",
        addressees=[
            AddresseeInput(organization=world.districts[0], text="Thường trực Huyện ủy Giồng Riềng"),
            AddresseeInput(group=world.group),
            AddresseeInput(text="Các sở, ban, ngành, đoàn thể cấp tỉnh"),
        ],
    )
    client = browser(world.clerk)
    form = client.get(f"/documents/{draft.pk}/edit/")
    assert form.status_code == 200
    page = form.content.decode()
    assert re.search(rf'name="addressees" value="org:{world.districts[0].pk}"[^>]* checked', page)
    assert re.search(rf'name="addressees" value="group:{world.group.pk}"[^>]* checked', page)
    assert "Các sở, ban, ngành, đoàn thể cấp tỉnh</textarea>" in page
    assert "- Như trên;\n- Lưu.</textarea>" in page

    # Untick the group, change the subject.
    response = client.post(
        f"/documents/{draft.pk}/edit/",
        draft_data(
            world,
            subject="Bản nháp đã sửa",
            addressees=[f"org:{world.districts[0].pk}"],
            addressee_lines="Các sở, ban, ngành, đoàn thể cấp tỉnh",
            distribution="- Như trên;\n- Lưu.",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.subject == "Bản nháp đã sửa"
    # The printed wording chosen for an organization stays.
    assert [a.text for a in draft.addressees.order_by("position")] == [
        "Thường trực Huyện ủy Giồng Riềng",
        "Các sở, ban, ngành, đoàn thể cấp tỉnh",
    ]

    document_issue(document=draft, actor=world.clerk)
    response = client.get(f"/documents/{draft.pk}/edit/")
    assert response.status_code == 409
    assert "only drafts are edited here" in response.content.decode()
    response = client.post(f"/documents/{draft.pk}/edit/", draft_data(world, subject="Sửa sau khi ban hành"))
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.subject == "Bản nháp đã sửa"


# --- Issuing and dispatching errors -----------------------------------------------------------------


@pytest.mark.django_db
def test_issue_errors_are_messages(world):
    client = browser(world.clerk)
    unsigned = document_create_draft(
        register=world.outgoing,
        actor=world.clerk,
        doc_type=doc_type("CV"),
        subject="Chưa có người ký",
        addressees=[AddresseeInput(text="Thường trực Tỉnh ủy")],
    )
    response = client.post(f"/documents/{unsigned.pk}/issue/")
    assert response.status_code == 302
    assert messages_of(response) == ["Not issued: The draft cannot be issued yet; it lacks: signer."]
    client.get("/today/")  # shows (and so uses up) the message
    document = issued(world)
    response = client.post(f"/documents/{document.pk}/issue/")
    assert "only drafts are issued" in messages_of(response)[-1]
    draft = make_draft(world)
    response = client.post(f"/documents/{draft.pk}/issue/", {"issued_on": "31/02/2024"})
    assert messages_of(response)[-1].startswith("Date of the document: ")
    response = client.post(f"/documents/{draft.pk}/issue/", {"issued_on": "01/01/2999"})
    assert messages_of(response)[-1] == "Not issued: A document cannot be issued with a date in the future."
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT


@pytest.mark.django_db
def test_dispatch_of_a_draft_or_to_nobody_is_explained(world):
    client = browser(world.clerk)
    draft = make_draft(world)
    response = client.get(f"/documents/{draft.pk}/dispatch/")
    assert response.status_code == 409
    assert "Only an issued document can be dispatched; this one is draft." in response.content.decode()
    paper_only = document_issue(
        document=document_create_draft(
            register=world.outgoing,
            actor=world.clerk,
            doc_type=doc_type("CV"),
            subject="Chỉ gửi giấy",
            signer_name="Nguyễn Thanh Phong",
            addressees=[AddresseeInput(text="Thường trực Tỉnh ủy")],
        ),
        actor=world.clerk,
    )
    page = client.get(f"/documents/{paper_only.pk}/dispatch/").content.decode()
    assert "The document names no organization of the directory." in page
    response = client.post(f"/documents/{paper_only.pk}/dispatch/", {"channel": "electronic", "dispatch": "1"})
    assert response.status_code == 400
    assert "send it on paper" in response.content.decode()
    assert not Delivery.objects.exists()


# --- The picker without JavaScript, and its search -------------------------------------------------


@pytest.mark.django_db
def test_picker_works_without_javascript(world):
    client = browser(world.clerk)
    searched = client.post("/documents/new/", draft_data(world, subject="", search="addressees", q="an bien"))
    assert searched.status_code == 200
    page = searched.content.decode()
    an_bien = world.districts[1]
    assert f'name="add_addressees" value="org:{an_bien.pk}"' in page
    assert field_error(searched, "subject") is None  # still composing: no errors yet
    added = client.post(
        "/documents/new/", draft_data(world, subject="", add_addressees=f"org:{an_bien.pk}", q="an bien")
    )
    assert re.search(rf'name="addressees" value="org:{an_bien.pk}"[^>]* checked', added.content.decode())
    assert not Document.objects.exists()
    # The whole directory is there to choose from too.
    assert f'<option value="group:{world.group.pk}">' in page
    assert f'<option value="org:{world.districts[2].pk}">' in page


@pytest.mark.django_db
def test_search_is_bounded_skips_chosen_items_and_adds_each_once(world):
    for n in range(25):
        organization(world.admin, f"Đảng ủy xã Bình An {n}", "DU")
    client = browser(world.clerk)
    found = htmx(client, "/recipients/search/", q="binh an", **{"for": "addressees"}).content.decode()
    assert found.count('name="add_addressees"') == 20
    assert "20 matches" in found
    giong_rieng = f"org:{world.districts[0].pk}"
    found = htmx(client, "/recipients/search/", q="huyen uy", addressees=[giong_rieng], **{"for": "addressees"})
    assert giong_rieng not in found.content.decode()
    again = htmx(client, "/recipients/search/", addressees=[giong_rieng], add_addressees=giong_rieng)
    assert again.status_code == 204
    assert htmx(client, "/recipients/search/", add_addressees="org:999999").status_code == 404
    nothing = htmx(client, "/recipients/search/", q="zzzz", **{"for": "extra"}).content.decode()
    assert "Nothing in the directory matches “zzzz”." in nothing
    # Organizations no longer active are not offered.
    world.districts[2].active_to = "2020-01-01"
    world.districts[2].save()
    assert "Rạch Giá" not in htmx(client, "/recipients/search/", q="rach gia").content.decode()


# --- Query counts ----------------------------------------------------------------------------------


def fill(world, n):
    """n drafts, n documents waiting for receipt, and n deliveries to register at the first district."""
    for i in range(n):
        make_draft(world, f"Bản nháp {i}", urgency="urgent")
        document_dispatch(document=issued(world, f"Đã gửi {i}"), actor=world.clerk)
    district = world.districts[0]
    district_register = RegisterFactory(owner=district, name=f"Sổ đi {n}")
    district_clerk = world.district_clerks[0]
    for i in range(n):
        draft = document_create_draft(
            register=district_register,
            actor=district_clerk,
            doc_type=doc_type("CV"),
            subject=f"Gửi ngược {i}",
            signer_name="A",
            addressees=[AddresseeInput(organization=world.board)],
        )
        document_dispatch(document=document_issue(document=draft, actor=district_clerk), actor=district_clerk)


def count_queries(django_assert_max_num_queries, client, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 9])
def test_home_queries_do_not_grow_with_rows(world, rows, django_assert_max_num_queries):
    fill(world, rows)
    client = browser(world.clerk)
    page = client.get("/today/").content.decode()
    assert page.count('action="/deliveries/') == rows
    assert len(re.findall(r'href="/documents/[0-9]+/edit/"', page)) == rows
    assert page.count("Not yet received by 1 of 1 recipient:") == rows
    assert "Page 1 of" not in page
    count_queries(django_assert_max_num_queries, client, "/today/", 13)


@pytest.mark.django_db
def test_home_and_form_cost_the_same_with_2_or_20_rows(world, django_assert_max_num_queries):
    client = browser(world.clerk)
    fill(world, 2)
    home_small = count_queries(django_assert_max_num_queries, client, "/today/", 13)
    fill(world, 18)  # 20 of each, more than a panel's page
    home_large = count_queries(django_assert_max_num_queries, client, "/today/", 13)
    assert home_small == home_large
    page = client.get("/today/").content.decode()
    assert page.count("Page 1 of 2") == 3
    assert re.search(r'Drafts waiting for a number <span class="clerk-count">20</span>', page)
    assert client.get("/today/?drafts_page=2").content.decode().count("/edit/") == 10

    def big_draft(n):
        for i in range(n):
            organization(world.admin, f"Đảng ủy khối {n}-{i}", "DUK", parent=world.board)
        orgs = list(world.board.children.all())[:n]
        return document_create_draft(
            register=world.outgoing,
            actor=world.clerk,
            doc_type=doc_type("CV"),
            subject="Nhiều nơi nhận",
            addressees=[AddresseeInput(organization=org) for org in orgs] + [AddresseeInput(group=world.group)],
        )

    form_small = count_queries(django_assert_max_num_queries, client, f"/documents/{big_draft(2).pk}/edit/", 18)
    form_large = count_queries(django_assert_max_num_queries, client, f"/documents/{big_draft(20).pk}/edit/", 18)
    assert form_small == form_large
    new_form = count_queries(django_assert_max_num_queries, client, "/documents/new/", 12)
    assert new_form <= form_small


@pytest.mark.django_db
def test_dispatch_page_costs_the_same_with_a_group_of_2_or_12_members(world):
    """A group addressee stands for its members: listing them costs no query per member."""

    def issued_to_a_group(size):
        members = [organization(world.admin, f"Đảng ủy xã {size}-{i}", "DU", parent=world.board) for i in range(size)]
        group = RecipientGroupFactory(name=f"Các xã ({size})", owner=world.board, members=members)
        draft = document_create_draft(
            register=world.outgoing,
            actor=world.clerk,
            doc_type=doc_type("CV"),
            subject=f"Gửi {size} xã",
            signer_name="Nguyễn Thanh Phong",
            addressees=[AddresseeInput(group=group)],
        )
        return document_issue(document=draft, actor=world.clerk), members

    client = browser(world.clerk)
    documents = {size: issued_to_a_group(size) for size in (2, 12)}
    client.get(f"/documents/{documents[2][0].pk}/dispatch/")  # the session and caches are warm for both
    counts = {}
    for size, (document, members) in documents.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/documents/{document.pk}/dispatch/")
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count('<th scope="row">Đảng ủy xã ') == size
        assert all(member.name in page for member in members)
        counts[size] = len(captured.captured_queries)
    assert counts[2] == counts[12]
