"""What the reporting-obligation page tests share (test_pages_obligations.py,
test_pages_obligations_overview.py): a logged-in browser, the error shown under
a field, the obligation the plan's deadline calls for, and a district's report."""

import datetime
import re

import time_machine
from django.test import Client

from dispatch.services import obligation_create, submission_create
from dispatch.tests.conftest import at, pdf

DUE = datetime.date(2023, 11, 30)
DEADLINE_TEXT = "gởi báo cáo về Ban Thường vụ Tỉnh ủy"
TITLE = "Báo cáo tổng kết 35 năm Bản tin sinh hoạt chi bộ"


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def field_error(html, field_id):
    """The error text shown under the field with this id (templates/forms/field.html)."""
    found = re.search(rf'<div class="form__error" id="{re.escape(field_id)}_error">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)).strip() if found else None


def create_obligation(world):
    """Tiền Giang's report on its plan, owed by its three districts by 30/11/2023."""
    with time_machine.travel(at(2023, 11, 1), tick=False):
        return obligation_create(
            document=world.plan,
            actor=world.clerk,
            title=TITLE,
            due_on=DUE,
            organizations=world.districts,
            deadline_text=DEADLINE_TEXT,
        )


def submit(world, obligation, index, when, notation=""):
    with time_machine.travel(when, tick=False):
        return submission_create(
            obligation=obligation, actor=world.reporters[index], files=[pdf()], report_notation=notation
        )
