"""The example documents of ../shared/examples as `seed_demo` writes them,
rendered once per test process and shared by the rendering tests.

Seeding and rendering take a few seconds, so they run once, inside a
transaction that is rolled back: the database is left as it was and only
bytes and frozen layouts are kept.
"""

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from recipients.models import User
from registry.models import Confidentiality, Document, Urgency
from registry.rendering import document_filename, layout_of, printable_document, render_docx, render_pdf
from registry.rendering.layout import DocumentLayout
from registry.services import document_update

LETTER_PARTY = "375-CV/BTGTU"
PLAN_PARTY = "95-KH/TU"
LETTER_STATE = "1163/STTTT-TTBCBC"
# The State draft of seed_demo, marked flash and confidential for the tests.
DRAFT_SUBJECT = "tuyên truyền hưởng ứng Ngày Chuyển đổi số quốc gia (10/10)"
DRAFT = "draft"


@dataclass(frozen=True)
class Rendered:
    system: str
    status: str
    filename: str
    layout: DocumentLayout
    pdf: bytes
    docx: bytes


@dataclass(frozen=True)
class Examples:
    documents: dict[str, Rendered]
    archival_pdf: bytes  # LETTER_STATE as PDF/A-2b

    def __getitem__(self, key: str) -> Rendered:
        return self.documents[key]


_cache: list[Examples] = []


def _render(document: Document) -> Rendered:
    document = printable_document(pk=document.pk)
    return Rendered(
        system=document.system,
        status=document.status,
        filename=document_filename(document=document, file_format="pdf"),
        layout=layout_of(document=document),
        pdf=render_pdf(document=document),
        docx=render_docx(document=document),
    )


def _seed_and_render(media_root: Path) -> Examples:
    hashers = [f"{MD5PasswordHasher.__module__}.{MD5PasswordHasher.__name__}"]
    with override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=hashers), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        documents = {key: _render(Document.objects.get(notation=key)) for key in (LETTER_PARTY, PLAN_PARTY)}
        state = Document.objects.get(notation=LETTER_STATE)
        documents[LETTER_STATE] = _render(state)
        draft = document_update(
            document=Document.objects.get(subject=DRAFT_SUBJECT),
            actor=User.objects.get(username="admin"),
            changes={"urgency": Urgency.FLASH, "confidentiality": Confidentiality.CONFIDENTIAL},
        )
        documents[DRAFT] = _render(draft)
        archival = render_pdf(document=printable_document(pk=state.pk), archival=True)
        transaction.set_rollback(True)
    return Examples(documents=documents, archival_pdf=archival)


def rendered_examples(django_db_blocker: Any, tmp_path_factory: Any) -> Examples:
    """The examples, seeded and rendered on the first call of the process."""
    if not _cache:
        with django_db_blocker.unblock():
            _cache.append(_seed_and_render(tmp_path_factory.mktemp("rendering-media")))
    return _cache[0]
