"""Confidential documents (Mật, Tối mật, Tuyệt mật) in the registry: who sees
them (lists, counts, search, detail, files, register books, the admin), who
may write them, and the trace their reading leaves in the audit trail; the
per-document history; and the audit trail itself staying append-only."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from core.errors import PermissionDenied
from core.models import AuditEvent
from recipients.models import Clearance, Role, User
from registry.books import register_book
from registry.clearance import clearance_filter
from registry.models import Confidentiality, Document
from registry.selectors import document_list
from registry.services import attachment_add, document_issue, document_update
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SECRET_WORDS = "bảo vệ bí mật nhà nước"


def api(user: User, **headers: str) -> APIClient:
    client = APIClient(headers=headers or None)
    client.force_authenticate(user)
    return client


def listed_ids(client: APIClient, **params: str | int) -> tuple[int, set[int]]:
    body = client.get("/api/v1/documents/", params).json()
    return body["count"], {row["id"] for row in body["results"]}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def docs(make_draft, clerk, organization, register):
    """The Sở's outgoing register: a normal letter, a Mật plan and a Tối mật
    report, all issued (the last two by a clerk cleared for Tối mật), each with
    a file; `uncleared` is the Sở's leader without clearance, `mat` one cleared
    for Mật, `toi_mat` the cleared clerk."""
    toi_mat = UserFactory(organization=organization, role=Role.CLERK, clearance=Clearance.SECRET)
    mat = UserFactory(organization=organization, role=Role.LEADER, clearance=Clearance.CONFIDENTIAL)
    uncleared = UserFactory(organization=organization, role=Role.LEADER)

    def issued(actor: User, confidentiality: str, subject: str) -> Document:
        document = document_issue(
            document=make_draft(actor=actor, subject=subject, confidentiality=confidentiality), actor=actor
        )
        upload = SimpleUploadedFile(f"{confidentiality}.pdf", PDF, content_type="application/pdf")
        attachment_add(document=document, actor=actor, upload=upload)
        return document

    return SimpleNamespace(
        normal=issued(clerk, Confidentiality.NORMAL, "Kế hoạch tuyên truyền chuyển đổi số"),
        confidential=issued(toi_mat, Confidentiality.CONFIDENTIAL, f"Kế hoạch {SECRET_WORDS} năm 2024"),
        secret=issued(toi_mat, Confidentiality.SECRET, f"Báo cáo {SECRET_WORDS} quý I"),
        toi_mat=toi_mat,
        mat=mat,
        uncleared=uncleared,
    )


def test_clearance_levels_are_the_confidentiality_levels_in_rising_order():
    assert Clearance.values == Confidentiality.values
    assert Clearance.up_to(Clearance.SECRET) == ("normal", "confidential", "secret")
    assert Clearance.up_to(Clearance.NORMAL) == ("normal",)


@pytest.mark.django_db
def test_each_clearance_includes_the_levels_below_it_and_superusers_see_all(organization):
    def user(**fields: object) -> User:
        return UserFactory.create(organization=organization, **fields)

    assert user().cleared_levels == ("normal",)
    assert user(clearance=Clearance.CONFIDENTIAL).cleared_levels == ("normal", "confidential")
    assert user(clearance=Clearance.SECRET).is_cleared_for("confidential")
    assert not user(clearance=Clearance.SECRET).is_cleared_for("top_secret")
    assert clearance_filter(user(clearance=Clearance.TOP_SECRET)) is None
    assert clearance_filter(user(is_superuser=True, role=Role.ADMIN)) is None
    # The administrator role alone clears nobody.
    assert clearance_filter(user(role=Role.ADMIN), "document__") is not None


@pytest.mark.django_db
def test_lists_counts_and_search_leave_out_what_is_above_the_clearance(docs):
    all_three = {docs.normal.pk, docs.confidential.pk, docs.secret.pk}
    assert listed_ids(api(docs.uncleared)) == (1, {docs.normal.pk})
    assert listed_ids(api(docs.mat)) == (2, {docs.normal.pk, docs.confidential.pk})
    assert listed_ids(api(docs.toi_mat)) == (3, all_three)
    assert listed_ids(api(docs.uncleared), q=SECRET_WORDS) == (0, set())
    assert listed_ids(api(docs.mat), q=SECRET_WORDS) == (1, {docs.confidential.pk})
    assert listed_ids(api(docs.uncleared), notation=docs.secret.notation) == (0, set())
    admin = UserFactory(role=Role.ADMIN, organization=None, is_staff=True)
    superuser = UserFactory(role=Role.ADMIN, organization=None, is_staff=True, is_superuser=True)
    assert listed_ids(api(admin))[0] == 1
    assert listed_ids(api(superuser)) == (3, all_three)


@pytest.mark.django_db
def test_a_hidden_document_is_a_404_exactly_like_another_organizations(docs):
    """GIVEN a document above the reader's clearance and one of another
    organization THEN every read of either answers the same 404 body (but
    the id): nothing tells that the first exists."""
    other_org = OrganizationFactory()
    elsewhere = RegisterFactory(owner=other_org)
    other_clerk = UserFactory(organization=other_org, role=Role.CLERK)
    from registry.services import document_create_draft
    from tests.factories import doc_type

    foreign = document_create_draft(register=elsewhere, actor=other_clerk, doc_type=doc_type("CV"), subject="Khác")
    client = api(docs.uncleared)
    hidden_attachment = docs.secret.attachments.get().pk
    for suffix in ("", "pdf/", "docx/", "history/", f"attachments/{hidden_attachment}/"):
        hidden = client.get(f"/api/v1/documents/{docs.secret.pk}/{suffix}")
        other = client.get(f"/api/v1/documents/{foreign.pk}/{suffix}")
        assert hidden.status_code == other.status_code == 404, suffix
        assert hidden.json()["code"] == other.json()["code"]
        assert hidden.json()["detail"].replace(str(docs.secret.pk), "ID") == other.json()["detail"].replace(
            str(foreign.pk), "ID"
        )
    cleared = api(docs.toi_mat)
    assert cleared.get(f"/api/v1/documents/{docs.secret.pk}/").status_code == 200
    assert cleared.get(f"/api/v1/documents/{docs.secret.pk}/docx/").status_code == 200
    assert cleared.get(f"/api/v1/documents/{docs.secret.pk}/attachments/{hidden_attachment}/").status_code == 200


@pytest.mark.django_db
def test_nobody_writes_above_their_clearance(docs, make_draft, clerk, register):
    with pytest.raises(PermissionDenied, match=r"clearance \(.*\) does not cover Mật"):
        make_draft(confidentiality=Confidentiality.CONFIDENTIAL)
    draft = make_draft()
    with pytest.raises(PermissionDenied, match="does not cover Tối mật"):
        document_update(document=draft, actor=clerk, changes={"confidentiality": Confidentiality.SECRET})
    assert Document.objects.get(pk=draft.pk).confidentiality == Confidentiality.NORMAL
    mat_clerk = UserFactory(organization=clerk.organization, role=Role.CLERK, clearance=Clearance.CONFIDENTIAL)
    with pytest.raises(PermissionDenied, match="does not cover Tối mật"):
        document_update(document=docs.secret, actor=mat_clerk, changes={"note": "Đã gửi"})
    classified = document_update(document=draft, actor=mat_clerk, changes={"confidentiality": "confidential"})
    with pytest.raises(PermissionDenied):
        document_issue(document=classified, actor=clerk)
    response = api(clerk).post(
        "/api/v1/documents/",
        {"register": register.pk, "doc_type": "CV", "subject": "Mật", "confidentiality": "top_secret"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["field"] == "confidentiality"
    assert "Tuyệt mật" in response.json()["detail"]


@pytest.mark.django_db
def test_register_books_leave_out_rows_above_the_clearance(docs, register):
    def book_rows(user: User) -> int:
        return register_book(register=register, user=user).rows

    assert (book_rows(docs.uncleared), book_rows(docs.mat), book_rows(docs.toi_mat)) == (1, 2, 3)
    response = api(docs.uncleared).get(f"/api/v1/registers/{register.pk}/book.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    text = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell)
    assert docs.normal.notation in text
    assert docs.confidential.notation not in text
    assert "bí mật" not in text


@pytest.mark.django_db
def test_reading_a_confidential_document_is_recorded_with_request_and_address(docs, register):
    client = api(docs.toi_mat, **{"X-Request-ID": "req-confidential-1"})
    attachment = docs.confidential.attachments.get()
    before = AuditEvent.objects.count()
    assert client.get(f"/api/v1/documents/{docs.confidential.pk}/").status_code == 200
    assert client.get(f"/api/v1/documents/{docs.confidential.pk}/docx/").status_code == 200
    assert client.get(f"/api/v1/documents/{docs.confidential.pk}/attachments/{attachment.pk}/").status_code == 200
    events = list(AuditEvent.objects.filter(pk__gt=0).order_by("id")[before:])
    assert [(e.action, e.data.get("format")) for e in events] == [
        ("document.viewed", None),
        ("document.downloaded", "docx"),
        ("document.downloaded", "attachment"),
    ]
    for event in events:
        assert (event.actor, event.organization_id, event.object_id) == (
            docs.toi_mat,
            docs.toi_mat.organization_id,
            str(docs.confidential.pk),
        )
        assert (event.request_id, event.ip_address) == ("req-confidential-1", "127.0.0.1")
        assert event.data["confidentiality"] == "confidential"
    assert events[2].data["attachment"] == attachment.pk


@pytest.mark.django_db
def test_reading_a_normal_document_is_not_recorded(docs):
    client = api(docs.toi_mat)
    before = AuditEvent.objects.count()
    attachment = docs.normal.attachments.get()
    client.get(f"/api/v1/documents/{docs.normal.pk}/")
    client.get(f"/api/v1/documents/{docs.normal.pk}/docx/")
    client.get(f"/api/v1/documents/{docs.normal.pk}/attachments/{attachment.pk}/")
    client.get("/api/v1/documents/")
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_register_book_with_confidential_rows_records_each_of_them(docs, register):
    api(docs.uncleared).get(f"/api/v1/registers/{register.pk}/book.xlsx")
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()
    api(docs.toi_mat, **{"X-Request-ID": "book-1"}).get(f"/api/v1/registers/{register.pk}/book.xlsx")
    events = AuditEvent.objects.filter(action="document.downloaded")
    assert sorted((int(e.object_id), e.data["confidentiality"]) for e in events) == [
        (docs.confidential.pk, "confidential"),
        (docs.secret.pk, "secret"),
    ]
    for event in events:
        assert (event.actor, event.request_id, event.ip_address) == (docs.toi_mat, "book-1", "127.0.0.1")
        assert event.data["format"] == "xlsx"
        assert event.data["register_book"]["register"] == register.pk


@pytest.mark.django_db
def test_history_lists_the_documents_events_newest_first_with_who_when_and_where(docs):
    client = api(docs.toi_mat, **{"X-Request-ID": "req-history"})
    client.get(f"/api/v1/documents/{docs.secret.pk}/")
    body = client.get(f"/api/v1/documents/{docs.secret.pk}/history/").json()
    assert body["count"] == 4
    actions = [row["action"] for row in body["results"]]
    assert actions == ["document.viewed", "document.attach", "document.issue", "document.create_draft"]
    viewed, _attach, issued, created = body["results"]
    assert (viewed["actor"], viewed["request_id"], viewed["ip_address"]) == (
        docs.toi_mat.username,
        "req-history",
        "127.0.0.1",
    )
    assert viewed["organization"] == docs.toi_mat.organization_id
    assert viewed["organization_name"] == docs.toi_mat.organization.name
    assert viewed["object_type"] == "registry.document"
    assert issued["changes"]["status"] == {"before": "draft", "after": "issued"}
    assert created["changes"]["confidentiality"] == {"before": None, "after": "secret"}
    # Other documents' events are not in it.
    assert {row["object_id"] for row in body["results"]} == {str(docs.secret.pk)}


@pytest.mark.django_db
def test_history_is_for_readers_of_the_document_only(docs):
    assert api(docs.mat).get(f"/api/v1/documents/{docs.secret.pk}/history/").status_code == 404
    stranger = UserFactory(organization=OrganizationFactory(), role=Role.CLERK, clearance=Clearance.TOP_SECRET)
    assert api(stranger).get(f"/api/v1/documents/{docs.normal.pk}/history/").status_code == 404
    assert APIClient().get(f"/api/v1/documents/{docs.normal.pk}/history/").status_code == 401
    assert api(docs.uncleared).get(f"/api/v1/documents/{docs.normal.pk}/history/").status_code == 200


@pytest.mark.django_db
def test_history_costs_the_same_queries_with_many_events(docs, django_assert_num_queries):
    """The document, the count and the page: three queries however many events."""
    client = api(docs.toi_mat)
    url = f"/api/v1/documents/{docs.normal.pk}/history/"
    client.get(url)  # content types cached
    with django_assert_num_queries(3):
        client.get(url)
    for copies in range(6):
        document_update(document=docs.normal, actor=docs.toi_mat, changes={"copies": copies + 1})
    with django_assert_num_queries(3):
        body = client.get(url).json()
    assert body["count"] == 3 + 6
    assert len({row["organization_name"] for row in body["results"]}) == 1


@pytest.mark.django_db
def test_admin_hides_documents_above_the_administrators_clearance(docs):
    admin = UserFactory(username="quantri", role=Role.ADMIN, organization=None, is_staff=True)
    superuser = UserFactory(username="root", role=Role.ADMIN, organization=None, is_staff=True, is_superuser=True)
    changelist = reverse("admin:registry_document_changelist")
    audit = reverse("admin:core_auditevent_changelist")

    def seen(user: User, url: str, **params: str) -> int:
        client = Client()
        client.force_login(user)
        return client.get(url, params).context["cl"].result_count

    assert (seen(admin, changelist), seen(superuser, changelist)) == (1, 3)
    assert seen(admin, changelist, q=SECRET_WORDS) == 0
    assert seen(admin, changelist, confidentiality__exact="secret") == 0
    client = Client()
    client.force_login(admin)
    change = reverse("admin:registry_document_change", args=[docs.secret.pk])
    assert client.get(change).status_code == 302  # "does not exist", as for an unknown id
    assert client.get(reverse("admin:registry_document_docx", args=[docs.secret.pk])).status_code == 404
    # The audit trail leaves out the hidden documents' events (they carry their subjects and bodies).
    assert seen(admin, audit, document=str(docs.secret.pk)) == 0
    assert seen(superuser, audit, document=str(docs.secret.pk)) == 3
    assert seen(admin, audit, document=str(docs.normal.pk)) == 3
    hidden = 3 + 3  # the Mật and the Tối mật document: drafted, issued, file attached
    assert seen(admin, audit) == seen(superuser, audit) - hidden
    assert client.get(reverse("admin:core_auditevent_changelist"), {"document": "x"}).status_code == 200
    # A superuser opening a confidential document's page is recorded; its history is shown.
    client.force_login(superuser)
    page = client.get(change)
    assert page.status_code == 200
    assert "document.issue" in page.content.decode()
    assert AuditEvent.objects.filter(action="document.viewed", actor=superuser, data__via="admin").count() == 1


@pytest.mark.django_db
def test_confidential_counters_are_not_shown_to_administrators_without_clearance(organization, make_draft):
    """A confidential series' last number is the count of its documents."""
    register = RegisterFactory(owner=organization, confidential_series=True)
    cleared = UserFactory(organization=organization, role=Role.CLERK, clearance=Clearance.CONFIDENTIAL)
    for confidentiality in ("normal", "confidential"):
        document_issue(
            document=make_draft(register=register, actor=cleared, confidentiality=confidentiality), actor=cleared
        )
    admin = UserFactory(role=Role.ADMIN, organization=None, is_staff=True)
    mat_admin = UserFactory(role=Role.ADMIN, organization=None, is_staff=True, clearance=Clearance.CONFIDENTIAL)

    def series_seen(user: User) -> list[str]:
        client = Client()
        client.force_login(user)
        listed = client.get(reverse("admin:registry_numbersequence_changelist"), {"register__id__exact": register.pk})
        return sorted(sequence.series for sequence in listed.context["cl"].result_list)

    assert series_seen(admin) == ["normal"]
    assert series_seen(mat_admin) == ["confidential", "normal"]


@pytest.mark.django_db
def test_document_list_selector_applies_the_clearance_to_administrators_too(docs):
    admin = UserFactory(role=Role.ADMIN, organization=None, clearance=Clearance.CONFIDENTIAL)
    assert set(document_list(user=admin).values_list("pk", flat=True)) == {docs.normal.pk, docs.confidential.pk}


@pytest.mark.django_db
def test_the_database_refuses_to_change_an_audit_event(docs):
    event = AuditEvent.objects.filter(action="document.issue").first()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.action == "document.issue"


@pytest.mark.django_db
@pytest.mark.postgres
def test_postgres_refuses_to_delete_an_audit_event(docs):
    event = AuditEvent.objects.filter(action="document.issue").first()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
