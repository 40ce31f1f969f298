"""Documents: drafts, issued, received and withdrawn, with their number once given."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from recipients.models import Organization
from registry.models.registers import Direction, DocumentType, NotationSystem, NumberSequence, Register


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    DISPATCHED = "dispatched", _("Dispatched")
    RECEIVED = "received", _("Received")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", "Khẩn"
    VERY_URGENT = "very_urgent", "Thượng khẩn"
    FLASH = "flash", "Hỏa tốc"


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("Normal")
    CONFIDENTIAL = "confidential", "Mật"
    SECRET = "secret", "Tối mật"
    TOP_SECRET = "top_secret", "Tuyệt mật"


class DocumentQuerySet(models.QuerySet["Document"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(status=DocumentStatus.DRAFT).exists():
            raise DocumentDeletionRefused()
        return super().delete()


class DocumentDeletionRefused(Exception):
    def __init__(self) -> None:
        super().__init__("Issued or registered documents are never deleted; withdraw them instead.")


class Document(models.Model):
    """One document in a register: an outgoing document (draft until issued)
    or an incoming one (registered with an arrival number).

    The issuer's names and every addressee's name are copied onto the document
    so that it reads the same after bodies are renamed or merged.
    """

    register = models.ForeignKey(
        Register, verbose_name=_("register"), on_delete=models.PROTECT, related_name="documents"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, editable=False)
    system = models.CharField(_("notation system"), max_length=10, choices=NotationSystem.choices)
    status = models.CharField(_("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    doc_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT, related_name="documents"
    )

    # Number and notation (số, ký hiệu).
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    sequence = models.ForeignKey(
        NumberSequence,
        verbose_name=_("number sequence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    notation = models.CharField(_("number and notation"), max_length=120, blank=True, db_index=True)
    type_abbreviation = models.CharField(_("type abbreviation"), max_length=30, blank=True)
    issuer_abbreviation = models.CharField(_("issuer abbreviation"), max_length=30, blank=True)
    drafting_unit = models.CharField(
        _("drafting unit"),
        max_length=30,
        blank=True,
        help_text=_("Abbreviation of the unit that drafted it, e.g. TTBCBC; ends State notations of letters."),
    )
    issued_on = models.DateField(_("date of the document"), null=True, blank=True, db_index=True)
    issued_at = models.DateTimeField(_("numbered at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("numbered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=80, blank=True)

    # Content.
    subject = models.TextField(_("subject (trích yếu)"))
    body = models.TextField(_("body"), blank=True)
    signer_name = models.CharField(_("signer"), max_length=120, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    signer_authority = models.CharField(
        _("signing authority"),
        max_length=255,
        blank=True,
        help_text=_("Lines joined with “ / ”, e.g. TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH."),
    )
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=12, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    copies = models.PositiveIntegerField(_("copies"), null=True, blank=True)

    # Issuer (outgoing: the register's owner; incoming: the sender), as printed.
    issuer = models.ForeignKey(
        Organization,
        verbose_name=_("issuer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    issuer_name = models.CharField(_("issuer name"), max_length=255)
    issuer_header_name = models.CharField(_("issuer line in header"), max_length=255, blank=True)
    issuer_header_parent = models.CharField(_("parent line in header"), max_length=255, blank=True)

    # Register-book columns (Appendix IV).
    file_copy_holder = models.CharField(_("unit or person keeping the file copy"), max_length=255, blank=True)
    transferred_on = models.DateField(_("date transferred"), null=True, blank=True)
    receipt_signature = models.CharField(_("received by (signature)"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)

    # Incoming documents.
    arrival_number = models.PositiveIntegerField(_("arrival number"), null=True, blank=True)
    arrival_sequence = models.ForeignKey(
        NumberSequence,
        verbose_name=_("arrival sequence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrivals",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    original = models.ForeignKey(
        "self",
        verbose_name=_("original outgoing document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_copies",
    )
    handling_unit = models.CharField(_("handling unit or person"), max_length=255, blank=True)
    handling_deadline = models.DateField(_("handling deadline"), null=True, blank=True)
    handling_progress = models.TextField(_("handling progress"), blank=True)

    # Withdrawal (thu hồi): the number stays taken.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sequence", "number"], condition=Q(sequence__isnull=False), name="document_number_unique"
            ),
            models.UniqueConstraint(
                fields=["arrival_sequence", "arrival_number"],
                condition=Q(arrival_sequence__isnull=False),
                name="document_arrival_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1), name="document_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(arrival_number__isnull=True) | Q(arrival_number__gte=1),
                name="document_arrival_number_positive",
            ),
            models.CheckConstraint(condition=~Q(subject=""), name="document_subject_required"),
            models.CheckConstraint(
                condition=Q(direction="outgoing", status__in=["draft", "issued", "dispatched", "withdrawn"])
                | Q(direction="incoming", status__in=["received", "withdrawn"]),
                name="document_status_matches_direction",
            ),
            # A draft has no number; an issued outgoing document has all of it.
            models.CheckConstraint(
                condition=~Q(direction="outgoing", status="draft")
                | Q(number__isnull=True, sequence__isnull=True, issued_at__isnull=True),
                name="document_draft_unnumbered",
            ),
            models.CheckConstraint(
                condition=~Q(direction="outgoing", status__in=["issued", "dispatched", "withdrawn"])
                | (
                    Q(number__isnull=False, sequence__isnull=False, issued_on__isnull=False, issued_at__isnull=False)
                    & ~Q(notation="")
                ),
                name="document_issued_numbered",
            ),
            models.CheckConstraint(
                condition=~Q(direction="incoming")
                | Q(arrival_number__isnull=False, arrival_sequence__isnull=False, received_at__isnull=False),
                name="document_incoming_registered",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False), name="document_withdrawal_dated"
            ),
        ]
        indexes = [
            models.Index(fields=["register", "status"]),
            models.Index(fields=["issuer", "issued_on"]),
            models.Index(fields=["direction", "status", "issued_on"]),
        ]

    def __str__(self) -> str:
        if self.direction == Direction.INCOMING:
            return f"{self.arrival_number or '?'} ← {self.notation or self.subject[:60]}"
        if self.notation:
            return self.notation
        return f"[{_('draft')}] {self.subject[:80]}"

    @property
    def is_draft(self) -> bool:
        return self.status == DocumentStatus.DRAFT

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.status != DocumentStatus.DRAFT:
            raise DocumentDeletionRefused()
        return super().delete(*args, **kwargs)
