"""API shapes of registers and documents. Serializers only parse and render;
the services decide."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from recipients.models import Organization, RecipientGroup, User
from registry.models import (
    Confidentiality,
    DistributionEntry,
    DistributionKind,
    Document,
    DocumentAddressee,
    DocumentReference,
    DocumentType,
    ReferenceRelation,
    Register,
    Urgency,
)
from registry.notation import format_number
from registry.selectors import visible_linked_documents
from registry.services import AddresseeInput, DistributionInput, ReferenceInput


class DocumentTypeSerializer(serializers.ModelSerializer[DocumentType]):
    class Meta:
        model = DocumentType
        fields = ["code", "state_name", "state_abbreviation", "party_name", "party_abbreviation", "is_letter"]


class RegisterSerializer(serializers.ModelSerializer[Register]):
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = Register
        fields = [
            "id",
            "owner",
            "owner_name",
            "name",
            "direction",
            "system",
            "period_kind",
            "term_start",
            "term_end",
            "sequence_scope",
            "confidential_series",
            "is_active",
            "description",
        ]
        read_only_fields = fields


class RegisterCreateSerializer(serializers.Serializer[Register]):
    owner = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    name = serializers.CharField(max_length=200)
    direction = serializers.ChoiceField(choices=Register._meta.get_field("direction").choices)  # type: ignore[arg-type]
    system = serializers.ChoiceField(choices=Register._meta.get_field("system").choices, required=False)  # type: ignore[arg-type]
    period_kind = serializers.ChoiceField(
        choices=Register._meta.get_field("period_kind").choices,  # type: ignore[arg-type]
        required=False,
        help_text=_("Defaults to the term for Party outgoing registers, else the calendar year."),
    )
    term_start = serializers.DateField(required=False, allow_null=True)
    term_end = serializers.DateField(required=False, allow_null=True)
    sequence_scope = serializers.ChoiceField(
        choices=Register._meta.get_field("sequence_scope").choices,  # type: ignore[arg-type]
        required=False,
    )
    confidential_series = serializers.BooleanField(required=False, default=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class RegisterUpdateSerializer(serializers.Serializer[Register]):
    name = serializers.CharField(max_length=200, required=False)
    term_start = serializers.DateField(
        required=False, help_text=_("Moving it past the last numbered document starts a new term.")
    )
    term_end = serializers.DateField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class AddresseeSerializer(serializers.ModelSerializer[DocumentAddressee]):
    class Meta:
        model = DocumentAddressee
        fields = ["kind", "organization", "group", "text"]


class DistributionEntrySerializer(serializers.ModelSerializer[DistributionEntry]):
    class Meta:
        model = DistributionEntry
        fields = ["kind", "organization", "group", "text", "purpose", "printed"]

    printed = serializers.CharField(read_only=True)


# The serializer context's key for the ids of the linked documents the reader may see
# (registry.selectors.visible_linked_documents).
VISIBLE_LINKS = "visible_linked_documents"


class LinkedDocumentField(serializers.IntegerField):
    """The id of a linked document (a reference's target, a received copy's
    original), null when the reader may not see it: the citation stays, and the
    document's id, level or very existence is not given away."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> int | None:  # type: ignore[override]  # null: not shown
        return value if value in self.context.get(VISIBLE_LINKS, ()) else None


class ReferenceSerializer(serializers.ModelSerializer[DocumentReference]):
    target = LinkedDocumentField(
        source="target_id", help_text=_("The referenced document; null when it is not in docreg or not yours to see.")
    )

    class Meta:
        model = DocumentReference
        fields = ["relation", "target", "notation", "issued_on", "issuer_name"]


class SignerSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(source="signer_name")
    title = serializers.CharField(source="signer_title")
    authority = serializers.CharField(source="signer_authority")


class AttachmentSerializer(serializers.Serializer[Any]):
    """An attached file; download it from .../documents/{id}/attachments/{attachment_id}/."""

    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    description = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class DocumentSerializer(serializers.ModelSerializer[Document]):
    doc_type: serializers.SlugRelatedField[DocumentType] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    doc_type_name = serializers.SerializerMethodField()
    number_text = serializers.SerializerMethodField(help_text=_("The number as printed: 01..09 below ten."))
    printed_number = serializers.SerializerMethodField(
        help_text=_("The number line as printed: “Số 375-CV/BTGTU” (Party), “Số: 07/SNV-VP” (State).")
    )
    register_name = serializers.CharField(source="register.name", read_only=True)
    signer = SignerSerializer(source="*", read_only=True)
    addressees = AddresseeSerializer(many=True, read_only=True)
    distribution = DistributionEntrySerializer(many=True, read_only=True)
    references = ReferenceSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    issued_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    withdrawn_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    original = LinkedDocumentField(
        source="original_id",
        help_text=_("For a received copy: the sender's outgoing document; null when it is not yours to see."),
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "register",
            "register_name",
            "direction",
            "system",
            "status",
            "doc_type",
            "doc_type_name",
            "number",
            "number_text",
            "notation",
            "printed_number",
            "type_abbreviation",
            "issuer_abbreviation",
            "drafting_unit",
            "issued_on",
            "issued_at",
            "issued_by",
            "place",
            "subject",
            "body",
            "signer",
            "urgency",
            "confidentiality",
            "page_count",
            "copies",
            "issuer",
            "issuer_name",
            "issuer_header_name",
            "issuer_header_parent",
            "addressees",
            "distribution",
            "references",
            "attachments",
            "file_copy_holder",
            "transferred_on",
            "receipt_signature",
            "note",
            "arrival_number",
            "received_at",
            "original",
            "handling_unit",
            "handling_deadline",
            "handling_progress",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_doc_type_name(self, document: Document) -> str:
        return document.doc_type.name_for(document.system)

    def get_number_text(self, document: Document) -> str | None:
        return format_number(document.number) if document.number else None

    def get_printed_number(self, document: Document) -> str | None:
        if not document.notation:
            return None
        return f"Số {document.notation}" if document.system == "party" else f"Số: {document.notation}"


def document_data(document: Document, *, user: User) -> Any:
    """One document as the API gives it to `user`: its links (references'
    targets, a copy's original) only where the user may follow them."""
    context = {VISIBLE_LINKS: visible_linked_documents([document], user=user)}
    return DocumentSerializer(document, context=context).data


class AddresseeWriteSerializer(serializers.Serializer[AddresseeInput]):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    group = serializers.PrimaryKeyRelatedField(queryset=RecipientGroup.objects.all(), required=False, allow_null=True)
    text = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def to_internal_value(self, data: Any) -> AddresseeInput:
        return AddresseeInput(**super().to_internal_value(data))


class DistributionWriteSerializer(serializers.Serializer[DistributionInput]):
    kind = serializers.ChoiceField(choices=DistributionKind.choices, required=False)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    group = serializers.PrimaryKeyRelatedField(queryset=RecipientGroup.objects.all(), required=False, allow_null=True)
    text = serializers.CharField(required=False, allow_blank=True, max_length=500)
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=80)

    def to_internal_value(self, data: Any) -> DistributionInput:
        return DistributionInput(**super().to_internal_value(data))


class ReferenceWriteSerializer(serializers.Serializer[ReferenceInput]):
    relation = serializers.ChoiceField(choices=ReferenceRelation.choices)
    target = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all(), required=False, allow_null=True)
    notation = serializers.CharField(required=False, allow_blank=True, max_length=120)
    issued_on = serializers.DateField(required=False, allow_null=True)
    issuer_name = serializers.CharField(required=False, allow_blank=True, max_length=255)

    def to_internal_value(self, data: Any) -> ReferenceInput:
        return ReferenceInput(**super().to_internal_value(data))


def _text(max_length: int, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, **kwargs)


class DocumentContentSerializer(serializers.Serializer[Document]):
    """Fields shared by drafting, incoming registration and corrections."""

    doc_type = serializers.SlugRelatedField(slug_field="code", queryset=DocumentType.objects.all(), required=False)
    subject = serializers.CharField(max_length=2000, required=False)
    body = _text(500_000)
    signer_name = _text(120)
    signer_title = _text(120)
    signer_authority = _text(255, help_text=_("Lines joined with “ / ”."))
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices, required=False)
    page_count = serializers.IntegerField(min_value=1, max_value=100_000, required=False, allow_null=True)
    copies = serializers.IntegerField(min_value=1, max_value=100_000, required=False, allow_null=True)
    drafting_unit = _text(30)
    place = _text(80)
    note = _text(10_000)
    file_copy_holder = _text(255)
    transferred_on = serializers.DateField(required=False, allow_null=True)
    receipt_signature = _text(255)
    handling_unit = _text(255)
    handling_deadline = serializers.DateField(required=False, allow_null=True)
    handling_progress = _text(10_000)
    references = ReferenceWriteSerializer(many=True, required=False)


class DocumentCreateSerializer(DocumentContentSerializer):
    """A draft in an outgoing register, or a received document in an incoming one."""

    register = serializers.PrimaryKeyRelatedField(queryset=Register.objects.all())
    doc_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=DocumentType.objects.all(),
        required=False,
        help_text=_("Required for drafts; for received documents it is read from the notation when left out."),
    )
    subject = serializers.CharField(max_length=2000)
    addressees = AddresseeWriteSerializer(many=True, required=False)
    distribution = DistributionWriteSerializer(
        many=True,
        required=False,
        help_text=_("If left out, “Như trên” (when there are addressees) and the file copy line are filled in."),
    )
    # Incoming registers only.
    notation = _text(120, help_text=_("Incoming: the sender's number and notation as printed."))
    issued_on = serializers.DateField(required=False, allow_null=True, help_text=_("Incoming: the document's date."))
    sender = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, help_text=_("Incoming: the sender.")
    )
    sender_name = _text(255, help_text=_("Incoming: the sender's name when it is not in the directory."))
    received_at = serializers.DateTimeField(required=False, allow_null=True)
    confirm_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Incoming: register even though the same number, notation and issuer were registered before."),
    )


class DocumentUpdateSerializer(DocumentContentSerializer):
    register = serializers.PrimaryKeyRelatedField(queryset=Register.objects.all(), required=False)
    addressees = AddresseeWriteSerializer(many=True, required=False)
    distribution = DistributionWriteSerializer(many=True, required=False)
    notation = _text(120, help_text=_("Incoming documents only: correct the transcribed notation."))
    issued_on = serializers.DateField(required=False, allow_null=True, help_text=_("Incoming documents only."))
    issuer_name = _text(255, help_text=_("Incoming documents only: the sender's name."))


class IssueSerializer(serializers.Serializer[Any]):
    issued_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_(
            "Defaults to today (Asia/Ho_Chi_Minh). An earlier date is accepted only when no later-dated document "
            "already has a number in the same sequence."
        ),
    )


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text=_("PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG or TIFF; checked from the content."))
    description = serializers.CharField(required=False, allow_blank=True, max_length=255)


class WithdrawSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000)
