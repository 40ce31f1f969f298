"""Helpers for the admin tests of every app."""

from typing import Any

from django.contrib.messages import get_messages
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext


def changeform_data(response: Any) -> dict[str, Any]:
    """What the admin form in `response` would post back unchanged: every
    field's current value and each inline's management form and rows."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def messages_of(response: HttpResponse) -> list[tuple[str, str]]:
    """The messages queued for the next page, as (level tag, text)."""
    return [(message.level_tag, str(message.message)) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def changelist_queries(client: Client, url: str) -> int:
    """Queries one changelist page takes, after a first visit has warmed the caches."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)
