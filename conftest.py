from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from recipients.models import Role, User
from registry.models import Document, Register
from registry.services import AddresseeInput, document_create_draft
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory, doc_type


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in fixtures


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` need PostgreSQL features; elsewhere they skip and say why.

    Tests that commit run after those that roll back, as pytest-django orders them: the flush
    after a committing test empties the tables, and only a serialized rollback (which such
    tests ask for) puts the migrations' rows back. pytest reorders tests around parametrized
    fixtures of a wider scope (the browser tests' `browser_name`) after pytest-django has
    sorted them; this puts the committing ones last again, keeping the order within each group."""
    items.sort(key=_transactional)
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…); runs in CI")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Counters kept in the cache (failed logins) start from zero in every test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def organization(db: Any):
    return OrganizationFactory(name="Sở Thông tin và Truyền thông", abbreviation="STTTT")


@pytest.fixture
def clerk(organization: Any) -> User:
    return UserFactory.create(organization=organization, role=Role.CLERK, username="vanthu_test")


@pytest.fixture
def leader(organization: Any) -> User:
    return UserFactory.create(organization=organization, role=Role.LEADER, username="lanhdao_test")


@pytest.fixture
def register(organization: Any) -> Register:
    return RegisterFactory.create(owner=organization, name="Sổ văn bản đi")


@pytest.fixture
def make_draft(clerk: User, register: Register) -> Callable[..., Document]:
    """Creates an outgoing draft through the service, ready to be issued."""

    def make(**overrides: Any) -> Document:
        fields: dict[str, Any] = {
            "register": register,
            "actor": clerk,
            "doc_type": doc_type("CV"),
            "subject": "Thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU",
            "body": "Sở Thông tin và Truyền thông đề nghị …",
            "signer_name": "Lâm Văn Sển",
            "signer_title": "GIÁM ĐỐC",
            "drafting_unit": "TTBCBC",
            "addressees": [AddresseeInput(text="Các sở, ban, ngành cấp tỉnh")],
        }
        fields.update(overrides)
        return document_create_draft(**fields)

    return make


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def clerk_api(clerk: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(clerk)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Real hashers spend a second per password by design; tests need none of that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_messages() -> Any:
    """Service tests match English messages; requests still choose their own
    language (Vietnamese by default) through LocaleMiddleware."""
    from django.utils import translation

    with translation.override("en"):
        yield
