"""Background jobs of the dispatch app, run by the django-tasks-db worker
(`manage.py db_worker`), or by `manage.py rq_worker` with the Redis backend
(core.tasks_rq).

The reminders run once a day at settings.DOCREG_REMINDER_HOUR, office time:
each run schedules the next, and `manage.py schedule_reminders` (called by
`make run` on every start) starts the chain when no run is waiting.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.tasks_rq import RQBackend
from core.time import office_timezone
from dispatch.services.reminders import reminders_send


def next_reminder_run(now: datetime.datetime) -> datetime.datetime:
    """The first DOCREG_REMINDER_HOUR o'clock in Asia/Ho_Chi_Minh after `now`:
    later today if that hour is still ahead, else tomorrow."""
    local = timezone.localtime(now, office_timezone())
    run_time = datetime.time(settings.DOCREG_REMINDER_HOUR)
    today = datetime.datetime.combine(local.date(), run_time, tzinfo=office_timezone())
    if today > local:
        return today
    return datetime.datetime.combine(local.date() + datetime.timedelta(days=1), run_time, tzinfo=office_timezone())


@task()
def send_daily_reminders() -> dict[str, int]:
    """Sends today's reminders, then schedules tomorrow's run. The next run is
    scheduled even when this one fails, so one bad day does not stop the
    reminders for good; the counts are kept as the task's return value."""
    try:
        return reminders_send().counts()
    finally:
        schedule_daily_reminders()


def schedule_daily_reminders() -> tuple[datetime.datetime, bool]:
    """Enqueues the next daily run unless one is already waiting; returns when
    the next run is and whether this call scheduled it.

    Checking first is what lets `make run` call this on every start, and lets
    the running task call it too: a restart while the day's run is working
    does not leave two runs for tomorrow. (Were two ever to run, the second
    would send nothing: reminders are recorded.)"""
    with transaction.atomic():
        waiting = _first_waiting_run()
        if waiting is not None:
            return waiting, False
        run_after = next_reminder_run(timezone.now())
        send_daily_reminders.using(run_after=run_after).enqueue()
        return run_after, True


def _first_waiting_run() -> datetime.datetime | None:
    """When the soonest daily run waiting in the queue is due, from whichever
    backend holds the queue."""
    backend = send_daily_reminders.get_backend()
    if isinstance(backend, RQBackend):
        waiting = backend.waiting_results(send_daily_reminders)
        return next((result.task.run_after or result.enqueued_at for result in waiting), None)
    return (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=send_daily_reminders.module_path)
        .order_by("run_after")
        .values_list("run_after", flat=True)
        .first()
    )
