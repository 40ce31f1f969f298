"""Login limits (core.ratelimit) at the three ways in: the API token, the login
page and the admin login."""

import datetime
import json
import os
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import redis
import time_machine
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from core.models import AuditEvent
from core.ratelimit import client_bucket
from recipients.models import User
from tests.factories import PASSWORD, UserFactory

WINDOW = 600
ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.20"
WRONG = "not-the-password-xyz"
START = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated_cache(settings: Any) -> None:
    """Each test counts in a cache of its own, so no count leaks between tests
    (nor from or into a shared Redis), with small limits."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"login-rate-limit-{uuid.uuid4().hex}",
        }
    }
    cache.clear()
    settings.DOCREG_LOGIN_MAX_FAILURES = 3
    settings.DOCREG_LOGIN_MAX_FAILURES_PER_ADDRESS = 5
    settings.DOCREG_LOGIN_WINDOW = WINDOW


@pytest.fixture
def user() -> User:
    return UserFactory.create(username="vanthu_khoa", is_staff=True)


def api_login(username: str, password: str, address: str = ADDRESS) -> Any:
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def _browser_login(path: str, username: str, password: str, address: str) -> Any:
    client = Client(REMOTE_ADDR=address)
    response: Any = client.post(path, {"username": username, "password": password})
    response.signed_in = "_auth_user_id" in client.session
    return response


def page_login(username: str, password: str, address: str = ADDRESS) -> Any:
    return _browser_login("/accounts/login/", username, password, address)


def admin_login(username: str, password: str, address: str = ADDRESS) -> Any:
    return _browser_login("/admin/login/", username, password, address)


def api_accepted(response: Any) -> bool:
    return response.status_code == 200 and bool(response.json()["token"])


def page_accepted(response: Any) -> bool:
    return response.status_code == 302 and response.signed_in


def test_api_refuses_even_the_right_password_once_locked(user: User) -> None:
    """GIVEN three wrong passwords for one username from one address
    WHEN the right one follows
    THEN it is refused with 429, the error body and Retry-After, until the window ends."""
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(3):
            wrong = api_login(user.username, WRONG)
            assert wrong.status_code == 400
            assert wrong.json()["errors"]["non_field_errors"]
        traveller.shift(100)

        locked = api_login(user.username, PASSWORD)

    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "too_many_login_attempts"
    assert body["detail"]
    assert locked["Retry-After"] == str(WINDOW - 100)


def test_api_lock_message_is_in_the_request_language(user: User) -> None:
    for _ in range(3):
        api_login(user.username, WRONG)
    locked = APIClient().post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": PASSWORD},
        format="json",
        REMOTE_ADDR=ADDRESS,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert locked.status_code == 429
    assert locked.json()["detail"] == "Too many failed login attempts. Try again in 10 minutes."


@pytest.mark.parametrize("login", [page_login, admin_login], ids=["login page", "admin login"])
def test_login_pages_say_so_and_refuse_the_right_password_once_locked(
    user: User, login: Callable[..., Any], settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    for _ in range(3):
        wrong = login(user.username, WRONG)
        assert wrong.status_code == 200
        assert not wrong.signed_in
        assert b"Too many failed login attempts" not in wrong.content

    locked = login(user.username, PASSWORD)

    assert locked.status_code == 200
    assert not locked.signed_in
    assert b"Too many failed login attempts. Try again in 10 minutes." in locked.content


@pytest.mark.parametrize(
    ("login", "accepted"),
    [(api_login, api_accepted), (page_login, page_accepted), (admin_login, page_accepted)],
    ids=["api", "login page", "admin login"],
)
def test_the_lock_ends_with_the_window(user: User, login: Callable[..., Any], accepted: Callable[[Any], bool]) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(3):
            assert not accepted(login(user.username, WRONG))
        traveller.shift(WINDOW - 1)
        assert not accepted(login(user.username, PASSWORD))
        traveller.shift(2)
        assert accepted(login(user.username, PASSWORD))


def test_the_three_entry_points_share_one_count(user: User) -> None:
    """GIVEN a failure at each of the API, the login page and the admin login
    THEN the username is locked at all three."""
    api_login(user.username, WRONG)
    page_login(user.username, WRONG)
    admin_login(user.username, WRONG)

    assert api_login(user.username, PASSWORD).status_code == 429
    assert not page_accepted(page_login(user.username, PASSWORD))
    assert not page_accepted(admin_login(user.username, PASSWORD))


def test_a_success_clears_the_username_count(user: User) -> None:
    for _ in range(2):
        api_login(user.username, WRONG)
    assert api_accepted(api_login(user.username, PASSWORD))
    for _ in range(2):
        api_login(user.username, WRONG)
    assert api_accepted(api_login(user.username, PASSWORD))


def test_other_users_and_other_addresses_are_not_locked(user: User) -> None:
    colleague = UserFactory.create(username="lanhdao_khoa")
    for _ in range(3):
        api_login(user.username, WRONG)
    assert api_login(user.username, PASSWORD).status_code == 429

    assert api_accepted(api_login(colleague.username, PASSWORD))
    assert api_accepted(api_login(user.username, PASSWORD, address=OTHER_ADDRESS))


def test_the_username_count_ignores_case(user: User) -> None:
    for username in ("VANTHU_KHOA", "Vanthu_Khoa", "vanthu_KHOA"):
        api_login(username, WRONG)
    assert api_login(user.username, PASSWORD).status_code == 429


def test_an_address_is_locked_after_its_own_limit_across_usernames(user: User) -> None:
    """GIVEN five failures from one address, each for a different username
    THEN every login from that address is refused, and other addresses still sign in."""
    for number in range(5):
        assert api_login(f"guess{number}", WRONG).status_code == 400

    refused = api_login(user.username, PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert not page_accepted(page_login(user.username, PASSWORD))
    assert api_accepted(api_login(user.username, PASSWORD, address=OTHER_ADDRESS))


def test_refused_attempts_do_not_count_towards_the_address_limit(user: User) -> None:
    colleague = UserFactory.create(username="lanhdao_khoa")
    for _ in range(3):
        api_login(user.username, WRONG)
    for _ in range(10):
        assert api_login(user.username, PASSWORD).status_code == 429
    # Three failures from the address so far, under its limit of five.
    assert api_accepted(api_login(colleague.username, PASSWORD))


def test_successes_do_not_count_towards_the_address_limit(user: User) -> None:
    for _ in range(8):
        assert api_accepted(api_login(user.username, PASSWORD))
    for number in range(4):
        api_login(f"guess{number}", WRONG)
    assert api_accepted(api_login(user.username, PASSWORD))


def test_failures_and_the_lock_are_audited_without_the_password(user: User) -> None:
    for _ in range(3):
        api_login(user.username, WRONG)
    for _ in range(4):
        api_login(user.username, PASSWORD)  # refused: not audited, the count is not touched

    failed = list(AuditEvent.objects.filter(action="auth.login_failed"))
    locked = list(AuditEvent.objects.filter(action="auth.login_locked"))
    assert len(failed) == 3
    assert all(event.data == {"username": user.username} for event in failed)
    assert all(event.actor is None and event.ip_address == ADDRESS for event in failed + locked)
    assert len(locked) == 1
    assert locked[0].data["username"] == user.username
    assert locked[0].data["scope"] == "username"
    assert 0 < locked[0].data["retry_after"] <= WINDOW
    recorded = json.dumps([[event.data, event.changes, event.object_repr] for event in AuditEvent.objects.all()])
    assert WRONG not in recorded
    assert PASSWORD not in recorded


def test_reaching_the_address_limit_is_audited(user: User) -> None:
    for number in range(5):
        api_login(f"guess{number}", WRONG)
    locked = AuditEvent.objects.get(action="auth.login_locked")
    assert locked.data["scope"] == "address"
    assert locked.data["username"] == "guess4"


def test_a_successful_login_is_not_audited_as_a_failure(user: User) -> None:
    assert api_accepted(api_login(user.username, PASSWORD))
    assert page_accepted(page_login(user.username, PASSWORD))
    assert not AuditEvent.objects.filter(action__startswith="auth.").exists()


def test_the_token_endpoint_keeps_its_contract(user: User) -> None:
    response = api_login(user.username, PASSWORD)
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    assert api_login(user.username, PASSWORD).json()["token"] == response.json()["token"]
    form = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert form.status_code == 200
    missing = APIClient().post("/api/v1/auth/token/", {"username": user.username}, format="json")
    assert missing.status_code == 400
    assert missing.json()["code"] == "invalid"
    assert "password" in missing.json()["errors"]
    inactive = UserFactory.create(username="nghi_viec", is_active=False)
    assert api_login(inactive.username, PASSWORD).status_code == 400


def test_a_signed_in_session_does_not_need_a_csrf_token_to_get_a_token(user: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_admin_login_still_refuses_non_staff_with_the_right_password() -> None:
    clerk = UserFactory.create(username="vanthu_thuong", is_staff=False)
    response = admin_login(clerk.username, PASSWORD)
    assert not response.signed_in
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:192.0.2.1", "192.0.2.1", True),
        ("192.0.2.1", "192.0.2.2", False),
        (None, "not-an-address", True),
    ],
)
def test_client_buckets(first: str | None, second: str | None, same: bool) -> None:
    assert (client_bucket(first) == client_bucket(second)) is same


def test_counts_in_redis_are_shared_and_expire_with_the_window(user: User, settings: Any) -> None:
    """The production cache: Redis (DOCREG_TEST_REDIS_URL), which every app
    server shares. The counts lock there too, and every key expires."""
    url = os.environ.get("DOCREG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    connection = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {url} (set DOCREG_TEST_REDIS_URL): {exc}")
    prefix = f"docreg-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}
    }
    try:
        for _ in range(3):
            assert api_login(user.username, WRONG).status_code == 400
        locked = api_login(user.username, PASSWORD)
        assert locked.status_code == 429
        assert 0 < int(locked["Retry-After"]) <= WINDOW
        keys = list(connection.scan_iter(match=f"{prefix}:*"))
        assert len(keys) == 4  # username and address counts, each with its start
        assert all(0 < connection.ttl(key) <= WINDOW for key in keys)
        assert api_accepted(api_login(user.username, PASSWORD, address=OTHER_ADDRESS))
    finally:
        keys = list(connection.scan_iter(match=f"{prefix}:*"))
        if keys:
            connection.delete(*keys)
        connection.close()


def _cache_down(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_while_the_cache_is_down_the_audit_trail_keeps_the_limit(user: User, settings: Any, caplog: Any) -> None:
    """GIVEN a cache that cannot be reached
    THEN logins still work (no 500), failures are still audited and the outage is logged,
    and the failures the audit trail recorded lock the username as the cache would have."""
    _cache_down(settings)
    with time_machine.travel(START, tick=False) as traveller:
        assert api_accepted(api_login(user.username, PASSWORD))
        for _ in range(3):
            assert api_login(user.username, WRONG).status_code == 400
            traveller.shift(60)
        locked = api_login(user.username, PASSWORD)
        assert locked.status_code == 429
        # The first failure leaves the window WINDOW seconds after it was made.
        assert locked["Retry-After"] == str(WINDOW - 180)
        assert api_accepted(api_login(user.username, PASSWORD, address=OTHER_ADDRESS))

        traveller.shift(WINDOW - 180)
        assert api_accepted(api_login(user.username, PASSWORD))
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 3
    [event] = AuditEvent.objects.filter(action="auth.login_locked")
    assert event.data == {"username": user.username, "scope": "username", "retry_after": WINDOW - 120}
    assert "count from the audit trail" in caplog.text


def test_while_the_cache_is_down_an_address_is_limited_across_usernames(user: User, settings: Any) -> None:
    _cache_down(settings)
    for index in range(5):
        assert api_login(f"nguoi_{index}", WRONG).status_code == 400
    assert api_login(user.username, PASSWORD).status_code == 429
    assert api_accepted(api_login(user.username, PASSWORD, address=OTHER_ADDRESS))
