"""The documents search page (`documents`): matches of a folded query are marked
in the accented text and everything else escaped; filters, their messages, pages
of 25, htmx swaps; the list's query count does not grow with the rows. The
document page, who sees what and the actions are in test_pages_documents.py."""

import datetime
import re

import pytest

from registry.models import Direction
from registry.services import document_register_incoming
from registry.templatetags.registry_pages import excerpt_html, highlight_html, match_spans
from registry.tests.documents_pages import LIST, browser, count_queries, detail_url, issued, listed_ids
from tests.factories import RegisterFactory, doc_type

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def field_error(content: str, name: str) -> str:
    """The text of the error block under the field `name`, or "" when it has none."""
    found = re.search(rf'<div class="form__error" id="id_{name}_error">(.*?)</div>', content, re.S)
    return found.group(1) if found else ""


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


# --- Query counts ---------------------------------------------------------------


def test_the_list_costs_the_same_with_2_or_20_documents(make_draft, clerk, django_assert_max_num_queries):
    client = browser(clerk)
    for _n in range(2):
        issued(make_draft, clerk, subject="Kế hoạch tuyên truyền")
    urls = [LIST, f"{LIST}?q=ke+hoach+tuyen", f"{LIST}?status=issued&direction=outgoing&doc_type=CV"]
    few = [count_queries(client, url, django_assert_max_num_queries, 10) for url in urls]
    for _n in range(18):
        issued(make_draft, clerk, subject="Kế hoạch tuyên truyền")
    many = [count_queries(client, url, django_assert_max_num_queries, 10) for url in urls]
    assert few == many
    assert len(listed_ids(client.get(urls[1]))) == 20
