"""`manage.py send_reminders [--date YYYY-MM-DD]`: sends the day's reminders
now, for installations that run them from cron rather than the task worker.

Sending is idempotent (every reminder is recorded), so cron and the daily
task may both run on one day without anyone hearing twice.
"""

import argparse
import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from dispatch.services.reminders import reminders_send


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Sends the reminders due today (or on --date) to organizations that have not reported."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=iso_date, help="the office date to remind for, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        run = reminders_send(today=options["date"])
        for reminder in run.reminders:
            assignment = reminder.assignment
            self.stdout.write(
                _("%(kind)s (%(days)s): %(organization)s — %(title)s (due %(due)s) → %(users)s users, %(emails)s")
                % {
                    "kind": reminder.get_kind_display(),
                    "days": reminder.days,
                    "organization": assignment.organization_name,
                    "title": assignment.obligation.title,
                    "due": f"{assignment.due_on:%d/%m/%Y}",
                    "users": reminder.notified_users,
                    "emails": ", ".join(reminder.emails) or _("no email"),
                }
            )
        counts = run.counts()
        self.stdout.write(
            _(
                "Reminders of %(day)s: %(due_soon)s due soon, %(overdue)s overdue; %(notifications)s notifications, "
                "%(emails_sent)s emails sent, %(email_failures)s emails failed."
            )
            % {"day": f"{run.today:%d/%m/%Y}", **counts}
        )
        if run.email_failures:
            self.stderr.write(
                _("%(count)s reminder emails could not be sent; see the log.") % {"count": run.email_failures}
            )
