import pytest
from rest_framework.test import APIClient

from core.errors import DomainError, PermissionDenied
from core.models import AuditEvent
from core.text import fold, slugify_vi
from recipients.models import Role
from recipients.selectors import organization_descendant_ids, user_scope_organization_ids
from recipients.services import (
    group_create,
    group_set_members,
    organization_create,
    organization_update,
    user_create,
    user_set_password,
    user_update,
)
from tests.factories import OrganizationFactory, PartyOrganizationFactory, UserFactory

ORGS = "/api/v1/organizations/"


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN, organization=None, username="quantri")


def test_fold_and_slug_handle_vietnamese():
    assert fold("Ban Dân vận TỈNH ỦY Đảng") == "ban dan van tinh uy dang"
    assert slugify_vi("U Minh Thượng") == "u_minh_thuong"
    assert slugify_vi("Giồng Riềng") == "giong_rieng"


@pytest.mark.django_db
def test_clerk_adds_an_organization_and_it_is_audited(clerk):
    org = organization_create(
        actor=clerk, name="  Sở Nội vụ  tỉnh Kiên Giang ", abbreviation="SNV", system="state", level="province"
    )
    assert org.name == "Sở Nội vụ tỉnh Kiên Giang"
    assert org.search_text == "so noi vu tinh kien giang snv"
    event = AuditEvent.objects.for_object(org).get()
    assert (event.action, event.actor, event.changes["abbreviation"]["after"]) == ("organization.create", clerk, "SNV")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"abbreviation": "S NV"}, "only letters"),
        ({"abbreviation": ""}, "only letters"),
        ({"name": ""}, "needs a name"),
        ({"system": "army"}, "Unknown system"),
        ({"level": "galaxy"}, "Unknown level"),
    ],
)
def test_invalid_organizations_are_refused(clerk, fields, message):
    data = {"name": "Sở Nội vụ", "abbreviation": "SNV", "system": "state", "level": "province", **fields}
    with pytest.raises(DomainError, match=message):
        organization_create(actor=clerk, **data)


@pytest.mark.django_db
def test_organization_changes_are_admin_only_and_refuse_cycles(clerk, admin_user):
    province = OrganizationFactory(name="Tỉnh ủy Kiên Giang")
    board = OrganizationFactory(parent=province)
    with pytest.raises(PermissionDenied):
        organization_update(organization=board, actor=clerk, name="Khác")
    with pytest.raises(DomainError, match="below itself"):
        organization_update(organization=province, actor=admin_user, parent=board)
    with pytest.raises(DomainError, match="official code"):
        OrganizationFactory(code="000.00.01.H35")
        organization_update(organization=board, actor=admin_user, code="000.00.01.H35")
    renamed = organization_update(organization=board, actor=admin_user, name="Ban Tuyên giáo và Dân vận")
    assert AuditEvent.objects.for_object(renamed).get().changes["name"]["after"] == "Ban Tuyên giáo và Dân vận"


@pytest.mark.django_db
def test_leaders_scope_covers_the_bodies_below_and_reporters_only_their_own():
    province = PartyOrganizationFactory()
    district = PartyOrganizationFactory(parent=province, level="district")
    commune = PartyOrganizationFactory(parent=district, level="commune")
    leader = UserFactory(organization=province, role=Role.LEADER)
    reporter = UserFactory(organization=district, role=Role.REPORTER)
    assert organization_descendant_ids(province.pk) == {province.pk, district.pk, commune.pk}
    assert user_scope_organization_ids(leader) == {province.pk, district.pk, commune.pk}
    assert user_scope_organization_ids(reporter) == {district.pk}


@pytest.mark.django_db
def test_groups_keep_member_order_and_only_the_owners_clerk_manages_them(clerk, organization):
    a, b, c = (OrganizationFactory(name=f"UBND huyện {n}") for n in ("An Biên", "An Minh", "Châu Thành"))
    group = group_create(actor=clerk, owner=organization, name="Ủy ban nhân dân các huyện, thành phố", members=[b, a])
    assert [m.organization for m in group.memberships.order_by("position")] == [b, a]
    group_set_members(group=group, actor=clerk, members=[c, a, b])
    assert [m.organization for m in group.memberships.order_by("position")] == [c, a, b]
    with pytest.raises(DomainError, match="twice"):
        group_set_members(group=group, actor=clerk, members=[a, a])
    with pytest.raises(DomainError, match="already has a group"):
        group_create(actor=clerk, owner=organization, name="Ủy ban nhân dân các huyện, thành phố")
    with pytest.raises(PermissionDenied):
        group_create(actor=UserFactory(role=Role.CLERK), owner=organization, name="Nhóm khác")


@pytest.mark.django_db
def test_user_create_checks_role_organization_and_password(admin_user, organization):
    user = user_create(
        actor=admin_user,
        username="vanthu2",
        password="Mật-khẩu-rất-dài-2026",
        organization=organization,
        role="clerk",
        full_name="Nguyễn Thanh Phong",
    )
    assert user.get_full_name() == "Nguyễn Thanh Phong"
    with pytest.raises(DomainError, match="belongs to an organization"):
        user_create(actor=admin_user, username="x", password="Mật-khẩu-rất-dài", organization=None, role="clerk")
    with pytest.raises(DomainError, match="password"):
        user_create(actor=admin_user, username="y", password="123", organization=organization, role="clerk")
    with pytest.raises(DomainError, match="taken"):
        user_create(
            actor=admin_user, username="vanthu2", password="Mật-khẩu-rất-dài", organization=organization, role="clerk"
        )


@pytest.mark.django_db
def test_organizations_api_lists_filters_and_creates(clerk_api, clerk, leader):
    kg = organization_create(
        actor=clerk, name="Ủy ban nhân dân tỉnh Kiên Giang", abbreviation="UBND", system="state", level="province"
    )
    organization_create(
        actor=clerk,
        name="Ủy ban nhân dân huyện Giồng Riềng",
        abbreviation="UBND",
        system="state",
        level="district",
        parent=kg,
    )
    names = lambda **params: [row["name"] for row in clerk_api.get(ORGS, params).json()["results"]]  # noqa: E731
    assert names(q="giong rieng") == ["Ủy ban nhân dân huyện Giồng Riềng"]
    assert names(level="district") == ["Ủy ban nhân dân huyện Giồng Riềng"]
    assert names(parent=kg.pk) == ["Ủy ban nhân dân huyện Giồng Riềng"]

    created = clerk_api.post(
        ORGS, {"name": "Báo Kiên Giang", "abbreviation": "BKG", "system": "press", "level": "province"}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["system"] == "press"
    bad = clerk_api.post(ORGS, {"name": "X", "abbreviation": "B K", "system": "press", "level": "x"}, format="json")
    assert bad.status_code == 400
    leader_client = APIClient()
    leader_client.force_authenticate(leader)
    refused = leader_client.post(
        ORGS, {"name": "Báo", "abbreviation": "BAO", "system": "press", "level": "province"}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


@pytest.mark.django_db
def test_groups_api(clerk_api, clerk, organization):
    member = OrganizationFactory(name="Báo Kiên Giang")
    created = clerk_api.post(
        "/api/v1/groups/", {"name": "Cơ quan báo chí", "owner": organization.pk, "members": [member.pk]}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["members"] == [{"id": member.pk, "name": "Báo Kiên Giang"}]
    listed = clerk_api.get("/api/v1/groups/").json()
    assert [g["name"] for g in listed["results"]] == ["Cơ quan báo chí"]
    other = OrganizationFactory(name="Đài Phát thanh và Truyền hình Kiên Giang")
    replaced = clerk_api.put(
        f"/api/v1/groups/{created.json()['id']}/members/", {"members": [other.pk, member.pk]}, format="json"
    )
    assert [m["name"] for m in replaced.json()["members"]] == [
        "Đài Phát thanh và Truyền hình Kiên Giang",
        "Báo Kiên Giang",
    ]


@pytest.mark.django_db
def test_api_answers_in_vietnamese_by_default_and_english_on_request(leader):
    client = APIClient()
    client.force_authenticate(leader)
    payload = {"name": "Báo", "abbreviation": "BAO", "system": "press", "level": "province"}
    english = client.post(ORGS, payload, format="json", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    vietnamese = client.post(ORGS, payload, format="json").json()["detail"]
    assert english == "Only a clerk or an administrator can add organizations."
    assert vietnamese == "Chỉ văn thư hoặc quản trị viên mới được thêm cơ quan, tổ chức."


@pytest.mark.django_db
def test_user_update_guards_superusers_and_self_lockout(admin_user, organization):
    clerk = UserFactory(organization=organization, role=Role.CLERK)
    with pytest.raises(PermissionDenied, match="superuser"):
        user_update(user=clerk, actor=admin_user, is_superuser=True)
    with pytest.raises(DomainError, match="your own account"):
        user_update(user=admin_user, actor=admin_user, is_active=False)
    with pytest.raises(DomainError, match="belongs to an organization"):
        user_update(user=clerk, actor=admin_user, organization=None)
    with pytest.raises(PermissionDenied):
        user_update(user=clerk, actor=clerk, role="admin")
    updated = user_update(user=clerk, actor=admin_user, role="leader", job_title="Phó Trưởng ban")
    assert (updated.role, updated.job_title) == ("leader", "Phó Trưởng ban")


@pytest.mark.django_db
def test_users_change_their_own_password_and_admins_anyones(admin_user, organization):
    clerk = UserFactory(organization=organization, role=Role.CLERK)
    other = UserFactory(organization=organization, role=Role.CLERK)
    user_set_password(user=clerk, actor=clerk, password="Mật-khẩu-mới-2026")
    with pytest.raises(PermissionDenied):
        user_set_password(user=other, actor=clerk, password="Mật-khẩu-mới-2026")
    user_set_password(user=other, actor=admin_user, password="Mật-khẩu-khác-2026")
    clerk.refresh_from_db()
    assert clerk.check_password("Mật-khẩu-mới-2026")
    assert AuditEvent.objects.filter(action="user.set_password").count() == 2
    with pytest.raises(DomainError, match="hash"):
        user_set_password(user=clerk, actor=clerk, password_hash="not-a-hash")
