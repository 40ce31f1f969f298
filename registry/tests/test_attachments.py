import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.files import detect_bytes
from recipients.models import Role
from registry.services import document_issue, document_withdraw
from tests.factories import UserFactory

PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT_BYTES = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_file_kinds_come_from_the_content():
    assert detect_bytes(PDF_BYTES).code == "pdf"
    assert detect_bytes(DOCX_BYTES).code == "docx"
    assert detect_bytes(ODT_BYTES).code == "odt"
    assert detect_bytes(zip_bytes({"other.txt": b"x"})) is None
    assert detect_bytes(b"PK\x03\x04 broken zip") is None
    assert detect_bytes(b"MZ\x90\x00 windows executable") is None


@pytest.mark.django_db
def test_attach_download_and_refusals(clerk_api, make_draft, clerk, settings):
    document = make_draft()
    url = f"/api/v1/documents/{document.pk}/attachments/"
    uploaded = clerk_api.post(url, {"file": SimpleUploadedFile("cong-van.pdf", PDF_BYTES), "description": "Bản ký số"})
    assert uploaded.status_code == 201, uploaded.json()
    body = uploaded.json()
    assert (body["original_name"], body["content_type"], body["size"]) == (
        "cong-van.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )

    download = clerk_api.get(f"{url}{body['id']}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "cong-van.pdf" in download["Content-Disposition"]

    disguised = clerk_api.post(url, {"file": SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf")})
    assert (disguised.status_code, disguised.json()["code"]) == (400, "unsupported_file_type")
    word = clerk_api.post(url, {"file": SimpleUploadedFile("bao-cao.bin", DOCX_BYTES)})
    assert word.json()["content_type"].endswith("wordprocessingml.document")

    settings.DOCREG_MAX_UPLOAD_SIZE = 10
    assert clerk_api.post(url, {"file": SimpleUploadedFile("lon.pdf", PDF_BYTES)}).status_code == 400
    assert clerk_api.post(url, {}).status_code == 400

    stranger = APIClient()
    stranger.force_authenticate(UserFactory(role=Role.CLERK))
    assert stranger.get(f"{url}{body['id']}/").status_code == 404
    assert clerk_api.get(f"{url}999999/").status_code == 404

    issued = document_issue(document=document, actor=clerk)
    document_withdraw(document=issued, actor=clerk, reason="Thu hồi")
    settings.DOCREG_MAX_UPLOAD_SIZE = 1024
    frozen = clerk_api.post(url, {"file": SimpleUploadedFile("them.pdf", PDF_BYTES)})
    assert (frozen.status_code, frozen.json()["code"]) == (400, "frozen_fields")
