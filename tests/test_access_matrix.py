"""Every API operation × every role × whose object: allowed or refused as designed.

The design (README, CONTRACT, recipients.selectors.scope_filter, the selectors
and registry.permissions):

- Reads. Clerks and leaders read what their organization and the bodies
  below it keep, sent, requested or owe; reporters only their own
  organization's (never its drafts), plus the issued documents addressed or
  delivered to it or obliging it to report; administrators (role admin, and
  superusers) everything. The directory (organizations, recipient groups,
  document types) is read by everyone signed in.
- Writes. Registers, documents, dispatch, obligations and the review of
  reports belong to a clerk of the register's organization (a body above
  only reads) or an administrator; leaders change nothing. Reports come from
  a reporter or clerk of an obligated organization. A delivery is received
  and registered by people of the recipient (registered by its clerk);
  administrators are not the recipient. Clerks and administrators add
  organizations, only administrators change them; recipient groups are
  managed by a clerk of their owner or an administrator. Notifications are
  their user's alone.
- Answers. 401 without credentials; 404 for an object in the URL the user
  may not see (hidden, not refused); 400 on the field of a request body that
  names an object the user may not see (the same answer as for an id that
  does not exist); 403 for an object the user sees but may not change;
  a refusal stores nothing, an allowed write leaves an audit event.

The world (tests/access_world.py) puts the clerk and the leader on a
provincial board, the reporter in a district below it, and builds every kind
of object on the own side ("own", the board's; "below", the district's;
"inbound", the other province's letter to the board) and on the other side
("other", an unrelated province's). A case id reads
`<operation>-<role>-<side>`, e.g. `documents-retrieve-reporter-other_draft`.

The rows are in tests/access_rows_registry.py and tests/access_rows_dispatch.py,
what they are written with (requests, outcome profiles) in tests/access_rows.py.
"""

import datetime
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from core.models import AuditEvent
from dispatch.models import Assignment, Delivery, Obligation, Submission
from dispatch.selectors import assignment_list, delivery_list, obligation_list, submission_list
from dispatch.services import (
    assignment_set_due_date,
    delivery_acknowledge,
    submission_record_paper,
    submission_review,
)
from recipients.models import Organization, RecipientGroup, Role, User
from registry.models import Attachment, Document, Register
from registry.selectors import document_list
from tests.access_rows import Row
from tests.access_rows_dispatch import DISPATCH_ROWS
from tests.access_rows_registry import REGISTRY_ROWS
from tests.access_world import build_world, pdf
from tests.factories import UserFactory

ROLES = ("clerk", "leader", "reporter", "admin", "superuser")
STORED = (
    Organization,
    RecipientGroup,
    Register,
    Document,
    Attachment,
    Delivery,
    Obligation,
    Assignment,
    Submission,
    AuditEvent,
)
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
# Allowed POSTs that change no record of the registry: nothing to audit.
UNAUDITED = {"auth-token", "intake", "intake-suggestions", "notifications-read"}


ROWS: list[Row] = [*REGISTRY_ROWS, *DISPATCH_ROWS]

# Cases where the code does not do what the design says, by case id; each one is reported.
KNOWN_BUGS: dict[str, str] = {}


def _cases():
    for row in ROWS:
        for side, outcomes in row.sides.items():
            for role, outcome in zip(ROLES, outcomes.split(), strict=True):
                yield _param(row, side, role, outcome)
        yield _param(row, next(iter(row.sides)), "anonymous", row.anonymous)


def _param(row: Row, side: str, role: str, outcome: str) -> Any:
    case_id = f"{row.name}-{role}-{side}"
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case_id])] if case_id in KNOWN_BUGS else []
    return pytest.param(row, side, role, outcome, id=case_id, marks=marks)


def stored() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in STORED}


def _body(response) -> Any:
    """The JSON body, or None for a file; a file is read to the end, which closes it."""
    if getattr(response, "streaming", False):
        assert b"".join(response.streaming_content)
        return None
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()
    assert response.status_code == 204 or response.content
    return None


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_root):
    """Built once for the module's tests inside a transaction rolled back after it;
    each case runs in a savepoint of it (pytest-django's `db`), so one case's
    writes never reach the next."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with (
            django_db_blocker.unblock(),
            # conftest's fast hasher is per test; the world's passwords are hashed before any test.
            override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=[FAST_HASHER]),
        ):
            built = build_world()
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.django_db
class TestAccessMatrix:
    @pytest.mark.parametrize(("row", "side", "role", "outcome"), list(_cases()))
    def test_case(self, world, settings, media_root, row, side, role, outcome):
        settings.MEDIA_ROOT = media_root
        user = world.users.get(role)
        call = row.request(world, side, user)
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        before = stored()
        send = getattr(client, row.method)
        if row.method == "get":
            response = send(call.url, call.data or {})
        else:
            response = send(call.url, call.data or {}, format="multipart" if call.multipart else "json")
        body = _body(response)
        expected = 200 if outcome in ("in", "out") else int(outcome)
        assert response.status_code == expected, body

        if expected >= 400:
            assert isinstance(body, dict), "errors are JSON"
            assert body.get("detail"), body
            if expected == 404:
                assert body["code"] == "not_found", body
            if expected == 400:
                # About the field naming the hidden object, not a payload fault that would hide a missing check.
                assert call.field is not None, body
                assert set(body.get("errors", {})) == {call.field}, body
            after = stored()
            if row.refusal_audited:
                del before["AuditEvent"], after["AuditEvent"]
            assert after == before, "a refused request stored something"
            return
        if row.method != "get" and row.name not in UNAUDITED:
            assert AuditEvent.objects.count() > before["AuditEvent"], "an allowed write left no audit event"
        if outcome in ("in", "out"):
            rows = body["results"] if isinstance(body, dict) else body
            assert (call.target in {item[call.key] for item in rows}) == (outcome == "in"), rows


def _visible_objects(user: User) -> dict[str, set[int]]:
    """What the user may read, by the selectors the endpoints use, keyed like an audit event's object_type."""
    return {
        "registry.document": set(document_list(user=user).values_list("pk", flat=True)),
        "dispatch.delivery": set(delivery_list(user=user).values_list("pk", flat=True)),
        "dispatch.obligation": set(obligation_list(user=user).values_list("pk", flat=True)),
        "dispatch.assignment": set(assignment_list(user=user).values_list("pk", flat=True)),
        "dispatch.submission": set(submission_list(user=user).values_list("pk", flat=True)),
    }


@pytest.mark.django_db
class TestHistoryShowsOnlyWhatTheReaderMaySee:
    @pytest.mark.parametrize("role", ROLES)
    def test_history_of_the_plan(self, world, settings, media_root, role):
        """GIVEN the board's plan, which An Biên (a sibling of the reporter's
        district) received, was given a due date of its own for, and reported
        on paper to, the report returned with a reason
        WHEN a user who may read the plan asks for its history
        THEN every event in it is about an object that user may read."""
        settings.MEDIA_ROOT = media_root
        clerk, plan = world.users["clerk"], world.documents["own_issued"]
        sibling = world.own.overdue.organization
        sibling_user = UserFactory.create(organization=sibling, role=Role.REPORTER)
        delivery_acknowledge(delivery=Delivery.objects.get(document=plan, recipient=sibling), actor=sibling_user)
        assignment_set_due_date(assignment=world.own.overdue, actor=clerk, due_on=world.today)
        paper = submission_record_paper(
            obligation=world.own.obligation,
            organization=sibling,
            actor=clerk,
            received_at=world.now - datetime.timedelta(hours=1),
            files=[pdf("ban-giay.pdf")],
        )
        submission_review(submission=paper, actor=clerk, decision="returned", reason="Thiếu số liệu của An Biên")
        user = world.users[role]
        client = APIClient()
        client.force_authenticate(user)

        response = client.get(f"/api/v1/documents/{plan.pk}/history/", {"page_size": 500})

        assert response.status_code == 200
        visible = _visible_objects(user)
        unseen = [
            (event["action"], event["object_type"], event["object_id"])
            for event in response.json()["results"]
            if event["object_type"] in visible and int(event["object_id"]) not in visible[event["object_type"]]
        ]
        assert unseen == []


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_operation_of_the_schema_has_a_row():
    """A new endpoint fails here until the matrix says who may use it; a row
    for an operation that no longer exists fails too."""
    covered = {(row.method, row.path) for row in ROWS}
    assert len(covered) == len(ROWS), "an operation has two rows"
    assert sorted(schema_operations() - covered) == [], "operations without a row"
    assert sorted(covered - schema_operations()) == [], "rows for operations the schema does not have"


def test_every_row_tries_every_role_and_the_other_side():
    """Each operation on objects is tried on the other tree's object too, every side for every role."""
    for row in ROWS:
        for side, outcomes in row.sides.items():
            assert len(outcomes.split()) == len(ROLES), (row.name, side)
        sides = set(row.sides)
        if sides - {"self", "any"}:
            assert any(side.startswith("other") for side in sides), row.name
