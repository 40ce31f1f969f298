"""The dispatch admin: every record listed, searched and filtered with a
constant number of queries; obligations corrected and reports reviewed only
through the services; nothing added or deleted."""

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent
from core.tests import changeform_data, changelist_queries, messages_of
from dispatch.admin import STATUS_LABELS
from dispatch.models import Assignment, Delivery, Notification, Obligation, Reminder, Submission
from dispatch.services import (
    delivery_acknowledge,
    delivery_register,
    document_dispatch,
    obligation_create,
    submission_create,
    submission_record_paper,
    submission_review,
)
from dispatch.services.notify import notify
from dispatch.services.reminders import reminders_send
from dispatch.tests.conftest import at, pdf
from recipients.models import Role
from registry.models import Direction
from tests.factories import PartyOrganizationFactory, RegisterFactory, UserFactory

DUE = datetime.date(2023, 11, 30)
TITLE = "Báo cáo tổng kết 35 năm Bản tin sinh hoạt chi bộ"
MODELS = ("delivery", "obligation", "assignment", "submission", "reminder", "notification")


def label(status):
    """A status as the admin shows it: in Vietnamese, the language of requests without Accept-Language."""
    with translation.override("vi"):
        return str(STATUS_LABELS[status])


def changelist(model):
    return reverse(f"admin:dispatch_{model}_changelist")


def change_url(obj):
    return reverse(f"admin:dispatch_{obj._meta.model_name}_change", args=[obj.pk])


def listed(client, model, **params):
    response = client.get(changelist(model), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def act(client, action, submissions, **extra):
    data = {"action": action, "_selected_action": [s.pk for s in submissions], **extra}
    return client.post(changelist("submission"), data)


@pytest.fixture
def records(world):
    """The plan dispatched (Mỹ Tho has received and registered it); every
    district owes a report by 30/11/2023: Mỹ Tho reported on time, Cái Bè
    late, Chợ Gạo not at all and was reminded."""
    with time_machine.travel(at(2023, 11, 1), tick=False):
        deliveries = document_dispatch(document=world.plan, actor=world.clerk).deliveries
        RegisterFactory(owner=world.districts[0], name="Sổ đến", direction=Direction.INCOMING, system="party")
        delivery_register(delivery=deliveries[0], actor=world.district_clerks[0])
        obligation = obligation_create(
            document=world.plan, actor=world.clerk, title=TITLE, due_on=DUE, organizations=world.districts
        )
    with time_machine.travel(at(2023, 11, 28), tick=False):
        on_time = submission_create(obligation=obligation, actor=world.reporters[0], files=[pdf()])
    with time_machine.travel(at(2023, 12, 3), tick=False):
        late = submission_create(obligation=obligation, actor=world.reporters[1], files=[pdf()])
    reminders_send(today=DUE - datetime.timedelta(days=7))
    return obligation, on_time, late


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_every_record_is_listed_and_shown_read_only_or_through_its_service(admin_client, records, model):
    [row, *_rest] = listed(admin_client, model)
    page = admin_client.get(change_url(row))
    assert page.status_code == 200
    # Only an obligation's title, description and due date can be saved.
    assert ('name="_save"' in page.content.decode()) == (model == "obligation")


@pytest.mark.django_db
def test_deliveries_are_searched_and_filtered(admin_client, world, records):
    received = Delivery.objects.get(recipient=world.districts[0])
    assert len(listed(admin_client, "delivery", q=world.plan.notation)) == 3
    assert listed(admin_client, "delivery", q="Mỹ Tho") == [received]
    assert listed(admin_client, "delivery", received="yes") == [received]
    assert len(listed(admin_client, "delivery", received="no")) == 2
    assert listed(admin_client, "delivery", registered="yes") == [received]
    assert len(listed(admin_client, "delivery", channel__exact="electronic", sent_at__year="2023")) == 3
    assert listed(admin_client, "delivery", channel__exact="paper") == []
    assert listed(admin_client, "delivery", recipient__id__exact=world.districts[0].pk) == [received]


@pytest.mark.django_db
def test_obligations_are_searched_by_title_notation_and_organizations(admin_client, world, records):
    obligation, *_ = records
    other = obligation_create(
        document=world.plan, actor=world.clerk, title="Báo cáo sơ kết", due_on=DUE, organizations=world.districts[:1]
    )
    assert listed(admin_client, "obligation", q="tổng kết") == [obligation]
    assert set(listed(admin_client, "obligation", q=world.plan.notation)) == {obligation, other}
    assert listed(admin_client, "obligation", q="Chợ Gạo") == [obligation]
    assert set(listed(admin_client, "obligation", q="Tiền Giang")) == {obligation, other}
    assert len(listed(admin_client, "obligation", organization__id__exact=world.province.pk, due_on__year="2023")) == 2
    counts = {row.pk: row.organization_count for row in listed(admin_client, "obligation")}
    assert counts == {obligation.pk: 3, other.pk: 1}


@pytest.mark.django_db
def test_assignments_are_filtered_by_the_status_derived_today(admin_client, world, records):
    _obligation, on_time, late = records
    submission_review(submission=on_time, actor=world.clerk, decision="accepted")
    submission_review(submission=late, actor=world.clerk, decision="returned", reason="Thiếu số liệu")
    later = obligation_create(
        document=world.plan,
        actor=world.clerk,
        title="Báo cáo năm sau",
        due_on=datetime.date(2999, 12, 31),
        organizations=world.districts[:1],
    )
    with time_machine.travel(at(2024, 1, 2), tick=False):
        submission_create(obligation=later, actor=world.reporters[0], files=[pdf()])
    expected = {
        "accepted": ("Thành ủy Mỹ Tho", TITLE),
        "returned": ("Huyện ủy Cái Bè", TITLE),
        "overdue": ("Huyện ủy Chợ Gạo", TITLE),
        "submitted": ("Thành ủy Mỹ Tho", "Báo cáo năm sau"),
    }
    for status, row in expected.items():
        found = listed(admin_client, "assignment", status=status)
        assert [(a.organization_name, a.obligation.title) for a in found] == [row], status
    assert listed(admin_client, "assignment", status="late") == []
    assert listed(admin_client, "assignment", status="pending") == []
    assert len(listed(admin_client, "assignment", status="nonsense")) == 4
    page = admin_client.get(changelist("assignment"), {"status": "returned"}).content.decode()
    assert label("returned") in page
    assert [a.organization_name for a in listed(admin_client, "assignment", q="cai be")] == []
    assert [a.organization_name for a in listed(admin_client, "assignment", q="Cái Bè")] == ["Huyện ủy Cái Bè"]
    assert len(listed(admin_client, "assignment", q=world.plan.notation, due_on__year="2023")) == 3


@pytest.mark.django_db
def test_submissions_reminders_and_notifications_are_searched_and_filtered(admin_client, world, records):
    _obligation, on_time, late = records
    submission_review(submission=on_time, actor=world.clerk, decision="accepted")
    assert listed(admin_client, "submission", decision__exact="accepted") == [on_time]
    assert listed(admin_client, "submission", decision__exact="") == [late]
    assert listed(admin_client, "submission", q="Cái Bè", on_paper__exact="0") == [late]
    assert len(listed(admin_client, "submission", q=world.plan.notation, submitted_at__year="2023")) == 2

    [reminder] = listed(admin_client, "reminder")
    assert reminder.assignment.organization_name == "Huyện ủy Chợ Gạo"
    assert listed(admin_client, "reminder", kind__exact="due_soon", q="Chợ Gạo") == [reminder]
    assert listed(admin_client, "reminder", kind__exact="overdue") == []

    inbox = Notification.objects.filter(user=world.clerk)
    inbox.filter(kind="submission").update(read_at=at(2023, 12, 4))
    unread = listed(admin_client, "notification", read="no", q="vanthu_tu")
    assert unread == list(inbox.filter(read_at__isnull=True))
    assert len(listed(admin_client, "notification", read="yes", kind="submission")) == 2
    assert listed(admin_client, "notification", q="Cái Bè", kind="submission") == list(
        inbox.filter(kind="submission", title__contains="Cái Bè")
    )
    assert len(listed(admin_client, "notification", q=world.plan.notation, kind="obligation")) == 6


@pytest.mark.django_db
def test_an_obligation_is_corrected_through_the_service(admin_client, admin_user, world, records):
    obligation, *_ = records
    page = admin_client.get(change_url(obligation))
    assert {row.organization_name: row.status for row in page.context["inline_admin_formsets"][0].formset.queryset} == {
        "Thành ủy Mỹ Tho": "submitted",
        "Huyện ủy Cái Bè": "late",
        "Huyện ủy Chợ Gạo": "overdue",
    }
    assert label("overdue") in page.content.decode()
    data = changeform_data(page)
    data.update(title="Báo cáo tổng kết 35 năm (bổ sung)", due_on="2023-12-15")
    assert admin_client.post(change_url(obligation), data).status_code == 302
    obligation.refresh_from_db()
    assert (obligation.title, obligation.due_on) == ("Báo cáo tổng kết 35 năm (bổ sung)", datetime.date(2023, 12, 15))
    assert set(obligation.assignments.values_list("due_on", flat=True)) == {datetime.date(2023, 12, 15)}
    event = AuditEvent.objects.for_object(obligation).get(action="obligation.update")
    assert (event.actor, set(event.changes)) == (admin_user, {"title", "due_on"})


@pytest.mark.django_db
def test_a_refused_obligation_change_stays_on_the_form_with_the_reason(admin_client, records):
    obligation, *_ = records
    data = changeform_data(admin_client.get(change_url(obligation)))
    data["title"] = "Báo cáo\x01 tổng kết"
    response = admin_client.post(change_url(obligation), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"]
    assert response.context["adminform"].form["title"].value() == "Báo cáo\x01 tổng kết"
    obligation.refresh_from_db()
    assert obligation.title == TITLE
    assert not AuditEvent.objects.for_object(obligation).filter(action="obligation.update").exists()


@pytest.mark.django_db
def test_accepting_goes_through_the_service_and_reports_each_refusal(admin_client, admin_user, world, records):
    _obligation, on_time, late = records
    submission_review(submission=late, actor=world.clerk, decision="returned", reason="Thiếu số liệu")
    with time_machine.travel(at(2023, 12, 6), tick=False):
        revised = submission_create(obligation=late.assignment.obligation, actor=world.reporters[1], files=[pdf()])

    response = act(admin_client, "accept_submissions", [on_time, late, revised])
    assert response.status_code == 302
    on_time.refresh_from_db()
    revised.refresh_from_db()
    assert (on_time.decision, on_time.reviewed_by, revised.decision) == ("accepted", admin_user, "accepted")
    [(refused, refusal), (done, report)] = messages_of(response)
    assert (refused, done) == ("error", "success")
    assert str(late) in refusal
    assert str(on_time) in report
    assert str(revised) in report
    assert AuditEvent.objects.filter(action="submission.accepted", actor=admin_user).count() == 2

    admin_client.get(changelist("submission"))  # shows, and so clears, the messages above
    again = act(admin_client, "accept_submissions", [on_time])
    assert [level for level, _text in messages_of(again)] == ["error"]


@pytest.mark.django_db
def test_returning_asks_for_the_reason_then_goes_through_the_service(admin_client, admin_user, world, records):
    _obligation, on_time, late = records
    asked = act(admin_client, "return_submissions", [late], index="0")
    assert asked.status_code == 200
    page = asked.content.decode()
    assert str(late) in page
    assert '<input type="hidden" name="action" value="return_submissions">' in page
    assert f'<input type="hidden" name="_selected_action" value="{late.pk}">' in page

    blank = act(admin_client, "return_submissions", [late], apply="1", reason="   ")
    assert blank.status_code == 200
    assert blank.context["form"].errors["reason"]
    late.refresh_from_db()
    assert late.decision == ""

    submission_review(submission=on_time, actor=world.clerk, decision="accepted")
    done = act(admin_client, "return_submissions", [on_time, late], apply="1", reason="Thiếu số liệu năm 2023")
    assert done.status_code == 302
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.decision, late.review_reason, late.reviewed_by) == ("returned", "Thiếu số liệu năm 2023", admin_user)
    assert on_time.decision == "accepted"
    assert [level for level, _text in messages_of(done)] == ["error", "success"]
    assert late.assignment.returned_at is not None
    assert Notification.objects.filter(kind="submission_returned", user=world.reporters[1]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_nothing_is_added_or_deleted_and_records_are_not_edited(admin_client, admin_user, records, model):
    row = listed(admin_client, model)[0]
    model_admin = admin.site._registry[type(row)]
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request, row)
    assert model_admin.has_change_permission(request, row) == (model == "obligation")
    assert admin_client.get(reverse(f"admin:dispatch_{model}_add")).status_code == 403
    delete_url = reverse(f"admin:dispatch_{model}_delete", args=[row.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    if model != "obligation":
        assert admin_client.post(change_url(row), {"note": "sửa", "title": "sửa"}).status_code == 403
    actions = admin_client.get(changelist(model)).context["action_form"]
    offered = [name for name, _label in actions.fields["action"].choices] if actions else []
    assert "delete_selected" not in offered
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_only_administrators_have_the_dispatch_admin(client, world, records):
    _obligation, on_time, _late = records
    staff_clerk = UserFactory(organization=world.province, role=Role.CLERK, is_staff=True)
    client.force_login(staff_clerk)
    for model in MODELS:
        assert client.get(changelist(model)).status_code == 403
    refused = client.post(changelist("submission"), {"action": "accept_submissions", "_selected_action": [on_time.pk]})
    assert refused.status_code == 403
    on_time.refresh_from_db()
    assert on_time.decision == ""


def _deliveries(world, count):
    """Deliveries to new districts, each received and registered by their clerk."""
    for _ in range(count):
        district = PartyOrganizationFactory(level="district", parent=world.province)
        RegisterFactory(owner=district, direction=Direction.INCOMING, system="party")
        result = document_dispatch(document=world.plan, actor=world.clerk, extra_recipients=[district])
        delivery = next(d for d in result.deliveries if d.recipient_id == district.pk)
        delivery_acknowledge(delivery=delivery, actor=UserFactory(organization=district, role=Role.REPORTER))
        delivery_register(delivery=delivery, actor=UserFactory(organization=district, role=Role.CLERK))


def _obligations(world, count):
    for index in range(count):
        obligation_create(
            document=world.plan, actor=world.clerk, title=f"Báo cáo {index}", due_on=DUE, organizations=world.districts
        )


def _obligated(world, count):
    districts = [PartyOrganizationFactory(level="district", parent=world.province) for _ in range(count)]
    obligation = obligation_create(
        document=world.plan, actor=world.clerk, title="Báo cáo", due_on=DUE, organizations=districts
    )
    return obligation, districts


def _assignments(world, count):
    _obligated(world, count)


def _submissions(world, count):
    """Paper reports, every other one reviewed."""
    obligation, districts = _obligated(world, count)
    for index, district in enumerate(districts):
        submission = submission_record_paper(
            obligation=obligation,
            organization=district,
            actor=world.clerk,
            received_at=at(2023, 11, 20),
            files=[pdf()],
        )
        if index % 2:
            submission_review(submission=submission, actor=world.clerk, decision="accepted")


def _reminders(world, count):
    _obligated(world, count)
    reminders_send(today=DUE - datetime.timedelta(days=7))


def _notifications(world, count):
    notify(
        [UserFactory(organization=world.province) for _ in range(count)],
        kind="delivery",
        title="Văn bản mới",
        document=world.plan,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("delivery", _deliveries),
        ("obligation", _obligations),
        ("assignment", _assignments),
        ("submission", _submissions),
        ("reminder", _reminders),
        ("notification", _notifications),
    ],
)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, world, model, make):
    make(world, 3)
    few = changelist_queries(admin_client, changelist(model))
    make(world, 20)
    assert changelist_queries(admin_client, changelist(model)) == few
    rows = admin_client.get(changelist(model)).context["cl"].result_count
    assert rows >= 23


@pytest.mark.django_db
def test_models_are_all_registered():
    for model in (Delivery, Obligation, Assignment, Submission, Reminder, Notification):
        assert model in admin.site._registry
