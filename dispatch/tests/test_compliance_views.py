"""Compliance for people and spreadsheets: the leader's pages, the XLSX
follow-up register, and the promise that both (and the JSON API) cost the
same number of queries with 10 obligations as with 500."""

import datetime
import io
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dispatch.exports import REGISTER_TITLE, XLSX_CONTENT_TYPE, export_filename, progress
from dispatch.models import Assignment, Obligation
from dispatch.services import obligation_create, submission_create, submission_review
from dispatch.tests.conftest import at, pdf
from tests.factories import PASSWORD
from tests.register_forms import FOLLOW_UP_HEADER

NOW = at(2023, 12, 5, 10)
TODAY = NOW.date()
HEADER = FOLLOW_UP_HEADER
HEADER_ROW = 6


def submit(world, obligation, index, when, notation):
    with time_machine.travel(when, tick=False):
        return submission_create(
            obligation=obligation, actor=world.reporters[index], files=[pdf()], report_notation=notation
        )


def review(world, submission, when, decision, reason=""):
    with time_machine.travel(when, tick=False):
        submission_review(submission=submission, actor=world.clerk, decision=decision, reason=reason)


@pytest.fixture
def reports(world):
    """Three obligations of the plan, seen on 05/12/2023:

    - tổng kết (due 30/11): Mỹ Tho reported 28/11, accepted 05/12; Cái Bè reported late 04/12; Chợ Gạo nothing
    - số liệu (due 15/12): Cái Bè reported 01/12; Mỹ Tho's report of 02/12 was returned; Chợ Gạo not yet due
    - sơ kết (due 20/11): only Cái Bè owes it, and has sent nothing
    """
    with time_machine.travel(at(2023, 11, 1), tick=False):
        review_35 = obligation_create(
            document=world.plan,
            actor=world.clerk,
            title="Báo cáo tổng kết 35 năm Bản tin sinh hoạt chi bộ",
            due_on=datetime.date(2023, 11, 30),
            organizations=world.districts,
        )
        figures = obligation_create(
            document=world.plan,
            actor=world.clerk,
            title="Báo cáo số liệu phát hành Bản tin năm 2023",
            due_on=datetime.date(2023, 12, 15),
            organizations=world.districts,
        )
        half_year = obligation_create(
            document=world.plan,
            actor=world.clerk,
            title="Báo cáo sơ kết 6 tháng",
            due_on=datetime.date(2023, 11, 20),
            organizations=[world.districts[1]],
        )
    my_tho_review = submit(world, review_35, 0, at(2023, 11, 28), "12-BC/HU")
    submit(world, figures, 1, at(2023, 12, 1), "30-BC/HU")
    my_tho_figures = submit(world, figures, 0, at(2023, 12, 2), "15-BC/HU")
    review(world, my_tho_figures, at(2023, 12, 3), "returned", "Thiếu số liệu phát hành quý IV")
    submit(world, review_35, 1, at(2023, 12, 4), "41-BC/HU")
    review(world, my_tho_review, at(2023, 12, 5, 9), "accepted")
    return review_35, figures, half_year


def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def sheet_of(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    return load_workbook(io.BytesIO(response.content)).active


def data_rows(sheet):
    """The data rows under the header, as dicts by column name."""
    rows = sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    return [dict(zip(HEADER, row, strict=True)) for row in rows]


@pytest.mark.django_db
def test_export_prints_the_follow_up_register(world, reports):
    review_35, _figures, _half_year = reports
    with time_machine.travel(NOW, tick=False):
        response = api_client(world.leader).get(f"/api/v1/compliance/export.xlsx?document={world.plan.pk}")
    sheet = sheet_of(response)
    notation = world.plan.notation
    assert f'filename="theo-doi-bao-cao-{notation.replace("/", "-")}.xlsx"' in response["Content-Disposition"]

    titles = [sheet.cell(row=n, column=1).value for n in range(1, 5)]
    assert titles[0] == "TỈNH ỦY TIỀN GIANG"
    assert titles[1] == REGISTER_TITLE
    assert f"Kế hoạch số {notation} ngày 28/04/2023" in titles[2]
    assert titles[3] == "Ngày lập: 05/12/2023"
    assert [cell.value for cell in sheet[HEADER_ROW]] == HEADER
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"  # repeated on every printed page
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.cell(row=HEADER_ROW + 1, column=2).font.name == "Times New Roman"

    rows = data_rows(sheet)
    assert len(rows) == 7  # one per obligated organization of every obligation of the plan
    by_key = {
        (row["Tên loại, số, ký hiệu, ngày tháng và trích yếu văn bản"].split("\n")[-1], row[HEADER[2]]): row
        for row in rows
    }
    review_title = f"Nội dung báo cáo: {review_35.title}"
    figures_title = "Nội dung báo cáo: Báo cáo số liệu phát hành Bản tin năm 2023"
    half_title = "Nội dung báo cáo: Báo cáo sơ kết 6 tháng"
    expected = {
        (review_title, "Thành ủy Mỹ Tho"): (1, "Đã tiếp nhận 05/12/2023", "12-BC/HU"),
        (review_title, "Huyện ủy Cái Bè"): (4, "Báo cáo trễ 4 ngày (04/12/2023)", "41-BC/HU"),
        (review_title, "Huyện ủy Chợ Gạo"): (None, "Quá hạn 5 ngày, chưa báo cáo", None),
        (figures_title, "Thành ủy Mỹ Tho"): (3, "Trả lại để bổ sung: Thiếu số liệu phát hành quý IV", "15-BC/HU"),
        (figures_title, "Huyện ủy Cái Bè"): (2, "Đã báo cáo đúng hạn ngày 01/12/2023", "30-BC/HU"),
        (figures_title, "Huyện ủy Chợ Gạo"): (None, "Chưa đến hạn", None),
        (half_title, "Huyện ủy Cái Bè"): (None, "Quá hạn 15 ngày, chưa báo cáo", None),
    }
    assert {key: (row["Số đến"], row["Tiến độ giải quyết"], row[HEADER[5]]) for key, row in by_key.items()} == expected
    assert by_key[(review_title, "Huyện ủy Cái Bè")]["Thời hạn giải quyết"].date() == datetime.date(2023, 11, 30)
    # Earliest due date first: the half-year report (20/11) leads.
    assert rows[0][HEADER[1]].endswith(half_title)


DUE = datetime.date(2023, 11, 30)


@pytest.mark.parametrize(
    ("facts", "latest_reason", "words"),
    [
        ({"status": "pending"}, None, "Chưa đến hạn"),
        ({"status": "overdue"}, None, "Quá hạn 5 ngày, chưa báo cáo"),
        ({"status": "submitted", "first_submitted_on": DUE}, None, "Đã báo cáo đúng hạn ngày 30/11/2023"),
        ({"status": "late", "first_submitted_on": datetime.date(2023, 12, 3)}, None, "Báo cáo trễ 3 ngày (03/12/2023)"),
        ({"status": "returned", "first_submitted_on": DUE}, "Thiếu phụ lục", "Trả lại để bổ sung: Thiếu phụ lục"),
        ({"status": "accepted", "first_submitted_on": DUE, "accepted_at": NOW}, None, "Đã tiếp nhận 05/12/2023"),
        (
            {"status": "accepted", "first_submitted_on": datetime.date(2023, 12, 2), "accepted_at": NOW},
            None,
            "Đã tiếp nhận 05/12/2023 (báo cáo trễ 2 ngày)",
        ),
    ],
)
def test_progress_is_written_in_the_registers_words(facts, latest_reason, words):
    row = SimpleNamespace(**{"due_on": DUE, "first_submitted_on": None, "accepted_at": None, **facts})
    latest = SimpleNamespace(review_reason=latest_reason) if latest_reason else None
    assert progress(row, latest, TODAY) == words


def test_export_filename_is_ascii():
    document = SimpleNamespace(notation="12/QĐ-UBND")
    assert export_filename(document, TODAY) == "theo-doi-bao-cao-12-QD-UBND.xlsx"
    assert export_filename(None, TODAY) == "theo-doi-bao-cao-2023-12-05.xlsx"


@pytest.mark.django_db
def test_export_of_one_obligation_and_filters(world, reports):
    review_35, _figures, _half_year = reports
    client = api_client(world.clerk)
    with time_machine.travel(NOW, tick=False):
        one = data_rows(sheet_of(client.get(f"/api/v1/compliance/export.xlsx?obligation={review_35.pk}")))
        overdue = data_rows(sheet_of(client.get("/api/v1/compliance/export.xlsx?status=overdue")))
    assert sorted(row[HEADER[2]] for row in one) == ["Huyện ủy Chợ Gạo", "Huyện ủy Cái Bè", "Thành ủy Mỹ Tho"]
    assert {row["Tiến độ giải quyết"] for row in overdue} == {
        "Quá hạn 5 ngày, chưa báo cáo",
        "Quá hạn 15 ngày, chưa báo cáo",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("obligation=abc", 400, "obligation"),
        ("document=1x", 400, "document"),
        ("status=forgotten", 400, "status"),
        ("obligation=1.5", 400, "obligation"),
        ("organization=99999999999999999999", 400, "organization"),
        ("obligation=999999", 404, None),
        ("document=999999", 404, None),
    ],
)
def test_bad_export_filters_answer_in_json(world, reports, query, status, field):
    response = api_client(world.leader).get(f"/api/v1/compliance/export.xlsx?{query}", HTTP_ACCEPT=XLSX_CONTENT_TYPE)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"]
    assert body.get("field") == field
    if status == 400:
        assert body["code"] == "invalid"


@pytest.mark.django_db
def test_dashboard_counts_and_overdue_order(world, reports):
    with time_machine.travel(NOW, tick=False):
        response = browser(world.leader).get("/compliance/")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.total == 7
    assert {item.status: item.count for item in summary.statuses} == {
        "accepted": 1,
        "submitted": 1,
        "late": 1,
        "returned": 1,
        "overdue": 2,
        "pending": 1,
    }
    # On time: Mỹ Tho twice and Cái Bè once, of six whose outcome is known (Chợ Gạo's số liệu is not yet due).
    assert summary.on_time_percent == 50
    overdue = [(row.organization_name, row.obligation.title, late) for row, late in response.context["overdue_rows"]]
    assert overdue == [
        ("Huyện ủy Cái Bè", "Báo cáo sơ kết 6 tháng", 15),
        ("Huyện ủy Chợ Gạo", "Báo cáo tổng kết 35 năm Bản tin sinh hoạt chi bộ", 5),
    ]
    records = {row["organization__name"]: record for row, record in response.context["organization_rows"]}
    assert records["Huyện ủy Cái Bè"].total == 3
    assert records["Thành ủy Mỹ Tho"].on_time_percent == 100
    assert [obligation.title for obligation, _record in response.context["obligation_rows"]] == [
        "Báo cáo sơ kết 6 tháng",
        "Báo cáo tổng kết 35 năm Bản tin sinh hoạt chi bộ",
        "Báo cáo số liệu phát hành Bản tin năm 2023",
    ]
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert html.index("Báo cáo sơ kết 6 tháng</a>") < html.index("Huyện ủy Chợ Gạo</a></th>")


@pytest.mark.django_db
def test_obligation_page_lists_every_organization(world, reports):
    review_35, _figures, _half_year = reports
    with time_machine.travel(NOW, tick=False):
        response = browser(world.leader).get(f"/compliance/obligations/{review_35.pk}/")
    assert response.status_code == 200
    rows = {row.assignment.organization_name: row for row in response.context["rows"]}
    assert {name: row.assignment.status for name, row in rows.items()} == {
        "Thành ủy Mỹ Tho": "accepted",
        "Huyện ủy Cái Bè": "late",
        "Huyện ủy Chợ Gạo": "overdue",
    }
    assert (rows["Huyện ủy Cái Bè"].days_late, rows["Huyện ủy Cái Bè"].arrival_number) == (4, 4)
    assert rows["Thành ủy Mỹ Tho"].report_notation == "12-BC/HU"
    assert rows["Huyện ủy Chợ Gạo"].days_late == 5
    html = response.content.decode()
    assert f"/api/v1/compliance/export.xlsx?obligation={review_35.pk}" in html
    assert 'class="badge status--overdue"' in html


@pytest.mark.django_db
def test_a_reporter_sees_only_their_own_organization(world, reports):
    review_35, _figures, half_year = reports
    cho_gao = world.reporters[2]
    client = browser(cho_gao)
    with time_machine.travel(NOW, tick=False):
        dashboard = client.get("/compliance/")
        detail = client.get(f"/compliance/obligations/{review_35.pk}/")
        not_owed = client.get(f"/compliance/obligations/{half_year.pk}/")
        export = client.get(f"/api/v1/compliance/export.xlsx?document={world.plan.pk}")
    assert dashboard.context["summary"].total == 2
    assert [row["organization__name"] for row, _record in dashboard.context["organization_rows"]] == [
        "Huyện ủy Chợ Gạo"
    ]
    assert [row.organization_name for row, _late in dashboard.context["overdue_rows"]] == ["Huyện ủy Chợ Gạo"]
    assert "Thành ủy Mỹ Tho" not in dashboard.content.decode()
    assert [row.assignment.organization_name for row in detail.context["rows"]] == ["Huyện ủy Chợ Gạo"]
    assert not_owed.status_code == 404
    assert {row[HEADER[2]] for row in data_rows(sheet_of(export))} == {"Huyện ủy Chợ Gạo"}


@pytest.mark.django_db
def test_pages_need_a_signed_in_user_and_change_nothing(world, reports):
    anonymous = Client()
    response = anonymous.get("/compliance/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/compliance/"
    assert anonymous.get(f"/compliance/obligations/{reports[0].pk}/").status_code == 302
    assert anonymous.get("/api/v1/compliance/export.xlsx").status_code == 401

    login_page = anonymous.get("/accounts/login/?next=/compliance/")
    assert login_page.status_code == 200
    assert '<html lang="vi">' in login_page.content.decode()
    signed_in = anonymous.post("/accounts/login/", {"username": world.leader.username, "password": PASSWORD})
    # Signed in, a leader lands on the home page, which is their dashboard.
    assert signed_in["Location"] == "/"
    assert anonymous.get("/")["Location"] == "/compliance/"
    assert anonymous.post("/compliance/").status_code == 405


def add_obligations(world, count):
    """Obligations of the plan owed by every district, written in bulk (the
    services would take minutes for hundreds): due dates spread over two
    months around today, so some are overdue and some not yet due."""
    existing = Obligation.objects.count()
    obligations = Obligation.objects.bulk_create(
        [
            Obligation(
                document=world.plan,
                organization=world.province,
                created_by=world.clerk,
                title=f"Báo cáo chuyên đề số {n + 1} về công tác tuyên giáo năm 2023",
                description="Báo cáo kết quả thực hiện, khó khăn, vướng mắc và đề xuất, kiến nghị.",
                due_on=TODAY + datetime.timedelta(days=n % 61 - 30),
                deadline_text="gởi báo cáo về Ban Thường vụ Tỉnh ủy (qua Ban Tuyên giáo Tỉnh ủy)",
            )
            for n in range(existing, existing + count)
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                obligation=obligation, organization=district, organization_name=district.name, due_on=obligation.due_on
            )
            for obligation in obligations
            for district in world.districts
        ]
    )


@pytest.mark.django_db
@pytest.mark.slow
def test_queries_do_not_grow_with_obligations(world, reports):
    """Seven reads, each counted with 10 obligations (3 organizations each)
    and again with 500: the same number of queries both times."""
    review_35, _figures, _half_year = reports
    add_obligations(world, 10 - len(reports))
    urls = [
        "/api/v1/compliance/",
        "/api/v1/compliance/obligations/",
        "/api/v1/compliance/organizations/",
        "/api/v1/compliance/overdue/",
        f"/api/v1/compliance/export.xlsx?document={world.plan.pk}",
        "/compliance/",
        f"/compliance/obligations/{review_35.pk}/",
    ]
    api, pages = api_client(world.leader), browser(world.leader)

    def count_queries():
        counts = {}
        for url in urls:
            client = api if url.startswith("/api/") else pages
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, (url, response.content[:300])
            counts[url] = len(captured.captured_queries)
        return counts

    with time_machine.travel(NOW, tick=False):
        few = count_queries()
        assert api.get("/api/v1/compliance/").json()["count"] == 10 * 3 - 2
        add_obligations(world, 490)
        many = count_queries()
        assert api.get("/api/v1/compliance/").json()["count"] == 500 * 3 - 2
        assert len(data_rows(sheet_of(api.get(urls[4])))) == 500 * 3 - 2
    assert many == few
