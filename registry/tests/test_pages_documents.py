"""The documents pages: search (`documents`) and the document page
(`document-detail`), for every kind of user. What a user finds and opens is
what the selectors give them; matches are marked, everything else escaped;
query counts do not grow with the rows."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from config.urls import urlpatterns as project_urlpatterns
from core.models import AuditEvent
from dispatch.services import document_dispatch, obligation_create
from recipients.models import Clearance, Role
from registry.models import Direction, Document
from registry.services import (
    AddresseeInput,
    ReferenceInput,
    attachment_add,
    document_create_draft,
    document_issue,
    document_register_incoming,
    document_update,
)
from registry.templatetags.registry_pages import excerpt_html, highlight_html, match_spans
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory, doc_type

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DAY = datetime.date(2024, 3, 1)
LIST = "/documents/"


def _stub(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("stub")


# The action pages are built by other helpers; until they exist, the action
# tests run against stand-ins with their promised names and paths. Defined
# first, so that the real pages (in the project's patterns) win when they exist.
urlpatterns = [
    path("documents/<id:pk>/edit/", _stub, name="document-edit"),
    path("documents/<id:pk>/issue/", _stub, name="document-issue"),
    path("documents/<id:pk>/dispatch/", _stub, name="document-dispatch"),
    path("documents/<id:pk>/obligations/new/", _stub, name="obligation-create"),
    *project_urlpatterns,
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def browser(user) -> Client:
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client


def issued(make_draft, clerk, issued_on: datetime.date = DAY, **fields) -> Document:
    return document_issue(document=make_draft(**fields), actor=clerk, issued_on=issued_on)


def detail_url(document: Document) -> str:
    return reverse("document-detail", args=[document.pk])


def field_error(content: str, name: str) -> str:
    """The text of the error block under the field `name`, or "" when it has none."""
    found = re.search(rf'<div class="form__error" id="id_{name}_error">(.*?)</div>', content, re.S)
    return found.group(1) if found else ""


def listed_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/documents/(\d+)/"', response.content.decode())]


# --- Highlighting ---------------------------------------------------------------


def test_marks_map_folded_matches_back_to_the_accented_original():
    text = "Kế  hoạch\n tuyên truyền   kỷ niệm Ngày thành lập Đảng"
    assert highlight_html(text, ["ke", "hoach", "dang", "tuyen"]) == (
        "<mark>Kế</mark>  <mark>hoạch</mark>\n <mark>tuyên</mark> truyền   kỷ niệm Ngày thành lập <mark>Đảng</mark>"
    )


def test_short_words_mark_whole_words_and_longer_ones_word_starts():
    assert highlight_html("Sở song số", ["so"]) == "<mark>Sở</mark> song <mark>số</mark>"
    assert highlight_html("tuyên truyền", ["truy"]) == "tuyên <mark>truy</mark>ền"
    assert match_spans("ban hành", ["an"]) == []


def test_everything_but_the_marks_is_escaped():
    html = highlight_html('<b onclick="x()">Báo cáo</b> & <i>', ["bao"])
    assert html == "&lt;b onclick=&quot;x()&quot;&gt;<mark>Báo</mark> cáo&lt;/b&gt; &amp; &lt;i&gt;"


def test_an_excerpt_is_cut_around_the_first_match():
    body = "Mở đầu " * 30 + "các huyện gởi báo cáo trước ngày 01/12/2023 " + "kết thúc " * 40
    passage = excerpt_html(body, ["gui", "goi"])
    assert passage.startswith("… ")
    assert passage.endswith(" …")
    assert "<mark>gởi</mark> báo cáo" in passage
    assert len(passage) < 300
    assert excerpt_html(body, ["khong", "co"]) == ""


# --- Search ---------------------------------------------------------------------


def test_a_plain_lowercase_query_finds_the_document_and_marks_the_accented_words(make_draft, clerk):
    plan = issued(make_draft, clerk, subject="Kế hoạch tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng")
    other = issued(make_draft, clerk, subject="Báo cáo tình hình thực hiện nhiệm vụ năm 2024")
    response = browser(clerk).get(LIST, {"q": "ke hoach dang"})
    assert response.status_code == 200
    assert listed_ids(response) == [plan.pk]
    content = response.content.decode()
    assert "<mark>Kế</mark> <mark>hoạch</mark> tuyên truyền" in content
    assert "lập <mark>Đảng</mark>" in content
    assert other.subject not in content


def test_the_best_match_comes_first_and_the_notation_is_marked(make_draft, clerk):
    in_body = issued(make_draft, clerk, subject="Thông báo lịch họp", body="Nội dung về chuyển đổi số")
    in_subject = issued(make_draft, clerk, subject="Chuyển đổi số trong cơ quan nhà nước", body="…")
    response = browser(clerk).get(LIST, {"q": "chuyen doi so"})
    assert listed_ids(response) == [in_subject.pk, in_body.pk]
    content = response.content.decode()
    assert "<mark>Chuyển</mark> <mark>đổi</mark> <mark>số</mark> trong" in content
    assert "Nội dung về <mark>chuyển</mark> <mark>đổi</mark> <mark>số</mark>" in content  # the body's excerpt

    notation = in_subject.notation.lower()
    marked = browser(clerk).get(LIST, {"q": notation}).content.decode()
    number, _rest = in_subject.notation.split("/", 1)
    assert f"<mark>{number}</mark>/" in marked


def test_html_in_a_subject_is_shown_as_text(make_draft, clerk):
    document = issued(make_draft, clerk, subject='<script>alert("x")</script> Báo cáo <img src=x onerror=alert(1)>')
    client = browser(clerk)
    for response in (client.get(LIST, {"q": "bao cao"}), client.get(LIST), client.get(detail_url(document))):
        content = response.content.decode()
        assert "<script>alert" not in content
        assert "<img src=x" not in content
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    for query in ('<script>alert("q")</script>', '"><img src=x onerror=alert(1)>'):
        for response in (client.get(LIST, {"q": query}), client.get(LIST, {"q": query, "issued_from": "x"})):
            content = response.content.decode()
            assert "<script>alert" not in content
            assert "<img src=x" not in content


def test_an_empty_list_and_a_query_with_nothing_to_search_are_friendly(clerk, make_draft):
    client = browser(clerk)
    assert "There are no documents you can see yet." in client.get(LIST).content.decode()
    issued(make_draft, clerk)
    for query in ("!!! ???", "—"):
        response = client.get(LIST, {"q": query})
        assert response.status_code == 200
        assert "has nothing to search for" in response.content.decode()
        assert listed_ids(response) == []
    response = client.get(LIST, {"q": "xyzzy quux"})
    assert "No document you can see matches “xyzzy quux”." in response.content.decode()
    assert listed_ids(response) == []


def test_filters_narrow_the_list(make_draft, clerk, organization):
    letter = issued(make_draft, clerk, subject="Công văn về lịch trực", issued_on=datetime.date(2024, 3, 1))
    plan = issued(
        make_draft, clerk, doc_type=doc_type("KH"), subject="Kế hoạch năm", issued_on=datetime.date(2024, 6, 1)
    )
    draft = make_draft(subject="Dự thảo công văn")
    incoming = document_register_incoming(
        register=RegisterFactory.create(owner=organization, name="Sổ đến", direction=Direction.INCOMING),
        actor=clerk,
        notation="Số 12-CV/BTGTU",
        sender_name="Ban Tuyên giáo Tỉnh ủy",
        issued_on=datetime.date(2024, 5, 2),
        subject="V/v phối hợp tuyên truyền",
    )
    client = browser(clerk)
    assert set(listed_ids(client.get(LIST))) == {letter.pk, plan.pk, draft.pk, incoming.pk}
    assert listed_ids(client.get(LIST, {"doc_type": "KH"})) == [plan.pk]
    assert listed_ids(client.get(LIST, {"status": "draft"})) == [draft.pk]
    assert listed_ids(client.get(LIST, {"direction": "incoming"})) == [incoming.pk]
    assert set(listed_ids(client.get(LIST, {"issued_from": "2024-04-01"}))) == {plan.pk, incoming.pk}
    assert listed_ids(client.get(LIST, {"issued_from": "2024-04-01", "issued_to": "2024-05-31"})) == [incoming.pk]
    assert listed_ids(client.get(LIST, {"issued_to": "01/04/2024"})) == [letter.pk]  # typed dd/mm/yyyy
    assert set(listed_ids(client.get(LIST, {"issuer": organization.pk}))) == {letter.pk, plan.pk, draft.pk}
    narrowed = client.get(LIST, {"q": "cong van", "direction": "outgoing", "status": "issued"})
    assert listed_ids(narrowed) == [letter.pk]
    content = client.get(LIST, {"doc_type": "KH"}).content.decode()
    assert '<option value="KH" selected>' in content  # the form keeps what was chosen


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"issued_from": "2024-13-45"}, "issued_from", "“2024-13-45” is not a date: enter one such as 31/12/2024."),
        ({"issued_to": "hôm qua"}, "issued_to", "“hôm qua” is not a date"),
        ({"issued_from": "2024-05-01", "issued_to": "2024-04-01"}, "issued_to", "The end date is before the start"),
        ({"doc_type": "ZZZ"}, "doc_type", "Select a valid choice"),
        ({"issuer": "abc"}, "issuer", "Select a valid choice"),
        ({"issuer": "99999999999999999999999"}, "issuer", "Select a valid choice"),
        ({"issuer": "424242"}, "issuer", "Select a valid choice"),
        ({"status": "lost"}, "status", "Select a valid choice"),
        ({"direction": "sideways"}, "direction", "Select a valid choice"),
        ({"q": "a\x00b"}, "q", "Null characters are not allowed."),
    ],
)
def test_a_bad_filter_value_is_a_message_next_to_its_field(make_draft, clerk, params, field, message):
    issued(make_draft, clerk)
    response = browser(clerk).get(LIST, params)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in field_error(content, field)
    assert 'aria-invalid="true"' in content
    assert listed_ids(response) == []
    assert "Correct the filters above to see the documents." in content


def test_pages_of_25_keep_the_filters(make_draft, clerk):
    for n in range(27):
        make_draft(subject=f"Dự thảo số {n}")
    client = browser(clerk)
    first = client.get(LIST, {"status": "draft"})
    assert len(listed_ids(first)) == 25
    assert "status=draft&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"status": "draft", "page": "2"})
    assert len(listed_ids(second)) == 2
    assert len(listed_ids(client.get(LIST, {"status": "draft", "page": "999"}))) == 2  # the last page
    assert len(listed_ids(client.get(LIST, {"status": "draft", "page": "x"}))) == 25


# --- htmx -----------------------------------------------------------------------


def test_htmx_gets_the_results_alone(make_draft, clerk):
    document = issued(make_draft, clerk, subject="Kế hoạch chuyển đổi số")
    response = browser(clerk).get(LIST, {"q": "chuyen doi"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert "<form" not in content
    assert "<table" in content
    assert listed_ids(response) == [document.pk]
    assert "HX-Request" in response["Vary"]


def test_htmx_with_a_bad_filter_redraws_the_form_with_its_message(make_draft, clerk):
    issued(make_draft, clerk)
    client = browser(clerk)
    response = client.get(LIST, {"issued_from": "31/31/2024"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#search"
    assert response["HX-Reswap"] == "outerHTML"
    content = response.content.decode()
    assert "<html" not in content
    assert content.lstrip().startswith('<div id="search"')
    assert "is not a date" in field_error(content, "issued_from")
    assert 'hx-target="#search"' in content  # the next change redraws the form again, dropping the message
    fixed = client.get(LIST, {"issued_from": "2024-01-01"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search")
    assert fixed.content.decode().lstrip().startswith('<div id="search"')
    assert field_error(fixed.content.decode(), "issued_from") == ""
    assert 'hx-target="#results"' in fixed.content.decode()


def test_the_full_page_has_the_htmx_form_and_works_without_it(clerk):
    content = browser(clerk).get(LIST).content.decode()
    assert "<html" in content
    assert 'method="get" action="/documents/"' in content
    assert 'hx-get="/documents/"' in content
    assert 'hx-push-url="true"' in content
    assert 'hx-target="#results"' in content
    assert '<label for="id_q">' in content
    assert 'type="date"' in content
    assert "style=" not in content
    assert "<script>" not in content


# --- Who sees what --------------------------------------------------------------


@pytest.fixture
def secret(organization, register):
    """A Mật plan of the Sở, issued by a clerk cleared for it."""
    cleared_clerk = UserFactory.create(organization=organization, role=Role.CLERK, clearance=Clearance.CONFIDENTIAL)
    draft = document_create_draft(
        register=register,
        actor=cleared_clerk,
        doc_type=doc_type("KH"),
        subject="Kế hoạch bảo vệ bí mật nhà nước",
        confidentiality="confidential",
        signer_name="Lâm Văn Sển",
        signer_title="GIÁM ĐỐC",
    )
    return document_issue(document=draft, actor=cleared_clerk, issued_on=DAY)


def test_a_confidential_document_is_absent_without_clearance(secret, organization, leader):
    uncleared = browser(leader)
    assert listed_ids(uncleared.get(LIST)) == []
    assert listed_ids(uncleared.get(LIST, {"q": "bao ve bi mat"})) == []
    assert uncleared.get(detail_url(secret)).status_code == 404

    mat = UserFactory.create(organization=organization, role=Role.LEADER, clearance=Clearance.CONFIDENTIAL)
    cleared = browser(mat)
    assert listed_ids(cleared.get(LIST, {"q": "bao ve bi mat"})) == [secret.pk]
    response = cleared.get(detail_url(secret))
    assert response.status_code == 200
    assert "Mật" in response.content.decode()
    # Opening it leaves a trace, as through the API.
    viewed = AuditEvent.objects.filter(action="document.viewed", actor=mat, object_id=str(secret.pk))
    assert viewed.count() == 1


def test_another_organizations_draft_and_unknown_ids_are_404(clerk, make_draft):
    other = OrganizationFactory(name="Sở Nội vụ", abbreviation="SNV")
    other_clerk = UserFactory.create(organization=other, role=Role.CLERK)
    foreign = document_create_draft(
        register=RegisterFactory.create(owner=other),
        actor=other_clerk,
        doc_type=doc_type("KH"),
        subject="Kế hoạch cải cách hành chính",
    )
    client = browser(clerk)
    assert client.get(detail_url(foreign)).status_code == 404
    assert listed_ids(client.get(LIST, {"q": "cai cach hanh chinh"})) == []
    assert browser(other_clerk).get(detail_url(foreign)).status_code == 200
    assert client.get("/documents/999999/").status_code == 404
    assert client.get("/documents/99999999999999999999999/").status_code == 404


def test_reporters_do_not_see_their_organizations_drafts(clerk, organization, make_draft):
    draft = make_draft()
    document = issued(make_draft, clerk)
    reporter = browser(UserFactory.create(organization=organization, role=Role.REPORTER))
    assert reporter.get(detail_url(draft)).status_code == 404
    assert reporter.get(detail_url(document)).status_code == 200
    assert listed_ids(reporter.get(LIST)) == [document.pk]


def test_the_pages_need_a_login(make_draft):
    document = make_draft()
    for url in (LIST, detail_url(document)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Client().post(LIST).status_code == 405


# --- The document page ----------------------------------------------------------


@pytest.fixture
def districts(organization):
    return [
        OrganizationFactory(name=f"UBND huyện {name}", abbreviation="UBND", parent=organization)
        for name in ("Châu Thành", "Giồng Riềng", "Tân Hiệp", "An Biên", "Hòn Đất")
    ]


def sent_document(make_draft, clerk, districts, count: int, attachments: int) -> Document:
    """An issued plan addressed to `count` districts, dispatched, with files and an obligation."""
    chosen = districts[:count]
    document = issued(
        make_draft,
        clerk,
        doc_type=doc_type("KH"),
        subject="Kế hoạch tổng kết công tác tuyên truyền",
        body="Các huyện gởi báo cáo trước ngày 01/12/2024.",
        addressees=[AddresseeInput(organization=district) for district in chosen],
    )
    for n in range(attachments):
        attachment_add(
            document=document,
            actor=clerk,
            upload=SimpleUploadedFile(f"phu-luc-{n}.pdf", PDF + str(n).encode(), content_type="application/pdf"),
        )
    document_dispatch(document=document, actor=clerk)
    obligation_create(
        document=document,
        actor=clerk,
        title="Báo cáo tổng kết",
        due_on=datetime.date(2024, 11, 30),
        organizations=chosen,
    )
    return document


def test_the_page_shows_everything_about_the_document(make_draft, clerk, districts, organization):
    cited = issued(make_draft, clerk, subject="Chỉ thị về tuyên truyền")
    other = OrganizationFactory(name="Sở Nội vụ", abbreviation="SNV")
    other_clerk = UserFactory.create(organization=other, role=Role.CLERK)
    hidden = document_issue(
        document=document_create_draft(
            register=RegisterFactory.create(owner=other),
            actor=other_clerk,
            doc_type=doc_type("CV"),
            subject="Công văn nội bộ",
            signer_name="Nguyễn Văn A",
            signer_title="GIÁM ĐỐC",
            drafting_unit="VP",
        ),
        actor=other_clerk,
    )
    document = sent_document(make_draft, clerk, districts, 2, 1)
    draft = make_draft(
        subject="Công văn hướng dẫn",
        references=[
            ReferenceInput(relation="implements", target=cited),
            ReferenceInput(relation="cites", target=hidden),
            ReferenceInput(relation="cites", notation="21-NQ/TW"),
        ],
    )
    document_update(document=draft, actor=clerk, changes={"note": "Ghi chú của văn thư"})

    client = browser(clerk)
    content = client.get(detail_url(document)).content.decode()
    assert f"<h1>{document.notation}</h1>" in content
    assert "Kế hoạch tổng kết công tác tuyên truyền" in content
    assert "01/03/2024" in content  # dd/mm/yyyy
    assert "UBND huyện Châu Thành" in content
    assert "UBND huyện Giồng Riềng" in content
    assert "Các huyện gởi báo cáo trước ngày 01/12/2024." in content
    attachment = document.attachments.get()
    assert f'href="/api/v1/documents/{document.pk}/attachments/{attachment.pk}/"' in content
    assert f'href="/api/v1/documents/{document.pk}/pdf/"' in content
    assert f'href="/api/v1/documents/{document.pk}/docx/"' in content
    assert "Sent to 2 organizations" in content
    assert "Báo cáo tổng kết" in content
    assert f'href="{reverse("compliance-obligation", args=[document.obligations.get().pk])}"' in content
    assert "Issued and numbered" in content
    assert "Sent to recipients" in content
    assert "Reporting obligation created" in content

    page = client.get(detail_url(draft)).content.decode()
    assert f'href="/documents/{cited.pk}/"' in page  # visible: a link
    assert f'href="/documents/{hidden.pk}/"' not in page  # another organization's: its notation only
    assert hidden.notation in page
    assert "21-NQ/TW" in page
    assert "Draft (not numbered yet)" in page
    # The history says who changed what, before and after.
    assert "Details changed" in page
    assert "Ghi chú của văn thư" in page
    assert "vanthu_test" in page or clerk.get_full_name() in page


def test_an_attachment_link_downloads_the_file_with_the_session(make_draft, clerk, districts):
    document = sent_document(make_draft, clerk, districts, 1, 1)
    attachment = document.attachments.get()
    response = browser(clerk).get(f"/api/v1/documents/{document.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_incoming_document_shows_its_arrival(clerk, organization):
    incoming = document_register_incoming(
        register=RegisterFactory.create(owner=organization, name="Sổ đến", direction=Direction.INCOMING),
        actor=clerk,
        notation="Số 375-CV/BTGTU",
        sender_name="Ban Tuyên giáo Tỉnh ủy",
        issued_on=DAY,
        subject="V/v tuyên truyền",
    )
    content = browser(clerk).get(detail_url(incoming)).content.decode()
    assert "Arrival number" in content
    assert "Ban Tuyên giáo Tỉnh ủy" in content
    assert "375-CV/BTGTU" in content
    assert "Registered as received" in content
    assert "Deliveries" not in content


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_list_costs_the_same_with_2_or_20_documents(make_draft, clerk, django_assert_max_num_queries):
    client = browser(clerk)
    for _n in range(2):
        issued(make_draft, clerk, subject="Kế hoạch tuyên truyền")
    urls = [LIST, f"{LIST}?q=ke+hoach+tuyen", f"{LIST}?status=issued&direction=outgoing&doc_type=CV"]
    few = [_count_queries(client, url, django_assert_max_num_queries, 10) for url in urls]
    for _n in range(18):
        issued(make_draft, clerk, subject="Kế hoạch tuyên truyền")
    many = [_count_queries(client, url, django_assert_max_num_queries, 10) for url in urls]
    assert few == many
    assert len(listed_ids(client.get(urls[1]))) == 20


def test_the_document_page_costs_the_same_however_much_it_holds(
    make_draft, clerk, districts, django_assert_max_num_queries
):
    small = sent_document(make_draft, clerk, districts, 1, 1)
    large = sent_document(make_draft, clerk, districts, 5, 4)
    assert large.deliveries.count() == 5
    assert (
        AuditEvent.objects.filter(object_id=str(large.pk)).count()
        > AuditEvent.objects.filter(object_id=str(small.pk)).count()
    )
    client = browser(clerk)
    limit = 16
    assert _count_queries(client, detail_url(small), django_assert_max_num_queries, limit) == _count_queries(
        client, detail_url(large), django_assert_max_num_queries, limit
    )


# --- Actions --------------------------------------------------------------------


ACTION_LABELS = ("Edit the draft", "Issue: give it its number", "Dispatch", "Create reporting obligations")


@pytest.mark.urls(__name__)
def test_the_registers_clerk_gets_the_draft_actions(make_draft, clerk):
    draft = make_draft()
    content = browser(clerk).get(detail_url(draft)).content.decode()
    assert f'href="/documents/{draft.pk}/edit/"' in content
    assert f'action="/documents/{draft.pk}/issue/"' in content
    assert 'name="issued_on"' in content  # the date of the document, optional
    assert 'name="csrfmiddlewaretoken"' in content
    assert f"/documents/{draft.pk}/dispatch/" not in content
    assert f"/documents/{draft.pk}/obligations/new/" not in content


@pytest.mark.urls(__name__)
def test_the_registers_clerk_dispatches_an_issued_document_and_creates_obligations(make_draft, clerk):
    document = issued(make_draft, clerk)
    content = browser(clerk).get(detail_url(document)).content.decode()
    assert f'href="/documents/{document.pk}/dispatch/"' in content
    assert f'href="/documents/{document.pk}/obligations/new/"' in content
    assert f"/documents/{document.pk}/edit/" not in content
    assert f"/documents/{document.pk}/issue/" not in content


@pytest.mark.urls(__name__)
def test_leaders_reporters_and_other_clerks_get_no_actions(make_draft, clerk, leader, organization):
    draft = make_draft()
    document = issued(make_draft, clerk)
    reporter = UserFactory.create(organization=organization, role=Role.REPORTER)
    province = OrganizationFactory(name="UBND tỉnh")
    organization.parent = province
    organization.save(update_fields=["parent"])
    province_clerk = UserFactory.create(organization=province, role=Role.CLERK)  # reads the Sở's registers, keeps none
    pages = [
        (leader, draft),
        (leader, document),
        (reporter, document),
        (province_clerk, draft),
        (province_clerk, document),
    ]
    for user, shown in pages:
        response = browser(user).get(detail_url(shown))
        assert response.status_code == 200, (user.role, shown.status)
        content = response.content.decode()
        for suffix in ("edit/", "issue/", "dispatch/", "obligations/new/"):
            assert f"/documents/{shown.pk}/{suffix}" not in content, (user.role, suffix)


def test_without_the_action_pages_no_action_is_offered(make_draft, clerk):
    """Until the other pages exist their names do not resolve; the page must still render."""
    draft = make_draft()
    response = browser(clerk).get(detail_url(draft))
    assert response.status_code == 200
