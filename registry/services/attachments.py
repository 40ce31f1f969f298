"""Files attached to documents: the signed scan, annexes, the Word original."""

import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import DomainError
from core.files import DOCX, JPEG, ODS, ODT, PDF, PNG, TIFF, XLSX, FileKind, detect_file_kind
from core.stored_files import hold_stored_files
from core.text import clean_text
from recipients.models import User
from registry.clearance import require_clearance
from registry.models import Attachment, Document, DocumentStatus, attachment_path
from registry.permissions import require_register_clerk

ATTACHMENT_KINDS = (PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG, TIFF)


@transaction.atomic
def attachment_add(*, document: Document, actor: User, upload: UploadedFile, description: str = "") -> Attachment:
    """Attaches a file after checking its real type (from the content) and size.
    Withdrawn documents are frozen and take no more files."""
    document = Document.objects.select_for_update().select_related("register__owner").get(pk=document.pk)
    require_register_clerk(actor, document.register)
    require_clearance(actor, document.confidentiality)
    if document.status == DocumentStatus.WITHDRAWN:
        raise DomainError(_("A withdrawn document is frozen."), code="frozen_fields")
    kind = check_upload(upload, ATTACHMENT_KINDS)
    return store_attachment(document=document, upload=upload, kind=kind, uploaded_by=actor, description=description)


def check_upload_size(upload: UploadedFile) -> None:
    """DomainError when the upload is empty or larger than DOCREG_MAX_UPLOAD_SIZE."""
    limit = settings.DOCREG_MAX_UPLOAD_SIZE
    if not upload.size:
        raise DomainError(_("“%(name)s” is empty.") % {"name": upload.name}, field="file")
    if upload.size > limit:
        raise DomainError(
            _("“%(name)s” is %(size)s; at most %(limit)s is accepted.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            field="file",
            code="file_too_large",
        )


def check_upload(upload: UploadedFile, kinds: Sequence[FileKind]) -> FileKind:
    """The upload's kind, read from its content; DomainError when it is empty,
    too large or of a kind not in `kinds`."""
    check_upload_size(upload)
    kind = detect_file_kind(upload)
    if kind is None or kind not in kinds:
        raise DomainError(
            _("“%(name)s” is not one of the accepted kinds (%(kinds)s); its content was checked, not its name.")
            % {"name": upload.name, "kinds": ", ".join(k.code.upper() for k in kinds)},
            field="file",
            code="unsupported_file_type",
        )
    return kind


def store_attachment(
    *, document: Document, upload: UploadedFile, kind: FileKind, uploaded_by: User, description: str = ""
) -> Attachment:
    """Stores a checked upload (see check_upload) as an attachment of the document
    and records it, inside the caller's transaction."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = clean_text(upload.name or "", label=_("File name"), field="file", max_length=255) or f"tep.{kind.extension}"
    attachment = Attachment(
        document=document,
        original_name=name,
        content_type=kind.content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        description=clean_text(description or "", label=_("Description"), field="description", max_length=255),
        uploaded_by=uploaded_by,
    )
    # Content-addressed: the same file is stored once however often it is
    # attached. Held so that no purge removes a file found here already stored
    # before this attachment's row commits (core.stored_files).
    hold_stored_files()
    path = attachment_path(attachment, name)
    if not default_storage.exists(path):
        path = default_storage.save(path, upload)
    attachment.file.name = path
    attachment.save()
    audit_record(
        actor=uploaded_by,
        action="document.attach",
        obj=document,
        data={"attachment": attachment.pk, "name": name, "sha256": attachment.sha256, "size": attachment.size},
    )
    return attachment
