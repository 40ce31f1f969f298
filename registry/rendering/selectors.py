"""Reads for printing outside users' requests."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from core.errors import NotFound
from registry.models import DistributionEntry, Document, DocumentAddressee


def printable_document(*, pk: int) -> Document:
    """A document with what printing reads (type, addressees, distribution),
    whoever may see it: for the administrators' admin and the operator's
    command. Users' requests read it with registry.selectors.document_get."""
    documents = Document.objects.select_related("doc_type").prefetch_related(
        Prefetch("addressees", queryset=DocumentAddressee.objects.order_by("position")),
        Prefetch("distribution", queryset=DistributionEntry.objects.order_by("position")),
    )
    try:
        return documents.get(pk=pk)
    except Document.DoesNotExist:
        raise NotFound(_("No document %(id)s.") % {"id": pk}) from None
