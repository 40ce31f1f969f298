"""What the intake page reads and carries: the document to read (pasted text or a file), the
registration form's initial values from what was read, and the uploaded file kept for the
registration that follows.

Between reading and registering there are two requests, and a browser cannot fill a file
input: a PDF or Word file read here is therefore kept in the file storage (content-addressed,
under ``intake/``) behind a signed token naming the user, and attached when the clerk
registers the document. Plain text files are not kept: attachments are PDF, Word and the
other kinds registry.services.attachments accepts, and a .txt is none of them.
"""

import datetime
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.forms import PageForm
from recipients.models import User
from registry.api_intake import MAX_TEXT_LENGTH
from registry.intake import read_document
from registry.intake.files import read_file
from registry.intake.matching import IntakeSuggestions
from registry.intake.result import Intake, empty_intake
from registry.models import Confidentiality, DocumentType, Register, Urgency
from registry.services.attachments import ATTACHMENT_KINDS, check_upload, check_upload_size

READABLE_SUFFIXES = (".txt", ".docx", ".pdf")
INTAKE_SALT = "registry.intake.page.intake"
STAGE_SALT = "registry.intake.page.staged"
STAGE_DIRECTORY = "intake"
# How long a read document (and its kept file) waits for the registration.
MAX_AGE = datetime.timedelta(days=1)


def nothing_read(intake: Intake) -> bool:
    """Whether the intake holds nothing but its source and warnings."""
    empty = empty_intake(intake["source"], *intake["warnings"])
    return dict(intake) == dict(empty)


def read_upload(upload: UploadedFile) -> Intake:
    """The intake object of an uploaded .txt, .docx or .pdf file (registry.intake.files), its
    source the file's name as sent."""
    name = Path(upload.name or "").name
    with tempfile.TemporaryDirectory(prefix="docreg-intake-") as directory:
        path = Path(directory) / f"document{Path(name).suffix.lower()}"
        with path.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        upload.seek(0)
        intake = read_file(path)
    intake["source"] = name or None
    return intake


class IntakeSourceForm(PageForm):
    """The document to read: its text pasted, or its file."""

    text = forms.CharField(
        label=gettext_lazy("The document's text"),
        required=False,
        strip=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=gettext_lazy("Paste the whole document: the header, the body, the recipients and the signature."),
    )
    file = forms.FileField(
        label=gettext_lazy("Or its file"),
        required=False,
        help_text=gettext_lazy(
            "A .txt, .docx or .pdf file (a PDF needs a text layer; a scan cannot be read). "
            "A PDF or Word file is attached to the registration."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(READABLE_SUFFIXES)}),
    )

    intake: Intake | None = None

    def clean_file(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("file")
        if not upload:
            return None
        if Path(upload.name or "").suffix.lower() not in READABLE_SUFFIXES:
            raise ValidationError(
                _("“%(name)s” cannot be read: choose a .txt, .docx or .pdf file.") % {"name": upload.name}
            )
        try:
            check_upload_size(upload)
        except DomainError as error:
            raise ValidationError(error.message) from None
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        text: str = data.get("text") or ""
        upload: UploadedFile | None = data.get("file")
        if upload is not None and text.strip():
            self.add_error("text", _("Paste the text or choose a file, not both."))
        elif upload is not None:
            self._read(read_upload(upload), "file")
        elif text.strip():
            self._read(read_document(text), "text")
        else:
            self.add_error("text", _("Paste the document's text or choose its file."))
        return data

    def _read(self, intake: Intake, field: str) -> None:
        if nothing_read(intake):
            reasons = "; ".join(intake["warnings"])
            message = _("Nothing could be read from it")
            self.add_error(field, f"{message}: {reasons}." if reasons else f"{message}.")
        else:
            self.intake = intake


# --- the registration form's initial values ------------------------------------------------

_URGENCIES = {str(label): value for value, label in Urgency.choices}
_CONFIDENTIALITIES = {str(label): value for value, label in Confidentiality.choices}


def printed_issuer(intake: Intake) -> str:
    """The issuer as the document prints it: "SỞ THÔNG TIN VÀ TRUYỀN THÔNG, UBND TỈNH KIÊN GIANG"."""
    issuer = intake["issuer"]
    return ", ".join(part for part in (issuer["name"], issuer["parent"]) if part)


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def registration_initial(
    intake: Intake,
    suggestions: IntakeSuggestions,
    *,
    user: User,
    register: Register,
    doc_type: DocumentType | None,
) -> dict[str, Any]:
    """The incoming form (registry.views.registers_forms.IncomingForm) filled from what was
    read: the sender when the issuer matched one body unambiguously (else its printed name),
    the notation, date, type, subject, marks, signer, and as handling deadline the earliest
    day the document's deadlines fall due."""
    initial: dict[str, Any] = {"register": register}
    if suggestions.issuer.match is not None:
        initial["sender"] = suggestions.issuer.match.id
    else:
        initial["sender_name"] = printed_issuer(intake)[:255]
    values = {
        "notation": intake["notation"] or "",
        "issued_on": _date(intake["date"]),
        "doc_type": doc_type,
        "subject": intake["subject"] or "",
        "signer_name": intake["signer"]["name"] or "",
        "urgency": _URGENCIES.get(intake["urgency"] or ""),
        "handling_deadline": suggestions.earliest_due_on,
    }
    confidentiality = _CONFIDENTIALITIES.get(intake["confidentiality"] or "")
    if confidentiality is not None and user.is_cleared_for(confidentiality):
        values["confidentiality"] = confidentiality
    initial.update({name: value for name, value in values.items() if value})
    return initial


def above_clearance(intake: Intake, user: User) -> bool:
    """Whether the document is marked more secret than the user may register."""
    confidentiality = _CONFIDENTIALITIES.get(intake["confidentiality"] or "")
    return confidentiality is not None and not user.is_cleared_for(confidentiality)


# --- carrying what was read to the registration ---------------------------------------------


def intake_token(intake: Intake) -> str:
    return signing.dumps(intake, salt=INTAKE_SALT, compress=True)


def intake_from_token(token: str) -> Intake | None:
    """The intake signed earlier for this page; None when the token is missing, altered or old."""
    try:
        value = signing.loads(token, salt=INTAKE_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) else None  # type: ignore[return-value]


@dataclass(frozen=True)
class StagedFile:
    """An uploaded file kept for the registration: where it is, and its name, size and type."""

    token: str
    path: str
    name: str
    size: int
    content_type: str

    def open(self) -> UploadedFile | None:
        """The file as an upload again; None when it is no longer kept."""
        if not default_storage.exists(self.path):
            return None
        return UploadedFile(
            file=default_storage.open(self.path, "rb"), name=self.name, content_type=self.content_type, size=self.size
        )

    def discard(self) -> None:
        default_storage.delete(self.path)


def stage_upload(upload: UploadedFile, *, user: User) -> StagedFile | None:
    """Keeps an uploaded file of a kind documents take as attachments (by its content: PDF,
    Word …) until the registration; None for any other (plain text)."""
    try:
        kind = check_upload(upload, ATTACHMENT_KINDS)
    except DomainError:
        return None
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    _purge_stale()
    path = f"{STAGE_DIRECTORY}/{digest.hexdigest()}"
    if not default_storage.exists(path):
        path = default_storage.save(path, upload)
    upload.seek(0)
    name = Path(upload.name or "").name or f"van-ban.{kind.extension}"
    value = {"user": user.pk, "path": path, "name": name, "size": upload.size or 0, "type": kind.content_type}
    return _staged(signing.dumps(value, salt=STAGE_SALT), value)


def _purge_stale() -> None:
    """Removes the kept files whose registration never came (their tokens have expired)."""
    cutoff = timezone.now() - MAX_AGE
    try:
        _directories, names = default_storage.listdir(STAGE_DIRECTORY)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in names:
        path = f"{STAGE_DIRECTORY}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


def staged_from_token(token: str, *, user: User) -> StagedFile | None:
    """The file kept for this user under the token; None for a missing, altered, old or other user's token."""
    if not token:
        return None
    try:
        value = signing.loads(token, salt=STAGE_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("user") != user.pk:
        return None
    path = str(value.get("path", ""))
    if not path.startswith(f"{STAGE_DIRECTORY}/"):
        return None
    return _staged(token, value)


def _staged(token: str, value: dict[str, Any]) -> StagedFile:
    return StagedFile(
        token=token,
        path=str(value["path"]),
        name=str(value["name"]),
        size=int(value["size"]),
        content_type=str(value["type"]),
    )
