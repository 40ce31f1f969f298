"""`manage.py send_reminders [--date YYYY-MM-DD]`: sends the day's reminders
now, for installations that run them from cron rather than the task worker.

Sending is idempotent (every reminder is recorded), so cron and the daily
task may both run on one day without anyone hearing twice.
"""

import argparse
import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

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
                f"{reminder.get_kind_display()} ({reminder.days}): {assignment.organization_name}"
                f" — {assignment.obligation.title} (due {assignment.due_on:%d/%m/%Y})"
                f" → {reminder.notified_users} users, {', '.join(reminder.emails) or 'no email'}"
            )
        counts = run.counts()
        self.stdout.write(
            f"Reminders of {run.today:%d/%m/%Y}: {counts['due_soon']} due soon, {counts['overdue']} overdue; "
            f"{counts['notifications']} notifications, {counts['emails_sent']} emails sent, "
            f"{counts['email_failures']} emails failed."
        )
        if run.email_failures:
            self.stderr.write(f"{run.email_failures} reminder emails could not be sent; see the log.")
