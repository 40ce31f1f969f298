"""The registers pages: the registers with their years and counts, a
register's book for a year, and importing a register book in the background
with its progress and its row-numbered report."""

import datetime
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from recipients.models import Clearance, Role
from registry.imports.jobs import ProgressWriter, import_job_run, import_job_start
from registry.models import Direction, Document, ImportJob, ImportJobStatus
from registry.services import document_issue, document_register_incoming
from registry.tests.importing import csv_file, xlsx_file
from registry.tests.importing import outgoing_row as row
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory
from tests.register_forms import FOLLOW_UP_HEADER, INCOMING_HEADER, OUTGOING_HEADER

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
IMPORTS = "/registers/imports/"

GOOD_ROWS = [
    row(
        "1163/STTTT-TTBCBC",
        "03/08/2021",
        "Công văn V/v thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU",
        signer_name="Lâm Văn Sển",
        distribution="- Như trên;\n- UBND tỉnh (b/c);\n- Lưu: VT, TTBCBC.",
        copies=5,
    ),
    row("141/KH-STTTT", datetime.datetime(2021, 8, 5), "Kế hoạch tuyên truyền chuyển đổi số", signer_name="Lê Văn A"),
]
CSV_ROWS = [GOOD_ROWS[0], row("141/KH-STTTT", "05/08/2021", "Kế hoạch tuyên truyền chuyển đổi số")]
BAD_ROWS = [
    row("STTTT-1164", "04/08/2021", "Ký hiệu không có số"),  # row 4: no number
    row("1165/STTTT-TTBCBC", "31/02/2021", "Ngày không có thật"),  # row 5: no such day
    row("1166/STTTT-TTBCBC", "07/08/2021", "   "),  # row 6: no subject
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def immediate_tasks(settings):
    """Background tasks run as they are queued."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def at(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, tzinfo=HCM)


def client_for(user):
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client


def html_of(response):
    return response.content.decode()


@pytest.fixture
def incoming_register(organization):
    return RegisterFactory(owner=organization, name="Sổ văn bản đến", direction=Direction.INCOMING)


@pytest.fixture
def books(make_draft, clerk, register, incoming_register):
    """The Sở's outgoing register: two letters of 2022, three of 2023 and a
    draft; its incoming register: two arrivals of 2023."""
    issued = [
        document_issue(document=make_draft(subject=f"Công văn số {n}"), actor=clerk, issued_on=day)
        for n, day in enumerate(
            [
                datetime.date(2022, 3, 1),
                datetime.date(2022, 11, 20),
                datetime.date(2023, 1, 5),
                datetime.date(2023, 2, 6),
                datetime.date(2023, 6, 7),
            ],
            start=1,
        )
    ]
    draft = make_draft(subject="Dự thảo")
    arrivals = [
        document_register_incoming(
            register=incoming_register,
            actor=clerk,
            subject=subject,
            notation=notation,
            sender_name="Ủy ban nhân dân tỉnh Kiên Giang",
            received_at=at(2023, 4, day),
            issued_on=datetime.date(2023, 4, day - 1),
            handling_unit="Phòng TTBC",
            handling_deadline=datetime.date(2023, 5, 30),
        )
        for subject, notation, day in (("Kế hoạch tuyên truyền", "141/KH-UBND", 3), ("Góp ý quy chế", "88/UBND-VX", 4))
    ]
    return SimpleNamespace(issued=issued, draft=draft, arrivals=arrivals)


def book_url(register, query=""):
    return f"/registers/{register.pk}/{query}"


def table_rows(html):
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []


def headings(html):
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    return re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", head)


# Registers


@pytest.mark.django_db
def test_registers_are_listed_by_direction_with_their_years_and_counts(
    books, clerk, register, incoming_register, django_assert_max_num_queries
):
    RegisterFactory(name="Sổ của đơn vị khác")
    client = client_for(clerk)

    with django_assert_max_num_queries(8):
        response = client.get("/registers/")

    html = html_of(response)
    assert response.status_code == 200
    outgoing = html[html.index('id="outgoing"') : html.index('id="incoming"')]
    incoming = html[html.index('id="incoming"') :]
    assert register.name in outgoing
    assert incoming_register.name in incoming
    assert "đơn vị khác" not in html
    # Issued documents by year (the draft is in no book); arrivals by their arrival year.
    assert re.search(rf'href="/registers/{register.pk}/\?year=2023">2023</a> <span class="muted">\(3 documents\)', html)
    assert re.search(rf'href="/registers/{register.pk}/\?year=2022">2022</a> <span class="muted">\(2 documents\)', html)
    assert re.search(
        rf'href="/registers/{incoming_register.pk}/\?year=2023">2023</a> <span class="muted">\(2 documents\)', html
    )
    assert outgoing.index("?year=2023") < outgoing.index("?year=2022")
    assert 'href="/registers/imports/"' in html


@pytest.mark.django_db
def test_counts_leave_out_documents_above_the_readers_clearance(clerk, register, make_draft, organization):
    document_issue(document=make_draft(), actor=clerk, issued_on=datetime.date(2023, 1, 5))
    cleared = UserFactory(organization=organization, role=Role.CLERK, clearance=Clearance.CONFIDENTIAL)
    document_issue(
        document=make_draft(actor=cleared, confidentiality="confidential", subject="Văn bản mật"),
        actor=cleared,
        issued_on=datetime.date(2023, 2, 5),
    )

    assert "(1 document)" in html_of(client_for(clerk).get("/registers/"))
    assert "(2 documents)" in html_of(client_for(cleared).get("/registers/"))
    book = html_of(client_for(clerk).get(book_url(register, "?year=2023")))
    assert len(table_rows(book)) == 1
    assert "Văn bản mật" not in book


@pytest.mark.django_db
def test_the_outgoing_book_shows_the_years_rows_in_the_registers_layout(books, clerk, register):
    response = client_for(clerk).get(book_url(register, "?year=2023"))

    html = html_of(response)
    assert response.status_code == 200
    assert headings(html) == OUTGOING_HEADER
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in html
    rows = table_rows(html)
    assert len(rows) == 3
    first = books.issued[2]
    assert f'<a href="/documents/{first.pk}/">{first.notation}</a>' in rows[0]
    assert "05/01/2023" in rows[0]
    assert "Công văn<br>V/v Công văn số 3" in rows[0]
    assert "Các sở, ban, ngành cấp tỉnh" in rows[0]  # Nơi nhận
    assert f'href="/api/v1/registers/{register.pk}/book.xlsx?year=2023&amp;kind=outgoing"' in html
    years = re.search(r'<select name="year".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\d+)"', years)[-2:] == ["2023", "2022"]
    assert '<option value="2023" selected>2023 (3 documents)</option>' in years
    assert "Công văn số 1" not in html


@pytest.mark.django_db
def test_an_incoming_register_has_its_arrivals_book_and_its_follow_up_book(books, clerk, incoming_register):
    client = client_for(clerk)

    arrivals = html_of(client.get(book_url(incoming_register, "?year=2023")))
    assert headings(arrivals) == INCOMING_HEADER
    rows = table_rows(arrivals)
    assert len(rows) == 2
    first = books.arrivals[0]
    assert f'<a href="/documents/{first.pk}/">1</a>' in rows[0]
    assert "03/04/2023" in rows[0]
    assert "141/KH-UBND" in rows[0]
    assert '<option value="follow_up"' in arrivals

    follow_up = html_of(client.get(book_url(incoming_register, "?year=2023&kind=follow_up")))
    assert headings(follow_up) == FOLLOW_UP_HEADER
    assert "30/05/2023" in table_rows(follow_up)[0]
    assert "book.xlsx?year=2023&amp;kind=follow_up" in follow_up


@pytest.mark.django_db
def test_a_bad_year_or_book_comes_back_next_to_its_field(books, clerk, register):
    client = client_for(clerk)

    for query, field, message in (
        ("?year=abc", "year", "Enter a whole number."),
        ("?year=1500", "year", "Ensure this value is greater than or equal to 1900."),
        ("?kind=follow_up", "kind", "Select a valid choice. follow_up is not one of the available choices."),
    ):
        response = client.get(book_url(register, query))
        html = html_of(response)
        assert response.status_code == 200
        error = re.search(rf'<div class="form__error" id="id_{field}_error">(.*?)</div>', html, re.S)
        assert error is not None, query
        assert message in error.group(1)
        assert "<tbody>" not in html


@pytest.mark.django_db
def test_the_book_page_reads_as_many_queries_for_2_rows_as_for_20(
    clerk, register, make_draft, django_assert_max_num_queries
):
    def issue(count, start):
        for n in range(count):
            document_issue(document=make_draft(), actor=clerk, issued_on=datetime.date(2023, 1, start + n))

    client = client_for(clerk)
    issue(2, 1)
    with CaptureQueriesContext(connection) as small:
        assert len(table_rows(html_of(client.get(book_url(register, "?year=2023"))))) == 2
    issue(18, 3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(table_rows(html_of(client.get(book_url(register, "?year=2023"))))) == 20
    assert len(small.captured_queries) <= 10


@pytest.mark.django_db
def test_the_book_is_paginated(clerk, register, make_draft, monkeypatch):
    monkeypatch.setattr("registry.views.registers.BOOK_ROWS_PER_PAGE", 2)
    for day in range(1, 6):
        document_issue(document=make_draft(subject=f"Số {day}"), actor=clerk, issued_on=datetime.date(2023, 1, day))
    client = client_for(clerk)

    last = html_of(client.get(book_url(register, "?year=2023&page=3")))
    assert len(table_rows(last)) == 1
    assert "Page 3 of 3" in last
    assert "V/v Số 5" in last
    assert 'href="?year=2023&amp;page=2#book"' in last


@pytest.mark.django_db
def test_viewing_confidential_rows_of_a_book_is_recorded(clerk, register, make_draft, organization):
    cleared = UserFactory(organization=organization, role=Role.CLERK, clearance=Clearance.CONFIDENTIAL)
    secret = document_issue(
        document=make_draft(actor=cleared, confidentiality="confidential"),
        actor=cleared,
        issued_on=datetime.date(2023, 2, 5),
    )

    client_for(cleared).get(book_url(register, "?year=2023"))

    event = AuditEvent.objects.get(action="document.viewed", actor=cleared)
    assert event.object_id == str(secret.pk)
    assert event.data["register_book"] == {"register": register.pk, "year": 2023, "kind": "outgoing", "page": 1}


@pytest.mark.django_db
def test_registers_of_others_are_not_found_and_reporters_are_refused(books, register, organization, leader):
    other = RegisterFactory(name="Sổ của đơn vị khác")
    clerk_elsewhere = UserFactory(organization=other.owner, role=Role.CLERK)
    reporter = UserFactory(organization=organization, role=Role.REPORTER)

    assert client_for(clerk_elsewhere).get(book_url(register)).status_code == 404
    assert client_for(clerk_elsewhere).get("/registers/999999999/").status_code == 404
    for url in ("/registers/", book_url(register)):
        assert client_for(reporter).get(url).status_code == 403
        assert client_for(leader).get(url).status_code == 200
        assert Client().get(url).status_code == 302


# Imports


def upload(content, name="so-di-2021.xlsx"):
    return SimpleUploadedFile(name, content.getvalue())


@pytest.mark.django_db
def test_a_good_file_is_imported_in_the_background_and_its_job_reports_the_counts(
    clerk, register, immediate_tasks, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORTS, {"register": register.pk, "file": upload(xlsx_file(GOOD_ROWS))})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/registers/imports/{job.pk}/"
    assert (job.status, job.rows, job.imported, job.error_count) == (ImportJobStatus.DONE, 2, 2, 0)
    assert (job.filename, job.created_by, job.register) == ("so-di-2021.xlsx", clerk, register)
    assert sorted(Document.objects.filter(register=register).values_list("notation", flat=True)) == [
        "1163/STTTT-TTBCBC",
        "141/KH-STTTT",
    ]
    assert AuditEvent.objects.filter(action="register.import", actor=clerk).count() == 1
    uploaded = AuditEvent.objects.get(action="register.import_upload", actor=clerk)
    assert uploaded.data == {"job": job.pk, "file": "so-di-2021.xlsx", "size": job.file.size, "dry_run": False}

    detail = html_of(client.get(response["Location"]))
    assert "Imported 2 documents from “so-di-2021.xlsx” into “Sổ văn bản đi”." in detail
    assert 'hx-trigger="every 1s"' not in detail
    assert 'width="100.000%"' in detail
    listing = html_of(client.get(IMPORTS))
    assert f'href="/registers/imports/{job.pk}/"' in listing


@pytest.mark.django_db
def test_a_file_with_bad_rows_imports_nothing_and_names_each_bad_row(
    clerk, register, immediate_tasks, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORTS, {"register": register.pk, "file": upload(xlsx_file([*GOOD_ROWS, *BAD_ROWS]))})

    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.DONE
    assert job.refused
    assert (job.rows, job.imported) == (5, 0)
    assert not Document.objects.exists()

    detail = html_of(client.get(response["Location"]))
    assert "Nothing was imported from “so-di-2021.xlsx”: 3 rows have errors." in detail
    errors = table_rows(detail[detail.index('id="errors"') :])
    assert [re.search(r'<th scope="row" class="num">(\d+)</th>', line).group(1) for line in errors] == [
        "4",
        "5",
        "6",
    ]
    assert "Ngày tháng" in errors[1]
    assert "31/02/2021" in errors[1]

    report = client.get(f"/registers/imports/{job.pk}/report.csv")
    assert report.status_code == 200
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Message"
    assert [line.split(",")[0] for line in lines[1:]] == ["4", "5", "6"]


@pytest.mark.django_db
def test_a_csv_file_can_be_only_checked(clerk, register, immediate_tasks, django_capture_on_commit_callbacks):
    client = client_for(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            IMPORTS,
            {"register": register.pk, "file": upload(csv_file(CSV_ROWS), "so-di.csv"), "dry_run": "on"},
        )

    job = ImportJob.objects.get()
    assert (job.status, job.dry_run, job.rows, job.imported) == (ImportJobStatus.DONE, True, 2, 0)
    assert not Document.objects.exists()
    assert "Nothing was written (dry run)." in html_of(client.get(f"/registers/imports/{job.pk}/"))


@pytest.mark.django_db
def test_the_progress_part_polls_while_the_import_waits_and_stops_when_it_is_done(clerk, register):
    """GIVEN an uploaded file not yet taken up by the worker WHEN htmx asks for
    the status THEN it gets the part alone, which asks again every second;
    once imported, the part shows the result and asks no more."""
    job = import_job_start(register=register, upload=upload(xlsx_file(GOOD_ROWS)), actor=clerk, language="en")
    client = client_for(clerk)
    url = f"/registers/imports/{job.pk}/"

    page = html_of(client.get(url))
    assert "<html" in page
    assert 'hx-trigger="every 1s"' in page
    waiting = client.get(url, HTTP_HX_REQUEST="true")
    part = html_of(waiting)
    assert "<html" not in part
    assert part.lstrip().startswith('<section id="import-status"')
    assert f'hx-get="{url}" hx-trigger="every 1s" hx-swap="outerHTML"' in part
    assert "Waiting for the background worker" in part
    assert 'aria-valuenow="0"' in part
    assert "HX-Request" in waiting["Vary"]

    assert import_job_run(job_id=job.pk) == ImportJobStatus.DONE
    done = html_of(client.get(url, HTTP_HX_REQUEST="true"))
    assert "hx-trigger" not in done
    assert "Imported 2 documents" in done
    assert 'aria-valuenow="100"' in done

    # A second run of the same job (a retried task) changes nothing.
    assert import_job_run(job_id=job.pk) == ImportJobStatus.DONE
    assert Document.objects.count() == 2


@pytest.mark.django_db
def test_an_import_whose_uploader_lost_the_right_fails_and_says_why(clerk, register):
    job = import_job_start(register=register, upload=upload(xlsx_file(GOOD_ROWS)), actor=clerk, language="en")
    clerk.role = Role.LEADER
    clerk.save()

    assert import_job_run(job_id=job.pk) == ImportJobStatus.FAILED
    job.refresh_from_db()
    assert "Only a clerk (văn thư)" in job.report["failure"]
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_the_import_form_shows_its_errors_next_to_the_fields(clerk, register):
    other = RegisterFactory(name="Sổ của đơn vị khác")
    client = client_for(clerk)

    missing = html_of(client.post(IMPORTS, {"register": register.pk}))
    assert re.search(r'id="id_file_error"><p>This field is required.</p>', missing)
    empty = html_of(client.post(IMPORTS, {"register": register.pk, "file": SimpleUploadedFile("rong.csv", b"")}))
    assert re.search(r'id="id_file_error"><p>The submitted file is empty.</p>', empty)
    forged = html_of(client.post(IMPORTS, {"register": other.pk, "file": upload(xlsx_file(GOOD_ROWS))}))
    assert "Select a valid choice." in re.search(r'id="id_register_error">(.*?)</div>', forged, re.S).group(1)
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_imports_are_refused_to_reporters_and_leaders_and_hidden_from_other_clerks(clerk, register, leader):
    job = import_job_start(register=register, upload=upload(xlsx_file(GOOD_ROWS)), actor=clerk, language="en")
    reporter = UserFactory(organization=register.owner, role=Role.REPORTER)
    clerk_elsewhere = UserFactory(organization=OrganizationFactory(), role=Role.CLERK)
    RegisterFactory(owner=clerk_elsewhere.organization)
    urls = (IMPORTS, f"/registers/imports/{job.pk}/", f"/registers/imports/{job.pk}/report.csv")

    for user in (reporter, leader):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
        assert client.post(IMPORTS, {"register": register.pk, "file": upload(xlsx_file(GOOD_ROWS))}).status_code == 403
    elsewhere = client_for(clerk_elsewhere)
    assert elsewhere.get(IMPORTS).status_code == 200
    assert f"/registers/imports/{job.pk}/" not in html_of(elsewhere.get(IMPORTS))
    assert elsewhere.get(urls[1]).status_code == 404
    assert elsewhere.get(urls[2]).status_code == 404
    assert ImportJob.objects.count() == 1


@pytest.mark.django_db
def test_the_imports_page_costs_the_same_queries_for_many_jobs(clerk, register, django_assert_max_num_queries):
    client = client_for(clerk)
    for _ in range(2):
        import_job_start(register=register, upload=upload(xlsx_file(GOOD_ROWS)), actor=clerk)
    with CaptureQueriesContext(connection) as few:
        client.get(IMPORTS)
    for _ in range(10):
        import_job_start(register=register, upload=upload(xlsx_file(GOOD_ROWS)), actor=clerk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(IMPORTS)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_is_written_on_its_own_connection_for_others_to_read(clerk, register):
    """What PostgreSQL does during an import (SQLite has one writer at a time
    and skips it): the rows read so far land at once, outside the import's transaction."""
    job = import_job_start(register=register, upload=upload(xlsx_file(GOOD_ROWS)), actor=clerk)
    writer = ProgressWriter(job.pk, enabled=True)
    try:
        writer(1000, 5000)
    finally:
        writer.close()
    job.refresh_from_db()
    assert (job.rows_read, job.rows_total) == (1000, 5000)
    assert (writer.read, writer.total) == (1000, 5000)


@pytest.mark.django_db
def test_a_running_import_with_a_known_size_shows_how_far_it_got(clerk, register):
    job = import_job_start(register=register, upload=upload(xlsx_file(GOOD_ROWS)), actor=clerk)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, rows_read=2000, rows_total=8000)

    part = html_of(client_for(clerk).get(f"/registers/imports/{job.pk}/", HTTP_HX_REQUEST="true"))

    assert 'width="25.000%"' in part
    assert 'aria-valuenow="25"' in part
    assert "Reading row 2000 of 8000" in part
    assert 'hx-trigger="every 1s"' in part
