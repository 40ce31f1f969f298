"""What every page shares: landing by role, the navigation, account pages, the
language switch, and how form fields show their errors."""

import pytest
from django import forms
from django.urls import reverse

from core.forms import PageForm
from core.navigation import MENUS, menu_for
from recipients.models import Role
from tests.factories import OrganizationFactory, UserFactory


@pytest.fixture
def office(db):
    return OrganizationFactory(name="Ban Tuyên giáo Tỉnh ủy", abbreviation="BTGTU")


def user_with(role: str, office, **fields):
    return UserFactory.create(role=role, organization=office, username=f"user_{role}", **fields)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "landing"),
    [(Role.CLERK, "/today/"), (Role.LEADER, "/compliance/"), (Role.REPORTER, "/tasks/")],
)
def test_each_role_lands_on_the_first_page_of_its_menu(client, office, role, landing):
    client.force_login(user_with(role, office))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == landing


@pytest.mark.django_db
def test_an_administrator_without_organization_gets_the_clerks_menu_and_the_admin(client):
    admin = UserFactory.create(username="root", is_superuser=True, is_staff=True, organization=None, role=Role.ADMIN)
    client.force_login(admin)
    assert client.get("/")["Location"] == "/today/"
    page = client.get("/documents/").content.decode()
    assert f'href="{reverse("admin:index")}"' in page
    assert menu_for(admin) == MENUS[Role.ADMIN]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_login_goes_to_the_users_landing_page(client, office):
    user = user_with(Role.REPORTER, office)
    user.set_password("mật-khẩu-đủ-dài")
    user.save()
    response = client.post(reverse("login"), {"username": user.username, "password": "mật-khẩu-đủ-dài"}, follow=True)
    assert response.redirect_chain[-1][0] == "/tasks/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CLERK, Role.LEADER, Role.REPORTER])
def test_the_navigation_lists_the_roles_pages_in_vietnamese_and_marks_the_current_one(client, office, role):
    client.force_login(user_with(role, office))
    landing = client.get("/")["Location"]
    page = client.get(landing).content.decode()
    assert '<html lang="vi">' in page
    nav = page[page.index('<nav class="site-nav"') : page.index("</nav>")]
    for item in MENUS[role]:
        assert f'href="{item.url}"' in nav
    assert f'<a href="{landing}" aria-current="page">' in nav
    assert nav.count('aria-current="page"') == 1
    assert "Văn bản" in page
    assert "Đăng xuất" in page


@pytest.mark.django_db
def test_the_language_switch_shows_english(client, office):
    client.force_login(user_with(Role.CLERK, office))
    response = client.post(reverse("set_language"), {"language": "en", "next": "/today/"}, follow=True)
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert ">Documents</a>" in page
    assert "Log out" in page


@pytest.mark.django_db
def test_password_change_shows_errors_next_to_the_field_then_changes_it(client, office):
    user = user_with(Role.REPORTER, office)
    user.set_password("mật-khẩu-cũ-2024")
    user.save()
    client.force_login(user)
    form = client.get(reverse("password_change")).content.decode()
    assert '<label for="id_old_password">' in form
    assert "Đổi mật khẩu" in form

    wrong = client.post(
        reverse("password_change"),
        {"old_password": "sai", "new_password1": "Một-mật-khẩu-mới-9", "new_password2": "Một-mật-khẩu-mới-9"},
    ).content.decode()
    assert 'id="id_old_password_error"' in wrong
    assert 'aria-invalid="true"' in wrong
    assert 'aria-describedby="id_old_password_error"' in wrong

    done = client.post(
        reverse("password_change"),
        {
            "old_password": "mật-khẩu-cũ-2024",
            "new_password1": "Một-mật-khẩu-mới-9",
            "new_password2": "Một-mật-khẩu-mới-9",
        },
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("Một-mật-khẩu-mới-9")


class _Example(PageForm):
    subject = forms.CharField(label="Trích yếu", help_text="Tóm tắt nội dung.", max_length=5)
    urgent = forms.BooleanField(label="Khẩn", required=False)


def test_a_page_form_shows_each_error_under_its_field_tied_by_aria():
    html = str(_Example(data={"subject": "quá dài", "urgent": "on"}))
    assert '<label for="id_subject">Trích yếu <span class="required" aria-hidden="true">*</span></label>' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_subject_helptext id_subject_error"' in html
    assert '<div class="form__error" id="id_subject_error"><p>' in html
    assert '<p class="form__help" id="id_subject_helptext">Tóm tắt nội dung.</p>' in html
    # A checkbox comes before its label.
    assert html.index('id="id_urgent"') < html.index('<label for="id_urgent">')


def test_a_valid_page_form_shows_no_error_markup():
    html = str(_Example(data={"subject": "ngắn"}))
    assert "form__error" not in html
    assert "aria-invalid" not in html
