"""The clerk's pages for one reporting obligation: creating obligations from
the deadlines a plan states, following and reviewing the reports, moving a due
date and adding organizations, and who may do what there.

Its sibling test_pages_obligations_overview.py covers the pages across
obligations (the list, the leader's dashboard and drill-down) and their query
counts; what both share is in obligation_pages.py.
"""

import datetime

import pytest
import time_machine

from dispatch.models import Decision, Obligation
from dispatch.tests.conftest import at
from dispatch.tests.obligation_pages import DUE, browser, create_obligation, field_error, submit
from recipients.models import Role
from tests.factories import PartyOrganizationFactory, UserFactory


def form_data(rows):
    """What a browser sends back for the creation page as shown: every row's fields with their prefilled values."""
    data = {}
    for row in rows:
        form = row.form
        for name, _field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if name == "include":
                if value:
                    data[key] = "on"
            elif isinstance(value, list):
                data[key] = [str(item) for item in value]
            elif isinstance(value, datetime.date):
                data[key] = value.isoformat()
            elif value is not None:
                data[key] = str(value)
    return data


@pytest.fixture
def obligation(world):
    return create_obligation(world)


# ---------------------------------------------------------------- creating


@pytest.mark.django_db
def test_obligations_from_the_plans_deadline_for_three_organizations(world):
    """The plan states “trước ngày 01/12/2023”: the page proposes it due 30/11, for the addressed
    city and the addressed group of two districts; sent as shown, it obliges all three."""
    client = browser(world.clerk)
    url = f"/documents/{world.plan.pk}/obligations/new/"
    with time_machine.travel(at(2023, 11, 1), tick=False):
        page = client.get(url)
        assert page.status_code == 200
        rows = page.context["rows"]
        assert len(rows) == 2  # the stated deadline and a blank row for another obligation
        proposal, blank = rows
        assert proposal.deadline.due_on == DUE
        assert proposal.form["include"].value() is True
        assert blank.deadline is None
        assert not blank.form["include"].value()
        assert proposal.form["organizations"].value() == [world.districts[0].pk]
        assert proposal.form["groups"].value() == [world.group.pk]
        html = page.content.decode()
        assert 'value="2023-11-30"' in html
        assert "trước ngày 01/12/2023" in html
        assert '<label for="id_row-0-title">' in html

        response = client.post(url, form_data(rows))

    obligation = Obligation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/obligations/{obligation.pk}/"
    assert obligation.due_on == DUE
    assert "trước ngày 01/12/2023" in obligation.deadline_text
    assert obligation.title == proposal.deadline.text[:500]
    assert sorted(obligation.assignments.values_list("organization_name", flat=True)) == sorted(
        district.name for district in world.districts
    )

    with time_machine.travel(at(2023, 11, 2), tick=False):
        detail = client.get(response["Location"])
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "1 reporting obligation created." in html
    for district in world.districts:
        assert f">{district.name}</h3>" in html
    assert html.count('class="badge status--pending"') == 3
    assert "28 days left" in html


@pytest.mark.django_db
def test_edited_proposal_and_another_obligation(world):
    client = browser(world.clerk)
    url = f"/documents/{world.plan.pk}/obligations/new/"
    with time_machine.travel(at(2023, 11, 1), tick=False):
        data = form_data(client.get(url).context["rows"])
        data.update(
            {
                "row-0-title": "Báo cáo tổng kết",
                "row-0-due_on": "25/11/2023",  # typed the Vietnamese way
                "row-0-groups": [],
                "row-1-include": "on",
                "row-1-title": "Báo cáo số liệu phát hành",
                "row-1-due_on": "2023-12-15",
                "row-1-organizations": [],
                "row-1-groups": [str(world.group.pk)],
                "row-1-description": "Số lượng bản tin phát hành trong năm.",
            }
        )
        response = client.post(url, data)
    assert response.status_code == 302
    created = {o.title: o for o in Obligation.objects.all()}
    assert set(created) == {"Báo cáo tổng kết", "Báo cáo số liệu phát hành"}
    assert created["Báo cáo tổng kết"].due_on == datetime.date(2023, 11, 25)
    assert [a.organization_name for a in created["Báo cáo tổng kết"].assignments.all()] == ["Thành ủy Mỹ Tho"]
    other = created["Báo cáo số liệu phát hành"]
    assert other.deadline_text == ""
    assert other.description == "Số lượng bản tin phát hành trong năm."
    assert sorted(a.organization_name for a in other.assignments.all()) == ["Huyện ủy Chợ Gạo", "Huyện ủy Cái Bè"]


@pytest.mark.django_db
def test_creation_errors_come_back_next_to_the_fields_and_nothing_is_half_made(world):
    client = browser(world.clerk)
    url = f"/documents/{world.plan.pk}/obligations/new/"
    with time_machine.travel(at(2023, 11, 1), tick=False):
        data = form_data(client.get(url).context["rows"])
        # The first row is fine; the second has no organizations: the service refuses it, and the first is undone.
        data.update({"row-1-include": "on", "row-1-title": "Báo cáo khác", "row-1-due_on": "2023-12-01"})
        data.pop("row-1-organizations", None)
        data.pop("row-1-groups", None)
        refused = client.post(url, data)
        assert refused.status_code == 200
        html = refused.content.decode()
        assert field_error(html, "id_row-1-organizations") == "Choose the organizations that must report."
        assert 'aria-invalid="true"' in html
        assert Obligation.objects.count() == 0

        data.update({"row-0-title": "  ", "row-0-due_on": "31/02/2023"})
        bad = client.post(url, data).content.decode()
        assert field_error(bad, "id_row-0-title") == "Say what must be reported."
        assert field_error(bad, "id_row-0-due_on") == "Enter a valid date."

        nothing = client.post(url, {}).content.decode()
        assert "Tick at least one obligation to create." in nothing
    assert Obligation.objects.count() == 0


@pytest.mark.django_db
def test_a_draft_or_unseen_document_gets_no_obligations(world, clerk, make_draft):
    draft = make_draft(body="Báo cáo kết quả trước ngày 15/12/2023.")
    client = browser(world.clerk)
    assert client.get(f"/documents/{draft.pk}/obligations/new/").status_code == 404  # another office's draft
    own = browser(clerk).get(f"/documents/{draft.pk}/obligations/new/")
    assert own.status_code == 200
    assert "Reporting obligations belong to issued outgoing documents" in own.content.decode()
    assert '<form method="post" class="proposals">' not in own.content.decode()
    refused = browser(clerk).post(
        f"/documents/{draft.pk}/obligations/new/",
        {"row-0-include": "on", "row-0-title": "Báo cáo", "row-0-due_on": "2023-12-14"},
    )
    assert refused.status_code == 200
    assert "Obligations belong to issued documents" in refused.content.decode()
    assert not Obligation.objects.exists()
    reporter = browser(world.reporters[0])
    # The plan is addressed to Mỹ Tho, so its reporter sees it, but only the province's clerk obliges.
    response = reporter.get(f"/documents/{world.plan.pk}/obligations/new/")
    assert response.status_code == 403
    assert "Only a clerk" in response.content.decode()


# ---------------------------------------------------------------- one obligation and its reports


@pytest.mark.django_db
def test_detail_shows_a_reporters_submission_with_its_files(world, obligation):
    submission = submit(world, obligation, 1, at(2023, 11, 20, 14, 5), "12-BC/HU")
    client = browser(world.clerk)
    with time_machine.travel(at(2023, 11, 21), tick=False):
        response = client.get(f"/obligations/{obligation.pk}/")
    assert response.status_code == 200
    rows = {row.assignment.organization_name: row for row in response.context["rows"]}
    assert {name: row.assignment.status for name, row in rows.items()} == {
        "Thành ủy Mỹ Tho": "pending",
        "Huyện ủy Cái Bè": "submitted",
        "Huyện ủy Chợ Gạo": "pending",
    }
    html = response.content.decode()
    attachment = submission.incoming_document.attachments.get()
    file_url = f"/api/v1/submissions/{submission.pk}/files/{attachment.pk}/"
    assert file_url in html
    assert "12-BC/HU" in html
    assert "received 14:05 20/11/2023" in html
    assert f'action="/submissions/{submission.pk}/review/"' in html
    assert html.count("/review/") == 2  # accept, and return with a reason, for the one report
    assert f"/api/v1/compliance/export.xlsx?obligation={obligation.pk}" in html
    download = client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_accept_and_return_with_a_reason(world, obligation):
    mytho = submit(world, obligation, 0, at(2023, 11, 20))
    caibe = submit(world, obligation, 1, at(2023, 11, 21))
    client = browser(world.clerk)
    detail = f"/obligations/{obligation.pk}/"

    accepted = client.post(f"/submissions/{mytho.pk}/review/", {"decision": "accepted"})
    assert accepted.status_code == 302
    assert accepted["Location"] == f"{detail}#assignment-{mytho.assignment_id}"
    mytho.refresh_from_db()
    assert mytho.decision == Decision.ACCEPTED
    assert "The report of Thành ủy Mỹ Tho was accepted." in client.get(detail).content.decode()

    no_reason = client.post(f"/submissions/{caibe.pk}/review/", {"decision": "returned", "reason": "  "})
    assert no_reason.status_code == 200
    html = no_reason.content.decode()
    assert field_error(html, f"review-{caibe.pk}-reason") == "Say what must be revised."
    assert '<details class="review__return" open>' in html
    caibe.refresh_from_db()
    assert caibe.decision == ""

    returned = client.post(
        f"/submissions/{caibe.pk}/review/", {"decision": "returned", "reason": "Thiếu số liệu quý IV"}
    )
    assert returned.status_code == 302
    caibe.refresh_from_db()
    assert (caibe.decision, caibe.review_reason) == (Decision.RETURNED, "Thiếu số liệu quý IV")
    page = client.get(detail)
    statuses = {row.assignment.organization_name: row.assignment.status for row in page.context["rows"]}
    assert statuses["Thành ủy Mỹ Tho"] == "accepted"
    assert statuses["Huyện ủy Cái Bè"] == "returned"
    html = page.content.decode()
    assert "Thiếu số liệu quý IV" in html
    assert "/review/" not in html  # both reports are decided: nothing left to review

    again = client.post(f"/submissions/{caibe.pk}/review/", {"decision": "accepted"}, follow=True)
    assert "This report was already returned for revision." in again.content.decode()
    assert client.post(f"/submissions/{caibe.pk}/review/", {"decision": "maybe"}).status_code == 200
    assert client.post("/submissions/999999/review/", {"decision": "accepted"}).status_code == 404
    assert client.get(f"/submissions/{caibe.pk}/review/").status_code == 405


@pytest.mark.django_db
def test_a_leader_reads_but_cannot_create_or_review(world, obligation):
    submission = submit(world, obligation, 0, at(2023, 11, 20))
    leader = browser(world.leader)
    create_url = f"/documents/{world.plan.pk}/obligations/new/"
    refused_get = leader.get(create_url)
    assert refused_get.status_code == 403
    assert "Only a clerk (văn thư)" in refused_get.content.decode()
    assert leader.post(create_url, {"row-0-include": "on"}).status_code == 403

    detail = leader.get(f"/obligations/{obligation.pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "/review/" not in html
    assert "/due-date/" not in html
    assert "Add organizations" not in html

    for decision in ("accepted", "returned"):
        response = leader.post(f"/submissions/{submission.pk}/review/", {"decision": decision})
        assert response.status_code == 403
        assert "Only a clerk (văn thư)" in response.content.decode()
    submission.refresh_from_db()
    assert submission.decision == ""
    assignment = submission.assignment
    assert leader.post(f"/assignments/{assignment.pk}/due-date/", {"due_on": "2023-12-10"}).status_code == 403
    newcomer = PartyOrganizationFactory(name="Huyện ủy Gò Công Tây", abbreviation="HU", parent=world.province)
    add = leader.post(f"/obligations/{obligation.pk}/organizations/", {"organizations": [str(newcomer.pk)]})
    assert add.status_code == 403
    assert not obligation.assignments.filter(organization=newcomer).exists()
    assignment.refresh_from_db()
    assert assignment.due_on == DUE


@pytest.mark.django_db
def test_reporters_see_only_their_own_organization_and_cannot_review(world, obligation):
    submission = submit(world, obligation, 0, at(2023, 11, 20))
    other = browser(world.reporters[1])
    page = other.get(f"/obligations/{obligation.pk}/")
    assert [row.assignment.organization_name for row in page.context["rows"]] == ["Huyện ủy Cái Bè"]
    assert other.post(f"/submissions/{submission.pk}/review/", {"decision": "accepted"}).status_code == 404
    outsider = PartyOrganizationFactory(name="Huyện ủy Tân Phước", abbreviation="HU")
    stranger = browser(UserFactory(organization=outsider, role=Role.CLERK))
    assert stranger.get(f"/obligations/{obligation.pk}/").status_code == 404


@pytest.mark.django_db
def test_own_due_date_and_more_organizations(world, obligation):
    client = browser(world.clerk)
    assignment = obligation.assignments.get(organization=world.districts[2])
    moved = client.post(f"/assignments/{assignment.pk}/due-date/", {"due_on": "2023-12-10"})
    assert moved.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.due_on, assignment.due_on_overridden) == (datetime.date(2023, 12, 10), True)
    bad = client.post(f"/assignments/{assignment.pk}/due-date/", {"due_on": "10/13/2023"})
    assert field_error(bad.content.decode(), f"due-{assignment.pk}-due_on") == "Enter a valid date."
    back = client.post(f"/assignments/{assignment.pk}/due-date/", {"due_on": ""})
    assert back.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.due_on, assignment.due_on_overridden) == (DUE, False)

    newcomer = PartyOrganizationFactory(name="Huyện ủy Gò Công Tây", abbreviation="HU", parent=world.province)
    url = f"/obligations/{obligation.pk}/organizations/"
    page = client.get(f"/obligations/{obligation.pk}/")
    choices = dict(page.context["add_form"].fields["organizations"].choices)
    assert newcomer.pk in choices
    assert world.districts[0].pk not in choices
    assert world.province.pk not in choices
    empty = client.post(url, {})
    assert field_error(empty.content.decode(), "id_organizations") == "Choose the organizations to add."
    added = client.post(url, {"organizations": [str(newcomer.pk)]})
    assert added.status_code == 302
    assert obligation.assignments.filter(organization=newcomer).exists()
