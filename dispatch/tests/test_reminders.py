"""Reminders: due soon at 7, 3 and 1 days, overdue on day 1 and every 7 days
after, each once, to the organizations that still owe their report; the daily
task and the commands around them."""

import datetime
import io
import smtplib

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.tasks import TaskResultStatus
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from config.settings import env_positive_ints
from core.models import AuditEvent
from dispatch.models import Notification, Reminder
from dispatch.services import obligation_create, submission_create, submission_review
from dispatch.services.reminders import reminders_send
from dispatch.tasks import send_daily_reminders
from dispatch.tests.conftest import at, pdf
from recipients.models import Role
from registry.services import document_withdraw
from tests.factories import UserFactory

DUE = datetime.date(2023, 11, 30)
TITLE = "Báo cáo tổng kết 35 năm Bản tin sinh hoạt chi bộ"
MY_THO = "Thành ủy Mỹ Tho"


@pytest.fixture
def obligation(world):
    """Every district owes a report by 30/11/2023. Mỹ Tho has its own address,
    a clerk with an email, a leader and a former reporter who must not hear."""
    my_tho = world.districts[0]
    my_tho.email = "vanphong@mytho.example.vn"
    my_tho.save(update_fields=["email"])
    world.district_clerks[0].email = "vanthu@mytho.example.vn"
    world.district_clerks[0].save(update_fields=["email"])
    UserFactory(username="lanhdao_mytho", organization=my_tho, role=Role.LEADER, email="lanhdao@mytho.example.vn")
    UserFactory(
        username="cu_mytho", organization=my_tho, role=Role.REPORTER, email="cu@mytho.example.vn", is_active=False
    )
    with time_machine.travel(at(2023, 11, 1), tick=False):
        return obligation_create(
            document=world.plan, actor=world.clerk, title=TITLE, due_on=DUE, organizations=world.districts
        )


@pytest.fixture
def english(settings):
    """Messages in English, the msgids, whatever the Vietnamese catalog says:
    the job writes in the offices' language, settings.LANGUAGE_CODE."""
    settings.LANGUAGE_CODE = "en"


def run_on(day, hour=7):
    """The daily job as it runs at `hour` o'clock, office time, on `day`."""
    with time_machine.travel(at(day.year, day.month, day.day, hour), tick=False):
        return reminders_send()


def days(start, end):
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


def sent(organization_name=MY_THO):
    """(kind, days, sent_on) of the reminders an organization got, oldest first."""
    return list(
        Reminder.objects.filter(assignment__organization_name=organization_name)
        .order_by("sent_on", "id")
        .values_list("kind", "days", "sent_on")
    )


def reminder_notifications():
    return Notification.objects.filter(kind="reminder")


@pytest.mark.django_db
def test_thresholds_fire_on_their_day_once_each(obligation, mailoutbox):
    """GIVEN due 30/11 WHEN the job runs every day from 20/11 to 30/11
    THEN each district hears on 23/11 (7 days), 27/11 (3) and 29/11 (1), once each."""
    fired = {day: run_on(day).counts()["due_soon"] for day in days(datetime.date(2023, 11, 20), DUE)}
    assert {day: count for day, count in fired.items() if count} == {
        datetime.date(2023, 11, 23): 3,
        datetime.date(2023, 11, 27): 3,
        datetime.date(2023, 11, 29): 3,
    }
    assert sent() == [
        ("due_soon", 7, datetime.date(2023, 11, 23)),
        ("due_soon", 3, datetime.date(2023, 11, 27)),
        ("due_soon", 1, datetime.date(2023, 11, 29)),
    ]
    assert Reminder.objects.count() == 9
    assert len(mailoutbox) == 9
    assert AuditEvent.objects.filter(action="reminders.send").count() == 11


@pytest.mark.django_db
def test_second_run_on_one_day_sends_nothing(obligation, mailoutbox):
    first = run_on(datetime.date(2023, 11, 23))
    assert (first.due_soon, first.emails_sent, len(first.reminders)) == (3, 3, 3)
    state = (Reminder.objects.count(), reminder_notifications().count(), len(mailoutbox))

    second = run_on(datetime.date(2023, 11, 23), hour=15)

    assert second.reminders == []
    assert second.counts() == {"due_soon": 0, "overdue": 0, "notifications": 0, "emails_sent": 0, "email_failures": 0}
    assert (Reminder.objects.count(), reminder_notifications().count(), len(mailoutbox)) == state
    audits = AuditEvent.objects.filter(action="reminders.send").order_by("id")
    assert [(event.actor_id, event.data["due_soon"], event.data["date"]) for event in audits] == [
        (None, 3, "2023-11-23"),
        (None, 0, "2023-11-23"),
    ]


@pytest.mark.django_db
def test_missed_days_still_send_the_most_urgent_reminder_once(obligation, mailoutbox, english):
    """GIVEN the server was down on 27/11 WHEN it runs on 28/11 THEN the 3-day
    reminder goes out (2 days left), and the 1-day one the next day.
    GIVEN it was down from 20/11 to 28/11 THEN only the 1-day one goes out."""
    run_on(datetime.date(2023, 11, 23))
    run_on(datetime.date(2023, 11, 28))
    assert [days for _kind, days, _on in sent()] == [7, 3]
    assert "in 2 days" in mailoutbox[-1].body
    run_on(datetime.date(2023, 11, 29))
    run_on(datetime.date(2023, 11, 30))
    assert [days for _kind, days, _on in sent()] == [7, 3, 1]

    Reminder.objects.filter(assignment__organization_name="Huyện ủy Cái Bè").delete()
    run_on(datetime.date(2023, 11, 30))
    assert sent("Huyện ủy Cái Bè") == [("due_soon", 1, DUE)]
    run_on(datetime.date(2023, 11, 30))
    assert len(sent("Huyện ủy Cái Bè")) == 1


@pytest.mark.django_db
def test_overdue_on_the_first_day_then_every_seven_days(obligation):
    for day in days(datetime.date(2023, 12, 1), datetime.date(2023, 12, 16)):
        run_on(day)
    assert sent() == [
        ("overdue", 1, datetime.date(2023, 12, 1)),
        ("overdue", 8, datetime.date(2023, 12, 8)),
        ("overdue", 15, datetime.date(2023, 12, 15)),
    ]


def submit(world, obligation, index, when):
    with time_machine.travel(when, tick=False):
        return submission_create(obligation=obligation, actor=world.reporters[index], files=[pdf()])


@pytest.mark.django_db
def test_organizations_that_reported_hear_nothing(world, obligation, mailoutbox):
    """Submitted (not reviewed), accepted, returned: no reminder before or after
    the due date. A returned report was told by its return notification."""
    submit(world, obligation, 0, at(2023, 11, 20))
    accepted = submit(world, obligation, 1, at(2023, 11, 20))
    returned = submit(world, obligation, 2, at(2023, 11, 20))
    submission_review(submission=accepted, actor=world.clerk, decision="accepted")
    submission_review(submission=returned, actor=world.clerk, decision="returned", reason="Thiếu số liệu năm 2023")

    for day in (datetime.date(2023, 11, 23), datetime.date(2023, 11, 29), datetime.date(2023, 12, 1)):
        assert run_on(day).reminders == []
    assert not Reminder.objects.exists()
    assert not reminder_notifications().exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_late_report_stops_the_overdue_reminders(world, obligation):
    run_on(datetime.date(2023, 12, 1))
    submit(world, obligation, 0, at(2023, 12, 3))
    run_on(datetime.date(2023, 12, 8))
    assert sent() == [("overdue", 1, datetime.date(2023, 12, 1))]
    assert len(sent("Huyện ủy Cái Bè")) == 2


@pytest.mark.django_db
def test_withdrawn_documents_and_former_organizations_get_no_reminders(world, obligation):
    world.districts[1].active_to = datetime.date(2023, 11, 15)
    world.districts[1].save(update_fields=["active_to"])
    run_on(datetime.date(2023, 11, 23))
    assert sorted(Reminder.objects.values_list("assignment__organization_name", flat=True)) == [
        "Huyện ủy Chợ Gạo",
        MY_THO,
    ]
    document_withdraw(document=world.plan, actor=world.clerk, reason="Ban hành nhầm")
    assert run_on(datetime.date(2023, 11, 27)).reminders == []


@pytest.mark.django_db
def test_recipients_and_message(world, obligation, mailoutbox, english):
    """Mỹ Tho's active clerks and reporters in the app; them and the
    organization's address by email; the leader and a former reporter not.
    The mail names the document, what is asked, the due date, the days left
    and who asked."""
    run = run_on(datetime.date(2023, 11, 23))

    reminder = Reminder.objects.get(assignment__organization_name=MY_THO)
    assert (reminder.kind, reminder.days, reminder.sent_on) == ("due_soon", 7, datetime.date(2023, 11, 23))
    assert reminder.emails == ["huyen0@example.vn", "vanthu@mytho.example.vn", "vanphong@mytho.example.vn"]
    assert reminder.notified_users == 2
    assert set(reminder_notifications().values_list("user__username", flat=True)) == {
        "huyen_0",
        "vanthu_huyen_0",
        "huyen_1",
        "vanthu_huyen_1",
        "huyen_2",
        "vanthu_huyen_2",
    }
    assert run.notifications == 6
    mail = next(message for message in mailoutbox if "huyen0@example.vn" in message.to)
    assert mail.to == reminder.emails
    assert "30/11/2023" in mail.subject
    assert TITLE in mail.subject
    for text in (
        f"To: {MY_THO}",
        f"What must be reported: {TITLE}",
        "Asked by: Tỉnh ủy Tiền Giang",
        f"In document {world.plan.notation} of 28/04/2023: {world.plan.subject}",
        "due on 30/11/2023, in 7 days",
    ):
        assert text in mail.body
    notification = reminder_notifications().get(user=world.reporters[0])
    assert (notification.title, notification.body) == (mail.subject, mail.body)
    assert (notification.obligation, notification.document) == (obligation, world.plan)

    run_on(datetime.date(2023, 12, 3))
    overdue = mailoutbox[-1]
    assert "30/11/2023" in overdue.subject
    assert "was due on 30/11/2023 and is 3 days overdue" in overdue.body


@pytest.mark.django_db
def test_a_failed_email_keeps_the_reminder_and_the_notification(obligation, mailoutbox, monkeypatch, caplog):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)

    run = run_on(datetime.date(2023, 11, 23))

    assert (run.due_soon, run.emails_sent, run.email_failures, run.notifications) == (3, 0, 3, 6)
    assert Reminder.objects.count() == 3
    assert reminder_notifications().count() == 6
    assert mailoutbox == []
    assert "could not be emailed" in caplog.text
    assert AuditEvent.objects.get(action="reminders.send").data["email_failures"] == 3
    assert run_on(datetime.date(2023, 11, 23), hour=8).reminders == []


@pytest.mark.django_db
def test_a_reminder_another_run_recorded_meanwhile_is_not_sent_again(world, obligation, mailoutbox, monkeypatch):
    """Two runs at once: the other one inserts Mỹ Tho's reminder after this one
    decided to send it. The unique row refuses the second insert; nothing goes out twice."""
    from dispatch.services import reminders

    find_users = reminders.organization_users

    def other_run_first(organization_ids):
        Reminder.objects.create(
            assignment=obligation.assignments.get(organization=world.districts[0]),
            kind="due_soon",
            days=7,
            sent_on=datetime.date(2023, 11, 23),
        )
        return find_users(organization_ids)

    monkeypatch.setattr(reminders, "organization_users", other_run_first)

    run = run_on(datetime.date(2023, 11, 23))

    assert sorted(r.assignment.organization_name for r in run.reminders) == ["Huyện ủy Chợ Gạo", "Huyện ủy Cái Bè"]
    assert Reminder.objects.count() == 3
    assert not reminder_notifications().filter(user__organization=world.districts[0]).exists()
    assert all("huyen0@example.vn" not in message.to for message in mailoutbox)


def waiting_runs():
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=send_daily_reminders.module_path)


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_daily_task_sends_and_schedules_exactly_one_next_run(obligation, db_tasks, mailoutbox):
    with time_machine.travel(at(2023, 11, 23, 7, 0), tick=False):
        counts = send_daily_reminders.call()
    assert counts["due_soon"] == 3
    assert len(mailoutbox) == 3
    waiting = waiting_runs().get()
    assert waiting.run_after == at(2023, 11, 24, 7, 0)
    assert waiting.task.func is send_daily_reminders.func

    # Started again (a restart while it was running): still one run tomorrow, nothing resent.
    with time_machine.travel(at(2023, 11, 23, 7, 5), tick=False):
        assert send_daily_reminders.call()["due_soon"] == 0
    assert waiting_runs().get() == waiting


@pytest.mark.django_db
def test_daily_task_schedules_the_next_run_even_when_sending_fails(obligation, db_tasks, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("dispatch.tasks.reminders_send", broken)
    with time_machine.travel(at(2023, 11, 23, 7, 0), tick=False), pytest.raises(RuntimeError):
        send_daily_reminders.call()
    assert waiting_runs().get().run_after == at(2023, 11, 24, 7, 0)


@pytest.mark.django_db
def test_schedule_reminders_twice_leaves_one_waiting_run(db_tasks, settings):
    settings.DOCREG_REMINDER_HOUR = 6
    out = io.StringIO()
    with time_machine.travel(at(2023, 11, 23, 5, 30), tick=False):
        call_command("schedule_reminders", stdout=out)
        call_command("schedule_reminders", stdout=out)
    assert waiting_runs().get().run_after == at(2023, 11, 23, 6, 0)
    assert out.getvalue().splitlines() == [
        "Next reminder run: 23/11/2023 06:00 (Asia/Ho_Chi_Minh), scheduled.",
        "Next reminder run: 23/11/2023 06:00 (Asia/Ho_Chi_Minh), already waiting.",
    ]


@pytest.mark.django_db
def test_schedule_reminders_speaks_the_office_language(db_tasks, settings):
    settings.DOCREG_REMINDER_HOUR = 6
    out = io.StringIO()
    with time_machine.travel(at(2023, 11, 23, 5, 30), tick=False), translation.override("vi"):
        call_command("schedule_reminders", stdout=out)
    assert out.getvalue() == "Lần nhắc hạn tiếp theo: 23/11/2023 06:00 (Asia/Ho_Chi_Minh), đã lên lịch.\n"


@pytest.mark.django_db
def test_send_reminders_command_for_a_date(obligation, mailoutbox):
    out = io.StringIO()
    call_command("send_reminders", "--date", "2023-12-01", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == (
        "Reminders of 01/12/2023: 0 due soon, 3 overdue; 6 notifications, 3 emails sent, 0 emails failed."
    )
    assert any(MY_THO in line and "vanphong@mytho.example.vn" in line for line in lines)
    assert len(mailoutbox) == 3
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "01/12/2023")


def test_reminder_days_setting_is_validated(monkeypatch):
    monkeypatch.setenv("DOCREG_REMINDER_DAYS", " 1, 3,3,14")
    assert env_positive_ints("DOCREG_REMINDER_DAYS", "7,3,1") == (14, 3, 1)
    monkeypatch.setenv("DOCREG_REMINDER_DAYS", "")
    assert env_positive_ints("DOCREG_REMINDER_DAYS", "7,3,1") == (7, 3, 1)
    for wrong in ("7,x", "7,,1", "0,3", "-1"):
        monkeypatch.setenv("DOCREG_REMINDER_DAYS", wrong)
        with pytest.raises(ImproperlyConfigured, match="DOCREG_REMINDER_DAYS"):
            env_positive_ints("DOCREG_REMINDER_DAYS", "7,3,1")


@pytest.mark.django_db
def test_a_confidential_documents_reminder_reaches_only_the_cleared(world, obligation, mailoutbox):
    """GIVEN the plan is classified Mật and only Mỹ Tho's clerk is cleared for it
    WHEN the 7-day reminder goes out
    THEN Mỹ Tho's clerk alone is notified and mailed: not the uncleared
    reporters, nor the organization's general mailbox."""
    from registry.models import Confidentiality

    world.plan.confidentiality = Confidentiality.CONFIDENTIAL
    world.plan.save(update_fields=["confidentiality"])
    cleared = world.district_clerks[0]
    cleared.clearance = Confidentiality.CONFIDENTIAL
    cleared.save(update_fields=["clearance"])

    run_on(datetime.date(2023, 11, 23))

    assert set(reminder_notifications().values_list("user__username", flat=True)) == {cleared.username}
    assert sorted(address for message in mailoutbox for address in message.to) == ["vanthu@mytho.example.vn"]
    assert Reminder.objects.filter(notified_users__gt=0).count() == 1
