"""`manage.py rq_worker`: works through the Redis task queues of
core.tasks_rq.RQBackend (TASKS_BACKEND=core.tasks_rq.RQBackend), the
counterpart of django-tasks-db's `db_worker`. Run as many as needed, on any
machine that reaches the Redis; each also moves due scheduled tasks (run_after)
into their queues, one of them at a time."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.tasks.exceptions import InvalidTask, InvalidTaskBackend
from django.utils.translation import gettext as _
from rq.serializers import JSONSerializer

from core.tasks_rq import DjangoSimpleWorker, DjangoWorker, RQBackend


class Command(BaseCommand):
    help = "Runs an RQ worker on the Redis task queues (TASKS_BACKEND=core.tasks_rq.RQBackend)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--queue-name",
            default="",
            help="The Django task queues to work on, comma-separated (default: all of the backend's).",
        )
        parser.add_argument(
            "--backend", default=DEFAULT_TASK_BACKEND_ALIAS, help="The TASKS alias (default: %(default)s)."
        )
        parser.add_argument("--burst", action="store_true", help="Run the tasks that are due, then exit.")
        parser.add_argument(
            "--simple",
            action="store_true",
            help="Run tasks in the worker's own process instead of a forked one per task (no isolation).",
        )
        parser.add_argument(
            "--no-scheduler",
            action="store_false",
            dest="with_scheduler",
            help="Do not move due scheduled tasks (run_after) into the queues.",
        )
        parser.add_argument("--max-jobs", type=int, default=None, help="Exit after this many tasks.")
        parser.add_argument("--name", default=None, help="The worker's name, unique among running workers.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backend = task_backends[options["backend"]]
        except InvalidTaskBackend as exc:
            raise CommandError(str(exc)) from exc
        if not isinstance(backend, RQBackend):
            raise CommandError(
                f"The tasks backend {options['backend']!r} is {type(backend).__module__}.{type(backend).__qualname__}, "
                "not core.tasks_rq.RQBackend: set TASKS_BACKEND=core.tasks_rq.RQBackend (or run db_worker)."
            )
        names = [name.strip() for name in options["queue_name"].split(",") if name.strip()] or None
        try:
            queues = backend.rq_queues(names)
        except InvalidTask as exc:
            raise CommandError(str(exc)) from exc

        worker_class = DjangoSimpleWorker if options["simple"] else DjangoWorker
        worker = worker_class(
            queues,
            connection=backend.connection,
            serializer=JSONSerializer,
            name=options["name"],
        )
        # A forked work horse must not share the parent's database connection.
        connections.close_all()
        self.stdout.write(
            _("Working on %(queues)s as %(worker)s.")
            % {"queues": ", ".join(queue.name for queue in queues), "worker": worker.name}
        )
        worker.work(
            burst=options["burst"],
            with_scheduler=options["with_scheduler"],
            max_jobs=options["max_jobs"],
            logging_level="DEBUG" if options["verbosity"] > 1 else "INFO",
        )
