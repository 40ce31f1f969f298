"""Deliveries of issued documents, reporting obligations, submissions,
reminders and in-app notifications.

An obligated organization's status is never stored as a word someone typed:
it is derived (dispatch.selectors.assignment_status) from the due date and
the facts the services record — when the first report arrived, whether the
latest one was returned, whether one was accepted.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from recipients.models import Organization
from registry.models import Document


class Channel(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic")
    PAPER = "paper", _("Paper")
    EMAIL = "email", _("Email")


class Delivery(models.Model):
    """One recipient organization's copy of a dispatched document."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        Organization, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="deliveries"
    )
    recipient_name = models.CharField(_("recipient as named when sent"), max_length=255)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.ELECTRONIC)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_as = models.OneToOneField(
        Document,
        verbose_name=_("registered as incoming document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delivery",
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["document", "recipient_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "recipient"], name="delivery_once_per_recipient"),
            models.CheckConstraint(
                condition=Q(received_at__isnull=True) | Q(received_at__gte=F("sent_at")),
                name="delivery_received_after_sent",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "received_at"])]

    def __str__(self) -> str:
        return f"{self.document} → {self.recipient_name}"


class Obligation(models.Model):
    """Something a document asks other bodies to report by a date."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="obligations"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("requesting organization"),
        on_delete=models.PROTECT,
        related_name="requested_obligations",
    )
    title = models.CharField(_("what must be reported"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("due date"), help_text=_("The last day a report is on time (Asia/Ho_Chi_Minh)."))
    deadline_text = models.TextField(_("deadline as stated"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reporting obligation")
        verbose_name_plural = _("reporting obligations")
        ordering = ["due_on", "id"]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="obligation_title_required")]
        indexes = [models.Index(fields=["organization", "due_on"])]

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    """One obligated organization's side of an obligation.

    The timestamps below are facts written by the submission and review
    services; the status is computed from them and the due date.
    """

    obligation = models.ForeignKey(
        Obligation, verbose_name=_("obligation"), on_delete=models.PROTECT, related_name="assignments"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="assignments"
    )
    organization_name = models.CharField(_("organization as named when assigned"), max_length=255)
    due_on = models.DateField(_("due date"))
    due_on_overridden = models.BooleanField(_("own due date"), default=False)
    first_submitted_at = models.DateTimeField(_("first report at"), null=True, blank=True)
    first_submitted_on = models.DateField(_("first report on"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("latest report at"), null=True, blank=True)
    returned_at = models.DateTimeField(
        _("returned at"), null=True, blank=True, help_text=_("Set while the latest report is returned for revision.")
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("obligated organization")
        verbose_name_plural = _("obligated organizations")
        ordering = ["obligation", "organization_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "organization"], name="assignment_once_per_organization"),
            models.CheckConstraint(
                condition=Q(first_submitted_at__isnull=True, first_submitted_on__isnull=True)
                | Q(first_submitted_at__isnull=False, first_submitted_on__isnull=False),
                name="assignment_first_report_dated",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(first_submitted_at__isnull=False),
                name="assignment_accepts_a_report",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "due_on"]),
            # The organizations that have reported nothing yet, by due date:
            # the overdue list and the reminders read exactly these.
            models.Index(
                fields=["due_on", "organization_name", "id"],
                condition=Q(accepted_at__isnull=True, returned_at__isnull=True, first_submitted_on__isnull=True),
                name="assignment_unreported_by_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation} — {self.organization_name}"


class Decision(models.TextChoices):
    PENDING = "", _("Not reviewed")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for revision")


class Submission(models.Model):
    """One version of an organization's report; every version is kept. Its
    files are the attachments of the incoming document it was registered as."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("obligated organization"), on_delete=models.PROTECT, related_name="submissions"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    on_paper = models.BooleanField(
        _("received on paper"), default=False, help_text=_("Recorded by the requesting clerk from a paper report.")
    )
    note = models.TextField(_("note"), blank=True)
    report_notation = models.CharField(_("number and notation of the report"), max_length=120, blank=True)
    incoming_document = models.OneToOneField(
        Document,
        verbose_name=_("registered as incoming document"),
        on_delete=models.PROTECT,
        related_name="submission",
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True, default="")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["assignment", "version"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "version"], name="submission_version_unique"),
            models.CheckConstraint(
                condition=Q(decision="") | Q(reviewed_at__isnull=False), name="submission_decision_dated"
            ),
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(review_reason=""), name="submission_return_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} v{self.version}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class Reminder(models.Model):
    """A reminder sent to an obligated organization; recorded so that no
    reminder goes out twice."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("obligated organization"), on_delete=models.PROTECT, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    days = models.PositiveSmallIntegerField(_("days"), help_text=_("Days before the due date, or days overdue."))
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    emails = models.JSONField(_("emailed to"), default=list, blank=True)
    notified_users = models.PositiveIntegerField(_("users notified in the app"), default=0)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind", "days"], name="reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.get_kind_display()} {self.days}"


class Notification(models.Model):
    """A message in a user's in-app inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    document = models.ForeignKey(
        Document, verbose_name=_("document"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    obligation = models.ForeignKey(
        Obligation, verbose_name=_("obligation"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self) -> str:
        return self.title
