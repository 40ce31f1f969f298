"""What derives from a confidential document stays with it: its deliveries,
obligations, obligated organizations, reports and notifications are hidden
from users without clearance for it, in lists, counts and rates, exports, the
dashboard and the admin; its history gathers the events of all of them."""

import datetime
import io
from types import SimpleNamespace

import pytest
import time_machine
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dispatch.models import Notification
from dispatch.services import delivery_acknowledge, document_dispatch, obligation_create, submission_create
from dispatch.tests.conftest import at, pdf
from recipients.models import Clearance, Role, User
from registry.models import Confidentiality, Document
from registry.services import AddresseeInput, DistributionInput, document_create_draft, document_issue
from tests.factories import UserFactory, doc_type

NOW = at(2023, 6, 10, 10)
SECRET_SUBJECT = "Kế hoạch bảo vệ bí mật nhà nước trong công tác tuyên giáo"


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def classified(world):
    """The province's clerk (cleared for Tối mật) issues a Mật plan to two
    districts and asks them for a report due 31/05/2023; Cái Bè's reporter
    (cleared for Mật) opens it and reports on 20/05, Mỹ Tho's (no clearance)
    does not. The public plan asks all three districts for a report due
    30/06/2023. Seen on 10/06/2023 by the province's leader without clearance
    (`world.leader`) and by one cleared for Mật (`cleared`)."""
    User.objects.filter(pk=world.clerk.pk).update(clearance=Clearance.SECRET)
    world.clerk.refresh_from_db()
    cleared_reporter = world.reporters[1]
    User.objects.filter(pk=cleared_reporter.pk).update(clearance=Clearance.CONFIDENTIAL)
    cleared_reporter.refresh_from_db()
    cleared = UserFactory(
        username="lanhdao_mat", organization=world.province, role=Role.LEADER, clearance=Clearance.CONFIDENTIAL
    )
    with time_machine.travel(at(2023, 5, 2), tick=False):
        draft = document_create_draft(
            register=world.outgoing,
            actor=world.clerk,
            doc_type=doc_type("KH"),
            subject=SECRET_SUBJECT,
            signer_authority="T/M BAN THƯỜNG VỤ",
            confidentiality=Confidentiality.CONFIDENTIAL,
            addressees=[
                AddresseeInput(organization=world.districts[0]),
                AddresseeInput(organization=world.districts[1]),
            ],
            distribution=[DistributionInput(kind="as_above"), DistributionInput(text="Lưu VPTU")],
        )
        plan = document_issue(document=draft, actor=world.clerk)
        document_dispatch(document=plan, actor=world.clerk)
    with time_machine.travel(at(2023, 5, 3), tick=False):
        public = obligation_create(
            document=world.plan,
            actor=world.clerk,
            title="Báo cáo sơ kết công khai",
            due_on=datetime.date(2023, 6, 30),
            organizations=world.districts,
        )
        secret = obligation_create(
            document=plan,
            actor=world.clerk,
            title="Báo cáo tình hình bảo vệ bí mật",
            due_on=datetime.date(2023, 5, 31),
            organizations=world.districts[:2],
        )
    with time_machine.travel(at(2023, 5, 20), tick=False):
        delivery_acknowledge(delivery=plan.deliveries.get(recipient=world.districts[1]), actor=cleared_reporter)
        report = submission_create(obligation=secret, actor=cleared_reporter, files=[pdf()])
    with time_machine.travel(NOW, tick=False):
        yield SimpleNamespace(
            plan=plan, public=public, secret=secret, report=report, cleared=cleared, uncleared=world.leader
        )


@pytest.mark.django_db
def test_deliveries_and_obligations_of_a_hidden_document_are_not_listed(world, classified):
    for user, deliveries, obligations in ((classified.uncleared, 0, 1), (classified.cleared, 2, 2)):
        client = api(user)
        assert client.get("/api/v1/deliveries/").json()["count"] == deliveries
        assert client.get("/api/v1/obligations/").json()["count"] == obligations
    assert api(classified.uncleared).get(f"/api/v1/obligations/{classified.secret.pk}/").status_code == 404
    assert api(classified.cleared).get(f"/api/v1/obligations/{classified.secret.pk}/").status_code == 200
    # A district without clearance does not see what it was sent or asked either.
    reporter = api(world.reporters[0])
    assert reporter.get("/api/v1/deliveries/", {"mine": "true"}).json()["count"] == 0
    assert reporter.get("/api/v1/obligations/").json()["count"] == 1
    answer = reporter.post(f"/api/v1/obligations/{classified.secret.pk}/submissions/", {"file": [pdf()]})
    assert answer.status_code == 404


@pytest.mark.django_db
def test_compliance_counts_and_rates_leave_out_the_hidden_obligations(classified):
    for user, rows, overdue, obligations in ((classified.uncleared, 3, 0, 1), (classified.cleared, 5, 1, 2)):
        client = api(user)
        body = client.get("/api/v1/compliance/").json()
        assert (body["count"], body["summary"]["organizations"]) == (rows, rows)
        assert body["summary"]["counts"]["overdue"] == overdue
        assert client.get("/api/v1/compliance/overdue/").json()["count"] == overdue
        assert client.get("/api/v1/compliance/obligations/").json()["count"] == obligations
        per_organization = client.get("/api/v1/compliance/organizations/").json()["results"]
        assert sum(row["obligations"] for row in per_organization) == rows
    hidden = api(classified.uncleared).get("/api/v1/compliance/", {"document": classified.plan.pk}).json()
    assert (hidden["count"], hidden["summary"]["organizations"], hidden["summary"]["on_time_rate"]) == (0, 0, None)
    shown = api(classified.cleared).get("/api/v1/compliance/", {"document": classified.plan.pk}).json()
    assert (shown["count"], shown["summary"]["on_time_rate"]) == (2, 0.5)


@pytest.mark.django_db
def test_the_export_has_no_rows_of_hidden_documents(classified):
    def export(user: User, **params: int) -> tuple[int, str]:
        response = api(user).get("/api/v1/compliance/export.xlsx", params)
        if response.status_code != 200:
            return response.status_code, ""
        sheet = load_workbook(io.BytesIO(response.content)).active
        return 200, " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell)

    status, text = export(classified.uncleared)
    assert status == 200
    assert "bảo vệ bí mật" not in text
    assert classified.plan.notation not in text
    assert export(classified.uncleared, document=classified.plan.pk)[0] == 404
    assert export(classified.uncleared, obligation=classified.secret.pk)[0] == 404
    assert classified.plan.notation in export(classified.cleared)[1]


@pytest.mark.django_db
def test_the_dashboard_counts_only_what_the_reader_is_cleared_for(classified):
    hidden = browser(classified.uncleared).get(reverse("compliance"))
    shown = browser(classified.cleared).get(reverse("compliance"))
    assert (hidden.context["summary"].total, shown.context["summary"].total) == (3, 5)
    assert (hidden.context["overdue"].paginator.count, shown.context["overdue"].paginator.count) == (0, 1)
    assert "bảo vệ bí mật" not in hidden.content.decode()
    page = reverse("compliance-obligation", args=[classified.secret.pk])
    assert browser(classified.uncleared).get(page).status_code == 404
    assert browser(classified.cleared).get(page).status_code == 200


@pytest.mark.django_db
def test_reports_on_a_hidden_document_are_hidden_and_classified_like_it(classified):
    report = classified.report.incoming_document
    assert report.confidentiality == Confidentiality.CONFIDENTIAL
    assert api(classified.uncleared).get(f"/api/v1/submissions/{classified.report.pk}/").status_code == 404
    assert api(classified.cleared).get(f"/api/v1/submissions/{classified.report.pk}/").status_code == 200
    listed = api(classified.uncleared).get("/api/v1/documents/", {"direction": "incoming"}).json()
    assert report.pk not in {row["id"] for row in listed["results"]}
    attachment = report.attachments.get()
    assert (
        api(classified.uncleared).get(f"/api/v1/submissions/{classified.report.pk}/files/{attachment.pk}/").status_code
        == 404
    )


@pytest.mark.django_db
def test_notifications_naming_a_hidden_document_are_not_shown(world, classified):
    """GIVEN Mỹ Tho's reporter, not cleared for the Mật plan sent to Mỹ Tho
    THEN they were never notified of it, and a notification they got before
    it was classified (made here directly) is not listed nor readable."""
    uncleared, cleared = world.reporters[0], world.reporters[1]
    assert not Notification.objects.filter(user=uncleared, document=classified.plan).exists()
    assert Notification.objects.filter(user=cleared, document=classified.plan).exists()
    earlier = Notification.objects.create(
        user=uncleared, kind="delivery", title=classified.plan.subject[:300], document=classified.plan
    )
    hidden_ids = {earlier.pk}
    listed = {row["id"] for row in api(uncleared).get("/api/v1/notifications/").json()["results"]}
    assert listed
    assert not listed & hidden_ids
    assert api(uncleared).post(f"/api/v1/notifications/{min(hidden_ids)}/read/").status_code == 404
    cleared_titles = [row["title"] for row in api(cleared).get("/api/v1/notifications/").json()["results"]]
    assert any("bảo vệ bí mật" in title for title in cleared_titles)


@pytest.mark.django_db
def test_the_admin_hides_the_rows_of_hidden_documents_from_administrators_without_clearance(classified):
    admin = UserFactory(username="quantri", role=Role.ADMIN, organization=None, is_staff=True)
    superuser = UserFactory(username="root", role=Role.ADMIN, organization=None, is_staff=True, is_superuser=True)

    def count(user: User, model: str) -> int:
        return browser(user).get(reverse(f"admin:dispatch_{model}_changelist")).context["cl"].result_count

    expected = {"delivery": (0, 2), "obligation": (1, 2), "assignment": (3, 5), "submission": (0, 1)}
    for model, (hidden, shown) in expected.items():
        assert (count(admin, model), count(superuser, model)) == (hidden, shown), model
    notifications = Notification.objects.count()
    # Those naming the plan, its obligation, or the report (classified as the plan).
    hidden_notifications = Notification.objects.filter(
        Q(document__confidentiality=Confidentiality.CONFIDENTIAL) | Q(obligation__document=classified.plan)
    ).count()
    assert hidden_notifications > Notification.objects.filter(document=classified.plan).count()
    assert count(superuser, "notification") == notifications
    assert count(admin, "notification") == notifications - hidden_notifications
    change = reverse("admin:dispatch_obligation_change", args=[classified.secret.pk])
    assert browser(admin).get(change).status_code == 302
    assert browser(superuser).get(change).status_code == 200


@pytest.mark.django_db
def test_a_documents_history_gathers_its_deliveries_obligations_and_reports(classified):
    body = api(classified.cleared).get(f"/api/v1/documents/{classified.plan.pk}/history/").json()
    events = [(row["action"], row["object_type"]) for row in body["results"]]
    assert events == [
        ("submission.create", "dispatch.submission"),
        ("delivery.receive", "dispatch.delivery"),
        ("obligation.create", "dispatch.obligation"),
        ("document.deliver", "registry.document"),
        ("document.dispatch", "registry.document"),
        ("document.issue", "registry.document"),
        ("document.create_draft", "registry.document"),
    ]
    assert body["results"][1]["actor"] == classified.report.submitted_by.username
    # The report's own history: its registration and the submission it belongs to.
    report = classified.report.incoming_document
    reported = api(classified.cleared).get(f"/api/v1/documents/{report.pk}/history/").json()
    assert {row["action"] for row in reported["results"]} >= {"document.register_incoming", "submission.create"}
    # The public plan's history has none of the secret plan's events.
    public = api(classified.cleared).get(f"/api/v1/documents/{classified.public.document_id}/history/").json()
    assert "Báo cáo tình hình bảo vệ bí mật" not in str(public)
    assert Document.objects.get(pk=classified.public.document_id).confidentiality == Confidentiality.NORMAL
