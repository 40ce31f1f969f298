"""registry.selectors: the rows of a page loaded by id, as a list loads them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.selectors import document_list, documents_in_order
from registry.services import AddresseeInput, DistributionInput, ReferenceInput
from registry.services.attachments import attachment_add

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
LINES = ("addressees", "distribution", "references", "attachments")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _lines(document) -> dict[str, list[int]]:
    return {name: [line.pk for line in getattr(document, name).all()] for name in LINES}


@pytest.mark.django_db
def test_a_page_loaded_by_id_holds_the_lines_a_list_holds(make_draft, clerk):
    """GIVEN documents with several addressees, distribution entries, references and files, and one with none
    WHEN a page is loaded by id (documents_in_order, as search pages are)
    THEN it comes in the order asked, and each document answers its lines as document_list's
    prefetch does, in their order, without another query."""
    full = make_draft(
        addressees=[AddresseeInput(text="Các huyện ủy"), AddresseeInput(text="Các sở, ban, ngành")],
        distribution=[DistributionInput(kind="as_above"), DistributionInput(text="Lưu VT")],
        references=[
            ReferenceInput(relation="implements", notation="07-CT/TU"),
            ReferenceInput(relation="implements", notation="95-KH/TU"),
        ],
    )
    for name in ("a.pdf", "b.pdf"):
        attachment_add(
            document=full,
            actor=clerk,
            upload=SimpleUploadedFile(name, PDF, content_type="application/pdf"),
        )
    bare = make_draft(addressees=[])
    other = make_draft()
    listed = {document.pk: _lines(document) for document in document_list(user=clerk)}
    assert [len(listed[full.pk][name]) for name in LINES] == [2, 2, 2, 2]

    with CaptureQueriesContext(connection) as loading:
        page = documents_in_order([other.pk, full.pk, bare.pk])
    assert len(loading.captured_queries) == 1 + len(LINES)
    assert [document.pk for document in page] == [other.pk, full.pk, bare.pk]
    with CaptureQueriesContext(connection) as reading:
        for document in page:
            assert _lines(document) == listed[document.pk]
            assert all(line.document is document for name in LINES for line in getattr(document, name).all())
    assert reading.captured_queries == []
    assert documents_in_order([]) == []
