"""Document types, registers (sổ), numbering sequences and documents.

A number, once given, belongs to its document for good: documents are never
deleted once issued (withdrawal keeps the number), the (sequence, number) pair
is unique in the database, and database triggers refuse to change a number
after it was given (see migration 0002).
"""

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from recipients.models import Organization, RecipientGroup


class NotationSystem(models.TextChoices):
    PARTY = "party", _("Party (36-HD/VPTW)")
    STATE = "state", _("State (Decree 30/2020)")


class DocumentType(models.Model):
    """A kind of document with its name and abbreviation in each system.

    State công văn has no abbreviation in notations (state_abbreviation is
    empty); a type not used by a system has an empty name for it.
    """

    code = models.CharField(_("code"), max_length=10, unique=True)
    state_name = models.CharField(_("State name"), max_length=80, blank=True)
    state_abbreviation = models.CharField(_("State abbreviation"), max_length=10, blank=True)
    party_name = models.CharField(_("Party name"), max_length=80, blank=True)
    party_abbreviation = models.CharField(_("Party abbreviation"), max_length=10, blank=True)
    is_letter = models.BooleanField(
        _("is an official letter (công văn)"),
        default=False,
        help_text=_("Letters carry their subject as “V/v …” under the number instead of a centred title."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state_name="") | ~Q(party_name=""), name="document_type_used_by_a_system"
            ),
            models.CheckConstraint(
                condition=Q(party_name="") | ~Q(party_abbreviation=""),
                name="document_type_party_abbreviation_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.state_name or self.party_name}"

    def used_by(self, system: str) -> bool:
        return bool(self.party_name if system == NotationSystem.PARTY else self.state_name)

    def name_for(self, system: str) -> str:
        if system == NotationSystem.PARTY:
            return self.party_name or self.state_name
        return self.state_name or self.party_name

    def abbreviation_for(self, system: str) -> str:
        return self.party_abbreviation if system == NotationSystem.PARTY else self.state_abbreviation


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing")
    INCOMING = "incoming", _("Incoming")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Calendar year")
    TERM = "term", _("Term (nhiệm kỳ)")


class SequenceScope(models.TextChoices):
    REGISTER = "register", _("One sequence for the whole register")
    DOC_TYPE = "doc_type", _("One sequence per document type")


class Register(models.Model):
    """A register book (sổ) of one organization and its numbering policy."""

    owner = models.ForeignKey(Organization, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="registers")
    name = models.CharField(_("name"), max_length=200)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    system = models.CharField(
        _("notation system"),
        max_length=10,
        choices=NotationSystem.choices,
        help_text=_("How numbers and notations are written."),
    )
    period_kind = models.CharField(_("numbering period"), max_length=10, choices=PeriodKind.choices)
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(
        _("term end"), null=True, blank=True, help_text=_("Leave empty while the term is running.")
    )
    sequence_scope = models.CharField(
        _("sequence"), max_length=10, choices=SequenceScope.choices, default=SequenceScope.REGISTER
    )
    confidential_series = models.BooleanField(
        _("separate series for confidential documents"),
        default=False,
        help_text=_("Mật, Tối mật and Tuyệt mật documents get numbers of their own."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        ordering = ["owner__name", "direction", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="register_name_unique_per_owner"),
            models.CheckConstraint(condition=~Q(name=""), name="register_name_required"),
            models.CheckConstraint(
                condition=Q(period_kind="year", term_start__isnull=True, term_end__isnull=True)
                | Q(period_kind="term", term_start__isnull=False),
                name="register_term_dates_match_period",
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="register_term_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def period_for(self, day: datetime.date) -> tuple[datetime.date, datetime.date | None] | None:
        """The numbering period containing `day`, or None when the day falls outside the register's term."""
        if self.period_kind == PeriodKind.YEAR:
            return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
        assert self.term_start is not None
        if day < self.term_start or (self.term_end is not None and day > self.term_end):
            return None
        return self.term_start, self.term_end


class Series(models.TextChoices):
    NORMAL = "normal", _("Normal")
    CONFIDENTIAL = "confidential", _("Confidential")


class NumberSequence(models.Model):
    """The counter of one register, period, series and (optionally) document type.

    Issuing locks and increments this row in the transaction that gives the
    number, so a rolled-back issue gives its number back and no two documents
    share one.
    """

    register = models.ForeignKey(
        Register, verbose_name=_("register"), on_delete=models.PROTECT, related_name="sequences"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), null=True, blank=True)
    series = models.CharField(_("series"), max_length=12, choices=Series.choices, default=Series.NORMAL)
    doc_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), null=True, blank=True, on_delete=models.PROTECT
    )
    last_number = models.PositiveIntegerField(_("last number given"), default=0)
    opening_number = models.PositiveIntegerField(
        _("numbers given before this system"),
        default=0,
        help_text=_("Numbers 1..N of this period were given in the paper register before the system took over."),
    )

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        ordering = ["register", "-period_start", "series", "doc_type__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "period_start", "series"],
                condition=Q(doc_type__isnull=True),
                name="number_sequence_unique_register_wide",
            ),
            models.UniqueConstraint(
                fields=["register", "period_start", "series", "doc_type"],
                condition=Q(doc_type__isnull=False),
                name="number_sequence_unique_per_type",
            ),
            models.CheckConstraint(condition=Q(last_number__gte=F("opening_number")), name="number_sequence_opening"),
        ]

    def __str__(self) -> str:
        parts = [str(self.register), self.period_label]
        if self.doc_type is not None:
            parts.append(self.doc_type.code)
        if self.series != Series.NORMAL:
            parts.append(str(self.get_series_display()))
        return " · ".join(parts)

    @property
    def period_label(self) -> str:
        if (
            self.period_end
            and (self.period_start.month, self.period_start.day) == (1, 1)
            and (self.period_end == datetime.date(self.period_start.year, 12, 31))
        ):
            return str(self.period_start.year)
        end = self.period_end.strftime("%d/%m/%Y") if self.period_end else "…"
        return f"{self.period_start:%d/%m/%Y}–{end}"


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


class AddresseeKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    GROUP = "group", _("Group")
    TEXT = "text", _("Free text")


class DocumentAddressee(models.Model):
    """One line of “Kính gửi”, in order; `text` is the line as printed."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="addressees")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=12, choices=AddresseeKind.choices)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(RecipientGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("as printed"), max_length=500)

    class Meta:
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees (Kính gửi)")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="addressee_position_unique"),
            models.CheckConstraint(condition=~Q(text=""), name="addressee_text_required"),
            models.CheckConstraint(
                condition=Q(kind="organization", organization__isnull=False, group__isnull=True)
                | Q(kind="group", group__isnull=False, organization__isnull=True)
                | Q(kind="text", organization__isnull=True, group__isnull=True),
                name="addressee_kind_matches_link",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class DistributionKind(models.TextChoices):
    AS_ABOVE = "as_above", _("As above (Như trên)")
    ORGANIZATION = "organization", _("Organization")
    GROUP = "group", _("Group")
    TEXT = "text", _("Free text")
    FILE_COPY = "file_copy", _("File copy (Lưu)")


class DistributionEntry(models.Model):
    """One line of “Nơi nhận”, in order, e.g. “UBND tỉnh (báo cáo)” or “Lưu: VT, TTBCBC”."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="distribution")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=12, choices=DistributionKind.choices)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(RecipientGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("as printed"), max_length=500)
    purpose = models.CharField(_("purpose"), max_length=80, blank=True, help_text=_("e.g. báo cáo, b/c, p/h"))

    class Meta:
        verbose_name = _("distribution entry")
        verbose_name_plural = _("distribution (Nơi nhận)")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="distribution_position_unique"),
            models.CheckConstraint(condition=~Q(text=""), name="distribution_text_required"),
            models.CheckConstraint(
                condition=Q(kind="organization", organization__isnull=False, group__isnull=True)
                | Q(kind="group", group__isnull=False, organization__isnull=True)
                | Q(kind__in=["as_above", "text", "file_copy"], organization__isnull=True, group__isnull=True),
                name="distribution_kind_matches_link",
            ),
        ]

    def __str__(self) -> str:
        return self.printed

    @property
    def printed(self) -> str:
        return f"{self.text} ({self.purpose})" if self.purpose else self.text


class ReferenceRelation(models.TextChoices):
    IMPLEMENTS = "implements", _("Implements")
    ANSWERS = "answers", _("Answers")
    CITES = "cites", _("Cites")
    REPLACES = "replaces", _("Replaces")


class DocumentReference(models.Model):
    """Another document this one implements, answers or cites, linked when it
    is in the system and otherwise described as cited."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    relation = models.CharField(_("relation"), max_length=12, choices=ReferenceRelation.choices)
    target = models.ForeignKey(
        Document,
        verbose_name=_("referenced document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referenced_by",
    )
    notation = models.CharField(_("number and notation"), max_length=120, blank=True)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    issuer_name = models.CharField(_("issuer"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["document", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__isnull=False) | ~Q(notation=""), name="reference_target_or_notation"
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | ~Q(target=F("document")), name="reference_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.notation}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Content-addressed names: the original name is kept in the row, never in a path.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["document", "id"]

    def __str__(self) -> str:
        return self.original_name


def import_file_path(instance: "ImportJob", filename: str) -> str:
    # A random name: the file's own name is kept in the row, never in a path.
    return f"imports/{uuid.uuid4().hex}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """A register book uploaded on the registers pages, imported in the
    background (registry.tasks) by registry.imports.register_import: how far
    it got, and its report once finished (registry.imports.jobs)."""

    register = models.ForeignKey(
        Register, verbose_name=_("register"), on_delete=models.PROTECT, related_name="import_jobs"
    )
    file = models.FileField(_("file"), upload_to=import_file_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    dry_run = models.BooleanField(_("check only"), default=False)
    language = models.CharField(_("language of the report"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows found"), default=0)
    imported = models.PositiveIntegerField(_("documents imported"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.register}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)

    @property
    def refused(self) -> bool:
        """Finished, and nothing was imported because the file has errors."""
        return self.status == ImportJobStatus.DONE and self.error_count > 0
