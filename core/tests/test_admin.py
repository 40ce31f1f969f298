import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.admin import audit_list_url
from core.audit import audit_record
from core.models import AuditEvent
from core.tests import changelist_queries
from recipients.services import organization_create, organization_update
from tests.factories import OrganizationFactory

EVENTS = reverse("admin:core_auditevent_changelist")


@pytest.fixture
def renamed(admin_user):
    organization = organization_create(
        actor=admin_user, name="Sở Thông tin và Truyền thông", abbreviation="STTTT", system="state", level="province"
    )
    return organization_update(organization=organization, actor=admin_user, name="Sở Văn hóa, Thể thao và Du lịch")


@pytest.mark.django_db
def test_index_carries_the_site_header(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert str(admin.site.site_header) in response.content.decode()


@pytest.mark.django_db
def test_audit_list_shows_events_and_searches_and_filters(admin_client, renamed):
    listed = admin_client.get(EVENTS)
    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list.values_list("action", flat=True)) == [
        "organization.update",
        "organization.create",
    ]
    for params in (
        {"q": "Sở Văn hóa"},
        {"action": "organization.update"},
        {"occurred_at__year": str(timezone.now().year)},
    ):
        assert admin_client.get(EVENTS, params).status_code == 200
    only_updates = admin_client.get(EVENTS, {"action": "organization.update"}).context["cl"].result_list
    assert [event.action for event in only_updates] == ["organization.update"]
    found = admin_client.get(EVENTS, {"q": "Văn hóa"}).context["cl"].result_list
    assert [event.action for event in found] == ["organization.update"]


@pytest.mark.django_db
def test_an_objects_audit_link_lists_only_its_events(admin_client, renamed):
    OrganizationFactory()
    audit_record(actor=None, action="system.check", obj=OrganizationFactory())
    response = admin_client.get(audit_list_url(renamed))
    assert response.status_code == 200
    assert {event.object_id for event in response.context["cl"].result_list} == {str(renamed.pk)}


@pytest.mark.django_db
def test_an_event_is_shown_with_its_changes_as_a_table(admin_client, renamed):
    event = AuditEvent.objects.get(action="organization.update")
    response = admin_client.get(reverse("admin:core_auditevent_change", args=[event.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<td>Sở Thông tin và Truyền thông</td><td>Sở Văn hóa, Thể thao và Du lịch</td>" in page
    assert 'name="_save"' not in page


@pytest.mark.django_db
def test_nobody_adds_changes_or_deletes_audit_events_not_even_a_superuser(admin_client, admin_user, renamed):
    event = AuditEvent.objects.get(action="organization.update")
    request = RequestFactory().get("/")
    request.user = admin_user
    event_admin = admin.site._registry[AuditEvent]
    assert not event_admin.has_add_permission(request)
    assert not event_admin.has_change_permission(request, event)
    assert not event_admin.has_delete_permission(request, event)

    assert admin_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    changed = admin_client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {"action": "forged"})
    assert changed.status_code == 403
    assert (
        admin_client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
    bulk = admin_client.post(EVENTS, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert bulk.status_code in {200, 302}
    event.refresh_from_db()
    assert event.action == "organization.update"
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_audit_list_query_count_does_not_grow_with_rows(admin_client, admin_user):
    def add_events(count):
        for _ in range(count):
            audit_record(
                actor=admin_user, action="test.event", obj=OrganizationFactory(), organization=OrganizationFactory()
            )

    add_events(3)
    few = changelist_queries(admin_client, EVENTS)
    add_events(20)
    assert changelist_queries(admin_client, EVENTS) == few
