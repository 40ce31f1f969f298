"""A django.tasks backend that keeps the queue in Redis and runs tasks with RQ
(`manage.py rq_worker`), for deployments with several app servers and workers.

Chosen by settings alone: TASKS_BACKEND=core.tasks_rq.RQBackend, with the
Redis URL in OPTIONS["url"] (config/settings.py reads TASKS_REDIS_URL, else
REDIS_URL). What the database backend does, this one does too: priorities,
run_after, results (return value, errors, attempts) read back from any
process, and the task_enqueued/started/finished signals. Differences:

- Each Django queue is three RQ queues, `<prefix><queue>.high`, `.normal`,
  `.low`, for priorities above, at and below zero; workers take the higher
  band first, and first-come-first-served within a band.
- A task enqueued inside a transaction reaches Redis when the transaction
  commits, and never if it rolls back (as the database backend's row would);
  until then get_result does not find it. Off with OPTIONS["enqueue_on_commit"].
- Results are kept for OPTIONS["result_ttl"] seconds (7 days; failures:
  "failure_ttl", 30 days), then vanish, where the database backend keeps them
  until pruned.
- A run may last OPTIONS["job_timeout"] seconds (1 hour), then it is stopped
  and recorded as failed.

Jobs are stored as JSON, never pickled: task arguments and return values are
JSON already (django.tasks requires it), and nothing read back from Redis is
unpickled. The job only names the task; the worker imports it and runs it only
if it is a django.tasks Task.
"""

import datetime
import logging
import uuid
from traceback import format_exception
from typing import Any

from django.core import checks
from django.db import close_old_connections, transaction
from django.tasks import task_backends
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskContext, TaskError, TaskResult, TaskResultStatus
from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from django.utils.json import normalize_json
from django.utils.module_loading import import_string
from redis import Redis
from rq import Queue, SimpleWorker, Worker
from rq.exceptions import DeserializationError, NoSuchJobError
from rq.job import Job, JobStatus, get_current_job, validate_job_id
from rq.registry import ScheduledJobRegistry
from rq.serializers import JSONSerializer

logger = logging.getLogger("docreg.tasks")

DEFAULT_URL = "redis://127.0.0.1:6379/0"
PRIORITY_BANDS = ("high", "normal", "low")

_STATUSES = {
    JobStatus.CREATED: TaskResultStatus.READY,
    JobStatus.QUEUED: TaskResultStatus.READY,
    JobStatus.SCHEDULED: TaskResultStatus.READY,
    JobStatus.DEFERRED: TaskResultStatus.READY,
    JobStatus.STARTED: TaskResultStatus.RUNNING,
    JobStatus.FINISHED: TaskResultStatus.SUCCESSFUL,
    JobStatus.FAILED: TaskResultStatus.FAILED,
    JobStatus.STOPPED: TaskResultStatus.FAILED,
    JobStatus.CANCELED: TaskResultStatus.FAILED,
}

# What a failure is put down to when the task itself recorded none: the work
# horse was killed (out of memory, a signal) or the job stopped or canceled.
_UNRECORDED_FAILURE = "rq.exceptions.AbandonedJobError"


def priority_band(priority: int) -> str:
    if priority > 0:
        return "high"
    if priority < 0:
        return "low"
    return "normal"


def _isoformat(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


class RQBackend(BaseTaskBackend):
    supports_defer = True
    supports_async_task = True
    supports_get_result = True
    supports_priority = True

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.url = str(self.options.get("url") or DEFAULT_URL)
        self.prefix = str(self.options.get("prefix", "docreg."))
        self.job_timeout = int(self.options.get("job_timeout", 60 * 60))
        self.result_ttl = int(self.options.get("result_ttl", 7 * 24 * 60 * 60))
        self.failure_ttl = int(self.options.get("failure_ttl", 30 * 24 * 60 * 60))
        self.enqueue_on_commit = bool(self.options.get("enqueue_on_commit", True))
        self._connection: Redis | None = None

    @property
    def connection(self) -> Redis:
        if self._connection is None:
            # Connecting gives up after a few seconds, so a request that
            # enqueues does not hang on a Redis that is down.
            self._connection = Redis.from_url(self.url, socket_connect_timeout=5)
        return self._connection

    def rq_queue(self, queue_name: str, band: str) -> Queue:
        return Queue(
            f"{self.prefix}{queue_name}.{band}",
            connection=self.connection,
            serializer=JSONSerializer,
            default_timeout=self.job_timeout,
        )

    def rq_queues(self, queue_names: list[str] | None = None) -> list[Queue]:
        """The RQ queues of these Django queues (all of the backend's when
        None) in the order a worker takes jobs: higher priority bands first."""
        names = queue_names if queue_names is not None else sorted(self.queues)
        unknown = [name for name in names if self.queues and name not in self.queues]
        if unknown:
            raise InvalidTask(f"Queue {unknown[0]!r} is not valid for backend.")
        return [self.rq_queue(name, band) for band in PRIORITY_BANDS for name in names]

    def enqueue(self, task: Task[Any, Any], args: list[Any], kwargs: dict[str, Any]) -> TaskResult[Any, Any]:
        self.validate_task(task)
        task_result: TaskResult[Any, Any] = TaskResult(
            task=task,
            id=str(uuid.uuid4()),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            finished_at=None,
            last_attempted_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        if self.enqueue_on_commit:
            # Outside a transaction this runs at once.
            transaction.on_commit(lambda: self._push(task_result))
        else:
            self._push(task_result)
        return task_result

    def _push(self, task_result: TaskResult[Any, Any]) -> None:
        task = task_result.task
        queue = self.rq_queue(task.queue_name, priority_band(task.priority))
        scheduled = task.run_after is not None and task.run_after > timezone.now()
        job = queue.create_job(
            run_task,
            args=task_result.args,
            kwargs=task_result.kwargs,
            job_id=task_result.id,
            description=task.module_path,
            timeout=self.job_timeout,
            result_ttl=self.result_ttl,
            failure_ttl=self.failure_ttl,
            meta={
                "django_task": {
                    "path": task.module_path,
                    "priority": task.priority,
                    "queue_name": task.queue_name,
                    "run_after": _isoformat(task.run_after),
                    "backend": self.alias,
                    "enqueued_at": _isoformat(task_result.enqueued_at),
                },
                "worker_ids": [],
            },
            status=JobStatus.SCHEDULED if scheduled else JobStatus.QUEUED,
        )
        if scheduled and task.run_after is not None:
            queue.schedule_job(job, task.run_after)
        else:
            queue.enqueue_job(job)
        task_enqueued.send(type(self), task_result=task_result)

    def get_result(self, result_id: str) -> TaskResult[Any, Any]:
        try:
            validate_job_id(result_id)
            job = Job.fetch(result_id, connection=self.connection, serializer=JSONSerializer)
        except (TypeError, ValueError, NoSuchJobError, DeserializationError) as exc:
            raise TaskResultDoesNotExist(result_id) from exc
        if not isinstance(job.meta.get("django_task"), dict):
            # Some other RQ job in the same Redis.
            raise TaskResultDoesNotExist(result_id)
        return self._task_result(job)

    def waiting_results(self, task: Task[Any, Any]) -> list[TaskResult[Any, Any]]:
        """The results of this task waiting in its queue (every priority),
        queued or scheduled, the soonest due first."""
        job_ids: list[str] = []
        for band in PRIORITY_BANDS:
            queue = self.rq_queue(task.queue_name, band)
            job_ids += queue.get_job_ids()
            job_ids += ScheduledJobRegistry(queue=queue).get_job_ids()
        jobs = Job.fetch_many(job_ids, connection=self.connection, serializer=JSONSerializer)
        results = [
            self._task_result(job)
            for job in jobs
            if job is not None and (job.meta.get("django_task") or {}).get("path") == task.module_path
        ]
        waiting = [result for result in results if result.status == TaskResultStatus.READY]
        return sorted(waiting, key=lambda result: result.task.run_after or result.enqueued_at or timezone.now())

    def _task(self, info: dict[str, Any]) -> Task[Any, Any]:
        task = import_string(info["path"])
        if not isinstance(task, Task):
            raise InvalidTask(f"{info['path']!r} is not a task.")
        return task.using(
            priority=info["priority"],
            queue_name=info["queue_name"],
            run_after=_parse(info["run_after"]),
            backend=info["backend"],
        )

    def _task_result(self, job: Job) -> TaskResult[Any, Any]:
        info = job.meta["django_task"]
        status = _STATUSES[job.get_status(refresh=False)]
        finished = status in {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED}
        task_result: TaskResult[Any, Any] = TaskResult(
            task=self._task(info),
            id=job.id,
            status=status,
            enqueued_at=_parse(info["enqueued_at"]) or job.created_at,
            started_at=job.started_at,
            finished_at=job.ended_at if finished else None,
            last_attempted_at=job.started_at,
            args=list(job.args),
            kwargs=dict(job.kwargs),
            backend=info["backend"],
            errors=[],
            worker_ids=list(job.meta.get("worker_ids", [])),
        )
        if status == TaskResultStatus.SUCCESSFUL:
            object.__setattr__(task_result, "_return_value", job.return_value())
        elif status == TaskResultStatus.FAILED:
            task_result.errors.append(self._error(job))
        return task_result

    def _error(self, job: Job) -> TaskError:
        recorded = job.meta.get("error")
        if isinstance(recorded, dict):
            return TaskError(exception_class_path=recorded["exception_class_path"], traceback=recorded["traceback"])
        latest = job.latest_result()
        detail = latest.exc_string if latest is not None and latest.exc_string else ""
        return TaskError(
            exception_class_path=_UNRECORDED_FAILURE,
            traceback=detail or f"The job ended as {job.get_status(refresh=False)} without running to the end.",
        )

    def execute(self, job: Job, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """Runs the job's task in a worker, recording the attempt and any
        error on the job and sending task_started and task_finished; returns
        the JSON return value for RQ to keep."""
        job.meta["worker_ids"] = [*job.meta.get("worker_ids", []), job.worker_name or ""]
        job.meta.pop("error", None)
        job.save_meta()
        task_result = self._task_result(job)
        object.__setattr__(task_result, "status", TaskResultStatus.RUNNING)
        object.__setattr__(task_result, "finished_at", None)
        task_started.send(type(self), task_result=task_result)
        task = task_result.task
        try:
            if task.takes_context:
                raw = task.call(TaskContext(task_result=task_result), *args, **kwargs)
            else:
                raw = task.call(*args, **kwargs)
            # Inside the try: a value that is not JSON fails the task, as on the database backend.
            return_value = normalize_json(raw)
        except BaseException as exc:
            exception_type = type(exc)
            error = TaskError(
                exception_class_path=f"{exception_type.__module__}.{exception_type.__qualname__}",
                traceback="".join(format_exception(exc)),
            )
            job.meta["error"] = {"exception_class_path": error.exception_class_path, "traceback": error.traceback}
            job.save_meta()
            object.__setattr__(task_result, "status", TaskResultStatus.FAILED)
            object.__setattr__(task_result, "finished_at", timezone.now())
            task_result.errors.append(error)
            task_finished.send(type(self), task_result=task_result)
            raise
        object.__setattr__(task_result, "status", TaskResultStatus.SUCCESSFUL)
        object.__setattr__(task_result, "finished_at", timezone.now())
        object.__setattr__(task_result, "_return_value", return_value)
        task_finished.send(type(self), task_result=task_result)
        return return_value

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        messages = list(super().check(**kwargs))
        if not self.url.startswith(("redis://", "rediss://", "unix://")):
            messages.append(
                checks.Error(
                    f"The tasks backend {self.alias!r} needs a Redis URL (redis://, rediss:// or unix://), "
                    f"not {self.url!r}.",
                    hint="Set TASKS_REDIS_URL or REDIS_URL.",
                    id="docreg.tasks.E001",
                )
            )
        return messages


def run_task(*args: Any, **kwargs: Any) -> Any:
    """What an RQ job calls: the Django task the job names, with its arguments."""
    job = get_current_job()
    if job is None:
        raise RuntimeError("run_task runs only inside an RQ worker.")
    backend = task_backends[job.meta["django_task"]["backend"]]
    if not isinstance(backend, RQBackend):
        raise InvalidTask(f"The tasks backend {job.meta['django_task']['backend']!r} is not an RQBackend.")
    return backend.execute(job, list(args), kwargs)


class DjangoWorker(Worker):
    """RQ's worker (a forked work horse per job) that, like db_worker, drops
    database connections that are broken or too old before and after each job."""

    def perform_job(self, job: Job, queue: Queue) -> bool:
        close_old_connections()
        try:
            return super().perform_job(job, queue)
        finally:
            close_old_connections()


class DjangoSimpleWorker(SimpleWorker):
    """The same, running each job in the worker's own process (no fork)."""

    def perform_job(self, job: Job, queue: Queue) -> bool:
        close_old_connections()
        try:
            return super().perform_job(job, queue)
        finally:
            close_old_connections()
