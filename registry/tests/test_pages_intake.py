"""The clerk's intake page (/incoming/intake/): paste a document's text or upload its file, get
the incoming registration form filled from it with the suggestions beside it, and register —
the uploaded PDF or Word file attached. Bad files come back as errors next to the field, and
only clerks who keep an incoming register get the page."""

import datetime
import html
import io
import os
import re
import time
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from recipients.models import Role
from registry.models import Direction, Document
from registry.tests.intake_directory import EXAMPLES, demo_directory, received
from registry.views.intake_forms import STAGE_DIRECTORY
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory, doc_type

URL = "/incoming/intake/"
STATE_LETTER = (EXAMPLES / "M-STTTT-TTBCBC.txt").read_text(encoding="utf-8")
PARTY_PLAN = (EXAMPLES / "95-KH-TU.txt").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def demo(db):
    return demo_directory()


@pytest.fixture
def board(demo):
    return demo.organizations["kg.btgtu"]


@pytest.fixture
def clerk(board):
    return UserFactory(organization=board, role=Role.CLERK, username="vanthu_intake")


@pytest.fixture
def incoming(board):
    return RegisterFactory(owner=board, name="Sổ văn bản đến", direction=Direction.INCOMING)


def client_for(user):
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client


def page(response) -> str:
    return html.unescape(response.content.decode())


def field_errors(response, name):
    match = re.search(rf'<div class="form__error" id="id_{name}_error">(.*?)</div>', page(response), re.S)
    return re.findall(r"<p>(.*?)</p>", match.group(1), re.S) if match else []


def input_value(response, name):
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page(response))
    assert tag, name
    value = re.search(r'value="([^"]*)"', tag.group())
    return value.group(1) if value else None


def selected(response, name):
    select = re.search(rf'<select name="{name}".*?</select>', page(response), re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select.group())


def textarea(response, name):
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page(response), re.S)
    assert match, name
    return match.group(1).strip()


def registration(response, **overrides):
    """The registration form as the page filled it, to post back (the clerk changes nothing)."""
    data = {
        "step": "register",
        "intake": input_value(response, "intake"),
        "staged": input_value(response, "staged") or "",
        "register": selected(response, "register")[0],
        "sender": (selected(response, "sender") or [""])[0],
        "sender_name": input_value(response, "sender_name") or "",
        "notation": input_value(response, "notation") or "",
        "issued_on": input_value(response, "issued_on") or "",
        "received_at": "",
        "doc_type": (selected(response, "doc_type") or [""])[0],
        "subject": textarea(response, "subject"),
        "urgency": selected(response, "urgency")[0],
        "confidentiality": selected(response, "confidentiality")[0],
        "signer_name": input_value(response, "signer_name") or "",
        "page_count": "",
        "handling_unit": "",
        "handling_deadline": input_value(response, "handling_deadline") or "",
        "note": "",
        "acknowledged": input_value(response, "acknowledged") or "",
    }
    data.update(overrides)
    return data


def docx_of(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- who gets the page -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_clerk_with_an_incoming_register_gets_the_reading_form(clerk, incoming):
    response = client_for(clerk).get(URL)
    assert response.status_code == 200
    content = page(response)
    assert '<textarea name="text"' in content
    assert 'type="file" name="file"' in content
    assert '<label for="id_text">' in content
    assert '<label for="id_file">' in content


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REPORTER, Role.LEADER])
def test_reporters_and_leaders_are_refused(board, incoming, role):
    user = UserFactory(organization=board, role=role)
    for response in (
        client_for(user).get(URL),
        client_for(user).post(URL, {"step": "read", "text": STATE_LETTER}),
        client_for(user).post(URL, {"step": "register", "subject": "x"}),
    ):
        assert response.status_code == 403
        assert "keep no open incoming register" in page(response)
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_the_login(incoming):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_incoming_page_links_here(clerk, incoming):
    assert f'href="{URL}"' in page(client_for(clerk).get("/incoming/new/"))


# --- paste, check, register -------------------------------------------------------------------


@pytest.mark.django_db
def test_pasted_text_fills_the_registration_form(demo, clerk, incoming):
    """GIVEN the Sở TT&TT's letter, and Chỉ thị 07-CT/TU registered earlier WHEN its text is
    pasted THEN the form holds the sender (matched for sure), date, type and subject, and
    beside it the candidates, the parser's warning and the cited directive as a link."""
    directive = received(incoming, clerk, "07-CT/TU", "Tỉnh ủy Kiên Giang")

    response = client_for(clerk).post(URL, {"step": "read", "text": STATE_LETTER})

    assert response.status_code == 200
    stttt = demo.organizations["kg.stttt"]
    assert selected(response, "register") == [str(incoming.pk)]
    assert selected(response, "sender") == [str(stttt.pk)]
    assert input_value(response, "sender_name") is None
    assert input_value(response, "notation") is None  # "Số: M/STTTT-TTBCBC": not numbered
    assert input_value(response, "issued_on") == "2021-08-03"
    assert selected(response, "doc_type") == [str(doc_type("CV").pk)]
    assert textarea(response, "subject").startswith("thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU")
    assert input_value(response, "signer_name") == "Lâm Văn Sển"
    assert input_value(response, "handling_deadline") is None
    content = page(response)
    assert '<optgroup label="Suggested from the document">' in content
    assert "the number is a placeholder (M)" in content
    assert f'href="/documents/{directive.pk}/"' in content
    assert "Not in the registers you can see." in content  # 141/KH-UBND
    assert "Báo Kiên Giang" in content
    assert "The addressees again." in content


@pytest.mark.django_db
def test_the_earliest_deadline_becomes_the_handling_deadline(demo, clerk, incoming):
    response = client_for(clerk).post(URL, {"step": "read", "text": PARTY_PLAN})

    assert selected(response, "sender") == [str(demo.organizations["tg.tu"].pk)]
    assert input_value(response, "notation") == "95-KH/TU"
    assert input_value(response, "handling_deadline") == "2023-10-31"
    content = page(response)
    for due in ("Due 31/10/2023", "Due 31/12/2023", "Due 30/11/2023"):
        assert due in content
    assert "stated: before 01/12/2023" in content


@pytest.mark.django_db
def test_an_ambiguous_issuer_is_offered_not_chosen(clerk, incoming):
    for place in ("Kiên Giang", "Sóc Trăng"):
        committee = OrganizationFactory(name=f"Ủy ban nhân dân tỉnh {place}", abbreviation="UBND", place=place)
        OrganizationFactory(
            name="Sở Nội vụ", header_name="SỞ NỘI VỤ", header_parent_name="", place="", parent=committee
        )
    text = (
        "SỞ NỘI VỤ\nSố: 12/SNV-VP\nV/v báo cáo công tác cải cách hành chính\n\n"
        "Kính gửi: Ban Tuyên giáo Tỉnh ủy\n\nĐề nghị báo cáo.\n\nGIÁM ĐỐC\n\nNguyễn Văn An"
    )

    response = client_for(clerk).post(URL, {"step": "read", "text": text})

    assert response.status_code == 200
    assert selected(response, "sender") == [""]
    assert input_value(response, "sender_name") == "SỞ NỘI VỤ"
    assert "Several organizations could be the sender" in page(response)


@pytest.mark.django_db
def test_the_clerk_registers_what_was_read(demo, clerk, incoming):
    client = client_for(clerk)
    read = client.post(URL, {"step": "read", "text": PARTY_PLAN})

    response = client.post(URL, registration(read, received_at="2023-05-02T08:00"))

    document = Document.objects.get(register=incoming)
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{document.pk}/"
    assert "Registered in “Sổ văn bản đến” with arrival number 1." in messages_of(response)
    assert (document.notation, document.issuer, document.issuer_name) == (
        "95-KH/TU",
        demo.organizations["tg.tu"],
        demo.organizations["tg.tu"].name,
    )
    assert document.issued_on == datetime.date(2023, 4, 28)
    assert document.handling_deadline == datetime.date(2023, 10, 31)
    assert document.subject.startswith("Tổng kết 35 năm")
    assert not document.attachments.exists()


@pytest.mark.django_db
def test_a_mistake_comes_back_next_to_its_field_with_the_suggestions(demo, clerk, incoming):
    client = client_for(clerk)
    read = client.post(URL, {"step": "read", "text": STATE_LETTER})

    response = client.post(URL, registration(read, subject="", issued_on="31/02/2021"))

    assert response.status_code == 200
    assert field_errors(response, "subject") == ["This field is required."]
    assert field_errors(response, "issued_on")
    assert "Sở Thông tin và Truyền thông tỉnh Kiên Giang" in page(response)
    assert '<optgroup label="Suggested from the document">' in page(response)
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_an_altered_intake_only_loses_the_suggestions(clerk, incoming):
    client = client_for(clerk)
    read = client.post(URL, {"step": "read", "text": STATE_LETTER})

    response = client.post(URL, registration(read, intake="altered", subject=""))

    assert response.status_code == 200
    assert "What was read is no longer available" in page(response)
    assert field_errors(response, "subject")


@pytest.mark.django_db
def test_a_duplicate_is_shown_with_the_suggestions_and_confirmed(demo, clerk, incoming):
    client = client_for(clerk)
    read = client.post(URL, {"step": "read", "text": PARTY_PLAN})
    assert client.post(URL, registration(read)).status_code == 302

    again = client.post(URL, registration(read))

    assert again.status_code == 200
    assert "Already registered?" in page(again)
    assert "Tỉnh ủy Tiền Giang" in page(again)
    confirmed = client.post(URL, registration(again, confirm_duplicate="on"))
    assert confirmed.status_code == 302
    assert Document.objects.filter(register=incoming).count() == 2


# --- uploads -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_uploaded_word_file_is_read_and_attached(demo, clerk, incoming):
    client = client_for(clerk)
    upload = SimpleUploadedFile("cong-van-stttt.docx", docx_of(STATE_LETTER))

    read = client.post(URL, {"step": "read", "file": upload})

    assert read.status_code == 200
    assert selected(read, "sender") == [str(demo.organizations["kg.stttt"].pk)]
    assert input_value(read, "issued_on") == "2021-08-03"
    assert "The file “cong-van-stttt.docx”" in page(read)
    staged = default_storage.listdir(STAGE_DIRECTORY)[1]
    assert len(staged) == 1

    response = client.post(URL, registration(read, received_at="2021-08-04T09:00"))

    assert response.status_code == 302
    document = Document.objects.get(register=incoming)
    assert [a.original_name for a in document.attachments.all()] == ["cong-van-stttt.docx"]
    assert default_storage.listdir(STAGE_DIRECTORY)[1] == []


@pytest.mark.django_db
def test_an_uploaded_text_file_is_read_but_not_kept(demo, clerk, incoming):
    client = client_for(clerk)
    upload = SimpleUploadedFile("95-KH-TU.txt", PARTY_PLAN.encode("utf-16"))  # Notepad's "Unicode"

    read = client.post(URL, {"step": "read", "file": upload})

    assert read.status_code == 200
    assert input_value(read, "notation") == "95-KH/TU"
    assert input_value(read, "staged") in ("", None)
    assert client.post(URL, registration(read, received_at="2023-05-02T08:00")).status_code == 302
    assert not Document.objects.get(register=incoming).attachments.exists()


@pytest.mark.django_db
def test_a_kept_file_of_another_user_or_gone_is_not_attached(demo, clerk, incoming):
    client = client_for(clerk)
    read = client.post(URL, {"step": "read", "file": SimpleUploadedFile("a.docx", docx_of(PARTY_PLAN))})
    colleague = UserFactory(organization=clerk.organization, role=Role.CLERK)
    theirs = client_for(colleague).post(
        URL, {"step": "read", "file": SimpleUploadedFile("b.docx", docx_of(STATE_LETTER))}
    )

    foreign = client.post(URL, registration(read, staged=input_value(theirs, "staged"), received_at="2023-05-02T08:00"))
    assert foreign.status_code == 302
    assert not Document.objects.get(register=incoming).attachments.exists()

    for name in default_storage.listdir(STAGE_DIRECTORY)[1]:
        default_storage.delete(f"{STAGE_DIRECTORY}/{name}")
    gone = client.post(URL, registration(read, notation="96-KH/TU", received_at="2023-05-02T08:00"))
    assert gone.status_code == 200
    assert field_errors(gone, "attachments") == ["The file read earlier is no longer kept: choose it again here."]
    assert Document.objects.filter(register=incoming).count() == 1


@pytest.mark.django_db
def test_kept_files_never_registered_are_removed_after_a_day(clerk, incoming, settings):
    client = client_for(clerk)
    client.post(URL, {"step": "read", "file": SimpleUploadedFile("a.docx", docx_of(PARTY_PLAN))})
    (abandoned,) = default_storage.listdir(STAGE_DIRECTORY)[1]
    day_old = time.time() - 25 * 3600
    os.utime(Path(settings.MEDIA_ROOT) / STAGE_DIRECTORY / abandoned, (day_old, day_old))

    client.post(URL, {"step": "read", "file": SimpleUploadedFile("b.docx", docx_of(STATE_LETTER))})

    kept = default_storage.listdir(STAGE_DIRECTORY)[1]
    assert len(kept) == 1
    assert abandoned not in kept


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "“virus.exe” cannot be read: choose a .txt, .docx or .pdf file."),
        ("empty.txt", b"", "The submitted file is empty."),
        ("binary.txt", b"\x00\x01\x02", "Nothing could be read from it: the file is binary, not text"),
        (
            "broken.docx",
            b"PK\x03\x04 not really a zip",
            "Nothing could be read from it: the .docx file could not be read",
        ),
        ("scan.pdf", b"%PDF-1.4\n%%EOF\n", "Nothing could be read from it: the .pdf file"),
    ],
    ids=["exe", "empty", "binary", "broken docx", "pdf without text"],
)
def test_a_bad_upload_comes_back_as_an_error_on_the_file(clerk, incoming, name, content, message):
    response = client_for(clerk).post(URL, {"step": "read", "file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    errors = field_errors(response, "file")
    assert len(errors) == 1, errors
    assert errors[0].startswith(message), errors
    assert '<textarea name="text"' in page(response)
    assert not default_storage.exists(STAGE_DIRECTORY) or default_storage.listdir(STAGE_DIRECTORY)[1] == []


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(clerk, incoming, settings):
    settings.DOCREG_MAX_UPLOAD_SIZE = 100
    response = client_for(clerk).post(URL, {"step": "read", "file": SimpleUploadedFile("a.txt", b"x" * 101)})
    assert field_errors(response, "file") == ["“a.txt” is 101\xa0bytes; at most 100\xa0bytes is accepted."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "text", "Paste the document's text or choose its file."),
        ({"text": "   \n"}, "text", "Paste the document's text or choose its file."),
        ({"text": "Số 95-KH/TU", "file": "upload"}, "text", "Paste the text or choose a file, not both."),
        ({"text": "\x00"}, "text", "Null characters are not allowed."),
    ],
    ids=["nothing", "blank", "both", "nul"],
)
def test_the_reading_form_says_what_is_missing(clerk, incoming, data, field, message):
    if data.get("file") == "upload":
        data = {**data, "file": SimpleUploadedFile("a.txt", PARTY_PLAN.encode())}
    response = client_for(clerk).post(URL, {"step": "read", **data})
    assert response.status_code == 200
    assert field_errors(response, field) == [message]


# --- bounded queries -------------------------------------------------------------------------


def letter(size: int) -> str:
    addressees = "\n".join(f"- Huyện ủy số {index}," for index in range(size))
    citations = " ".join(f"Thực hiện Chỉ thị số {index + 1}-CT/TU ngày 04/6/2021 của Tỉnh ủy." for index in range(size))
    return (
        "TỈNH ỦY KIÊN GIANG\nBAN TUYÊN GIÁO\n*\nSố 12-CV/BTGTU\tKiên Giang, ngày 05 tháng 3 năm 2024\n"
        f"V/v báo cáo\n\nKính gửi:\n{addressees}\n\n{citations}\nĐề nghị báo cáo trước ngày 15/3/2024.\n\n"
        "Nơi nhận:\n- Như trên,\n- Lưu.\n\nTRƯỞNG BAN\n\nNguyễn Thanh Phong"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_reading_takes_the_same_queries_for_a_long_document(demo, clerk, incoming, size, django_assert_max_num_queries):
    for index in range(size):
        received(incoming, clerk, f"{index + 1}-CT/TU", "Tỉnh ủy Kiên Giang")
    client = client_for(clerk)
    with django_assert_max_num_queries(14):
        response = client.post(URL, {"step": "read", "text": letter(size)})
    assert response.status_code == 200
    assert page(response).count('href="/documents/') >= size
