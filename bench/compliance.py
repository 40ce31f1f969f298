"""`make bench`, compliance part: how fast the compliance API answers a
provincial leader when 200 district-level organizations each owe a report on
500 obligations (100,000 obligated organizations), on PostgreSQL.

Import only after django.setup(). The data is bulk-created (services would
take minutes for 100,000 rows) from rows the services wrote: one plan issued
through `document_issue` is copied into 500 issued documents, one report
registered through `register_incoming` into the incoming documents that
submissions answer with. Every row satisfies the models' check constraints.
The mix of facts is drawn from a fixed seed, so every run loads the same
data relative to its day: due dates from a year ago to three months ahead;
past due, most organizations reported on time, some late, a quarter not at
all; some reports accepted, a few returned; a quarter of the reports have
their Submission rows, so the list's prefetch of the latest report has work.

Requests go through Django's test client in this process, with the leader's
API token, as a client of the API would send them: middleware, token lookup,
scope, filters, pagination (default page size) and JSON rendering included,
the network excluded. Each endpoint is warmed up, then the endpoints take
turns, so a drift of the machine spreads over all of them alike.
"""

import datetime
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import scenario
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.time import office_timezone
from dispatch.models import Assignment, Decision, Obligation, Submission
from recipients.models import Organization, Role, User
from registry.models import Direction, Document, DocumentType, NotationSystem, NumberSequence, PeriodKind, Register
from registry.notation import format_notation
from registry.services import AddresseeInput, document_create_draft, document_issue, register_incoming
from registry.services.numbering import sequence_key

ORGANIZATIONS = 200
OBLIGATIONS = 500
TARGET_P95_MS = 150.0
WARM_UP = 5
BATCH = 5000
SEED = 20231130
# Of the reports, the share that has its Submission row and incoming document.
SUBMISSION_SHARE = 0.25


class BenchmarkError(RuntimeError):
    """A request failed, or the database does not hold what was loaded."""


@dataclass(frozen=True)
class World:
    token: str
    obligation_ids: list[int]
    document_ids: list[int]
    assignments: int
    submissions: int


ENDPOINTS: dict[str, Callable[[World, int], str]] = {
    # The i-th request of a rotating endpoint asks about the i-th obligation or document, in due order.
    "/api/v1/compliance/?obligation=ID": lambda world, i: (
        f"/api/v1/compliance/?obligation={world.obligation_ids[i % len(world.obligation_ids)]}"
    ),
    "/api/v1/compliance/obligations/": lambda world, i: "/api/v1/compliance/obligations/",
    "/api/v1/compliance/organizations/": lambda world, i: "/api/v1/compliance/organizations/",
    "/api/v1/compliance/overdue/": lambda world, i: "/api/v1/compliance/overdue/",
    "/api/v1/compliance/?document=ID": lambda world, i: (
        f"/api/v1/compliance/?document={world.document_ids[i % len(world.document_ids)]}"
    ),
}


@dataclass(frozen=True)
class Facts:
    """What the services would have recorded on one obligated organization."""

    first_submitted_at: datetime.datetime | None = None
    accepted_at: datetime.datetime | None = None
    returned_at: datetime.datetime | None = None


def _at(day: datetime.date, now: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """A moment in office hours of `day` (office time), and not after `now`."""
    moment = datetime.datetime.combine(
        day, datetime.time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=office_timezone()
    )
    return min(moment, now)


def draw_facts(due_on: datetime.date, now: datetime.datetime, rng: random.Random) -> Facts:
    """Past due: 60 % reported on time, 15 % late, 25 % nothing (overdue). Not yet due:
    25 % reported already. Of the reports, 30 % were accepted and 8 % returned."""
    today = now.astimezone(office_timezone()).date()
    roll = rng.random()
    if due_on < today:
        if roll < 0.60:
            first = due_on - datetime.timedelta(days=rng.randint(0, 20))
        elif roll < 0.75:
            first = min(due_on + datetime.timedelta(days=rng.randint(1, 30)), today)
        else:
            return Facts()
    elif roll < 0.25:
        first = today - datetime.timedelta(days=rng.randint(0, 10))
    else:
        return Facts()
    first_at = _at(first, now, rng)
    review_at = min(first_at + datetime.timedelta(days=rng.randint(1, 10)), now)
    review = rng.random()
    if review < 0.30:
        return Facts(first_submitted_at=first_at, accepted_at=review_at)
    if review < 0.38:
        return Facts(first_submitted_at=first_at, returned_at=review_at)
    return Facts(first_submitted_at=first_at)


def _requester() -> tuple[Organization, User, User]:
    province = Organization.objects.create(
        name="Tỉnh ủy Tiền Giang (bench)",
        short_name="Tỉnh ủy",
        abbreviation="TU",
        system="party",
        level="province",
        header_name="TỈNH ỦY TIỀN GIANG",
        place="Tiền Giang",
    )
    clerk = User.objects.create(username="vanthu_tu_bench", organization=province, role=Role.CLERK)
    leader = User.objects.create(username="lanhdao_tu_bench", organization=province, role=Role.LEADER)
    return province, clerk, leader


def _districts(province: Organization) -> list[Organization]:
    return Organization.objects.bulk_create(
        Organization(
            name=f"Huyện ủy số {number:03d}",
            short_name=f"Huyện ủy số {number:03d}",
            abbreviation="HU",
            system="party",
            level="district",
            parent=province,
            header_name=f"HUYỆN ỦY SỐ {number:03d}",
            header_parent_name="ĐẢNG BỘ TỈNH TIỀN GIANG",
        )
        for number in range(1, ORGANIZATIONS + 1)
    )


def _register(province: Organization, name: str, direction: str) -> Register:
    return Register.objects.create(
        owner=province, name=name, direction=direction, system=NotationSystem.PARTY, period_kind=PeriodKind.YEAR
    )


def _plans(province: Organization, clerk: User) -> list[Document]:
    """OBLIGATIONS issued plans: one through the services, the others copies numbered after it."""
    draft = document_create_draft(
        register=_register(province, "Sổ văn bản đi", Direction.OUTGOING),
        actor=clerk,
        doc_type=DocumentType.objects.get(code="KH"),
        subject="Tổng kết thực hiện khai thác và sử dụng Bản tin Thông tin sinh hoạt chi bộ",
        body="Cấp ủy huyện và tương đương gởi báo cáo về Ban Thường vụ Tỉnh ủy trước hạn.",
        signer_authority="T/M BAN THƯỜNG VỤ",
        addressees=[AddresseeInput(text="Các huyện ủy, thị ủy, thành ủy")],
    )
    first = document_issue(document=draft, actor=clerk)
    assert first.number is not None
    assert first.sequence_id is not None

    def notation(number: int) -> str:
        return format_notation(
            system=first.system, number=number, type_abbr=first.type_abbreviation, issuer=first.issuer_abbreviation
        )

    copies = Document.objects.bulk_create(
        scenario._copy(first, number=number, notation=notation(number))
        for number in range(first.number + 1, first.number + OBLIGATIONS)
    )
    NumberSequence.objects.filter(pk=first.sequence_id).update(last_number=first.number + OBLIGATIONS - 1)
    return [first, *copies]


def _obligations(
    province: Organization, clerk: User, plans: list[Document], today: datetime.date, rng: random.Random
) -> list[Obligation]:
    """One obligation per plan, due from a year ago to three months ahead."""
    return Obligation.objects.bulk_create(
        Obligation(
            document=plan,
            organization=province,
            title=f"Báo cáo kết quả thực hiện Kế hoạch số {plan.notation}",
            due_on=today + datetime.timedelta(days=rng.randint(-365, 90)),
            created_by=clerk,
        )
        for plan in plans
    )


def _assignments(
    obligations: list[Obligation],
    districts: list[Organization],
    clerk: User,
    now: datetime.datetime,
    rng: random.Random,
) -> Iterator[tuple[Assignment, Facts]]:
    for obligation in obligations:
        for district in districts:
            facts = draw_facts(obligation.due_on, now, rng)
            first = facts.first_submitted_at
            # Ids rather than instances: the related descriptors would cost more than the insert.
            assignment = Assignment(
                obligation_id=obligation.pk,
                organization_id=district.pk,
                organization_name=district.name,
                due_on=obligation.due_on,
                first_submitted_at=first,
                first_submitted_on=first.astimezone(office_timezone()).date() if first else None,
                last_submitted_at=first,
                returned_at=facts.returned_at,
                accepted_at=facts.accepted_at,
                accepted_by_id=clerk.pk if facts.accepted_at else None,
            )
            yield assignment, facts


def _load_assignments(
    obligations: list[Obligation],
    districts: list[Organization],
    clerk: User,
    now: datetime.datetime,
    rng: random.Random,
) -> list[tuple[datetime.datetime, Assignment]]:
    """Every district obligated by every obligation, in batches; the reports that get
    Submission rows, with when they arrived."""
    reported: list[tuple[datetime.datetime, Assignment]] = []
    batch: list[Assignment] = []
    for assignment, facts in _assignments(obligations, districts, clerk, now, rng):
        batch.append(assignment)
        if facts.first_submitted_at is not None and rng.random() < SUBMISSION_SHARE:
            reported.append((facts.first_submitted_at, assignment))
        if len(batch) == BATCH:
            Assignment.objects.bulk_create(batch)
            batch = []
    Assignment.objects.bulk_create(batch)
    return reported


def _reports(province: Organization, clerk: User, reported: list[tuple[datetime.datetime, Assignment]]) -> None:
    """An incoming report and its Submission for each (arrival, assignment) of `reported`,
    numbered in the register's yearly arrival sequences in the order they arrived. They are
    copies of one report registered through the service, which stays in the register."""
    incoming = _register(province, "Sổ văn bản đến", Direction.INCOMING)
    report_type = DocumentType.objects.get(code="BC")
    template = register_incoming(
        register=incoming,
        registered_by=clerk,
        subject="Báo cáo kết quả thực hiện kế hoạch",
        doc_type=report_type,
        sender=Organization.objects.get(pk=reported[0][1].organization_id),
    )
    reported.sort(key=lambda pair: (pair[0], pair[1].pk))
    sequences: dict[datetime.date, NumberSequence] = {}
    documents: list[Document] = []
    for received_at, assignment in reported:
        key = sequence_key(
            register=incoming,
            day=received_at.astimezone(office_timezone()).date(),
            confidentiality="normal",
            doc_type=None,
        )
        if key.period_start not in sequences:
            sequences[key.period_start], _ = NumberSequence.objects.get_or_create(
                **key.lookup(), defaults={"period_end": key.period_end}
            )
        sequence = sequences[key.period_start]
        sequence.last_number += 1
        documents.append(
            scenario._copy(
                template,
                issuer_id=assignment.organization_id,
                issuer_name=assignment.organization_name,
                received_at=received_at,
                arrival_sequence_id=sequence.pk,
                arrival_number=sequence.last_number,
            )
        )
    documents = Document.objects.bulk_create(documents, batch_size=BATCH)
    NumberSequence.objects.bulk_update(sequences.values(), ["last_number"])
    Submission.objects.bulk_create(
        (
            Submission(
                assignment=assignment,
                version=1,
                submitted_at=received_at,
                submitted_by=clerk,
                on_paper=True,
                incoming_document=document,
                decision=_decision(assignment),
                reviewed_at=assignment.accepted_at or assignment.returned_at,
                reviewed_by=clerk if assignment.accepted_at or assignment.returned_at else None,
                review_reason="Đề nghị bổ sung số liệu và gửi lại." if assignment.returned_at else "",
            )
            for (received_at, assignment), document in zip(reported, documents, strict=True)
        ),
        batch_size=BATCH,
    )


def _decision(assignment: Assignment) -> str:
    if assignment.accepted_at is not None:
        return Decision.ACCEPTED
    return Decision.RETURNED if assignment.returned_at is not None else Decision.PENDING


def load(now: datetime.datetime) -> World:
    """The requester, its clerk and leader, ORGANIZATIONS districts, OBLIGATIONS obligations
    each obligating every district, and the reports; then VACUUM ANALYZE, as autovacuum would
    have done to tables that grew over months."""
    rng = random.Random(SEED)
    today = now.astimezone(office_timezone()).date()
    province, clerk, leader = _requester()
    districts = _districts(province)
    plans = _plans(province, clerk)
    obligations = _obligations(province, clerk, plans, today, rng)
    reported = _load_assignments(obligations, districts, clerk, now, rng)
    _reports(province, clerk, reported)
    scenario.settle()
    in_due_order = sorted(obligations, key=lambda o: (o.due_on, o.pk))
    world = World(
        token=Token.objects.create(user=leader).key,
        obligation_ids=[o.pk for o in in_due_order],
        document_ids=[o.document_id for o in in_due_order],
        assignments=Assignment.objects.filter(obligation__organization=province).count(),
        submissions=Submission.objects.filter(assignment__obligation__organization=province).count(),
    )
    if world.assignments != ORGANIZATIONS * OBLIGATIONS:
        raise BenchmarkError(f"{world.assignments} assignments loaded, expected {ORGANIZATIONS * OBLIGATIONS}")
    return world


def _get(client: Client, path: str, token: str) -> Any:
    # As through the TLS proxy in production: plain HTTP is redirected (DOCREG_HTTPS).
    response = client.get(path, HTTP_AUTHORIZATION=f"Token {token}", secure=True)
    if response.status_code != 200:
        raise BenchmarkError(f"GET {path}: {response.status_code} {response.content[:300]!r}")
    return response


def _percentile(samples: list[float], percent: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def measure(requests: int) -> dict[str, Any]:
    """Loads the data, then times `requests` requests per endpoint after WARM_UP each."""
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    world = load(timezone.now())
    load_seconds = time.monotonic() - started
    # The test client outside a test run: "testserver" allowed, DEBUG off (no query log).
    setup_test_environment(debug=False)
    try:
        client = Client()
        for path_for in ENDPOINTS.values():
            for i in range(WARM_UP):
                _get(client, path_for(world, i), world.token)
        timings: dict[str, list[float]] = defaultdict(list)
        for i in range(requests):
            for label, path_for in ENDPOINTS.items():
                path = path_for(world, i)
                start = time.perf_counter()
                _get(client, path, world.token)
                timings[label].append((time.perf_counter() - start) * 1000)
        results = {label: _figures(client, world, label, timings[label]) for label in ENDPOINTS}
    finally:
        teardown_test_environment()
    worst = max(figures["p95_ms"] for figures in results.values())
    return {
        "benchmark": "compliance_latency",
        "database": scenario.server_version(),
        "load_average_1min_before": round(load_before, 2),
        "load_seconds": round(load_seconds, 1),
        "organizations": ORGANIZATIONS,
        "obligations": OBLIGATIONS,
        "assignments": world.assignments,
        "submissions": world.submissions,
        "user": "leader of the requesting organization (API token)",
        "requests_per_endpoint": requests,
        "warm_up_per_endpoint": WARM_UP,
        "requests": results,
        "target_p95_ms": TARGET_P95_MS,
        "worst_p95_ms": worst,
        "meets_target": worst <= TARGET_P95_MS,
    }


def _figures(client: Client, world: World, label: str, samples: list[float]) -> dict[str, Any]:
    """Latency percentiles, and from one more request its statements and their time in the
    database, which tell SQL from Python."""
    path = ENDPOINTS[label](world, 0)
    with CaptureQueriesContext(connection) as queries:
        response = _get(client, path, world.token)
    return {
        "p50_ms": round(_percentile(samples, 50), 1),
        "p95_ms": round(_percentile(samples, 95), 1),
        "max_ms": round(max(samples), 1),
        "rows": response.json()["count"],
        "queries": len(queries.captured_queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries.captured_queries) * 1000, 1),
    }
