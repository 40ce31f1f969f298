"""Files attached to documents: the signed scan, annexes, the Word original."""

import hashlib

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import DomainError
from core.files import DOCX, JPEG, ODS, ODT, PDF, PNG, TIFF, XLSX, detect_file_kind
from core.text import clean_text
from recipients.models import User
from registry.models import Attachment, Document, DocumentStatus, attachment_path
from registry.permissions import require_register_clerk

ATTACHMENT_KINDS = (PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG, TIFF)


@transaction.atomic
def attachment_add(*, document: Document, actor: User, upload: UploadedFile, description: str = "") -> Attachment:
    """Attaches a file after checking its real type (from the content) and size.
    Withdrawn documents are frozen and take no more files."""
    document = Document.objects.select_for_update().select_related("register__owner").get(pk=document.pk)
    require_register_clerk(actor, document.register)
    if document.status == DocumentStatus.WITHDRAWN:
        raise DomainError(_("A withdrawn document is frozen."), code="frozen_fields")
    limit = settings.DOCREG_MAX_UPLOAD_SIZE
    if upload.size is None or upload.size == 0:
        raise DomainError(_("The file is empty."), field="file")
    if upload.size > limit:
        raise DomainError(
            _("The file is %(size)d MB; at most %(limit)d MB is accepted.")
            % {"size": upload.size // (1024 * 1024), "limit": limit // (1024 * 1024)},
            field="file",
        )
    kind = detect_file_kind(upload)
    if kind not in ATTACHMENT_KINDS:
        raise DomainError(
            _("“%(name)s” is not a PDF, Word, Excel, OpenDocument or image file (checked from its content).")
            % {"name": upload.name},
            field="file",
            code="unsupported_file_type",
        )
    assert kind is not None
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = clean_text(upload.name or "", label=_("File name"), field="file", max_length=255) or f"tep.{kind.extension}"
    attachment = Attachment(
        document=document,
        original_name=name,
        content_type=kind.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        description=clean_text(description or "", label=_("Description"), field="description", max_length=255),
        uploaded_by=actor,
    )
    # Content-addressed: the same file is stored once however often it is
    # attached, and a blob left by a rolled-back transaction is harmless.
    path = attachment_path(attachment, name)
    if not default_storage.exists(path):
        path = default_storage.save(path, upload)
    attachment.file.name = path
    attachment.save()
    audit_record(
        actor=actor,
        action="document.attach",
        obj=document,
        data={"attachment": attachment.pk, "name": name, "sha256": attachment.sha256, "size": attachment.size},
    )
    return attachment
