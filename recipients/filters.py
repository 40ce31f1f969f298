import re

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from core.text import fold
from core.time import office_today
from recipients.models import Organization, OrganizationLevel, OrganizationSystem

_WORD = re.compile(r"[^\W_]+")
# More words only narrow further; the cap keeps the SQL bounded.
MAX_WORDS = 32


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name, abbreviation or code (diacritics optional)"))
    system = django_filters.ChoiceFilter(choices=OrganizationSystem.choices)
    level = django_filters.ChoiceFilter(choices=OrganizationLevel.choices)
    parent = IdFilter(field_name="parent_id")
    abbreviation = django_filters.CharFilter(lookup_expr="iexact")
    active = django_filters.BooleanFilter(method="filter_active", label=_("Active today"))

    class Meta:
        model = Organization
        fields = ["q", "system", "level", "parent", "abbreviation", "active"]

    def filter_q(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        """Every word, folded, within the folded names and code; on PostgreSQL
        a trigram index (registry migration 0003) serves these substring matches.
        Words are cut as registry.search cuts them: punctuation only separates."""
        words = _WORD.findall(fold(value))[:MAX_WORDS]
        if not words:
            return queryset.none()
        for word in words:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def filter_active(self, queryset: QuerySet[Organization], name: str, value: bool | None) -> QuerySet[Organization]:
        if value is None:
            return queryset
        active = Organization.objects.active_on(office_today()).values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)
