import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core.models import AuditEvent
from core.tests import changeform_data, changelist_queries
from recipients.models import Organization, RecipientGroup, Role, User
from recipients.services import group_create, organization_create
from tests.factories import OrganizationFactory, RecipientGroupFactory, UserFactory

ORGS = reverse("admin:recipients_organization_changelist")
GROUPS = reverse("admin:recipients_recipientgroup_changelist")
USERS = reverse("admin:recipients_user_changelist")


def names(response):
    return [str(row) for row in response.context["cl"].result_list]


@pytest.fixture
def province(admin_user):
    return organization_create(
        actor=admin_user, name="Ủy ban nhân dân tỉnh Kiên Giang", abbreviation="UBND", system="state", level="province"
    )


@pytest.fixture
def department(admin_user, province):
    return organization_create(
        actor=admin_user,
        name="Sở Thông tin và Truyền thông",
        abbreviation="STTTT",
        system="state",
        level="province",
        parent=province,
    )


@pytest.mark.django_db
def test_organization_list_searches_without_diacritics_and_filters(admin_client, department):
    OrganizationFactory(
        name="Ban Tuyên giáo Tỉnh ủy", abbreviation="BTGTU", system="party", active_to=datetime.date(2025, 6, 30)
    )

    assert names(admin_client.get(ORGS, {"q": "so thong tin"})) == ["Sở Thông tin và Truyền thông"]
    assert names(admin_client.get(ORGS, {"q": "BTGTU"})) == ["Ban Tuyên giáo Tỉnh ủy"]
    assert names(admin_client.get(ORGS, {"system__exact": "party"})) == ["Ban Tuyên giáo Tỉnh ủy"]
    assert names(admin_client.get(ORGS, {"active": "ended"})) == ["Ban Tuyên giáo Tỉnh ủy"]
    assert "Ban Tuyên giáo Tỉnh ủy" not in names(admin_client.get(ORGS, {"active": "now"}))
    assert admin_client.get(ORGS, {"level__exact": "province", "active": "future"}).status_code == 200


@pytest.mark.django_db
def test_organization_autocomplete_finds_without_diacritics(admin_client, department):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "recipients", "model_name": "user", "field_name": "organization", "term": "so thong"},
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["Sở Thông tin và Truyền thông"]


@pytest.mark.django_db
def test_adding_an_organization_goes_through_the_service(admin_client, admin_user, province):
    assert admin_client.get(reverse("admin:recipients_organization_add")).status_code == 200
    response = admin_client.post(
        reverse("admin:recipients_organization_add"),
        {
            "name": "Sở  Tư pháp ",
            "abbreviation": "STP",
            "system": "state",
            "level": "province",
            "parent": province.pk,
        },
    )
    assert response.status_code == 302
    created = Organization.objects.get(abbreviation="STP")
    assert (created.name, created.parent, created.search_text) == ("Sở Tư pháp", province, "so tu phap stp")
    event = AuditEvent.objects.for_object(created).get()
    assert (event.action, event.actor) == ("organization.create", admin_user)


@pytest.mark.django_db
def test_a_refused_organization_stays_on_the_form_with_the_reason(admin_client):
    response = admin_client.post(
        reverse("admin:recipients_organization_add"),
        {"name": "Sở Tư pháp", "abbreviation": "1STP", "system": "state", "level": "province"},
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "1STP" in str(form.errors)
    assert form["name"].value() == "Sở Tư pháp"
    assert not Organization.objects.filter(name="Sở Tư pháp").exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_changing_an_organization_goes_through_the_service(admin_client, admin_user, department):
    url = reverse("admin:recipients_organization_change", args=[department.pk])
    data = changeform_data(admin_client.get(url))
    data.update(active_to="2025-06-30", successor=OrganizationFactory().pk)
    assert admin_client.post(url, data).status_code == 302
    department.refresh_from_db()
    assert department.active_to == datetime.date(2025, 6, 30)
    event = AuditEvent.objects.for_object(department).get(action="organization.update")
    assert set(event.changes) == {"active_to", "successor"}


@pytest.mark.django_db
def test_a_parent_loop_is_refused_on_the_form(admin_client, province, department):
    url = reverse("admin:recipients_organization_change", args=[province.pk])
    data = changeform_data(admin_client.get(url))
    data["parent"] = department.pk
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"]
    province.refresh_from_db()
    assert province.parent is None


@pytest.mark.django_db
def test_organizations_cannot_be_deleted(admin_client, admin_user, department):
    assert admin_client.get(reverse("admin:recipients_organization_delete", args=[department.pk])).status_code == 403
    assert admin_client.get(ORGS).context["action_form"] is None  # no bulk delete either
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not admin.site._registry[Organization].has_delete_permission(request, department)


@pytest.mark.django_db
def test_a_group_is_created_with_its_members_in_order(admin_client, admin_user, province, department):
    other = OrganizationFactory(name="Báo Kiên Giang")
    response = admin_client.post(
        reverse("admin:recipients_recipientgroup_add"),
        {
            "owner": province.pk,
            "name": "Cơ quan báo chí",
            "description": "",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-position": "2",
            "memberships-0-organization": department.pk,
            "memberships-1-position": "1",
            "memberships-1-organization": other.pk,
        },
    )
    assert response.status_code == 302
    group = RecipientGroup.objects.get(name="Cơ quan báo chí")
    assert [m.organization for m in group.memberships.order_by("position")] == [other, department]
    assert AuditEvent.objects.for_object(group).get().action == "group.create"


@pytest.mark.django_db
def test_group_members_change_through_the_service(admin_client, admin_user, province, department):
    group = group_create(actor=admin_user, owner=province, name="Các sở", members=[department])
    newcomer = OrganizationFactory()
    url = reverse("admin:recipients_recipientgroup_change", args=[group.pk])
    data = changeform_data(admin_client.get(url))
    data.update({"memberships-0-DELETE": "on", "memberships-1-organization": newcomer.pk, "memberships-1-position": 1})
    assert admin_client.post(url, data).status_code == 302
    assert [m.organization for m in group.memberships.all()] == [newcomer]
    event = AuditEvent.objects.for_object(group).get(action="group.set_members")
    assert event.changes["members"] == {"before": [department.name], "after": [newcomer.name]}


@pytest.mark.django_db
def test_group_list_and_change_page(admin_client, admin_user, province, department):
    group_create(actor=admin_user, owner=province, name="Các sở", members=[department])
    assert names(admin_client.get(GROUPS, {"q": "các sở"})) == ["Các sở"]
    assert admin_client.get(GROUPS, {"owner__id__exact": province.pk}).status_code == 200
    assert admin_client.get(reverse("admin:recipients_recipientgroup_add")).status_code == 200


@pytest.mark.django_db
def test_user_list_filters_by_role_and_organization(admin_client, department):
    UserFactory(username="vanthu", organization=department, role=Role.CLERK)
    UserFactory(username="lanhdao", organization=department, role=Role.LEADER)
    assert names(admin_client.get(USERS, {"role__exact": "clerk"})) == ["vanthu"]
    assert names(admin_client.get(USERS, {"organization__id__exact": department.pk, "q": "lanh"})) == ["lanhdao"]
    clerk = User.objects.get(username="vanthu")
    assert admin_client.get(reverse("admin:recipients_user_change", args=[clerk.pk])).status_code == 200


@pytest.mark.django_db
def test_adding_a_user_goes_through_the_service(admin_client, admin_user, department):
    add = reverse("admin:recipients_user_add")
    assert admin_client.get(add).status_code == 200
    fields = {
        "username": "vanthu2",
        "password1": "Mật-khẩu-rất-dài-2026",
        "password2": "Mật-khẩu-rất-dài-2026",
        "last_name": "Nguyễn Thanh Phong",
        "role": "clerk",
        "job_title": "Văn thư",
    }
    refused = admin_client.post(add, fields)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["organization"]
    assert not User.objects.filter(username="vanthu2").exists()

    assert admin_client.post(add, {**fields, "organization": department.pk}).status_code == 302
    user = User.objects.get(username="vanthu2")
    assert (user.get_full_name(), user.organization, user.role, user.check_password(fields["password1"])) == (
        "Nguyễn Thanh Phong",
        department,
        "clerk",
        True,
    )
    event = AuditEvent.objects.for_object(user).get()
    assert (event.action, event.actor) == ("user.create", admin_user)


@pytest.mark.django_db
def test_an_administrator_who_is_not_superuser_cannot_touch_superusers(client, admin_user):
    manager = UserFactory(role=Role.ADMIN, organization=None, is_staff=True)
    client.force_login(manager)
    assert client.get(USERS).status_code == 200
    assert client.get(reverse("admin:recipients_user_change", args=[admin_user.pk])).status_code == 200
    page = client.get(reverse("admin:recipients_user_change", args=[manager.pk]))
    assert "is_superuser" not in page.context["adminform"].form.fields
    request = RequestFactory().get("/")
    request.user = manager
    assert not admin.site._registry[User].has_change_permission(request, admin_user)


@pytest.mark.django_db
def test_non_administrators_have_no_admin(client, department):
    clerk = UserFactory(organization=department, role=Role.CLERK, is_staff=True)
    client.force_login(clerk)
    assert client.get(ORGS).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "make"),
    [
        (ORGS, lambda: OrganizationFactory(parent=OrganizationFactory())),
        (GROUPS, lambda: RecipientGroupFactory(members=[OrganizationFactory()])),
        (USERS, lambda: UserFactory()),
    ],
)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, url, make):
    for _ in range(3):
        make()
    few = changelist_queries(admin_client, url)
    for _ in range(20):
        make()
    assert changelist_queries(admin_client, url) == few


@pytest.mark.django_db
def test_passwords_change_through_the_service(admin_client, admin_user, department):
    clerk = UserFactory(organization=department, role=Role.CLERK)
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "usable_password" not in page.context["form"].fields

    mismatch = admin_client.post(url, {"password1": "Mật-khẩu-mới-2026", "password2": "khác"})
    assert mismatch.status_code == 200
    assert mismatch.context["form"].errors["password2"]

    done = admin_client.post(url, {"password1": "Mật-khẩu-mới-2026", "password2": "Mật-khẩu-mới-2026"})
    assert done.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Mật-khẩu-mới-2026")
    event = AuditEvent.objects.for_object(clerk).get(action="user.set_password")
    assert event.actor == admin_user


@pytest.mark.django_db
def test_changing_ones_own_password_keeps_the_session(admin_client, admin_user):
    url = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    assert (
        admin_client.post(url, {"password1": "Mật-khẩu-mới-2026", "password2": "Mật-khẩu-mới-2026"}).status_code == 302
    )
    assert admin_client.get(USERS).status_code == 200


@pytest.mark.django_db
def test_renaming_a_group_goes_through_the_service(admin_client, admin_user, province, department):
    group = group_create(actor=admin_user, owner=province, name="Các sở", members=[department])
    url = reverse("admin:recipients_recipientgroup_change", args=[group.pk])
    data = changeform_data(admin_client.get(url))
    data["name"] = "Các sở, ban, ngành cấp tỉnh"
    assert admin_client.post(url, data).status_code == 302
    group.refresh_from_db()
    assert group.name == "Các sở, ban, ngành cấp tỉnh"
    event = AuditEvent.objects.for_object(group).get(action="group.update")
    assert event.changes["name"] == {"before": "Các sở", "after": "Các sở, ban, ngành cấp tỉnh"}


@pytest.mark.django_db
def test_account_changes_go_through_the_service(admin_client, admin_user, department):
    clerk = UserFactory(username="vanthu", organization=department, role=Role.CLERK)
    url = reverse("admin:recipients_user_change", args=[clerk.pk])
    data = changeform_data(admin_client.get(url))
    data.update({"role": "leader", "last_name": "Trần Thị Bình"})
    data.pop("is_active", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    clerk.refresh_from_db()
    assert (clerk.role, clerk.get_full_name(), clerk.is_active) == ("leader", "Trần Thị Bình", False)
    event = AuditEvent.objects.for_object(clerk).get(action="user.update")
    assert event.actor == admin_user
    assert event.changes["role"] == {"before": "clerk", "after": "leader"}
    assert event.changes["is_active"] == {"before": True, "after": False}
    data["organization"] = ""
    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    clerk.refresh_from_db()
    assert clerk.organization == department
