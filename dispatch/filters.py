import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from dispatch.models import Assignment, Delivery, Obligation
from dispatch.status import STATUS_CHOICES


class DeliveryFilter(django_filters.FilterSet):
    document = IdFilter(field_name="document_id")
    recipient = IdFilter(field_name="recipient_id")
    received = django_filters.BooleanFilter(field_name="received_at", lookup_expr="isnull", exclude=True)
    registered = django_filters.BooleanFilter(field_name="registered_as", lookup_expr="isnull", exclude=True)
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Only deliveries to my organization"))

    class Meta:
        model = Delivery
        fields = ["document", "recipient", "received", "registered", "mine"]

    def filter_mine(self, queryset: QuerySet[Delivery], name: str, value: bool | None) -> QuerySet[Delivery]:
        if not value:
            return queryset
        return queryset.filter(recipient_id=getattr(self.request.user, "organization_id", None))


class ObligationFilter(django_filters.FilterSet):
    document = IdFilter(field_name="document_id")
    organization = IdFilter(field_name="organization_id", label=_("Requesting organization"))
    obligated = IdFilter(field_name="assignments__organization_id", distinct=True, label=_("Obligated organization"))
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = Obligation
        fields = ["document", "organization", "obligated", "due_from", "due_to"]


class AssignmentFilter(django_filters.FilterSet):
    obligation = IdFilter(field_name="obligation_id")
    document = IdFilter(field_name="obligation__document_id")
    organization = IdFilter(field_name="organization_id")
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES)

    class Meta:
        model = Assignment
        fields = ["obligation", "document", "organization", "status"]
