"""Who may do what with deliveries, obligations, submissions, compliance and
notifications, over the API.

The rule (issue “Permissions”): a reporter sees and answers only their own
organization's obligations and the documents addressed to it; a leader reads
everything of their organization and below and changes nothing; a clerk
manages. Every dispatch endpoint is tried by every role on objects of their
own side and of others; each answer is the designed one: 2xx when allowed,
403 with a `detail` when seen but refused, 404 when the object is not even
visible, 400 when a request names a document the user cannot see, 401 when
anonymous. A refused request stores nothing.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from core.models import AuditEvent
from dispatch.models import Assignment, Delivery, Notification, Obligation, Submission
from dispatch.services import document_dispatch, obligation_create, submission_create
from dispatch.services.notify import notify
from dispatch.tests.conftest import PLAN_BODY, at, fake_upload, pdf
from recipients.models import Role
from registry.models import Attachment, Direction, Document, PeriodKind, SequenceScope
from registry.services import AddresseeInput, document_create_draft, document_issue
from tests.factories import PartyOrganizationFactory, RegisterFactory, UserFactory, doc_type

DUE = datetime.date(2023, 11, 30)
TITLE = "Báo cáo tổng kết 35 năm Bản tin sinh hoạt chi bộ"
ROLES = ("clerk", "leader", "reporter", "district_clerk", "outsider", "foreign_clerk", "anonymous", "admin")
# HEAD and OPTIONS are left out: DRF answers them wherever GET is answered, with nothing of its own to check.
METHODS = ("get", "post", "put", "patch", "delete")
STORED = (Obligation, Assignment, Submission, Delivery, Document, Attachment, AuditEvent)


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def stored():
    """How many rows of each record a refused request must leave as they were."""
    return {model.__name__: model.objects.count() for model in STORED}


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def _media(settings, media_root):
    """Replaces conftest's folder per test: the scene's report files are stored once for all its tests."""
    settings.MEDIA_ROOT = media_root


def _province(name, prefix, district_names, *, addressed, obligated, reporting):
    """A provincial committee that sent its plan to its first `addressed`
    districts, obliged the first `obligated` to report by 30/11/2023, and
    heard from the first `reporting` on 20/11/2023. Every district has a
    reporter, a clerk and an incoming register."""
    province = PartyOrganizationFactory(name=name, abbreviation="TU", header_parent_name="")
    clerk = UserFactory(username=f"{prefix}_vanthu", organization=province, role=Role.CLERK)
    leader = UserFactory(username=f"{prefix}_lanhdao", organization=province, role=Role.LEADER)
    outgoing = RegisterFactory(
        owner=province,
        name="Sổ văn bản đi",
        period_kind=PeriodKind.TERM,
        term_start=datetime.date(2020, 10, 15),
        sequence_scope=SequenceScope.DOC_TYPE,
    )
    districts = [
        PartyOrganizationFactory(name=district, abbreviation="HU", level="district", parent=province)
        for district in district_names
    ]
    for organization in [province, *districts]:
        RegisterFactory(owner=organization, name="Sổ văn bản đến", direction=Direction.INCOMING, system="party")
    reporters = [
        UserFactory(username=f"{prefix}_huyen_{i}", organization=district, role=Role.REPORTER)
        for i, district in enumerate(districts)
    ]
    district_clerks = [
        UserFactory(username=f"{prefix}_vanthu_huyen_{i}", organization=district, role=Role.CLERK)
        for i, district in enumerate(districts)
    ]
    with time_machine.travel(at(2023, 4, 28), tick=False):
        draft = document_create_draft(
            register=outgoing,
            actor=clerk,
            doc_type=doc_type("KH"),
            subject="Tổng kết 35 năm thực hiện khai thác và sử dụng Bản tin Thông tin sinh hoạt chi bộ",
            body=PLAN_BODY,
            signer_authority="T/M BAN THƯỜNG VỤ",
            addressees=[AddresseeInput(organization=district) for district in districts[:addressed]],
        )
        plan = document_issue(document=draft, actor=clerk)
    with time_machine.travel(at(2023, 11, 1), tick=False):
        deliveries = document_dispatch(document=plan, actor=clerk).deliveries
        obligation = obligation_create(
            document=plan, actor=clerk, title=TITLE, due_on=DUE, organizations=districts[:obligated]
        )
    with time_machine.travel(at(2023, 11, 20), tick=False):
        submissions = [
            submission_create(obligation=obligation, actor=reporter, files=[pdf()])
            for reporter in reporters[:reporting]
        ]
    return SimpleNamespace(
        province=province,
        clerk=clerk,
        leader=leader,
        districts=districts,
        reporters=reporters,
        district_clerks=district_clerks,
        plan=plan,
        deliveries={delivery.recipient_id: delivery for delivery in deliveries},
        obligation=obligation,
        submissions=submissions,
        reporting=reporting,
    )


def _build_scene():
    """Tiền Giang asks Mỹ Tho, Cái Bè and Chợ Gạo (not Tân Phước) to report;
    Mỹ Tho and Cái Bè have. Bến Tre asks Châu Thành and Giồng Trôm (not Ba
    Tri); Châu Thành has. Plus an administrator of no organization."""
    return SimpleNamespace(
        tien_giang=_province(
            "Tỉnh ủy Tiền Giang",
            "tg",
            ["Thành ủy Mỹ Tho", "Huyện ủy Cái Bè", "Huyện ủy Chợ Gạo", "Huyện ủy Tân Phước"],
            addressed=3,
            obligated=3,
            reporting=2,
        ),
        ben_tre=_province(
            "Tỉnh ủy Bến Tre",
            "bt",
            ["Huyện ủy Châu Thành", "Huyện ủy Giồng Trôm", "Huyện ủy Ba Tri"],
            addressed=2,
            obligated=2,
            reporting=1,
        ),
        admin=UserFactory(username="quantri", organization=None, role=Role.ADMIN, is_staff=True),
    )


def user_for(scene, role):
    """The people of the matrix. The reporter and district clerk are Mỹ Tho's
    (obligated); the outsider reports for Tân Phước, a district of the same
    province that was neither sent the plan nor obliged."""
    tien_giang = scene.tien_giang
    return {
        "clerk": tien_giang.clerk,
        "leader": tien_giang.leader,
        "reporter": tien_giang.reporters[0],
        "district_clerk": tien_giang.district_clerks[0],
        "outsider": tien_giang.reporters[3],
        "foreign_clerk": scene.ben_tre.clerk,
        "anonymous": None,
        "admin": scene.admin,
    }[role]


def objects_of(scene, side, user):
    """The objects a case is about. Sides: "tien_giang" (Mỹ Tho's delivery,
    report and row of Tiền Giang's obligation), "cai_be" (Cái Bè's, a sibling
    of the reporter's district), "ben_tre" (another province's); for
    notifications, "own" (the user's) and "others" (someone else's)."""
    if side in ("own", "others"):
        owner = user if side == "own" and user is not None else scene.ben_tre.reporters[0]
        notify([owner], kind="test", title="Thông báo")
        return SimpleNamespace(notification=Notification.objects.filter(user=owner).latest("id"))
    province = scene.ben_tre if side == "ben_tre" else scene.tien_giang
    index = 1 if side == "cai_be" else 0
    district = province.districts[index]
    submission = province.submissions[index]
    unreported = province.districts[province.reporting]
    assignments = province.obligation.assignments
    return SimpleNamespace(
        document=province.plan,
        obligation=province.obligation,
        delivery=province.deliveries[district.pk],
        submission=submission,
        attachment=submission.incoming_document.attachments.get(),
        assignment=assignments.get(organization=district),
        organization=district,
        unreported=unreported,
        overdue=assignments.get(organization=unreported),
        not_obligated=province.districts[-1],
    )


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
            built = _build_scene()
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


@pytest.mark.django_db
def test_reports_over_the_api_from_request_to_compliance(world):
    """A clerk obliges Mỹ Tho directly and Cái Bè and Chợ Gạo through their
    group, and dispatches the plan. Mỹ Tho reports on the evening of the due
    date, Cái Bè three days late; Chợ Gạo's attempts for another organization
    and with a disguised program are refused, as are reports from Tân Phước
    (not obligated) and from the requester itself. The clerk returns Mỹ Tho's
    report and accepts Cái Bè's; compliance shows exactly that."""
    tan_phuoc = PartyOrganizationFactory(
        name="Huyện ủy Tân Phước", abbreviation="HU", level="district", parent=world.province
    )
    outsider = UserFactory(organization=tan_phuoc, role=Role.REPORTER)
    clerk = client_for(world.clerk)
    my_tho, cai_be, cho_gao = world.districts
    with time_machine.travel(at(2023, 11, 1), tick=False):
        created = clerk.post(
            "/api/v1/obligations/",
            {
                "document": world.plan.pk,
                "title": TITLE,
                "due_on": "2023-11-30",
                "organizations": [my_tho.pk],
                "groups": [world.group.pk],
            },
            format="json",
        )
        assert created.status_code == 201, created.json()
        dispatched = clerk.post(f"/api/v1/documents/{world.plan.pk}/dispatch/", {}, format="json")
    assert dispatched.status_code == 200, dispatched.json()
    assert {d["recipient"] for d in dispatched.json()["deliveries"]} == {my_tho.pk, cai_be.pk, cho_gao.pk}
    obligation = created.json()
    assert {(row["organization"], row["status"]) for row in obligation["organizations"]} == {
        (my_tho.pk, "pending"),
        (cai_be.pk, "pending"),
        (cho_gao.pk, "pending"),
    }
    submissions = f"/api/v1/obligations/{obligation['id']}/submissions/"

    def submit(user, when, **data):
        with time_machine.travel(when, tick=False):
            return client_for(user).post(submissions, {"file": [pdf()], **data}, format="multipart")

    on_time = submit(world.reporters[0], at(2023, 11, 30, 23, 30), report_notation="Số 45-BC/TU")
    late = submit(world.reporters[1], at(2023, 12, 3))
    assert (on_time.status_code, late.status_code) == (201, 201), (on_time.json(), late.json())
    receipts = {response.json()["organization"]: response.json() for response in (on_time, late)}
    assert {org: (r["arrival_number"], r["register"], r["version"]) for org, r in receipts.items()} == {
        my_tho.pk: (1, world.incoming.name, 1),
        cai_be.pk: (2, world.incoming.name, 1),
    }
    assert receipts[my_tho.pk]["report_notation"] == "45-BC/TU"
    assert [f["original_name"] for f in receipts[my_tho.pk]["files"]] == ["bao-cao.pdf"]

    before = stored()
    when = at(2023, 12, 4)
    for_my_tho = submit(world.reporters[2], when, organization=my_tho.pk)
    assert (for_my_tho.status_code, for_my_tho.json()["code"]) == (403, "permission_denied")
    assert my_tho.name in for_my_tho.json()["detail"]
    with time_machine.travel(when, tick=False):
        disguised = client_for(world.reporters[2]).post(
            submissions, {"file": [fake_upload("bao-cao.pdf", b"MZ\x90\x00\x03 a Windows program")]}, format="multipart"
        )
    assert (disguised.status_code, disguised.json()["code"], disguised.json()["field"]) == (
        400,
        "unsupported_file_type",
        "file",
    )
    assert "bao-cao.pdf" in disguised.json()["detail"]
    # Tân Phước may not even see the obligation: reporters see only their own organization's.
    not_obligated = submit(outsider, when)
    assert (not_obligated.status_code, not_obligated.json()["code"]) == (404, "not_found")
    assert not_obligated.json()["detail"]
    requester = submit(world.clerk, when)
    assert (requester.status_code, requester.json()["code"]) == (403, "not_obligated")
    assert world.province.name in requester.json()["detail"]
    assert stored() == before
    assert Assignment.objects.get(obligation_id=obligation["id"], organization=cho_gao).first_submitted_at is None

    with time_machine.travel(at(2023, 12, 4, 10), tick=False):
        statuses = clerk.get("/api/v1/compliance/", {"obligation": obligation["id"]}).json()
    assert {row["organization"]: row["status"] for row in statuses["results"]} == {
        my_tho.pk: "submitted",
        cai_be.pk: "late",
        cho_gao.pk: "overdue",
    }

    with time_machine.travel(at(2023, 12, 5), tick=False):
        without_reason = clerk.post(f"/api/v1/submissions/{receipts[my_tho.pk]['id']}/return/", {}, format="json")
        assert (without_reason.status_code, list(without_reason.json()["errors"])) == (400, ["reason"])
        returned = clerk.post(
            f"/api/v1/submissions/{receipts[my_tho.pk]['id']}/return/", {"reason": "Thiếu số liệu"}, format="json"
        )
        accepted = clerk.post(f"/api/v1/submissions/{receipts[cai_be.pk]['id']}/accept/")
    assert (returned.status_code, returned.json()["decision"], returned.json()["review_reason"]) == (
        200,
        "returned",
        "Thiếu số liệu",
    )
    assert (accepted.status_code, accepted.json()["decision"]) == (200, "accepted")

    with time_machine.travel(at(2023, 12, 6), tick=False):
        compliance = clerk.get("/api/v1/compliance/", {"obligation": obligation["id"]}).json()
    rows = {
        row["organization"]: (
            row["status"],
            row["submitted_at"] and datetime.datetime.fromisoformat(row["submitted_at"]),
        )
        for row in compliance["results"]
    }
    assert rows == {
        my_tho.pk: ("returned", at(2023, 11, 30, 23, 30)),
        cai_be.pk: ("accepted", at(2023, 12, 3)),
        cho_gao.pk: ("overdue", None),
    }
    assert compliance["summary"] == {
        "organizations": 3,
        "counts": {"pending": 0, "submitted": 0, "late": 0, "overdue": 1, "accepted": 1, "returned": 1},
        "on_time_rate": pytest.approx(1 / 3, abs=1e-4),
    }
