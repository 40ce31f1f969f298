import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core.models import AuditEvent
from core.tests import changeform_data, changelist_queries, messages_of
from recipients.models import Role
from registry.models import Document, DocumentStatus, DocumentType, ImportJob, ImportJobStatus, NumberSequence, Register
from registry.services import document_issue
from tests.factories import RegisterFactory, UserFactory, doc_type

DOCUMENTS = reverse("admin:registry_document_changelist")
REGISTERS = reverse("admin:registry_register_changelist")
SEQUENCES = reverse("admin:registry_numbersequence_changelist")
TYPES = reverse("admin:registry_documenttype_changelist")
IMPORTS = reverse("admin:registry_importjob_changelist")


def change_url(document):
    return reverse("admin:registry_document_change", args=[document.pk])


def listed(response):
    return list(response.context["cl"].result_list)


def act(client, action, documents, **extra):
    data = {"action": action, "_selected_action": [document.pk for document in documents], **extra}
    return client.post(DOCUMENTS, data)


@pytest.fixture
def issued(make_draft, clerk):
    return document_issue(document=make_draft(), actor=clerk)


@pytest.mark.django_db
def test_document_list_shows_drafts_and_numbers_and_filters(admin_client, make_draft, issued):
    draft = make_draft(doc_type=doc_type("KH"), subject="Kế hoạch tuyên truyền", drafting_unit="")
    response = admin_client.get(DOCUMENTS)
    assert response.status_code == 200
    page = response.content.decode()
    assert issued.notation in page
    assert "[Draft]" in page or "Dự thảo" in page
    assert listed(admin_client.get(DOCUMENTS, {"status__exact": "draft"})) == [draft]
    for params in (
        {"direction__exact": "outgoing", "system__exact": "state"},
        {"doc_type__id__exact": draft.doc_type_id, "register__id__exact": draft.register_id},
        {"urgency__exact": "normal", "confidentiality__exact": "normal"},
        {"issued_on__year": str(issued.issued_on.year), "issued_on__month": str(issued.issued_on.month)},
    ):
        assert admin_client.get(DOCUMENTS, params).status_code == 200


@pytest.mark.django_db
def test_document_search_folds_diacritics_and_reads_notations(admin_client, make_draft, issued):
    plan = make_draft(doc_type=doc_type("KH"), subject="Kế hoạch tuyên truyền", drafting_unit="")
    assert listed(admin_client.get(DOCUMENTS, {"q": "ke hoach"})) == [plan]
    assert listed(admin_client.get(DOCUMENTS, {"q": "Kế hoạch"})) == [plan]
    assert listed(admin_client.get(DOCUMENTS, {"q": f"Số: {issued.notation[1:]}"})) == [issued]
    assert set(listed(admin_client.get(DOCUMENTS, {"q": "lam van sen"}))) == {issued, plan}


@pytest.mark.django_db
def test_a_drafts_content_is_edited_through_the_service(admin_client, admin_user, make_draft):
    draft = make_draft()
    page = admin_client.get(change_url(draft))
    assert page.status_code == 200
    assert "document.create_draft" in page.content.decode()
    data = changeform_data(page)
    data.update(subject="Tuyên truyền Chỉ thị số 07-CT/TU", urgency="urgent")
    assert admin_client.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert (draft.subject, draft.urgency) == ("Tuyên truyền Chỉ thị số 07-CT/TU", "urgent")
    event = AuditEvent.objects.for_object(draft).get(action="document.update")
    assert (event.actor, set(event.changes)) == (admin_user, {"subject", "urgency"})


@pytest.mark.django_db
def test_a_refused_draft_edit_stays_on_the_form(admin_client, make_draft):
    draft = make_draft()
    data = changeform_data(admin_client.get(change_url(draft)))
    data["drafting_unit"] = "1-X"
    response = admin_client.post(change_url(draft), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "1-X" in str(form.errors)
    assert form["drafting_unit"].value() == "1-X"
    draft.refresh_from_db()
    assert draft.drafting_unit == "TTBCBC"


@pytest.mark.django_db
def test_an_issued_document_is_read_only(admin_client, issued):
    page = admin_client.get(change_url(issued))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "document.issue" in page.content.decode()
    assert admin_client.post(change_url(issued), {"subject": "Sửa"}).status_code == 403
    issued.refresh_from_db()
    assert issued.subject.startswith("Thông tin")


@pytest.mark.django_db
def test_issue_action_numbers_drafts_and_reports_each_failure(admin_client, admin_user, make_draft):
    ready = make_draft()
    unsigned = make_draft(signer_name="", signer_title="", subject="Văn bản chưa có người ký")
    response = act(admin_client, "issue_drafts", [ready, unsigned])
    assert response.status_code == 302
    ready.refresh_from_db()
    unsigned.refresh_from_db()
    assert (ready.status, ready.number, ready.issued_by) == (DocumentStatus.ISSUED, 1, admin_user)
    assert unsigned.status == DocumentStatus.DRAFT
    levels = messages_of(response)
    assert [level for level, _text in levels] == ["error", "success"]
    assert "Văn bản chưa có người ký" in levels[0][1]
    assert ready.notation in levels[1][1]


@pytest.mark.django_db
def test_withdraw_action_asks_for_the_reason_then_withdraws(admin_client, admin_user, issued):
    asked = act(admin_client, "withdraw_documents", [issued], index="0")
    assert asked.status_code == 200
    page = asked.content.decode()
    assert issued.notation in page
    assert '<input type="hidden" name="action" value="withdraw_documents">' in page
    assert f'<input type="hidden" name="_selected_action" value="{issued.pk}">' in page

    again = act(admin_client, "withdraw_documents", [issued], apply="1", reason="  ")
    assert again.status_code == 200
    assert again.context["form"].errors["reason"]
    issued.refresh_from_db()
    assert issued.status == DocumentStatus.ISSUED

    done = act(admin_client, "withdraw_documents", [issued], apply="1", reason="Sai thể thức")
    assert done.status_code == 302
    issued.refresh_from_db()
    assert (issued.status, issued.withdrawal_reason, issued.withdrawn_by) == (
        DocumentStatus.WITHDRAWN,
        "Sai thể thức",
        admin_user,
    )
    assert [level for level, _text in messages_of(done)] == ["success"]
    assert admin_client.get(change_url(issued)).status_code == 200


@pytest.mark.django_db
def test_withdrawing_a_draft_is_refused_with_a_message(admin_client, make_draft):
    draft = make_draft()
    response = act(admin_client, "withdraw_documents", [draft], apply="1", reason="Nhầm")
    assert response.status_code == 302
    assert [level for level, _text in messages_of(response)] == ["error"]
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT


@pytest.mark.django_db
def test_an_issued_document_cannot_be_deleted(admin_client, admin_user, issued):
    delete_url = reverse("admin:registry_document_delete", args=[issued.pk])
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not admin.site._registry[Document].has_delete_permission(request, issued)

    response = act(admin_client, "delete_selected", [issued], post="yes")
    assert response.status_code == 302
    assert [level for level, _text in messages_of(response)] == ["warning"]
    assert Document.objects.filter(pk=issued.pk).exists()


@pytest.mark.django_db
def test_bulk_delete_removes_only_the_drafts_through_the_service(admin_client, admin_user, make_draft, issued):
    draft = make_draft()
    confirm = act(admin_client, "delete_selected", [draft, issued], index="0")
    assert confirm.status_code == 200
    assert list(confirm.context["queryset"]) == [draft]

    done = act(admin_client, "delete_selected", [draft], post="yes")
    assert done.status_code == 302
    assert list(Document.objects.all()) == [issued]
    event = AuditEvent.objects.get(action="document.delete_draft")
    assert (event.object_id, event.actor) == (str(draft.pk), admin_user)


@pytest.mark.django_db
def test_a_draft_is_deleted_through_the_service(admin_client, admin_user, make_draft):
    draft = make_draft()
    delete_url = reverse("admin:registry_document_delete", args=[draft.pk])
    assert admin_client.get(delete_url).status_code == 200
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Document.objects.exists()
    assert AuditEvent.objects.get(action="document.delete_draft").actor == admin_user


@pytest.mark.django_db
def test_a_register_is_opened_through_the_service(admin_client, admin_user, organization):
    add = reverse("admin:registry_register_add")
    assert admin_client.get(add).status_code == 200
    response = admin_client.post(
        add,
        {
            "owner": organization.pk,
            "name": "Sổ văn bản đi 2026",
            "direction": "outgoing",
            "system": "state",
            "period_kind": "year",
            "sequence_scope": "register",
        },
    )
    assert response.status_code == 302
    register = Register.objects.get(name="Sổ văn bản đi 2026")
    assert register.is_active
    assert AuditEvent.objects.for_object(register).get().actor == admin_user


@pytest.mark.django_db
def test_a_used_registers_policy_is_refused_on_the_form_and_closing_works(admin_client, register, issued):
    url = reverse("admin:registry_register_change", args=[register.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert list(page.context["inline_admin_formsets"][0].formset.queryset) == [issued.sequence]
    data = changeform_data(page)

    refused = admin_client.post(url, {**data, "sequence_scope": "doc_type"})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.non_field_errors()
    register.refresh_from_db()
    assert register.sequence_scope == "register"

    data.pop("is_active")
    assert admin_client.post(url, data).status_code == 302
    register.refresh_from_db()
    assert not register.is_active
    assert AuditEvent.objects.for_object(register).get(action="register.update").changes["is_active"] == {
        "before": True,
        "after": False,
    }


@pytest.mark.django_db
def test_register_and_sequence_lists_filter_and_search(admin_client, register, issued):
    assert listed(admin_client.get(REGISTERS, {"q": "văn bản đi", "direction__exact": "outgoing"})) == [register]
    assert (
        admin_client.get(REGISTERS, {"owner__id__exact": register.owner_id, "is_active__exact": "1"}).status_code == 200
    )
    sequence = issued.sequence
    assert listed(admin_client.get(SEQUENCES, {"register__id__exact": register.pk})) == [sequence]
    assert listed(admin_client.get(SEQUENCES, {"period_start": sequence.period_start.isoformat()})) == [sequence]
    assert admin_client.get(reverse("admin:registry_numbersequence_change", args=[sequence.pk])).status_code == 200
    assert admin_client.get(reverse("admin:registry_numbersequence_add")).status_code == 403


@pytest.mark.django_db
def test_document_types_are_read_only_except_for_superusers(client, admin_client):
    letter = doc_type("CV")
    assert listed(admin_client.get(TYPES, {"q": "KH"}))
    assert admin_client.get(reverse("admin:registry_documenttype_change", args=[letter.pk])).status_code == 200
    assert admin_client.get(reverse("admin:registry_documenttype_add")).status_code == 200

    client.force_login(UserFactory(role=Role.ADMIN, organization=None, is_staff=True))
    assert client.get(TYPES, {"is_letter__exact": "1"}).status_code == 200
    page = client.get(reverse("admin:registry_documenttype_change", args=[letter.pk]))
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:registry_documenttype_add")).status_code == 403


def _documents(make_draft, clerk, count):
    for index in range(count):
        draft = make_draft()
        if index % 2:
            document_issue(document=draft, actor=clerk)


def _registers(make_draft, clerk, count):
    for _ in range(count):
        RegisterFactory()


def _sequences(make_draft, clerk, count):
    for index in range(count):
        NumberSequence.objects.create(
            register=RegisterFactory(), period_start=datetime.date(2000 + index, 1, 1), doc_type=doc_type("KH")
        )


def _types(make_draft, clerk, count):
    for _ in range(count):
        number = DocumentType.objects.count()
        DocumentType.objects.create(code=f"T{number}", state_name=f"Loại {number}")


def _imports(make_draft, clerk, count):
    for index in range(count):
        ImportJob.objects.create(
            register=RegisterFactory(), filename=f"so-{index}.xlsx", file=f"imports/so-{index}.xlsx", created_by=clerk
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "make"),
    [(DOCUMENTS, _documents), (REGISTERS, _registers), (SEQUENCES, _sequences), (TYPES, _types), (IMPORTS, _imports)],
)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, make_draft, clerk, url, make):
    make(make_draft, clerk, 3)
    few = changelist_queries(admin_client, url)
    make(make_draft, clerk, 20)
    assert changelist_queries(admin_client, url) == few


@pytest.mark.django_db
def test_imports_are_listed_read_only_with_their_failure(admin_client, clerk, register):
    failed = ImportJob.objects.create(
        register=register,
        filename="so-di-2021.xlsx",
        file="imports/so-di-2021.xlsx",
        created_by=clerk,
        status=ImportJobStatus.FAILED,
        report={"failure": "The import stopped: the worker running it was shut down before it finished."},
    )
    done = ImportJob.objects.create(
        register=register,
        filename="so-di-2022.xlsx",
        file="imports/so-di-2022.xlsx",
        created_by=clerk,
        status=ImportJobStatus.DONE,
        imported=120,
    )
    assert listed(admin_client.get(IMPORTS, {"status__exact": "failed"})) == [failed]
    assert listed(admin_client.get(IMPORTS, {"q": "2022"})) == [done]
    page = admin_client.get(reverse("admin:registry_importjob_change", args=[failed.pk])).content.decode()
    assert "the worker running it was shut down" in page
    assert f"/registers/imports/{failed.pk}/" in page
    assert 'name="_save"' not in page
    assert admin_client.get(reverse("admin:registry_importjob_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:registry_importjob_delete", args=[done.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert ImportJob.objects.count() == 2
