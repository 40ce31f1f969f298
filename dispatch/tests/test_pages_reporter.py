"""The district's pages: what is asked of it, one task with its reports and
the submit form, and the printable receipt with the arrival number."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dispatch.models import Assignment, Submission
from dispatch.services import obligation_create, submission_create, submission_review
from dispatch.tests.conftest import PDF, at, fake_upload, pdf
from recipients.models import Role
from tests.factories import UserFactory

NOW = at(2023, 12, 5, 10)


def browser(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def oblige(world, title, due_on, organizations=None):
    with time_machine.travel(at(2023, 11, 1), tick=False):
        return obligation_create(
            document=world.plan,
            actor=world.clerk,
            title=title,
            due_on=due_on,
            organizations=world.districts if organizations is None else organizations,
        )


def submit(world, obligation, index, when, notation=""):
    with time_machine.travel(when, tick=False):
        return submission_create(
            obligation=obligation, actor=world.reporters[index], files=[pdf()], report_notation=notation
        )


def review(world, submission, when, decision, reason=""):
    with time_machine.travel(when, tick=False):
        submission_review(submission=submission, actor=world.clerk, decision=decision, reason=reason)


def assignment_of(obligation, district):
    return Assignment.objects.get(obligation=obligation, organization=district)


def text_of(response):
    """The page's text without tags and with runs of spaces folded, to match phrases."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def card_titles(response):
    return re.findall(r'class="task__title"[^>]*><a href="[^"]+">([^<]+)</a>', response.content.decode())


def field_error(response, field):
    """The error text rendered right under a field of the form (templates/forms/field.html)."""
    html = response.content.decode()
    found = re.search(rf'<div class="form__error" id="id_{field}_error">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else None


@pytest.fixture
def tasks(world):
    """Seen on 05/12/2023 by Mỹ Tho (district 0):

    - tổng kết (due 30/11): reported 28/11, on time
    - số liệu (due 15/12): nothing yet, 10 days left
    - giao ban (due 05/12): due today
    - sơ kết (due 01/12): nothing, 4 days late
    - tuần (due 06/12): 1 day left
    - quý (due 20/11): reported 25/11, late by 5 days, accepted 01/12
    - riêng Cái Bè (due 10/12): not asked of Mỹ Tho at all
    """
    d = datetime.date
    made = {
        "review": oblige(world, "Báo cáo tổng kết", d(2023, 11, 30)),
        "figures": oblige(world, "Báo cáo số liệu", d(2023, 12, 15)),
        "today": oblige(world, "Báo cáo giao ban", d(2023, 12, 5)),
        "overdue": oblige(world, "Báo cáo sơ kết", d(2023, 12, 1)),
        "tomorrow": oblige(world, "Báo cáo tuần", d(2023, 12, 6)),
        "quarter": oblige(world, "Báo cáo quý", d(2023, 11, 20)),
        "other": oblige(world, "Báo cáo riêng Cái Bè", d(2023, 12, 10), [world.districts[1]]),
    }
    submit(world, made["review"], 0, at(2023, 11, 28), "12-BC/HU")
    quarter = submit(world, made["quarter"], 0, at(2023, 11, 25))
    review(world, quarter, at(2023, 12, 1), "accepted")
    return made


@pytest.mark.django_db
def test_the_list_shows_what_is_open_by_due_date_with_days_in_words(world, tasks):
    with time_machine.travel(NOW, tick=False):
        response = browser(world.reporters[0]).get(reverse("reporter-tasks"))
    assert response.status_code == 200
    # Open ones only, the most urgent first; another district's task is not there.
    assert card_titles(response) == ["Báo cáo sơ kết", "Báo cáo giao ban", "Báo cáo tuần", "Báo cáo số liệu"]
    text = text_of(response)
    assert "Báo cáo riêng Cái Bè" not in text
    assert "4 days late" in text
    assert "Due today" in text
    assert "1 day left" in text
    assert "10 days left" in text
    html = response.content.decode()
    assert html.count('class="badge status--overdue"') == 1
    assert html.count('class="badge status--pending"') == 3
    # The filter says how many there are of each.
    assert re.search(r'aria-current="page">Still to do <span class="tabs__count">4</span>', html)
    assert re.search(r'>All <span class="tabs__count">6</span>', html)


@pytest.mark.django_db
def test_all_lists_the_done_ones_after_the_open_ones(world, tasks):
    with time_machine.travel(NOW, tick=False):
        response = browser(world.reporters[0]).get(reverse("reporter-tasks"), {"show": "all"})
    assert response.status_code == 200
    assert card_titles(response) == [
        "Báo cáo sơ kết",
        "Báo cáo giao ban",
        "Báo cáo tuần",
        "Báo cáo số liệu",
        # Done, latest due date first.
        "Báo cáo tổng kết",
        "Báo cáo quý",
    ]
    text = text_of(response)
    assert "Reported on 28/11/2023, on time" in text
    assert "Accepted on 01/12/2023" in text
    html = response.content.decode()
    assert 'class="badge status--submitted">Reported on time<' in html
    assert 'class="badge status--accepted">Accepted<' in html


@pytest.mark.django_db
def test_the_list_speaks_vietnamese_by_default_and_htmx_gets_only_the_list(world, tasks):
    with time_machine.travel(NOW, tick=False):
        client = browser(world.reporters[0], language="vi")
        page = client.get(reverse("reporter-tasks"))
        partial = client.get(reverse("reporter-tasks"), {"show": "all"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tasks")
        restore = client.get(reverse("reporter-tasks"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert page.status_code == 200
    assert '<html lang="vi">' in page.content.decode()
    assert "Quá hạn chưa báo cáo" in page.content.decode()  # the overdue badge, from the merged catalog
    assert partial.status_code == 200
    html = partial.content.decode()
    assert html.lstrip().startswith('<section id="tasks"')
    assert "<html" not in html
    assert len(card_titles(partial)) == 6
    assert "HX-Request" in partial["Vary"]
    assert "<html" in restore.content.decode()


@pytest.mark.django_db
def test_a_user_without_tasks_sees_a_calm_empty_list(world):
    with time_machine.travel(NOW, tick=False):
        response = browser(world.reporters[2]).get(reverse("reporter-tasks"))
    assert response.status_code == 200
    assert card_titles(response) == []
    assert "Nothing to report right now." in text_of(response)


@pytest.mark.django_db
def test_the_task_page_says_what_is_asked_and_offers_the_form(world, tasks):
    assignment = assignment_of(tasks["figures"], world.districts[0])
    with time_machine.travel(NOW, tick=False):
        response = browser(world.reporters[0]).get(reverse("reporter-task", args=[assignment.pk]))
    assert response.status_code == 200
    text = text_of(response)
    assert "Báo cáo số liệu" in text
    assert world.plan.subject in text
    assert world.plan.notation in text
    assert "15/12/2023" in text
    assert "10 days left" in text
    assert "No report has been sent yet." in text
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input type="file" name="file"[^>]*multiple', html)
    assert '<label for="id_file">' in html
    assert f'href="{reverse("document-detail", args=[world.plan.pk])}"' in html
    assert '<label for="id_report_notation">' in html
    assert '<label for="id_note">' in html


@pytest.mark.django_db
def test_submitting_a_pdf_registers_it_and_shows_the_receipt(world, tasks, settings):
    assignment = assignment_of(tasks["figures"], world.districts[0])
    client = browser(world.reporters[0])
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("reporter-task", args=[assignment.pk]),
            {
                "file": [pdf("bao-cao-so-lieu.pdf"), pdf("phu-luc.pdf")],
                "note": "Kèm phụ lục",
                "report_notation": "77-BC/HU",
            },
        )
    submission = Submission.objects.get(assignment=assignment)
    assert response.status_code == 302
    assert response["Location"] == reverse("submission-receipt", args=[submission.pk])
    incoming = submission.incoming_document
    assert incoming.arrival_number is not None
    assert incoming.register == world.incoming
    assert submission.note == "Kèm phụ lục"
    assert submission.report_notation == "77-BC/HU"
    assert [a.original_name for a in incoming.attachments.order_by("id")] == ["bao-cao-so-lieu.pdf", "phu-luc.pdf"]

    with time_machine.travel(NOW, tick=False):
        receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    text = text_of(receipt)
    assert f"Your report was received: arrival number {incoming.arrival_number}." in text
    assert "Report received" in text
    assert f'<strong class="receipt__number">{incoming.arrival_number}</strong>' in receipt.content.decode()
    assert world.incoming.name in text
    assert "10:00 05/12/2023" in text
    assert "bao-cao-so-lieu.pdf" in text
    assert "phu-luc.pdf" in text
    assert f"{len(PDF)} bytes" in text
    assert "2 files" in text
    assert "Kèm phụ lục" in text
    assert "77-BC/HU" in text
    assert "On time" in text
    assert "Tỉnh ủy Tiền Giang" in text
    # The print button is a script file's job; the page has no inline script or style.
    html = receipt.content.decode()
    assert "js/reporter.js" in html
    assert "<script>" not in html
    assert "style=" not in html
    assert "onclick" not in html

    # The task now reads as reported, with the version in its history.
    with time_machine.travel(NOW, tick=False):
        task = client.get(reverse("reporter-task", args=[assignment.pk]))
    task_text, task_html = text_of(task), task.content.decode()
    assert "Reported on 05/12/2023, on time" in task_text
    assert "Version 1" in task_text
    assert "Awaiting review" in task_text
    first_file = incoming.attachments.order_by("id").first()
    assert reverse("submission-file", kwargs={"pk": submission.pk, "attachment_id": first_file.pk}) in task_html


@pytest.mark.django_db
def test_a_late_report_has_a_late_receipt(world, tasks):
    assignment = assignment_of(tasks["overdue"], world.districts[0])
    client = browser(world.reporters[0])
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("reporter-task", args=[assignment.pk]), {"file": pdf()}, follow=True)
    assert response.status_code == 200
    text = text_of(response)
    assert "4 days late" in text
    assert "On time" not in text
    assert 'class="badge status--late"' in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "file", "Attach the report: at least one PDF, DOCX, XLSX or ODT file."),
        ({"file": "not-a-file"}, "file", "Attach the report"),
        ({"file": [fake_upload("bao-cao.txt", b"plain text")]}, "file", "is not one of the accepted kinds"),
        ({"file": [fake_upload("bao-cao.pdf", b"MZ\x90\x00 not a pdf")]}, "file", "its content was checked"),
        ({"file": [fake_upload("rong.pdf", b"")]}, "file", "empty"),
        ({"file": [pdf()], "report_notation": "abc"}, "report_notation", "abc"),
        ({"file": [pdf()], "report_notation": "5"}, "report_notation", "5"),
    ],
)
@pytest.mark.django_db
def test_bad_input_comes_back_next_to_the_field(world, tasks, data, field, message):
    assignment = assignment_of(tasks["figures"], world.districts[0])
    with time_machine.travel(NOW, tick=False):
        response = browser(world.reporters[0]).post(reverse("reporter-task", args=[assignment.pk]), data)
    assert response.status_code == 200
    error = field_error(response, field)
    assert error is not None, re.findall(r"<form.*</form>", response.content.decode(), re.S)
    assert message in error
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Submission.objects.filter(assignment=assignment).exists()


@pytest.mark.django_db
def test_an_oversized_file_is_refused_next_to_the_field(world, tasks, settings):
    settings.DOCREG_MAX_UPLOAD_SIZE = 100
    assignment = assignment_of(tasks["figures"], world.districts[0])
    big = fake_upload("lon.pdf", PDF + b"0" * 200)
    with time_machine.travel(NOW, tick=False):
        response = browser(world.reporters[0]).post(reverse("reporter-task", args=[assignment.pk]), {"file": [big]})
    assert response.status_code == 200
    error = field_error(response, "file")
    assert error is not None
    assert "lon.pdf" in error
    assert "100" in error
    assert not Submission.objects.filter(assignment=assignment).exists()


@pytest.mark.django_db
def test_too_many_files_are_refused(world, tasks):
    assignment = assignment_of(tasks["figures"], world.districts[0])
    with time_machine.travel(NOW, tick=False):
        response = browser(world.reporters[0]).post(
            reverse("reporter-task", args=[assignment.pk]), {"file": [pdf(f"{n}.pdf") for n in range(11)]}
        )
    assert response.status_code == 200
    assert "At most 10 files" in field_error(response, "file")
    assert not Submission.objects.filter(assignment=assignment).exists()


@pytest.mark.django_db
def test_another_districts_task_and_receipt_are_not_found(world, tasks):
    theirs = assignment_of(tasks["other"], world.districts[1])
    their_submission = submit(world, tasks["other"], 1, at(2023, 12, 2))
    client = browser(world.reporters[0])
    with time_machine.travel(NOW, tick=False):
        assert client.get(reverse("reporter-task", args=[theirs.pk])).status_code == 404
        assert client.post(reverse("reporter-task", args=[theirs.pk]), {"file": pdf()}).status_code == 404
        assert client.get(reverse("submission-receipt", args=[their_submission.pk])).status_code == 404
        assert client.get("/tasks/99999999/").status_code == 404
        assert client.get("/submissions/99999999/receipt/").status_code == 404
    assert Submission.objects.filter(assignment=theirs).count() == 1


@pytest.mark.django_db
def test_the_requesting_clerk_may_read_the_receipt_but_has_no_such_task(world, tasks):
    assignment = assignment_of(tasks["figures"], world.districts[0])
    submission = submit(world, tasks["figures"], 0, at(2023, 12, 4))
    clerk = browser(world.clerk)
    with time_machine.travel(NOW, tick=False):
        receipt = clerk.get(reverse("submission-receipt", args=[submission.pk]))
        task = clerk.get(reverse("reporter-task", args=[assignment.pk]))
    assert receipt.status_code == 200
    assert str(submission.incoming_document.arrival_number) in text_of(receipt)
    assert "Back to the task" not in text_of(receipt)
    # The province asked; the task is Mỹ Tho's, not the province's.
    assert task.status_code == 404


@pytest.mark.django_db
def test_a_returned_report_shows_the_reason_and_takes_a_new_version(world, tasks):
    assignment = assignment_of(tasks["figures"], world.districts[0])
    first = submit(world, tasks["figures"], 0, at(2023, 12, 2), "15-BC/HU")
    review(world, first, at(2023, 12, 3), "returned", "Thiếu số liệu phát hành quý IV")
    client = browser(world.reporters[0])
    url = reverse("reporter-task", args=[assignment.pk])
    with time_machine.travel(NOW, tick=False):
        listing = client.get(reverse("reporter-tasks"))
        page = client.get(url)
    assert "Báo cáo số liệu" in card_titles(listing)
    assert 'class="badge status--returned">Returned for revision<' in listing.content.decode()
    assert "Returned on 03/12/2023: send a revised report." in text_of(listing)
    assert page.status_code == 200
    text = text_of(page)
    assert "Version 1 of your report was returned for revision on 03/12/2023." in text
    assert text.count("Thiếu số liệu phát hành quý IV") == 2  # the notice and the version's history
    assert "Send a new version of the report" in text
    assert 'name="file"' in page.content.decode()

    with time_machine.travel(NOW, tick=False):
        response = client.post(url, {"file": pdf("ban-sua.pdf"), "report_notation": "16-BC/HU"})
    second = Submission.objects.get(assignment=assignment, version=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("submission-receipt", args=[second.pk])
    assignment.refresh_from_db()
    assert assignment.returned_at is None
    with time_machine.travel(NOW, tick=False):
        page = client.get(url)
    text = text_of(page)
    assert "Version 2" in text
    assert "Version 1" in text
    assert "was returned for revision on" not in text  # the notice is about the latest version only
    assert "Thiếu số liệu phát hành quý IV" in text  # still in version 1's history


@pytest.mark.django_db
def test_an_accepted_report_closes_the_form(world, tasks):
    assignment = assignment_of(tasks["quarter"], world.districts[0])
    client = browser(world.reporters[0])
    url = reverse("reporter-task", args=[assignment.pk])
    with time_machine.travel(NOW, tick=False):
        page = client.get(url)
        refused = client.post(url, {"file": pdf()})
    assert page.status_code == 200
    assert "The report was accepted on 01/12/2023; nothing more needs to be sent." in text_of(page)
    assert 'name="file"' not in page.content.decode()
    assert refused.status_code == 409
    assert "nothing more can be submitted" in text_of(refused)
    assert Submission.objects.filter(assignment=assignment).count() == 1


@pytest.mark.django_db
def test_someone_who_may_not_submit_is_refused_on_the_form(world, tasks):
    district_leader = UserFactory(organization=world.districts[0], role=Role.LEADER)
    assignment = assignment_of(tasks["figures"], world.districts[0])
    with time_machine.travel(NOW, tick=False):
        response = browser(district_leader).post(reverse("reporter-task", args=[assignment.pk]), {"file": pdf()})
    assert response.status_code == 403
    assert "Only a reporter or clerk of an obligated organization submits reports." in text_of(response)
    assert not Submission.objects.filter(assignment=assignment).exists()


@pytest.mark.django_db
def test_a_district_clerk_submits_like_a_reporter(world, tasks):
    assignment = assignment_of(tasks["figures"], world.districts[0])
    with time_machine.travel(NOW, tick=False):
        response = browser(world.district_clerks[0]).post(
            reverse("reporter-task", args=[assignment.pk]), {"file": pdf()}
        )
    assert response.status_code == 302
    assert Submission.objects.get(assignment=assignment).submitted_by == world.district_clerks[0]


@pytest.mark.django_db
def test_pages_need_a_signed_in_user_and_the_right_method(world, tasks):
    assignment = assignment_of(tasks["figures"], world.districts[0])
    submission = Submission.objects.filter(assignment__organization=world.districts[0]).first()
    anonymous = Client()
    for url in (
        reverse("reporter-tasks"),
        reverse("reporter-task", args=[assignment.pk]),
        reverse("submission-receipt", args=[submission.pk]),
    ):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert anonymous.post(reverse("reporter-task", args=[assignment.pk]), {"file": pdf()}).status_code == 302
    assert not Submission.objects.filter(assignment=assignment).exists()
    client = browser(world.reporters[0])
    assert client.post(reverse("reporter-tasks")).status_code == 405
    assert client.post(reverse("submission-receipt", args=[submission.pk])).status_code == 405


def _many_tasks(world, count):
    """`count` obligations for every district, some reported (one returned) so every status shows."""
    made = []
    for n in range(count):
        obligation = oblige(
            world, f"Báo cáo chuyên đề {n + 1}", datetime.date(2023, 11, 25) + datetime.timedelta(days=n)
        )
        made.append(obligation)
    submit(world, made[0], 0, at(2023, 11, 20))
    returned = submit(world, made[1], 0, at(2023, 11, 21))
    review(world, returned, at(2023, 11, 22), "returned", "Bổ sung")
    submit(world, made[1], 0, at(2023, 11, 23))
    return made


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries, time_machine.travel(NOW, tick=False):
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(queries), response


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.django_db
def test_queries_do_not_grow_with_tasks_or_reports(world, count, django_assert_max_num_queries):
    made = _many_tasks(world, count)
    client = browser(world.reporters[0])
    task_url = reverse("reporter-task", args=[assignment_of(made[1], world.districts[0]).pk])
    receipt_url = reverse("submission-receipt", args=[Submission.objects.filter(version=2).get().pk])
    for url in (reverse("reporter-tasks"), reverse("reporter-tasks") + "?show=all", task_url, receipt_url):
        with django_assert_max_num_queries(6):
            _queries(client, url)
    listing = _queries(client, reverse("reporter-tasks") + "?show=all")[1]
    assert len(card_titles(listing)) == count


@pytest.mark.django_db
def test_query_counts_are_the_same_for_2_and_20_tasks(world):
    client = browser(world.reporters[0])
    made = _many_tasks(world, 2)
    urls = lambda: (  # noqa: E731
        reverse("reporter-tasks"),
        reverse("reporter-tasks") + "?show=all",
        reverse("reporter-task", args=[assignment_of(made[1], world.districts[0]).pk]),
    )
    few = [_queries(client, url)[0] for url in urls()]
    for n in range(18):
        obligation = oblige(world, f"Báo cáo thêm {n}", datetime.date(2023, 12, 10))
        submit(world, obligation, 0, at(2023, 11, 20))
    # A third and fourth version of the task shown, with two files each.
    for when in (at(2023, 11, 24), at(2023, 11, 26)):
        with time_machine.travel(when, tick=False):
            submission_create(obligation=made[1], actor=world.reporters[0], files=[pdf("a.pdf"), pdf("b.pdf")])
    many = [_queries(client, url)[0] for url in urls()]
    assert few == many
