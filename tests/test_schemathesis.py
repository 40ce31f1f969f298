"""Schemathesis against the OpenAPI schema the app serves: every operation, as a
signed-in clerk and as a district reporter, with valid and invalid input.

No request may end in a server error, and every response (status code, content
type, body) must be one the schema documents. The data is a small but real
office (see `world`), and generated ids are swapped for ids of that data often
enough to reach past the 404s into the views and services.

Each request runs inside a savepoint that is rolled back afterwards: every
example sees the same data, and nothing outlives the test's transaction.
"""

import datetime
import itertools
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.time import office_today
from dispatch.services import document_dispatch, obligation_create, submission_create
from recipients.models import Role
from registry.models import Direction, Document
from registry.services import (
    AddresseeInput,
    attachment_add,
    document_create_draft,
    document_issue,
    document_register_incoming,
)
from tests.factories import PartyOrganizationFactory, RecipientGroupFactory, RegisterFactory, UserFactory, doc_type

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PLAN_BODY = (
    "Thực hiện Kế hoạch số 254-KH/BTGTW ngày 27/02/2023 của Ban Tuyên giáo Trung ương.\n"
    "Các huyện ủy gởi báo cáo về Ban Thường vụ Tỉnh ủy (qua Ban Tuyên giáo Tỉnh ủy) trước ngày 01/12/2099."
)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _load(*, coverage: bool) -> Any:
    """The schema as the app serves it, loaded once per test process."""
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        get_wsgi_application(),
        config=schemathesis.Config.from_dict(
            {
                # Authentication is the test's: generated Authorization headers would only test "not signed in".
                "generation": {"with-security-parameters": False},
                "phases": {"coverage": {"enabled": coverage}},
            }
        ),
    )


# Both run the schema's examples and 20 generated requests per operation, valid
# and invalid ones. The clerk, who may write the most, also gets the coverage
# phase: for every field its boundaries and wrong types (overlong text, dates
# that are no dates, numbers out of range, missing fields), a fixed set per
# operation; for the reporter that would double the time and find little new.
clerk_schema = _load(coverage=True)
reporter_schema = _load(coverage=False)
FUZZING = hypothesis.settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    # The fixtures' data is shared by every example on purpose (each request is rolled back).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture
def _requests_keep_the_test_transaction() -> Iterator[None]:
    """A WSGI request closes "old" database connections when it starts and ends,
    which would close the test's connection mid-transaction; Django's own test
    client switches this off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def world(db: Any, settings: Any, tmp_path: Any) -> SimpleNamespace:
    """A provincial Party office (clerk) that has drafted, issued, sent and
    received documents, asked two districts to report and got one report."""
    settings.MEDIA_ROOT = tmp_path
    # Failed logins (the token endpoint is fuzzed too) are counted in the cache: a cache of this
    # test's own keeps them from locking out the address of tests that run after it.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fuzz"}}
    province = PartyOrganizationFactory.create(name="Ban Tuyên giáo Tỉnh ủy Kiên Giang", abbreviation="BTGTU")
    districts = [
        PartyOrganizationFactory.create(name=name, abbreviation="HU", level="district", parent=province)
        for name in ("Huyện ủy Giồng Riềng", "Huyện ủy Châu Thành")
    ]
    clerk = UserFactory.create(username="vanthu", organization=province, role=Role.CLERK)
    reporter = UserFactory.create(username="huyen_giong_rieng", organization=districts[0], role=Role.REPORTER)
    group = RecipientGroupFactory.create(name="Các huyện ủy", owner=province, members=districts)
    outgoing = RegisterFactory.create(owner=province, name="Sổ văn bản đi")
    incoming = RegisterFactory.create(owner=province, name="Sổ văn bản đến", direction=Direction.INCOMING)
    draft = document_create_draft(
        register=outgoing,
        actor=clerk,
        doc_type=doc_type("CV"),
        subject="Tuyên truyền kỷ niệm ngày thành lập Đảng",
        body="Đề nghị các huyện ủy triển khai.",
        addressees=[AddresseeInput(group=group)],
    )
    plan = document_issue(
        document=document_create_draft(
            register=outgoing,
            actor=clerk,
            doc_type=doc_type("KH"),
            subject="Tổng kết công tác tuyên giáo",
            body=PLAN_BODY,
            signer_authority="T/M BAN THƯỜNG VỤ",
            addressees=[AddresseeInput(organization=district) for district in districts],
        ),
        actor=clerk,
    )
    attachment = attachment_add(document=plan, actor=clerk, upload=_pdf("ke-hoach.pdf"))
    deliveries = document_dispatch(document=plan, actor=clerk).deliveries
    received = document_register_incoming(
        register=incoming,
        actor=clerk,
        subject="Về việc báo cáo sơ kết",
        notation="12-CV/BTGTW",
        issued_on=office_today() - datetime.timedelta(days=3),
        sender_name="Ban Tuyên giáo Trung ương",
    )
    obligation = obligation_create(
        document=plan,
        actor=clerk,
        title="Báo cáo tổng kết",
        due_on=office_today() + datetime.timedelta(days=30),
        organizations=districts,
    )
    submission = submission_create(obligation=obligation, actor=reporter, files=[_pdf("bao-cao.pdf")])
    submitted = Document.objects.get(pk=submission.incoming_document_id)
    return SimpleNamespace(
        clerk=clerk,
        reporter=reporter,
        ids={
            "organizations": [province.pk, *(d.pk for d in districts)],
            "groups": [group.pk],
            "registers": [outgoing.pk, incoming.pk],
            "documents": [draft.pk, plan.pk, received.pk, submitted.pk],
            "deliveries": [d.pk for d in deliveries],
            "obligations": [obligation.pk],
            "submissions": [submission.pk],
            "notifications": list(reporter.notifications.values_list("pk", flat=True))
            + list(clerk.notifications.values_list("pk", flat=True)),
            "document-types": ["CV", "KH", "BC"],
        },
        attachments={
            "documents": {plan.pk: [attachment.pk]},
            "submissions": {submission.pk: list(submitted.attachments.values_list("pk", flat=True))},
        },
    )


# Body fields that name a row, and the kind of row.
ID_FIELDS = {
    "register": "registers",
    "document": "documents",
    "organization": "organizations",
    "owner": "organizations",
    "sender": "organizations",
    "parent": "organizations",
    "successor": "organizations",
    "organizations": "organizations",
    "members": "organizations",
    "groups": "groups",
}


class Rotation:
    """Picks in turn among the generated value and the world's ids: deterministic,
    as the examples are, and every id gets its turn."""

    def __init__(self) -> None:
        self.turn = itertools.count()

    def pick(self, generated: Any, choices: list[Any]) -> Any:
        options = [generated, *choices]
        return options[next(self.turn) % len(options)]


def _real_ids(case: Any, rotation: Rotation, world: SimpleNamespace) -> None:
    """Swaps generated ids for ids of the world in turn: random ids reach nothing but 404s."""
    resource = case.path.removeprefix("/api/v1/").split("/")[0]
    path_parameters = case.path_parameters or {}
    if "id" in path_parameters:
        path_parameters["id"] = rotation.pick(path_parameters["id"], world.ids.get(resource, []))
    if "code" in path_parameters:
        path_parameters["code"] = rotation.pick(path_parameters["code"], world.ids[resource])
    if "attachment_id" in path_parameters:
        owned = world.attachments[resource].get(path_parameters["id"], [])
        path_parameters["attachment_id"] = rotation.pick(path_parameters["attachment_id"], owned)
    if isinstance(case.body, dict):
        for name, kind in ID_FIELDS.items():
            value = case.body.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                case.body[name] = rotation.pick(value, world.ids[kind])
            elif isinstance(value, list) and value and all(isinstance(v, int) for v in value):
                case.body[name] = rotation.pick(value, [[pk] for pk in world.ids[kind]])


@pytest.fixture
def rotation() -> Rotation:
    return Rotation()


def _call_and_validate(case: Any, rotation: Rotation, world: SimpleNamespace, user: Any) -> None:
    _real_ids(case, rotation, world)
    token, _ = Token.objects.get_or_create(user=user)
    savepoint = transaction.savepoint_create()
    try:
        response = case.call(headers={"Authorization": f"Token {token.key}"})
    finally:
        transaction.savepoint_rollback(savepoint)
    case.validate_response(response, checks=CHECKS)


@clerk_schema.parametrize()
@FUZZING
@pytest.mark.usefixtures("_requests_keep_the_test_transaction")
def test_api_as_clerk(case: Any, rotation: Rotation, world: SimpleNamespace) -> None:
    _call_and_validate(case, rotation, world, world.clerk)


@reporter_schema.parametrize()
@FUZZING
@pytest.mark.usefixtures("_requests_keep_the_test_transaction")
def test_api_as_district_reporter(case: Any, rotation: Rotation, world: SimpleNamespace) -> None:
    _call_and_validate(case, rotation, world, world.reporter)
