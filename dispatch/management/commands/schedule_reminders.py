"""`manage.py schedule_reminders`: makes sure the daily reminder job is
waiting in the task queue; `make run` calls it on every start, and calling
it again never adds a second run."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from core.time import office_timezone
from dispatch.tasks import schedule_daily_reminders


class Command(BaseCommand):
    help = "Schedules the daily reminder job, unless a run is already waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        run_after, scheduled = schedule_daily_reminders()
        when = timezone.localtime(run_after, office_timezone()).strftime("%d/%m/%Y %H:%M")
        message = (
            _("Next reminder run: %(when)s (%(zone)s), scheduled.")
            if scheduled
            else _("Next reminder run: %(when)s (%(zone)s), already waiting.")
        )
        self.stdout.write(message % {"when": when, "zone": office_timezone().key})
