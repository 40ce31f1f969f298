"""Clearance for confidential documents: on the account, in /me/, granted in
the admin through the services, never above the granter's own."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.errors import DomainError, PermissionDenied
from core.models import AuditEvent
from core.tests import changeform_data
from recipients.models import Clearance, Role, User
from recipients.services import user_create, user_update
from tests.factories import OrganizationFactory, UserFactory


@pytest.mark.django_db
def test_accounts_start_without_clearance_and_me_shows_it():
    user = UserFactory(role=Role.CLERK)
    assert user.clearance == Clearance.NORMAL
    client = APIClient()
    client.force_authenticate(user)
    assert client.get("/api/v1/me/").json()["clearance"] == "normal"
    User.objects.filter(pk=user.pk).update(clearance=Clearance.SECRET)
    assert client.get("/api/v1/me/").json()["clearance"] == "secret"


@pytest.mark.django_db
def test_clearance_is_granted_through_the_service_and_audited(admin_user):
    organization = OrganizationFactory()
    user = user_create(
        actor=admin_user, username="vanthu_mat", organization=organization, role=Role.CLERK,
        password="Mật-khẩu-rất-dài-2026", clearance=Clearance.CONFIDENTIAL,
    )  # fmt: skip
    assert AuditEvent.objects.for_object(user).get(action="user.create").changes["clearance"]["after"] == "confidential"
    user_update(user=user, actor=admin_user, clearance=Clearance.TOP_SECRET)
    user.refresh_from_db()
    assert user.clearance == Clearance.TOP_SECRET
    event = AuditEvent.objects.for_object(user).get(action="user.update")
    assert event.changes["clearance"] == {"before": "confidential", "after": "top_secret"}
    with pytest.raises(DomainError, match="Unknown clearance"):
        user_update(user=user, actor=admin_user, clearance="very_secret")


@pytest.mark.django_db
def test_nobody_grants_more_clearance_than_they_have(admin_user):
    organization = OrganizationFactory()
    administrator = UserFactory(role=Role.ADMIN, organization=None, is_staff=True, clearance=Clearance.CONFIDENTIAL)
    user = UserFactory(organization=organization, role=Role.LEADER)
    user_update(user=user, actor=administrator, clearance=Clearance.CONFIDENTIAL)
    with pytest.raises(PermissionDenied, match="only up to your own"):
        user_update(user=user, actor=administrator, clearance=Clearance.SECRET)
    with pytest.raises(PermissionDenied, match="only up to your own"):
        user_create(
            actor=administrator, username="x", organization=organization, role=Role.CLERK,
            password="Mật-khẩu-rất-dài-2026", clearance=Clearance.TOP_SECRET,
        )  # fmt: skip
    # Lowering is always allowed; superusers grant any level.
    user_update(user=user, actor=administrator, clearance=Clearance.NORMAL)
    user_update(user=user, actor=admin_user, clearance=Clearance.TOP_SECRET)
    user.refresh_from_db()
    assert user.clearance == Clearance.TOP_SECRET


@pytest.mark.django_db
def test_the_user_admin_shows_filters_and_changes_the_clearance(admin_client):
    user = UserFactory(username="lanhdao_x", organization=OrganizationFactory(), role=Role.LEADER)
    UserFactory(username="vanthu_x", organization=user.organization, clearance=Clearance.SECRET)
    listed = admin_client.get(reverse("admin:recipients_user_changelist"), {"clearance__exact": "secret"})
    assert [str(row) for row in listed.context["cl"].result_list] == ["vanthu_x"]
    change = reverse("admin:recipients_user_change", args=[user.pk])
    page = admin_client.get(change)
    assert "clearance" in page.context["adminform"].form.fields
    assert admin_client.post(change, {**changeform_data(page), "clearance": "confidential"}).status_code == 302
    user.refresh_from_db()
    assert user.clearance == Clearance.CONFIDENTIAL
    assert AuditEvent.objects.for_object(user).get(action="user.update").changes["clearance"] == {
        "before": "normal",
        "after": "confidential",
    }


@pytest.mark.django_db
def test_an_administrator_without_clearance_cannot_grant_it_in_the_admin():
    administrator = UserFactory(role=Role.ADMIN, organization=None, is_staff=True)
    user = UserFactory(organization=OrganizationFactory(), role=Role.LEADER)
    client = Client()
    client.force_login(administrator)
    change = reverse("admin:recipients_user_change", args=[user.pk])
    refused = client.post(change, {**changeform_data(client.get(change)), "clearance": "secret"})
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    # The admin speaks Vietnamese by default: the refusal is the translated message.
    assert "tối đa bằng mức của mình" in str(errors)
    user.refresh_from_db()
    assert user.clearance == Clearance.NORMAL


@pytest.mark.django_db
def test_the_demo_gives_the_provincial_clerk_and_leader_mat_and_districts_none(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    clearances = dict(User.objects.values_list("username", "clearance"))
    assert (clearances["vanthu"], clearances["lanhdao"]) == ("confidential", "confidential")
    assert {clearances[name] for name in clearances if name.startswith("huyen_")} == {"normal"}
    lines = out.getvalue().splitlines()
    assert any(line.split()[:3] == ["lanhdao", "leader", "confidential"] for line in lines)
    assert any(line.split()[:3] == ["admin", "admin", "all"] for line in lines)
