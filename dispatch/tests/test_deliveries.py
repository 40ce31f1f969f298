import pytest
from rest_framework.test import APIClient

from core.errors import Conflict, PermissionDenied
from dispatch.models import Delivery, Notification
from dispatch.services import delivery_acknowledge, delivery_register, document_dispatch
from recipients.services import group_set_members
from registry.models import DocumentStatus
from tests.factories import PartyOrganizationFactory, UserFactory


@pytest.mark.django_db
def test_dispatch_expands_groups_and_keeps_names_as_they_were(world):
    result = document_dispatch(document=world.plan, actor=world.clerk)
    assert [d.recipient_name for d in result.deliveries] == ["Thành ủy Mỹ Tho", "Huyện ủy Cái Bè", "Huyện ủy Chợ Gạo"]
    assert result.not_delivered == []
    world.plan.refresh_from_db()
    assert world.plan.status == DocumentStatus.DISPATCHED
    assert world.plan.transferred_on is not None
    assert Notification.objects.filter(kind="delivery", user=world.reporters[2]).exists()

    world.districts[1].name = "Huyện ủy Cái Bè (mới)"
    world.districts[1].save()
    assert Delivery.objects.get(recipient=world.districts[1]).recipient_name == "Huyện ủy Cái Bè"


@pytest.mark.django_db
def test_dispatching_again_reaches_only_new_recipients(world):
    document_dispatch(document=world.plan, actor=world.clerk)
    newcomer = PartyOrganizationFactory(name="Huyện ủy Tân Phước", level="district")
    group_set_members(group=world.group, actor=world.clerk, members=[*world.districts[1:], newcomer])
    again = document_dispatch(document=world.plan, actor=world.clerk)
    assert len(again.deliveries) == 4
    assert Delivery.objects.filter(document=world.plan).count() == 4


@pytest.mark.django_db
def test_only_issued_documents_by_their_clerk_are_dispatched(world):
    with pytest.raises(PermissionDenied):
        document_dispatch(document=world.plan, actor=world.leader)
    from registry.services import document_withdraw

    document_withdraw(document=world.plan, actor=world.clerk, reason="Thu hồi")
    with pytest.raises(Conflict, match="issued"):
        document_dispatch(document=world.plan, actor=world.clerk)


@pytest.mark.django_db
def test_receipt_and_registration_on_the_recipients_side(world):
    delivery = document_dispatch(document=world.plan, actor=world.clerk).deliveries[0]
    with pytest.raises(PermissionDenied):
        delivery_acknowledge(delivery=delivery, actor=world.reporters[1])
    delivery_acknowledge(delivery=delivery, actor=world.reporters[0])
    delivery.refresh_from_db()
    first_receipt = delivery.received_at
    assert delivery.received_by == world.reporters[0]
    delivery_acknowledge(delivery=delivery, actor=world.district_clerks[0])
    delivery.refresh_from_db()
    assert delivery.received_at == first_receipt

    from registry.models import Direction
    from tests.factories import RegisterFactory

    RegisterFactory(owner=world.districts[0], name="Sổ đến", direction=Direction.INCOMING, system="party")
    with pytest.raises(PermissionDenied, match="clerk"):
        delivery_register(delivery=delivery, actor=world.reporters[0])
    incoming = delivery_register(delivery=delivery, actor=world.district_clerks[0])
    assert (incoming.arrival_number, incoming.notation, incoming.original) == (1, world.plan.notation, world.plan)
    assert incoming.subject == world.plan.subject
    with pytest.raises(Conflict, match="already registered"):
        delivery_register(delivery=delivery, actor=world.district_clerks[0])


@pytest.mark.django_db
def test_dispatch_and_receipt_over_the_api(world):
    sender = APIClient()
    sender.force_authenticate(world.clerk)
    response = sender.post(f"/api/v1/documents/{world.plan.pk}/dispatch/", {"channel": "electronic"}, format="json")
    assert response.status_code == 200, response.json()
    assert len(response.json()["deliveries"]) == 3

    recipient = APIClient()
    recipient.force_authenticate(world.reporters[2])
    inbox = recipient.get("/api/v1/deliveries/", {"mine": "true"}).json()
    assert [row["recipient_name"] for row in inbox["results"]] == ["Huyện ủy Chợ Gạo"]
    delivery_id = inbox["results"][0]["id"]
    assert recipient.get(f"/api/v1/documents/{world.plan.pk}/").status_code == 200
    opened = recipient.get(f"/api/v1/deliveries/{delivery_id}/").json()
    assert opened["received_by"] == "huyen_2"

    received = sender.get("/api/v1/deliveries/", {"document": world.plan.pk, "received": "true"}).json()
    assert [row["recipient_name"] for row in received["results"]] == ["Huyện ủy Chợ Gạo"]
    stranger = APIClient()
    stranger.force_authenticate(UserFactory(role="reporter"))
    assert stranger.get(f"/api/v1/deliveries/{delivery_id}/").status_code == 404
    assert stranger.post(f"/api/v1/deliveries/{delivery_id}/acknowledge/").status_code == 404
