"""Concurrent issuing: whatever the interleaving and however many transactions
fail after taking a number, the numbers given are exactly 1..N."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import close_old_connections, connections, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.errors import DomainError
from registry.models import Document, DocumentStatus
from registry.services import AddresseeInput, document_create_draft, document_issue
from registry.services import issuing as issuing_module
from tests.factories import doc_type

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FAIL_MARK = "[fail]"


def _drafts(register: Any, clerk: Any, count: int, fail_every: int) -> list[Document]:
    return [
        document_create_draft(
            register=register,
            actor=clerk,
            doc_type=doc_type("CV"),
            subject=f"Công văn số {i} {FAIL_MARK if fail_every and i % fail_every == 0 else ''}",
            signer_name="Lâm Văn Sển",
            drafting_unit="TTBCBC",
            addressees=[AddresseeInput(text="Các sở, ban, ngành cấp tỉnh")],
        )
        for i in range(1, count + 1)
    ]


def _fail_after_taking_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    """Documents whose subject carries FAIL_MARK break their issuing
    transaction after the counter was incremented (at the audit write)."""
    real_audit = issuing_module.audit_record

    def audit(**kwargs: Any) -> Any:
        if FAIL_MARK in kwargs["obj"].subject:
            raise DomainError("injected failure after the number was taken")
        return real_audit(**kwargs)

    monkeypatch.setattr(issuing_module, "audit_record", audit)


def _in_threads(workers: int, jobs: list[Callable[[], Any]]) -> list[Any]:
    def run(job: Callable[[], Any]) -> Any:
        try:
            return job()
        except DomainError as exc:
            return exc
        finally:
            connections.close_all()

    start = threading.Barrier(workers)

    def wrapped(chunk: list[Callable[[], Any]]) -> list[Any]:
        close_old_connections()
        start.wait()
        return [run(job) for job in chunk]

    chunks = [jobs[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [result for chunk_results in pool.map(wrapped, chunks) for result in chunk_results]


def _assert_gapless(register: Any, expected: int) -> None:
    numbers = sorted(
        number or 0
        for number in Document.objects.filter(register=register, status=DocumentStatus.ISSUED).values_list(
            "number", flat=True
        )
    )
    assert numbers == list(range(1, expected + 1))


def test_threads_issuing_through_the_service_get_exactly_one_to_n(register, clerk, monkeypatch):
    drafts = _drafts(register, clerk, count=120, fail_every=7)
    _fail_after_taking_a_number(monkeypatch)

    def issue(document: Document) -> Callable[[], Any]:
        def job() -> Any:
            with transaction.atomic():
                return document_issue(document=document, actor=clerk)

        return job

    results = _in_threads(8, [issue(d) for d in drafts])
    failures = [r for r in results if isinstance(r, DomainError)]
    assert len(failures) == 120 // 7
    _assert_gapless(register, 120 - len(failures))
    assert Document.objects.filter(register=register, status=DocumentStatus.DRAFT).count() == len(failures)


def test_sixteen_api_clients_issue_four_hundred_documents(register, clerk, monkeypatch):
    """16 clients issue 400 drafts at once over the API; every 9th issue fails on
    purpose after taking a number. The numbers are exactly 1..N and each
    failure answers 400, never 500."""
    drafts = _drafts(register, clerk, count=400, fail_every=9)
    _fail_after_taking_a_number(monkeypatch)
    token = Token.objects.create(user=clerk).key
    local = threading.local()

    def issue(document: Document) -> Callable[[], int]:
        def job() -> int:
            if not hasattr(local, "client"):
                local.client = APIClient()
                local.client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            return local.client.post(f"/api/v1/documents/{document.pk}/issue/", {}, format="json").status_code

        return job

    statuses = _in_threads(16, [issue(d) for d in drafts])
    assert sorted(set(statuses)) == [200, 400]
    failed = statuses.count(400)
    assert failed == 400 // 9
    _assert_gapless(register, 400 - failed)
