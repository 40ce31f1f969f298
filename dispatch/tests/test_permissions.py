"""Who may do what with deliveries, obligations, submissions, compliance and
notifications, over the API: every dispatch endpoint for every role.

The rule (issue “Permissions”): a reporter sees and answers only their own
organization's obligations and the documents addressed to it; a leader reads
everything of their organization and below and changes nothing; a clerk
manages. Every dispatch endpoint is tried by every role on objects of their
own side and of others; each answer is the designed one: 2xx when allowed,
403 with a `detail` when seen but refused, 404 when the object is not even
visible, 400 when a request names a document the user cannot see, 401 when
anonymous. A refused request stores nothing.

The scene is built in permissions_world.py; one report's whole journey over
the API, with the refusals met on the way, is in test_permissions_reports.py.
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from dispatch.tests.conftest import pdf
from dispatch.tests.permissions_world import build_scene, client_for, objects_of, stored, user_for

ROLES = ("clerk", "leader", "reporter", "district_clerk", "outsider", "foreign_clerk", "anonymous", "admin")
# HEAD and OPTIONS are left out: DRF answers them wherever GET is answered, with nothing of its own to check.
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def _media(settings, media_root):
    """Replaces conftest's folder per test: the scene's report files are stored once for all its tests."""
    settings.MEDIA_ROOT = media_root


@dataclass(frozen=True)
class Call:
    """One request of the matrix; for lists, `target` is the id whose presence is checked under `key`."""

    url: str
    data: dict[str, Any] | None = None
    multipart: bool = False
    target: int | None = None
    key: str = "id"


def _obligation_body(o):
    return {
        "document": o.document.pk,
        "title": "Báo cáo bổ sung",
        "due_on": "2023-12-31",
        "organizations": [o.organization.pk],
    }


REQUESTS: dict[tuple[str, str], Callable[[SimpleNamespace], Call]] = {
    ("api-document-dispatch", "post"): lambda o: Call(
        f"/api/v1/documents/{o.document.pk}/dispatch/", {"channel": "electronic"}
    ),
    ("api-document-deadlines", "get"): lambda o: Call(f"/api/v1/documents/{o.document.pk}/deadlines/"),
    ("delivery-list", "get"): lambda o: Call("/api/v1/deliveries/", {"page_size": 500}, target=o.delivery.pk),
    ("delivery-detail", "get"): lambda o: Call(f"/api/v1/deliveries/{o.delivery.pk}/"),
    ("delivery-acknowledge", "post"): lambda o: Call(f"/api/v1/deliveries/{o.delivery.pk}/acknowledge/"),
    ("delivery-register", "post"): lambda o: Call(f"/api/v1/deliveries/{o.delivery.pk}/register/", {}),
    ("obligation-list", "get"): lambda o: Call("/api/v1/obligations/", {"page_size": 500}, target=o.obligation.pk),
    ("obligation-list", "post"): lambda o: Call("/api/v1/obligations/", _obligation_body(o)),
    ("obligation-detail", "get"): lambda o: Call(f"/api/v1/obligations/{o.obligation.pk}/"),
    ("obligation-detail", "patch"): lambda o: Call(
        f"/api/v1/obligations/{o.obligation.pk}/", {"title": "Báo cáo tổng kết (sửa)"}
    ),
    ("obligation-from-deadlines", "post"): lambda o: Call(
        "/api/v1/obligations/from-deadlines/", {"document": o.document.pk, "organizations": [o.organization.pk]}
    ),
    ("obligation-organizations", "post"): lambda o: Call(
        f"/api/v1/obligations/{o.obligation.pk}/organizations/", {"organizations": [o.not_obligated.pk]}
    ),
    ("obligation-due-dates", "post"): lambda o: Call(
        f"/api/v1/obligations/{o.obligation.pk}/due-dates/", {"organization": o.organization.pk, "due_on": "2023-12-15"}
    ),
    ("obligation-submissions", "get"): lambda o: Call(
        f"/api/v1/obligations/{o.obligation.pk}/submissions/", target=o.submission.pk
    ),
    ("obligation-submissions", "post"): lambda o: Call(
        f"/api/v1/obligations/{o.obligation.pk}/submissions/", {"file": [pdf()], "note": "Bản bổ sung"}, multipart=True
    ),
    ("obligation-paper-submissions", "post"): lambda o: Call(
        f"/api/v1/obligations/{o.obligation.pk}/paper-submissions/",
        {"file": [pdf("scan.pdf")], "organization": o.unreported.pk, "received_at": "2023-11-29T15:00:00+07:00"},
        multipart=True,
    ),
    ("submission-detail", "get"): lambda o: Call(f"/api/v1/submissions/{o.submission.pk}/"),
    ("submission-accept", "post"): lambda o: Call(f"/api/v1/submissions/{o.submission.pk}/accept/"),
    ("submission-return", "post"): lambda o: Call(
        f"/api/v1/submissions/{o.submission.pk}/return/", {"reason": "Thiếu số liệu năm 2023"}
    ),
    ("submission-file", "get"): lambda o: Call(f"/api/v1/submissions/{o.submission.pk}/files/{o.attachment.pk}/"),
    ("compliance-list", "get"): lambda o: Call("/api/v1/compliance/", {"page_size": 500}, target=o.assignment.pk),
    ("compliance-obligations", "get"): lambda o: Call(
        "/api/v1/compliance/obligations/", {"page_size": 500}, target=o.obligation.pk
    ),
    ("compliance-organizations", "get"): lambda o: Call(
        "/api/v1/compliance/organizations/", {"page_size": 500}, target=o.organization.pk, key="organization"
    ),
    ("compliance-overdue", "get"): lambda o: Call(
        "/api/v1/compliance/overdue/", {"page_size": 500}, target=o.overdue.pk
    ),
    ("api-compliance-export", "get"): lambda o: Call("/api/v1/compliance/export.xlsx", {"obligation": o.obligation.pk}),
    ("notification-list", "get"): lambda o: Call(
        "/api/v1/notifications/", {"page_size": 500}, target=o.notification.pk
    ),
    ("notification-read", "post"): lambda o: Call(f"/api/v1/notifications/{o.notification.pk}/read/"),
}

# Outcomes per side, one per role in the order of ROLES:
#   clerk leader reporter district_clerk outsider foreign_clerk anonymous admin
# "in"/"out": 200, and the side's object is (not) among the results.
SEEN_BY_TIEN_GIANG = "200 200 200 200 404 404 401 200"
SEEN_BY_BEN_TRE = "404 404 404 404 404 200 401 200"
MANAGED_BY_TIEN_GIANG = "200 403 403 403 404 404 401 200"
LISTED_FOR_TIEN_GIANG = "in in in in out out 401 in"
LISTED_FOR_CAI_BE = "in in out out out out 401 in"
LISTED_FOR_BEN_TRE = "out out out out out in 401 in"
CREATED_BY_TIEN_GIANG = "201 403 403 403 400 400 401 201"
CREATED_BY_BEN_TRE = "400 400 400 400 400 201 401 201"
READ_AT_CAI_BE = "200 200 404 404 404 404 401 200"
REVIEWED_AT_CAI_BE = "200 403 404 404 404 404 401 200"

MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("api-document-dispatch", "post"): {"tien_giang": MANAGED_BY_TIEN_GIANG, "ben_tre": SEEN_BY_BEN_TRE},
    ("api-document-deadlines", "get"): {"tien_giang": SEEN_BY_TIEN_GIANG, "ben_tre": SEEN_BY_BEN_TRE},
    ("delivery-list", "get"): {
        "tien_giang": LISTED_FOR_TIEN_GIANG,
        "cai_be": LISTED_FOR_CAI_BE,
        "ben_tre": LISTED_FOR_BEN_TRE,
    },
    ("delivery-detail", "get"): {
        "tien_giang": SEEN_BY_TIEN_GIANG,
        "cai_be": READ_AT_CAI_BE,
        "ben_tre": SEEN_BY_BEN_TRE,
    },
    # Only people of the recipient organization receive; an administrator is not one of them.
    ("delivery-acknowledge", "post"): {
        "tien_giang": "403 403 200 200 404 404 401 403",
        "cai_be": "403 403 404 404 404 404 401 403",
        "ben_tre": "404 404 404 404 404 403 401 403",
    },
    # Only the recipient's clerk registers it in their own incoming register.
    ("delivery-register", "post"): {
        "tien_giang": "403 403 403 201 404 404 401 403",
        "cai_be": "403 403 404 404 404 404 401 403",
        "ben_tre": "404 404 404 404 404 403 401 403",
    },
    ("obligation-list", "get"): {"tien_giang": LISTED_FOR_TIEN_GIANG, "ben_tre": LISTED_FOR_BEN_TRE},
    ("obligation-list", "post"): {"tien_giang": CREATED_BY_TIEN_GIANG, "ben_tre": CREATED_BY_BEN_TRE},
    ("obligation-detail", "get"): {"tien_giang": SEEN_BY_TIEN_GIANG, "ben_tre": SEEN_BY_BEN_TRE},
    ("obligation-detail", "patch"): {"tien_giang": MANAGED_BY_TIEN_GIANG, "ben_tre": SEEN_BY_BEN_TRE},
    ("obligation-from-deadlines", "post"): {"tien_giang": CREATED_BY_TIEN_GIANG, "ben_tre": CREATED_BY_BEN_TRE},
    ("obligation-organizations", "post"): {"tien_giang": MANAGED_BY_TIEN_GIANG, "ben_tre": SEEN_BY_BEN_TRE},
    ("obligation-due-dates", "post"): {"tien_giang": MANAGED_BY_TIEN_GIANG, "ben_tre": SEEN_BY_BEN_TRE},
    ("obligation-submissions", "get"): {
        "tien_giang": "in in in in 404 404 401 in",
        "cai_be": "in in out out 404 404 401 in",
        "ben_tre": "404 404 404 404 404 in 401 in",
    },
    # Reports come from people of an obligated organization: not from the requester, a leader or an administrator.
    ("obligation-submissions", "post"): {
        "tien_giang": "403 403 201 201 404 404 401 403",
        "ben_tre": "404 404 404 404 404 403 401 403",
    },
    ("obligation-paper-submissions", "post"): {
        "tien_giang": "201 403 403 403 404 404 401 201",
        "ben_tre": "404 404 404 404 404 201 401 201",
    },
    ("submission-detail", "get"): {
        "tien_giang": SEEN_BY_TIEN_GIANG,
        "cai_be": READ_AT_CAI_BE,
        "ben_tre": SEEN_BY_BEN_TRE,
    },
    ("submission-accept", "post"): {
        "tien_giang": MANAGED_BY_TIEN_GIANG,
        "cai_be": REVIEWED_AT_CAI_BE,
        "ben_tre": SEEN_BY_BEN_TRE,
    },
    ("submission-return", "post"): {
        "tien_giang": MANAGED_BY_TIEN_GIANG,
        "cai_be": REVIEWED_AT_CAI_BE,
        "ben_tre": SEEN_BY_BEN_TRE,
    },
    ("submission-file", "get"): {
        "tien_giang": SEEN_BY_TIEN_GIANG,
        "cai_be": READ_AT_CAI_BE,
        "ben_tre": SEEN_BY_BEN_TRE,
    },
    ("compliance-list", "get"): {
        "tien_giang": LISTED_FOR_TIEN_GIANG,
        "cai_be": LISTED_FOR_CAI_BE,
        "ben_tre": LISTED_FOR_BEN_TRE,
    },
    ("compliance-obligations", "get"): {"tien_giang": LISTED_FOR_TIEN_GIANG, "ben_tre": LISTED_FOR_BEN_TRE},
    ("compliance-organizations", "get"): {
        "tien_giang": LISTED_FOR_TIEN_GIANG,
        "cai_be": LISTED_FOR_CAI_BE,
        "ben_tre": LISTED_FOR_BEN_TRE,
    },
    # Chợ Gạo and Giồng Trôm owe their reports: Mỹ Tho's people do not see a sibling's row.
    ("compliance-overdue", "get"): {"tien_giang": LISTED_FOR_CAI_BE, "ben_tre": LISTED_FOR_BEN_TRE},
    ("api-compliance-export", "get"): {"tien_giang": SEEN_BY_TIEN_GIANG, "ben_tre": SEEN_BY_BEN_TRE},
    # An inbox is its user's alone, an administrator's included.
    ("notification-list", "get"): {
        "own": "in in in in in in 401 in",
        "others": "out out out out out out 401 out",
    },
    ("notification-read", "post"): {
        "own": "200 200 200 200 200 200 401 200",
        "others": "404 404 404 404 404 404 401 404",
    },
}


def _cases():
    for (name, method), sides in MATRIX.items():
        for side, outcomes in sides.items():
            for role, outcome in zip(ROLES, outcomes.split(), strict=True):
                yield pytest.param(name, method, side, role, outcome, id=f"{name}-{method}-{side}-{role}")


def dispatch_api_routes() -> set[tuple[str | None, str]]:
    """(URL name, HTTP method) of every route under /api/v1/ served by a view of the dispatch app."""
    found: set[tuple[str | None, str]] = set()

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
                continue
            assert isinstance(pattern, URLPattern)
            view = pattern.callback
            view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
            if (
                not route.startswith("api/v1/")
                or view_class is None
                or view_class.__module__.split(".")[0] != "dispatch"
            ):
                continue
            actions = getattr(view, "actions", None) or {m: m for m in METHODS if hasattr(view_class, m)}
            found.update((pattern.name, method) for method in actions if method in METHODS)

    walk(get_resolver().url_patterns, "")
    return found


def test_the_matrix_covers_every_dispatch_endpoint():
    """A new dispatch route fails here until the matrix says who may use it."""
    assert dispatch_api_routes() == set(MATRIX)
    assert set(REQUESTS) == set(MATRIX)


@pytest.fixture(scope="class")
def scene(django_db_setup, django_db_blocker, media_root):
    """Built once for the matrix's class inside a transaction that is rolled
    back after it; each case runs in a savepoint of it (pytest-django's
    `db`), so the writes of one case never reach the next, and the tests
    outside the class never see the scene."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
            built = build_scene()
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.django_db
class TestEveryEndpointForEveryRole:
    @pytest.mark.parametrize(("name", "method", "side", "role", "outcome"), list(_cases()))
    def test_outcome(self, scene, name, method, side, role, outcome):
        user = user_for(scene, role)
        call = REQUESTS[name, method](objects_of(scene, side, user))
        before = stored()
        client = client_for(user)
        if method == "get":
            response = client.get(call.url, call.data or {})
        else:
            response = getattr(client, method)(
                call.url, call.data or {}, format="multipart" if call.multipart else "json"
            )
        expected_status = 200 if outcome in ("in", "out") else int(outcome)
        if response.status_code >= 300 or expected_status >= 300:
            answer = response.json() if response.get("Content-Type") == "application/json" else None
            detail = answer.get("detail") if isinstance(answer, dict) else None
            assert (response.status_code, bool(detail)) == (expected_status, True), answer
            assert stored() == before, "a refused request stored something"
            return
        assert response.status_code == expected_status
        if response.streaming:
            # Read to the end: the test client then closes the file without ending the test's transaction.
            assert b"".join(response.streaming_content)
        if call.target is None:
            return
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        assert (call.target in {row[call.key] for row in rows}) == (outcome == "in")
