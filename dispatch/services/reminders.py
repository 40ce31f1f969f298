"""Reminders to obligated organizations that still owe a report: some days
before the due date (settings.DOCREG_REMINDER_DAYS) and, once it has passed,
every few days (settings.DOCREG_OVERDUE_REMINDER_EVERY).

Each reminder is a Reminder row, unique per (assignment, kind, days), and the
row is committed before anything goes out: a second run on the same day, or
two runs at once, find it (or collide with it) and send nothing twice.
A reminder reaches the organization's active clerks and reporters in the app,
and them and the organization's own address in one email.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import audit_record
from core.events import send_event_on_commit
from core.time import office_today
from dispatch.models import Assignment, Reminder, ReminderKind
from dispatch.services.notify import notify, organization_users, users_cleared_for
from dispatch.status import OVERDUE, PENDING, status_conditions
from recipients.models import Organization, User
from registry.models import DocumentStatus

logger = logging.getLogger("docreg.reminders")

# The settings.MAILERS alias reminders are sent with.
MAILER = "default"


@dataclass
class ReminderRun:
    """What one run sent."""

    today: datetime.date
    reminders: list[Reminder] = field(default_factory=list)
    notifications: int = 0
    emails_sent: int = 0
    email_failures: int = 0

    @property
    def due_soon(self) -> int:
        return sum(reminder.kind == ReminderKind.DUE_SOON for reminder in self.reminders)

    @property
    def overdue(self) -> int:
        return sum(reminder.kind == ReminderKind.OVERDUE for reminder in self.reminders)

    def counts(self) -> dict[str, int]:
        return {
            "due_soon": self.due_soon,
            "overdue": self.overdue,
            "notifications": self.notifications,
            "emails_sent": self.emails_sent,
            "email_failures": self.email_failures,
        }


def _reminder_due(
    assignment: Assignment,
    sent: Sequence[Reminder],
    *,
    today: datetime.date,
    thresholds: Sequence[int],
    overdue_every: int,
) -> tuple[str, int] | None:
    """The reminder an organization that still owes its report gets today, as
    (kind, days), or None.

    Before the due date it is the most urgent threshold that has been reached
    (the smallest not below the days left), unless that one was sent: a run
    that missed days still sends the most urgent reminder, once, and skips
    the ones it missed. After the due date it is the first overdue day, then
    `overdue_every` days after the latest overdue reminder."""
    days_left = (assignment.due_on - today).days
    if days_left >= 0:
        reached = [threshold for threshold in thresholds if threshold >= days_left]
        if not reached:
            return None
        threshold = min(reached)
        already = any(r.kind == ReminderKind.DUE_SOON and r.days == threshold for r in sent)
        return None if already else (ReminderKind.DUE_SOON, threshold)
    latest = max((r.sent_on for r in sent if r.kind == ReminderKind.OVERDUE), default=None)
    if latest is not None and (today - latest).days < overdue_every:
        return None
    return ReminderKind.OVERDUE, -days_left


def _message(assignment: Assignment, kind: str, today: datetime.date) -> tuple[str, str]:
    """Subject and text of a reminder: the document, what must be reported,
    the due date, the days left or overdue, and who asked."""
    obligation = assignment.obligation
    document = obligation.document
    due = assignment.due_on.strftime("%d/%m/%Y")
    if kind == ReminderKind.DUE_SOON:
        days = (assignment.due_on - today).days
        subject = _("Reminder: report due %(day)s — %(title)s")
        when = (
            _("The report is due today, %(day)s.")
            if days == 0
            else ngettext(
                "The report is due on %(day)s, in %(days)d day.",
                "The report is due on %(day)s, in %(days)d days.",
                days,
            )
        )
    else:
        days = (today - assignment.due_on).days
        subject = _("Overdue report: %(title)s (due %(day)s)")
        when = ngettext(
            "The report was due on %(day)s and is %(days)d day overdue.",
            "The report was due on %(day)s and is %(days)d days overdue.",
            days,
        )
    lines = [
        # Translators: the salutation of an official letter, “Kính gửi:”.
        _("To: %(organization)s") % {"organization": assignment.organization.name},
        "",
        when % {"day": due, "days": days},
        "",
        _("What must be reported: %(title)s") % {"title": obligation.title},
        _("Asked by: %(organization)s") % {"organization": obligation.organization.name},
        (
            _("In document %(notation)s of %(day)s: %(subject)s")
            % {
                "notation": document.notation,
                "day": document.issued_on.strftime("%d/%m/%Y"),
                "subject": document.subject,
            }
            if document.issued_on
            else _("In document %(notation)s: %(subject)s")
            % {"notation": document.notation, "subject": document.subject}
        ),
        "",
        _("Submit the report in docreg, or send it on paper to the office that asked for it."),
        _("This reminder was sent automatically by docreg."),
    ]
    return subject % {"title": obligation.title, "day": due}, "\n".join(lines)


def _addresses(users: Sequence[User], organization: Organization | None) -> list[str]:
    """The users' addresses and the organization's own (if given), each once, empty ones left out."""
    found: dict[str, str] = {}
    for address in [*(user.email for user in users), organization.email if organization is not None else ""]:
        address = address.strip()
        if address:
            found.setdefault(address.lower(), address)
    return list(found.values())


def _send(
    assignment: Assignment, kind: str, days: int, *, today: datetime.date, users: Sequence[User], run: ReminderRun
) -> None:
    """Records one reminder and notifies in the app in a transaction of its
    own, then emails. The row goes in first: if another run inserted it
    meanwhile, the unique constraint refuses it and nothing is sent. The mail
    leaves only once the row is committed; if it fails, the row and the
    notifications stay, so the reminder is not retried on every run."""
    obligation = assignment.obligation
    subject, body = _message(assignment, kind, today)
    users = users_cleared_for(users, obligation.document)
    # A confidential document's reminder names it: only to the people cleared
    # for it, never to the organization's general mailbox.
    emails = _addresses(users, None if obligation.document.is_confidential else assignment.organization)
    try:
        with transaction.atomic(durable=True):
            reminder = Reminder.objects.create(
                assignment=assignment, kind=kind, days=days, sent_on=today, emails=emails, notified_users=len(users)
            )
            notify(
                users, kind="reminder", title=subject, body=body, document=obligation.document, obligation=obligation
            )
            send_event_on_commit("reminder.sent", reminder_id=reminder.pk, assignment_id=assignment.pk)
    except IntegrityError:
        logger.info("Reminder %s %s for assignment %s was sent by another run", kind, days, assignment.pk)
        return
    run.reminders.append(reminder)
    run.notifications += len(users)
    if not emails:
        return
    try:
        EmailMessage(subject, body, to=emails).send(using=MAILER)
    except Exception:
        # Whatever the mailer raises (SMTP, network, a provider's API), the
        # other reminders of the run still go out.
        logger.exception("Reminder %s could not be emailed to %s", reminder.pk, ", ".join(emails))
        run.email_failures += 1
    else:
        run.emails_sent += 1


def reminders_send(*, today: datetime.date | None = None) -> ReminderRun:
    """Sends today's reminders to the organizations that still owe a report:
    nothing submitted yet and nothing accepted (a returned report was already
    announced by its return notification). Organizations no longer active and
    obligations of withdrawn documents are left alone.

    Run it outside a transaction (the daily task, the `send_reminders`
    command): each reminder commits on its own before its email leaves, so a
    mail never announces a reminder that was rolled back."""
    today = today or office_today()
    thresholds = settings.DOCREG_REMINDER_DAYS
    conditions = status_conditions(today)
    assignments = list(
        Assignment.objects.filter(
            conditions[PENDING] | conditions[OVERDUE], due_on__lte=today + datetime.timedelta(days=max(thresholds))
        )
        .exclude(obligation__document__status=DocumentStatus.WITHDRAWN)
        .exclude(organization__active_to__lt=today)
        .select_related("obligation__document", "obligation__organization", "organization")
        .prefetch_related("reminders")
        .order_by("due_on", "organization_name", "id")
    )
    due: list[tuple[Assignment, tuple[str, int]]] = []
    for assignment in assignments:
        reminder = _reminder_due(
            assignment,
            list(assignment.reminders.all()),
            today=today,
            thresholds=thresholds,
            overdue_every=settings.DOCREG_OVERDUE_REMINDER_EVERY,
        )
        if reminder is not None:
            due.append((assignment, reminder))
    users: dict[int, list[User]] = defaultdict(list)
    for user in organization_users({assignment.organization_id for assignment, _reminder in due}):
        if user.organization_id is not None:
            users[user.organization_id].append(user)
    run = ReminderRun(today=today)
    # The offices' language, whatever the worker or shell happens to have active.
    with translation.override(settings.LANGUAGE_CODE):
        for assignment, (kind, days) in due:
            _send(assignment, kind, days, today=today, users=users[assignment.organization_id], run=run)
    audit_record(actor=None, action="reminders.send", data={"date": today, **run.counts()})
    return run
