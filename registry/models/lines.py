"""What a document lists: addressees, distribution (Nơi nhận), references and attached files."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from recipients.models import Organization, RecipientGroup
from registry.models.documents import Document


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
