"""core.tasks_rq.RQBackend and `manage.py rq_worker` against a real Redis
(DOCREG_TEST_REDIS_URL, default redis://127.0.0.1:6379/15). Each test works in
queues of its own prefix and deletes every key it made; without a Redis the
tests skip and say so.

The worker runs in burst mode in this process (--simple), on the test
database: the tests commit (transaction=True) because a task is only sent to
Redis when the transaction that enqueued it commits."""

import asyncio
import datetime
import io
import os
import signal
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.tasks import TaskContext, TaskResultStatus, task, task_backends
from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone

from core.tasks_rq import RQBackend
from dispatch.tasks import schedule_daily_reminders, send_daily_reminders

TEST_REDIS_URL = os.environ.get("DOCREG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

# serialized_rollback: the flush after each test must not lose the rows that
# migrations seed (document types), nor recreate content types under new ids
# for the next serialized test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def explode(message: str) -> None:
    raise ValueError(message)


@task()
def unserializable() -> object:
    return object()


@task(takes_context=True)
def introspect(context: TaskContext) -> dict[str, Any]:
    return {"id": context.task_result.id, "attempt": context.attempt, "status": str(context.task_result.status)}


@task()
async def add_later(a: int, b: int) -> int:
    await asyncio.sleep(0)
    return a + b


@pytest.fixture
def backend(settings: Any) -> Iterator[RQBackend]:
    connection = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {TEST_REDIS_URL} (set DOCREG_TEST_REDIS_URL): {exc}")
    prefix = f"docreg-test-{uuid.uuid4().hex[:12]}."
    settings.TASKS = {
        "default": {
            "BACKEND": "core.tasks_rq.RQBackend",
            "QUEUES": ["default", "mail"],
            "OPTIONS": {"url": TEST_REDIS_URL, "prefix": prefix},
        }
    }
    job_ids: list[str] = []

    def remember(sender: Any, task_result: Any, **kwargs: Any) -> None:
        job_ids.append(task_result.id)

    task_enqueued.connect(remember, weak=False)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    rq_backend = task_backends["default"]
    assert isinstance(rq_backend, RQBackend)
    try:
        yield rq_backend
    finally:
        task_enqueued.disconnect(remember)
        # The worker installs its own handlers for a graceful stop.
        for number, handler in handlers.items():
            signal.signal(number, handler)
        keys = set(connection.scan_iter(match=f"*{prefix}*"))
        for job_id in job_ids:
            keys |= set(connection.scan_iter(match=f"rq:*{job_id}*"))
        # Emptied queues are gone already, but stay listed in RQ's set of queues.
        queue_keys = [key for key in connection.smembers("rq:queues") if prefix.encode() in key]
        if queue_keys:
            connection.srem("rq:queues", *queue_keys)
        if keys:
            connection.delete(*keys)
        connection.close()


def work(backend: RQBackend, *options: str) -> str:
    # Named under the test's prefix, so the cleanup finds the worker's keys too.
    name = f"{backend.prefix}worker-{uuid.uuid4().hex}"
    out = io.StringIO()
    call_command("rq_worker", "--burst", "--simple", "--name", name, *options, stdout=out)
    return out.getvalue()


def test_a_task_runs_on_the_worker_and_its_result_is_read_back(backend: RQBackend) -> None:
    seen: list[tuple[str, str]] = []

    def record(signal_name: str) -> Any:
        def receiver(sender: Any, task_result: Any, **kwargs: Any) -> None:
            assert sender is RQBackend
            seen.append((signal_name, str(task_result.status)))

        return receiver

    receivers = {
        task_enqueued: record("enqueued"),
        task_started: record("started"),
        task_finished: record("finished"),
    }
    for django_signal, receiver in receivers.items():
        django_signal.connect(receiver)
    try:
        result = add.enqueue(2, 3)
        assert result.status == TaskResultStatus.READY
        assert backend.get_result(result.id).status == TaskResultStatus.READY

        work(backend)
    finally:
        for django_signal, receiver in receivers.items():
            django_signal.disconnect(receiver)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5
    assert result.args == [2, 3]
    assert result.attempts == 1
    assert result.errors == []
    assert result.enqueued_at is not None
    assert result.started_at is not None
    assert result.finished_at is not None
    assert result.enqueued_at <= result.started_at <= result.finished_at
    assert seen == [("enqueued", "READY"), ("started", "RUNNING"), ("finished", "SUCCESSFUL")]
    assert add.get_result(result.id).return_value == 5


def test_a_failing_task_is_recorded_as_failed_with_its_exception(backend: RQBackend) -> None:
    result = explode.enqueue("hỏng rồi")
    finished: list[Any] = []
    task_finished.connect(receiver := lambda sender, task_result, **kwargs: finished.append(task_result))
    try:
        work(backend)
    finally:
        task_finished.disconnect(receiver)

    failed = backend.get_result(result.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.finished_at is not None
    assert len(failed.errors) == 1
    assert failed.errors[0].exception_class is ValueError
    assert "hỏng rồi" in failed.errors[0].traceback
    with pytest.raises(ValueError, match="Task failed"):
        _ = failed.return_value
    assert [task_result.status for task_result in finished] == [TaskResultStatus.FAILED]


def test_a_return_value_that_is_not_json_fails_the_task(backend: RQBackend) -> None:
    result = unserializable.enqueue()
    work(backend)
    failed = backend.get_result(result.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.errors[0].exception_class is TypeError


def test_a_task_taking_the_context_sees_its_own_result(backend: RQBackend) -> None:
    result = introspect.enqueue()
    work(backend)
    result.refresh()
    assert result.return_value == {"id": result.id, "attempt": 1, "status": "RUNNING"}


def test_an_async_task_runs(backend: RQBackend) -> None:
    result = add_later.enqueue(20, 22)
    work(backend)
    result.refresh()
    assert result.return_value == 42


def test_run_after_waits_for_its_time(backend: RQBackend) -> None:
    start = timezone.now()
    result = add.using(run_after=start + datetime.timedelta(hours=2)).enqueue(1, 1)
    assert result.task.run_after == start + datetime.timedelta(hours=2)

    work(backend)
    waiting = backend.get_result(result.id)
    assert waiting.status == TaskResultStatus.READY
    assert waiting.task.run_after == start + datetime.timedelta(hours=2)
    assert [waiting.id for waiting in backend.waiting_results(add)] == [result.id]

    with time_machine.travel(start + datetime.timedelta(hours=2, seconds=1)):
        work(backend)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 2
    assert backend.waiting_results(add) == []


def test_run_after_in_the_past_runs_at_once(backend: RQBackend) -> None:
    result = add.using(run_after=timezone.now() - datetime.timedelta(minutes=5)).enqueue(3, 4)
    work(backend, "--no-scheduler")
    result.refresh()
    assert result.return_value == 7


def test_higher_priorities_run_first(backend: RQBackend) -> None:
    low = add.using(priority=-20).enqueue(0, 1)
    normal = add.enqueue(0, 2)
    high = add.using(priority=50).enqueue(0, 3)
    work(backend)
    results = [backend.get_result(result.id) for result in (low, normal, high)]
    assert all(result.status == TaskResultStatus.SUCCESSFUL for result in results)
    started = sorted(results, key=lambda result: result.started_at or timezone.now())
    assert [result.return_value for result in started] == [3, 2, 1]
    assert {result.task.priority for result in results} == {-20, 0, 50}


def test_queues_are_validated_and_a_worker_can_take_only_some(backend: RQBackend) -> None:
    with pytest.raises(InvalidTask, match="not valid"):
        add.using(queue_name="nowhere")
    # The test settings' backend has no "mail" queue at import time: chosen here.
    mail = add.using(queue_name="mail").enqueue(40, 2)
    default = add.enqueue(1, 2)

    out = work(backend, "--queue-name", "mail")
    assert f"{backend.prefix}mail.high" in out

    assert backend.get_result(mail.id).return_value == 42
    assert backend.get_result(default.id).status == TaskResultStatus.READY
    with pytest.raises(CommandError, match="not valid"):
        work(backend, "--queue-name", "nowhere")


@pytest.mark.parametrize("result_id", ["0b6f4a8e-3c1d-4f5e-9a7b-2d8c6e1f0a93", "not:a-job", "../../etc", ""])
def test_get_result_of_an_unknown_id(backend: RQBackend, result_id: str) -> None:
    with pytest.raises(TaskResultDoesNotExist):
        backend.get_result(result_id)


def test_a_task_enqueued_in_a_transaction_is_sent_when_it_commits(backend: RQBackend) -> None:
    with transaction.atomic():
        committed = add.enqueue(5, 5)
        with pytest.raises(TaskResultDoesNotExist):
            backend.get_result(committed.id)
    assert backend.get_result(committed.id).status == TaskResultStatus.READY

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        rolled_back = add.enqueue(6, 6)
        raise Abandon
    with pytest.raises(TaskResultDoesNotExist):
        backend.get_result(rolled_back.id)


def test_the_worker_refuses_another_backend(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with pytest.raises(CommandError, match=r"not core\.tasks_rq\.RQBackend"):
        call_command("rq_worker", "--burst", stdout=io.StringIO())


def test_daily_reminders_schedule_once_and_run_on_the_worker(backend: RQBackend, settings: Any) -> None:
    """GIVEN the RQ backend
    WHEN schedule_reminders runs twice
    THEN one run waits; at its hour the worker sends the day's reminders and
    schedules exactly one run for the next day."""
    settings.DOCREG_REMINDER_HOUR = 7
    office = datetime.timezone(datetime.timedelta(hours=7))
    evening = datetime.datetime(2023, 11, 22, 20, 0, tzinfo=office)
    with time_machine.travel(evening, tick=False):
        out = io.StringIO()
        call_command("schedule_reminders", stdout=out)
        call_command("schedule_reminders", stdout=out)
    assert out.getvalue().splitlines() == [
        "Next reminder run: 23/11/2023 07:00 (Asia/Ho_Chi_Minh), scheduled.",
        "Next reminder run: 23/11/2023 07:00 (Asia/Ho_Chi_Minh), already waiting.",
    ]
    [waiting] = backend.waiting_results(send_daily_reminders)
    assert waiting.task.run_after == datetime.datetime(2023, 11, 23, 7, 0, tzinfo=office)

    with time_machine.travel(datetime.datetime(2023, 11, 23, 7, 0, 5, tzinfo=office)):
        work(backend)

    ran = backend.get_result(waiting.id)
    assert ran.status == TaskResultStatus.SUCCESSFUL
    assert set(ran.return_value) >= {"due_soon", "overdue", "emails_sent"}
    [tomorrow] = backend.waiting_results(send_daily_reminders)
    assert tomorrow.task.run_after == datetime.datetime(2023, 11, 24, 7, 0, tzinfo=office)
    assert schedule_daily_reminders()[1] is False
