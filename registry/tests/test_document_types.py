"""Document types: corrected by superusers only, every change audited,
issued documents untouched."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.errors import Conflict, DomainError, PermissionDenied
from core.models import AuditEvent
from core.tests import changeform_data, messages_of
from recipients.models import Role
from registry.models import DocumentType
from registry.services import document_issue
from registry.services.document_types import document_type_create, document_type_delete, document_type_update
from tests.factories import UserFactory, doc_type


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("quantri", "quantri@example.org", "mat-khau-dai-1")


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.mark.django_db
def test_create_cleans_the_text_and_records_every_field(superuser):
    created = document_type_create(
        actor=superuser, code=" HDLT ", state_name="Hướng dẫn liên tịch", state_abbreviation="HDLT", position=40
    )
    assert (created.code, created.state_name) == ("HDLT", "Hướng dẫn liên tịch")
    [event] = events("document_type.create")
    assert event.actor == superuser
    assert event.object_id == str(created.pk)
    assert event.changes["state_abbreviation"] == {"before": None, "after": "HDLT"}
    assert event.changes["position"] == {"before": None, "after": 40}


@pytest.mark.django_db
def test_update_records_the_changed_fields_only(superuser):
    plan = doc_type("KH")
    document_type_update(document_type=plan, actor=superuser, state_name="Kế hoạch công tác", is_letter=False)
    plan.refresh_from_db()
    assert plan.state_name == "Kế hoạch công tác"
    [event] = events("document_type.update")
    assert event.changes == {"state_name": {"before": "Kế hoạch", "after": "Kế hoạch công tác"}}

    document_type_update(document_type=plan, actor=superuser, state_name="Kế hoạch công tác")
    assert len(events("document_type.update")) == 1, "nothing changed, nothing recorded"


@pytest.mark.django_db
def test_issued_documents_keep_the_abbreviation_they_were_issued_with(superuser, make_draft, clerk):
    issued = document_issue(document=make_draft(doc_type=doc_type("KH"), drafting_unit=""), actor=clerk)
    notation = issued.notation
    document_type_update(document_type=doc_type("KH"), actor=superuser, state_abbreviation="KHo")
    issued.refresh_from_db()
    assert (issued.notation, issued.type_abbreviation) == (notation, "KH")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"state_abbreviation": "K/H"}, "state_abbreviation"),
        ({"party_abbreviation": "1KH"}, "party_abbreviation"),
        ({"party_abbreviation": ""}, "party_abbreviation"),
        ({"state_name": "", "party_name": ""}, "state_name"),
        ({"state_name": "Kế\x00hoạch"}, "state_name"),
        ({"state_name": "K" * 81}, "state_name"),
        ({"code": "CV"}, "code"),
        ({"code": "cv"}, "code"),
        ({"code": "K H"}, "code"),
        ({"position": -1}, "position"),
        ({"position": 40000}, "position"),
        ({"position": "3"}, "position"),
        ({"is_letter": "yes"}, "is_letter"),
    ],
)
def test_update_refuses_what_a_notation_or_the_layout_cannot_use(superuser, changes, field):
    plan = doc_type("KH")
    with pytest.raises(DomainError) as refused:
        document_type_update(document_type=plan, actor=superuser, **changes)
    assert refused.value.field == field
    plan.refresh_from_db()
    assert (plan.code, plan.state_abbreviation, plan.party_abbreviation) == ("KH", "KH", "KH")
    assert not events("document_type.update")


@pytest.mark.django_db
def test_only_superusers_write_document_types(superuser):
    administrator = UserFactory(role=Role.ADMIN, organization=None, is_staff=True)
    with pytest.raises(PermissionDenied):
        document_type_update(document_type=doc_type("KH"), actor=administrator, state_name="Kế hoạch mới")
    with pytest.raises(PermissionDenied):
        document_type_create(actor=administrator, code="X", state_name="X")
    with pytest.raises(PermissionDenied):
        document_type_delete(document_type=doc_type("KH"), actor=administrator)
    with pytest.raises(DomainError):
        document_type_update(document_type=doc_type("KH"), actor=superuser, created_at="2020-01-01")
    assert doc_type("KH").state_name == "Kế hoạch"
    assert not AuditEvent.objects.filter(action__startswith="document_type.").exists()


@pytest.mark.django_db
def test_a_type_in_use_is_kept_and_an_unused_one_removed(superuser, make_draft):
    make_draft(doc_type=doc_type("KH"))
    with pytest.raises(Conflict):
        document_type_delete(document_type=doc_type("KH"), actor=superuser)
    assert DocumentType.objects.filter(code="KH").exists()
    assert not events("document_type.delete")

    unused = document_type_create(actor=superuser, code="HDLT", state_name="Hướng dẫn liên tịch")
    document_type_delete(document_type=unused, actor=superuser)
    assert not DocumentType.objects.filter(code="HDLT").exists()
    [event] = events("document_type.delete")
    assert event.object_id == str(unused.pk)
    assert event.changes["code"] == {"before": "HDLT", "after": None}


@pytest.mark.django_db
def test_admin_changes_go_through_the_service_and_show_the_history(client, superuser):
    client.force_login(superuser)
    plan = doc_type("KH")
    url = reverse("admin:registry_documenttype_change", args=[plan.pk])
    data = changeform_data(client.get(url))
    response = client.post(url, {**data, "state_name": "Kế hoạch công tác"})
    assert response.status_code == 302
    [event] = events("document_type.update")
    assert (event.actor, event.changes) == (
        superuser,
        {"state_name": {"before": "Kế hoạch", "after": "Kế hoạch công tác"}},
    )
    assert "Kế hoạch công tác" in client.get(url).content.decode()  # the history on the change page

    refused = client.post(url, {**data, "state_abbreviation": "K/H"})
    assert refused.status_code == 200
    assert "K/H" in refused.content.decode()
    assert doc_type("KH").state_abbreviation == "KH"

    added = client.post(
        reverse("admin:registry_documenttype_add"),
        {"code": "HDLT", "state_name": "Hướng dẫn liên tịch", "state_abbreviation": "HDLT", "position": "40"},
    )
    assert added.status_code == 302
    created = DocumentType.objects.get(code="HDLT")
    assert [event.object_id for event in events("document_type.create")] == [str(created.pk)]


@pytest.mark.django_db
def test_admin_bulk_delete_removes_unused_types_and_names_the_rest(client, superuser, make_draft):
    client.force_login(superuser)
    make_draft(doc_type=doc_type("KH"))
    unused = document_type_create(actor=superuser, code="HDLT", state_name="Hướng dẫn liên tịch")
    changelist = reverse("admin:registry_documenttype_changelist")
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [unused.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not DocumentType.objects.filter(code="HDLT").exists()
    assert len(events("document_type.delete")) == 1
    assert messages_of(response)
