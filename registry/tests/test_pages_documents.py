"""The document page (`document-detail`): what it shows, who may open what
(on the list too), the query count, and the actions offered to the register's
clerk. Searching the list is in test_pages_documents_search.py."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from config.urls import urlpatterns as project_urlpatterns
from core.models import AuditEvent
from dispatch.services import document_dispatch, obligation_create
from recipients.models import Clearance, Role
from registry.models import Direction, Document
from registry.services import (
    AddresseeInput,
    ReferenceInput,
    attachment_add,
    document_create_draft,
    document_issue,
    document_register_incoming,
    document_update,
)
from registry.tests.documents_pages import DAY, LIST, browser, count_queries, detail_url, issued, listed_ids
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory, doc_type

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _stub(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("stub")


# The action pages are built by other helpers; until they exist, the action
# tests run against stand-ins with their promised names and paths. Defined
# first, so that the real pages (in the project's patterns) win when they exist.
urlpatterns = [
    path("documents/<id:pk>/edit/", _stub, name="document-edit"),
    path("documents/<id:pk>/issue/", _stub, name="document-issue"),
    path("documents/<id:pk>/dispatch/", _stub, name="document-dispatch"),
    path("documents/<id:pk>/obligations/new/", _stub, name="obligation-create"),
    *project_urlpatterns,
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- Who sees what --------------------------------------------------------------


@pytest.fixture
def secret(organization, register):
    """A Mật plan of the Sở, issued by a clerk cleared for it."""
    cleared_clerk = UserFactory.create(organization=organization, role=Role.CLERK, clearance=Clearance.CONFIDENTIAL)
    draft = document_create_draft(
        register=register,
        actor=cleared_clerk,
        doc_type=doc_type("KH"),
        subject="Kế hoạch bảo vệ bí mật nhà nước",
        confidentiality="confidential",
        signer_name="Lâm Văn Sển",
        signer_title="GIÁM ĐỐC",
    )
    return document_issue(document=draft, actor=cleared_clerk, issued_on=DAY)


def test_a_confidential_document_is_absent_without_clearance(secret, organization, leader):
    uncleared = browser(leader)
    assert listed_ids(uncleared.get(LIST)) == []
    assert listed_ids(uncleared.get(LIST, {"q": "bao ve bi mat"})) == []
    assert uncleared.get(detail_url(secret)).status_code == 404

    mat = UserFactory.create(organization=organization, role=Role.LEADER, clearance=Clearance.CONFIDENTIAL)
    cleared = browser(mat)
    assert listed_ids(cleared.get(LIST, {"q": "bao ve bi mat"})) == [secret.pk]
    response = cleared.get(detail_url(secret))
    assert response.status_code == 200
    assert "Mật" in response.content.decode()
    # Opening it leaves a trace, as through the API.
    viewed = AuditEvent.objects.filter(action="document.viewed", actor=mat, object_id=str(secret.pk))
    assert viewed.count() == 1


def test_another_organizations_draft_and_unknown_ids_are_404(clerk, make_draft):
    other = OrganizationFactory(name="Sở Nội vụ", abbreviation="SNV")
    other_clerk = UserFactory.create(organization=other, role=Role.CLERK)
    foreign = document_create_draft(
        register=RegisterFactory.create(owner=other),
        actor=other_clerk,
        doc_type=doc_type("KH"),
        subject="Kế hoạch cải cách hành chính",
    )
    client = browser(clerk)
    assert client.get(detail_url(foreign)).status_code == 404
    assert listed_ids(client.get(LIST, {"q": "cai cach hanh chinh"})) == []
    assert browser(other_clerk).get(detail_url(foreign)).status_code == 200
    assert client.get("/documents/999999/").status_code == 404
    assert client.get("/documents/99999999999999999999999/").status_code == 404


def test_reporters_do_not_see_their_organizations_drafts(clerk, organization, make_draft):
    draft = make_draft()
    document = issued(make_draft, clerk)
    reporter = browser(UserFactory.create(organization=organization, role=Role.REPORTER))
    assert reporter.get(detail_url(draft)).status_code == 404
    assert reporter.get(detail_url(document)).status_code == 200
    assert listed_ids(reporter.get(LIST)) == [document.pk]


def test_the_pages_need_a_login(make_draft):
    document = make_draft()
    for url in (LIST, detail_url(document)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Client().post(LIST).status_code == 405


# --- The document page ----------------------------------------------------------


@pytest.fixture
def districts(organization):
    return [
        OrganizationFactory(name=f"UBND huyện {name}", abbreviation="UBND", parent=organization)
        for name in ("Châu Thành", "Giồng Riềng", "Tân Hiệp", "An Biên", "Hòn Đất")
    ]


def sent_document(make_draft, clerk, districts, count: int, attachments: int) -> Document:
    """An issued plan addressed to `count` districts, dispatched, with files and an obligation."""
    chosen = districts[:count]
    document = issued(
        make_draft,
        clerk,
        doc_type=doc_type("KH"),
        subject="Kế hoạch tổng kết công tác tuyên truyền",
        body="Các huyện gởi báo cáo trước ngày 01/12/2024.",
        addressees=[AddresseeInput(organization=district) for district in chosen],
    )
    for n in range(attachments):
        attachment_add(
            document=document,
            actor=clerk,
            upload=SimpleUploadedFile(f"phu-luc-{n}.pdf", PDF + str(n).encode(), content_type="application/pdf"),
        )
    document_dispatch(document=document, actor=clerk)
    obligation_create(
        document=document,
        actor=clerk,
        title="Báo cáo tổng kết",
        due_on=datetime.date(2024, 11, 30),
        organizations=chosen,
    )
    return document


def test_the_page_shows_everything_about_the_document(make_draft, clerk, districts, organization):
    cited = issued(make_draft, clerk, subject="Chỉ thị về tuyên truyền")
    other = OrganizationFactory(name="Sở Nội vụ", abbreviation="SNV")
    other_clerk = UserFactory.create(organization=other, role=Role.CLERK)
    hidden = document_issue(
        document=document_create_draft(
            register=RegisterFactory.create(owner=other),
            actor=other_clerk,
            doc_type=doc_type("CV"),
            subject="Công văn nội bộ",
            signer_name="Nguyễn Văn A",
            signer_title="GIÁM ĐỐC",
            drafting_unit="VP",
        ),
        actor=other_clerk,
    )
    document = sent_document(make_draft, clerk, districts, 2, 1)
    draft = make_draft(
        subject="Công văn hướng dẫn",
        references=[
            ReferenceInput(relation="implements", target=cited),
            ReferenceInput(relation="cites", target=hidden),
            ReferenceInput(relation="cites", notation="21-NQ/TW"),
        ],
    )
    document_update(document=draft, actor=clerk, changes={"note": "Ghi chú của văn thư"})

    client = browser(clerk)
    content = client.get(detail_url(document)).content.decode()
    assert f"<h1>{document.notation}</h1>" in content
    assert "Kế hoạch tổng kết công tác tuyên truyền" in content
    assert "01/03/2024" in content  # dd/mm/yyyy
    assert "UBND huyện Châu Thành" in content
    assert "UBND huyện Giồng Riềng" in content
    assert "Các huyện gởi báo cáo trước ngày 01/12/2024." in content
    attachment = document.attachments.get()
    assert f'href="/api/v1/documents/{document.pk}/attachments/{attachment.pk}/"' in content
    assert f'href="/api/v1/documents/{document.pk}/pdf/"' in content
    assert f'href="/api/v1/documents/{document.pk}/docx/"' in content
    assert "Sent to 2 organizations" in content
    assert "Báo cáo tổng kết" in content
    assert f'href="{reverse("compliance-obligation", args=[document.obligations.get().pk])}"' in content
    assert "Issued and numbered" in content
    assert "Sent to recipients" in content
    assert "Reporting obligation created" in content

    page = client.get(detail_url(draft)).content.decode()
    assert f'href="/documents/{cited.pk}/"' in page  # visible: a link
    assert f'href="/documents/{hidden.pk}/"' not in page  # another organization's: its notation only
    assert hidden.notation in page
    assert "21-NQ/TW" in page
    assert "Draft (not numbered yet)" in page
    # The history says who changed what, before and after.
    assert "Details changed" in page
    assert "Ghi chú của văn thư" in page
    assert "vanthu_test" in page or clerk.get_full_name() in page


def test_an_attachment_link_downloads_the_file_with_the_session(make_draft, clerk, districts):
    document = sent_document(make_draft, clerk, districts, 1, 1)
    attachment = document.attachments.get()
    response = browser(clerk).get(f"/api/v1/documents/{document.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_incoming_document_shows_its_arrival(clerk, organization):
    incoming = document_register_incoming(
        register=RegisterFactory.create(owner=organization, name="Sổ đến", direction=Direction.INCOMING),
        actor=clerk,
        notation="Số 375-CV/BTGTU",
        sender_name="Ban Tuyên giáo Tỉnh ủy",
        issued_on=DAY,
        subject="V/v tuyên truyền",
    )
    content = browser(clerk).get(detail_url(incoming)).content.decode()
    assert "Arrival number" in content
    assert "Ban Tuyên giáo Tỉnh ủy" in content
    assert "375-CV/BTGTU" in content
    assert "Registered as received" in content
    assert "Deliveries" not in content


def test_the_document_page_costs_the_same_however_much_it_holds(
    make_draft, clerk, districts, django_assert_max_num_queries
):
    small = sent_document(make_draft, clerk, districts, 1, 1)
    large = sent_document(make_draft, clerk, districts, 5, 4)
    assert large.deliveries.count() == 5
    assert (
        AuditEvent.objects.filter(object_id=str(large.pk)).count()
        > AuditEvent.objects.filter(object_id=str(small.pk)).count()
    )
    client = browser(clerk)
    limit = 16
    assert count_queries(client, detail_url(small), django_assert_max_num_queries, limit) == count_queries(
        client, detail_url(large), django_assert_max_num_queries, limit
    )


# --- Actions --------------------------------------------------------------------


ACTION_LABELS = ("Edit the draft", "Issue: give it its number", "Dispatch", "Create reporting obligations")


@pytest.mark.urls(__name__)
def test_the_registers_clerk_gets_the_draft_actions(make_draft, clerk):
    draft = make_draft()
    content = browser(clerk).get(detail_url(draft)).content.decode()
    assert f'href="/documents/{draft.pk}/edit/"' in content
    assert f'action="/documents/{draft.pk}/issue/"' in content
    assert 'name="issued_on"' in content  # the date of the document, optional
    assert 'name="csrfmiddlewaretoken"' in content
    assert f"/documents/{draft.pk}/dispatch/" not in content
    assert f"/documents/{draft.pk}/obligations/new/" not in content


@pytest.mark.urls(__name__)
def test_the_registers_clerk_dispatches_an_issued_document_and_creates_obligations(make_draft, clerk):
    document = issued(make_draft, clerk)
    content = browser(clerk).get(detail_url(document)).content.decode()
    assert f'href="/documents/{document.pk}/dispatch/"' in content
    assert f'href="/documents/{document.pk}/obligations/new/"' in content
    assert f"/documents/{document.pk}/edit/" not in content
    assert f"/documents/{document.pk}/issue/" not in content


@pytest.mark.urls(__name__)
def test_leaders_reporters_and_other_clerks_get_no_actions(make_draft, clerk, leader, organization):
    draft = make_draft()
    document = issued(make_draft, clerk)
    reporter = UserFactory.create(organization=organization, role=Role.REPORTER)
    province = OrganizationFactory(name="UBND tỉnh")
    organization.parent = province
    organization.save(update_fields=["parent"])
    province_clerk = UserFactory.create(organization=province, role=Role.CLERK)  # reads the Sở's registers, keeps none
    pages = [
        (leader, draft),
        (leader, document),
        (reporter, document),
        (province_clerk, draft),
        (province_clerk, document),
    ]
    for user, shown in pages:
        response = browser(user).get(detail_url(shown))
        assert response.status_code == 200, (user.role, shown.status)
        content = response.content.decode()
        for suffix in ("edit/", "issue/", "dispatch/", "obligations/new/"):
            assert f"/documents/{shown.pk}/{suffix}" not in content, (user.role, suffix)


def test_without_the_action_pages_no_action_is_offered(make_draft, clerk):
    """Until the other pages exist their names do not resolve; the page must still render."""
    draft = make_draft()
    response = browser(clerk).get(detail_url(draft))
    assert response.status_code == 200
