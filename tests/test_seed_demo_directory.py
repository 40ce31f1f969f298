"""`manage.py seed_demo`, the directory it writes: the accounts of CONTRACT.md
and their passwords, one reporter per district committee, the organizations
with their headers, the recipient groups and the registers. The documents and
obligations it writes, and its idempotence, are in test_seed_demo.py."""

import datetime
import unicodedata

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError

from core.models import AuditEvent
from core.text import slugify_vi
from recipients.models import Organization, RecipientGroup, Role, User
from registry.models import Register
from tests.seeded_demo import PASSWORD, district_committees, org, seed


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """The demo reports' files go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path


CONTRACT_ACCOUNTS = [
    ("admin", Role.ADMIN, None),
    ("vanthu", Role.CLERK, "Ban Tuyên giáo Tỉnh ủy Kiên Giang"),
    ("lanhdao", Role.LEADER, "Ban Tuyên giáo Tỉnh ủy Kiên Giang"),
    ("vanthu_stttt", Role.CLERK, "Sở Thông tin và Truyền thông tỉnh Kiên Giang"),
    ("vanthu_tutg", Role.CLERK, "Tỉnh ủy Tiền Giang"),
    ("lanhdao_tutg", Role.LEADER, "Tỉnh ủy Tiền Giang"),
    ("huyen_giong_rieng", Role.REPORTER, "Huyện ủy Giồng Riềng"),
    ("huyen_rach_gia", Role.REPORTER, "Thành ủy Rạch Giá"),
    ("huyen_u_minh_thuong", Role.REPORTER, "Huyện ủy U Minh Thượng"),
    ("huyen_tg_my_tho", Role.REPORTER, "Thành ủy Mỹ Tho"),
]


@pytest.mark.django_db
def test_the_contract_accounts_exist_and_sign_in_with_the_given_password():
    output = seed("--password", PASSWORD)

    for username, role, organization in CONTRACT_ACCOUNTS:
        user = authenticate(username=username, password=PASSWORD)
        assert user is not None, username
        assert user.role == role
        assert (user.organization.name if user.organization else None) == organization
        assert username in output
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert PASSWORD in output


@pytest.mark.django_db
def test_every_district_committee_has_one_reporter_named_after_its_place():
    """Tiền Giang has both Thị ủy and Huyện ủy Cai Lậy: the town's reporter is huyen_tg_tx_cai_lay."""
    seed("--password", PASSWORD)
    expected = {f"huyen_{slugify_vi(c.place)}": c for c in district_committees("Kiên Giang")}
    for committee in district_committees("Tiền Giang"):
        town = "tx_" if committee.name == "Thị ủy Cai Lậy" else ""
        expected[f"huyen_tg_{town}{slugify_vi(committee.place)}"] = committee
    assert len(expected) == 15 + 11
    reporters = {user.username: user.organization for user in User.objects.filter(role=Role.REPORTER)}
    assert reporters == expected


@pytest.mark.django_db
def test_without_password_new_accounts_get_the_default_and_changed_passwords_survive_a_rerun():
    output = seed()
    assert authenticate(username="vanthu", password="docreg-demo") is not None
    assert "docreg-demo" in output

    user = User.objects.get(username="vanthu")
    user.set_password("Đã-đổi-mật-khẩu-9")
    user.save()
    output = seed()
    assert authenticate(username="vanthu", password="Đã-đổi-mật-khẩu-9") is not None
    assert "docreg-demo" not in output

    seed("--password", PASSWORD)
    assert authenticate(username="vanthu", password=PASSWORD) is not None
    assert AuditEvent.objects.filter(action="user.set_password", object_id=str(user.pk)).count() == 1


@pytest.mark.django_db
def test_an_empty_password_is_refused():
    with pytest.raises(CommandError, match="must not be empty"):
        seed("--password", " ")


@pytest.mark.django_db
def test_organizations_print_their_headers_and_keep_2021_bodies_active():
    seed("--password", PASSWORD)
    btgtu = org("Ban Tuyên giáo Tỉnh ủy Kiên Giang")
    assert (btgtu.abbreviation, btgtu.header_name, btgtu.header_parent_name, btgtu.place) == (
        "BTGTU",
        "BAN TUYÊN GIÁO",
        "TỈNH ỦY KIÊN GIANG",
        "Kiên Giang",
    )
    unit = org("Phòng Thông tin - Báo chí - Xuất bản")
    assert (unit.abbreviation, unit.level, unit.parent) == (
        "TTBCBC",
        "other",
        org("Sở Thông tin và Truyền thông tỉnh Kiên Giang"),
    )

    kien_giang = district_committees("Kiên Giang")
    tien_giang = district_committees("Tiền Giang")
    assert len(kien_giang) == 15
    assert len(tien_giang) == 11
    assert {c.header_parent_name for c in kien_giang} == {"ĐẢNG BỘ TỈNH KIÊN GIANG"}
    assert {c.header_parent_name for c in tien_giang} == {"ĐẢNG BỘ TỈNH TIỀN GIANG"}
    assert org("Huyện ủy Giồng Riềng").abbreviation == "HU"
    assert org("Thành ủy Rạch Giá").abbreviation == "TU"
    assert all(c.header_name == c.name.upper() for c in kien_giang + tien_giang)
    assert Organization.objects.filter(level="district", system="state").count() == 15

    # 2021 bodies stay active; the 2025 bodies are separate records, not yet successors.
    assert not Organization.objects.filter(active_to__isnull=False).exists()
    assert not Organization.objects.filter(successor__isnull=False).exists()
    assert org("Tỉnh ủy An Giang").active_from == datetime.date(2025, 7, 1)
    for organization in Organization.objects.all():
        for text in (organization.name, organization.short_name, organization.header_name, organization.place):
            assert unicodedata.is_normalized("NFC", text)


@pytest.mark.django_db
def test_groups_belong_to_the_bodies_that_use_them():
    seed("--password", PASSWORD)
    groups = {
        group.name: (group.owner.name, [m.organization for m in group.memberships.order_by("position")])
        for group in RecipientGroup.objects.all()
    }
    assert groups["Thường trực và ban tuyên giáo các huyện, thành ủy"] == (
        "Ban Tuyên giáo Tỉnh ủy Kiên Giang",
        district_committees("Kiên Giang"),
    )
    assert groups["Cấp ủy huyện và tương đương"] == ("Tỉnh ủy Tiền Giang", district_committees("Tiền Giang"))
    owner, members = groups["Ủy ban nhân dân các huyện, thành phố"]
    assert owner == "Sở Thông tin và Truyền thông tỉnh Kiên Giang"
    assert len(members) == 15
    assert {m.level for m in members} == {"district"}
    owner, members = groups["Các sở, ban, ngành cấp tỉnh"]
    assert org("Sở Nội vụ tỉnh Kiên Giang") in members
    assert org("Sở Thông tin và Truyền thông tỉnh Kiên Giang") not in members  # the sender itself
    owner, members = groups["Các sở, ban, ngành, đoàn thể cấp tỉnh"]
    assert owner == "Ban Tuyên giáo Tỉnh ủy Kiên Giang"
    assert {"front", "state"} <= {m.system for m in members}


@pytest.mark.django_db
def test_registers_follow_each_system_and_every_district_can_receive():
    seed("--password", PASSWORD)
    btgtu = Register.objects.get(owner__name="Ban Tuyên giáo Tỉnh ủy Kiên Giang", direction="outgoing")
    assert (btgtu.system, btgtu.period_kind, btgtu.term_start, btgtu.term_end, btgtu.sequence_scope) == (
        "party",
        "term",
        datetime.date(2020, 10, 15),
        None,
        "doc_type",
    )
    stttt = Register.objects.get(owner__name="Sở Thông tin và Truyền thông tỉnh Kiên Giang", direction="outgoing")
    assert (stttt.system, stttt.period_kind, stttt.sequence_scope) == ("state", "year", "register")
    tg = Register.objects.get(owner__name="Tỉnh ủy Tiền Giang", direction="outgoing")
    assert (tg.system, tg.term_start, tg.sequence_scope) == ("party", datetime.date(2020, 10, 15), "doc_type")
    for committee in district_committees("Kiên Giang") + district_committees("Tiền Giang"):
        assert Register.objects.filter(owner=committee, direction="incoming").count() == 1
    for owner in (
        "Ban Tuyên giáo Tỉnh ủy Kiên Giang",
        "Sở Thông tin và Truyền thông tỉnh Kiên Giang",
        "Tỉnh ủy Tiền Giang",
    ):
        assert Register.objects.filter(owner__name=owner, direction="incoming").count() == 1
