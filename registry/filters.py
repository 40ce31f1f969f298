import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from recipients.models import User
from registry.models import Direction, Document, DocumentStatus
from registry.search import filter_by_notation, search_documents
from registry.selectors import search_scopes


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label=_("Search notation, subject, body, issuer, signer and addressees")
    )
    notation = django_filters.CharFilter(method="filter_notation", label=_("Number and notation"))
    doc_type = django_filters.CharFilter(field_name="doc_type__code", label=_("Document type code"))
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices)
    issuer = IdFilter(field_name="issuer_id", label=_("Issuer (organization id)"))
    register = IdFilter(field_name="register_id", label=_("Register id"))
    issued_from = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label=_("Issued on or after"))
    issued_to = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte", label=_("Issued on or before"))

    class Meta:
        model = Document
        fields = ["q", "notation", "doc_type", "direction", "status", "issuer", "register", "issued_from", "issued_to"]

    def filter_q(self, queryset: QuerySet[Document], name: str, value: str) -> QuerySet[Document]:
        # The queryset holds what the requesting user may see (registry.selectors.document_list);
        # the search reads the matches under each way of seeing (registry.search.search_documents).
        user = getattr(self.request, "user", None)
        scopes = search_scopes(user) if isinstance(user, User) else None
        return search_documents(queryset, value, scopes=scopes)

    def filter_notation(self, queryset: QuerySet[Document], name: str, value: str) -> QuerySet[Document]:
        return filter_by_notation(queryset, value)
