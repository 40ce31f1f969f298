"""Links between pages of one of several paginated lists on a page."""

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], name: str, value: object) -> str:
    """The current query string with `name` set to `value` (the other lists keep their pages)."""
    query = context["request"].GET.copy()
    query[name] = str(value)
    return query.urlencode()
