"""The reporting-obligation pages across obligations and organizations: the
clerk's list with its filters, the leader's compliance dashboard chart and
per-organization drill-down, and queries that do not grow with the number of
organizations.

Its sibling test_pages_obligations.py covers the pages of one obligation
(creating, following, reviewing); what both share is in obligation_pages.py.
"""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dispatch.models import Assignment, Obligation, Submission
from dispatch.services import obligation_add_organizations, obligation_create, submission_create, submission_review
from dispatch.tests.conftest import at, pdf
from dispatch.tests.obligation_pages import DUE, TITLE, browser, create_obligation, field_error, submit
from recipients.models import Role
from tests.factories import PartyOrganizationFactory, UserFactory


@pytest.fixture
def obligation(world):
    return create_obligation(world)


# ---------------------------------------------------------------- list


@pytest.mark.django_db
def test_list_latest_due_first_and_filters(world, obligation):
    with time_machine.travel(at(2023, 11, 1), tick=False):
        later = obligation_create(
            document=world.plan,
            actor=world.clerk,
            title="Báo cáo số liệu phát hành",
            due_on=datetime.date(2023, 12, 15),
            organizations=[world.districts[1]],
        )
    submit(world, obligation, 0, at(2023, 11, 20))
    client = browser(world.clerk)
    with time_machine.travel(at(2023, 12, 5), tick=False):
        page = client.get("/obligations/")
        assert [o.title for o, _record in page.context["rows"]] == [later.title, obligation.title]
        counts = {o.title: record.total for o, record in page.context["rows"]}
        assert counts == {later.title: 1, obligation.title: 3}
        submitted = client.get("/obligations/?status=submitted")
        assert [o.title for o, _record in submitted.context["rows"]] == [obligation.title]
        pending = client.get("/obligations/?status=pending")
        assert [o.title for o, _record in pending.context["rows"]] == [later.title]
        by_document = client.get(f"/obligations/?document={world.plan.pk}")
        assert len(by_document.context["rows"]) == 2
        assert f"/documents/{world.plan.pk}/obligations/new/" in by_document.content.decode()
        bad = client.get("/obligations/?status=forgotten&document=abc")
    assert bad.status_code == 200
    html = bad.content.decode()
    assert field_error(html, "id_status")
    assert field_error(html, "id_document")
    assert len(bad.context["rows"]) == 2
    assert browser(world.reporters[2]).get("/obligations/").context["rows"][0][1].total == 1


# ---------------------------------------------------------------- the leader's dashboard and drill-down


@pytest.fixture
def reported(world, obligation):
    """Mỹ Tho on time (100%), Cái Bè late (0%), Chợ Gạo overdue (0%) on 05/12/2023;
    a second obligation owed by Cái Bè on time makes it 50%."""
    with time_machine.travel(at(2023, 11, 1), tick=False):
        second = obligation_create(
            document=world.plan,
            actor=world.clerk,
            title="Báo cáo nhanh",
            due_on=DUE,
            organizations=[world.districts[1]],
        )
    submit(world, obligation, 0, at(2023, 11, 28))
    submit(world, obligation, 1, at(2023, 12, 3))
    submit(world, second, 1, at(2023, 11, 29))
    return obligation, second


@pytest.mark.django_db
def test_dashboard_chart_has_one_bar_per_organization_with_its_percentage(world, reported):
    with time_machine.travel(at(2023, 12, 5), tick=False):
        response = browser(world.leader).get("/compliance/")
    html = response.content.decode()
    bars = re.findall(r'<g class="rate-chart__bar[^"]*">\s*<title>([^<]*)</title>(.*?)</g>', html, re.S)
    assert [title for title, _body in bars] == ["Huyện ủy Cái Bè: 50%", "Huyện ủy Chợ Gạo: 0%", "Thành ủy Mỹ Tho: 100%"]
    for title, body in bars:
        name, percent = title.rsplit(": ", 1)
        assert '<text class="rate-chart__label" x="0"' in body
        assert f">{name}</text>" in body
        assert f">{percent}</text>" in body
        width = percent.rstrip("%")
        if width != "0":
            assert 'class="rate-chart__fill" x="0"' in body
            assert f'width="{width}%"' in body
        else:
            assert "rate-chart__fill" not in body
    assert 'role="img"' in html
    assert '<title id="rate-chart-title">' in html
    assert 'href="#organizations-table"' in html  # the table with the same figures
    for district in world.districts:
        assert f'href="/compliance/organizations/{district.pk}/"' in html
    assert 'href="/api/v1/compliance/export.xlsx"' in html
    assert "style=" not in html
    assert "<script>" not in html


@pytest.mark.django_db
def test_organization_drilldown_shows_only_what_the_user_may_see(world, reported):
    review, _second = reported
    caibe, chogao = world.districts[1], world.districts[2]
    with time_machine.travel(at(2023, 12, 5), tick=False):
        leader = browser(world.leader).get(f"/compliance/organizations/{caibe.pk}/")
        assert leader.status_code == 200
        rows = [(row.obligation.title, row.status, late) for row, _label, late in leader.context["rows"]]
        assert sorted(rows) == sorted([(TITLE, "late", 3), ("Báo cáo nhanh", "submitted", None)])
        assert leader.context["summary"].on_time_percent == 50
        html = leader.content.decode()
        assert f"/api/v1/compliance/export.xlsx?organization={caibe.pk}" in html
        assert f'href="/compliance/obligations/{review.pk}/"' in html

        own = browser(world.reporters[2]).get(f"/compliance/organizations/{chogao.pk}/")
        assert own.status_code == 200
        assert [(row.status, late) for row, _label, late in own.context["rows"]] == [("overdue", 5)]
        assert browser(world.reporters[2]).get(f"/compliance/organizations/{caibe.pk}/").status_code == 404
        assert browser(world.leader).get(f"/compliance/organizations/{world.province.pk}/").status_code == 404
        assert browser(world.leader).get("/compliance/organizations/99999999/").status_code == 404
    assert Client().get(f"/compliance/organizations/{caibe.pk}/").status_code == 302


# ---------------------------------------------------------------- queries


# Session, user and the header's organization, then each page's own reads.
MAX_QUERIES = {"/obligations/": 7, "detail": 11, "/compliance/": 11, "drill-down": 7}


def grow(world, obligation, count):
    """`count` organizations in all owe every obligation; each new one reports on `obligation`, and
    some of those reports are accepted or returned, so every kind of row is on the pages."""
    existing = Assignment.objects.filter(obligation=obligation).count()
    new = [
        PartyOrganizationFactory(name=f"Đảng ủy xã số {n:02d}", abbreviation="ĐU", parent=world.province)
        for n in range(existing, count)
    ]
    reporters = [
        UserFactory(username=f"xa_{n}", organization=district, role=Role.REPORTER) for n, district in enumerate(new)
    ]
    with time_machine.travel(at(2023, 11, 1), tick=False):
        for each in Obligation.objects.all():
            obligation_add_organizations(obligation=each, actor=world.clerk, organizations=new)
    for index, reporter in enumerate(reporters):
        with time_machine.travel(at(2023, 11, 18 + index % 12), tick=False):
            submission = submission_create(obligation=obligation, actor=reporter, files=[pdf()])
        if index % 3 == 1:
            decision = "accepted" if index % 2 else "returned"
            submission_review(submission=submission, actor=world.clerk, decision=decision, reason="Bổ sung")


@pytest.mark.django_db
def test_queries_do_not_grow_with_organizations(world, django_assert_max_num_queries):
    """Obligations list, obligation detail, dashboard and drill-down cost the same with 2 and 20 organizations."""
    with time_machine.travel(at(2023, 11, 1), tick=False):
        obligation = obligation_create(
            document=world.plan, actor=world.clerk, title=TITLE, due_on=DUE, organizations=world.districts[:2]
        )
        obligation_create(
            document=world.plan, actor=world.clerk, title="Báo cáo nhanh", due_on=DUE, organizations=world.districts[:2]
        )
    submit(world, obligation, 0, at(2023, 11, 20))
    client = browser(world.clerk)
    caibe = world.districts[1]
    urls = {
        "/obligations/": "/obligations/",
        "detail": f"/obligations/{obligation.pk}/",
        "/compliance/": "/compliance/",
        "drill-down": f"/compliance/organizations/{caibe.pk}/",
    }

    def count_queries(organizations):
        assert Assignment.objects.filter(obligation=obligation).count() == organizations
        counts = {}
        for name, url in urls.items():
            with django_assert_max_num_queries(MAX_QUERIES[name]), CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[name] = len(captured.captured_queries)
        return counts

    with time_machine.travel(at(2023, 12, 5), tick=False):
        few = count_queries(2)
    grow(world, obligation, 20)
    assert Submission.objects.filter(assignment__obligation=obligation).count() == 19
    with time_machine.travel(at(2023, 12, 5), tick=False):
        many = count_queries(20)
        dashboard = client.get("/compliance/").content.decode()
    assert many == few
    assert dashboard.count('<g class="rate-chart__bar') == 20
