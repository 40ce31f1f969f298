"""What the documents pages tests share (test_pages_documents.py,
test_pages_documents_search.py): a signed-in browser, an issued document, and
reading the list and counting the queries of a page."""

import datetime
import re

from django.test import Client
from django.urls import reverse

from registry.models import Document
from registry.services import document_issue

DAY = datetime.date(2024, 3, 1)
LIST = "/documents/"


def browser(user) -> Client:
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client


def issued(make_draft, clerk, issued_on: datetime.date = DAY, **fields) -> Document:
    return document_issue(document=make_draft(**fields), actor=clerk, issued_on=issued_on)


def detail_url(document: Document) -> str:
    return reverse("document-detail", args=[document.pk])


def listed_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/documents/(\d+)/"', response.content.decode())]


def count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)
