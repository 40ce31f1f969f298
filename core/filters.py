"""Filters shared by the API's filter sets."""

from typing import Any

import django_filters
from django import forms

# The largest id a BIGINT column holds: larger numbers are not ids, and asking
# the database for them fails instead of finding nothing.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.Filter):
    """A whole-number id (1 … 2^63−1); anything else is a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
