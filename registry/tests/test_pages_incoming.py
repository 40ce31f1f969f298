"""The incoming registration page (/incoming/new/): a received document gets
its arrival number, a duplicate is shown and must be confirmed, typing
mistakes come back next to their field, and only the register's clerk writes."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.models import AuditEvent
from recipients.models import Clearance, Role
from registry.models import Direction, Document
from registry.services import document_register_incoming
from tests.factories import OrganizationFactory, RegisterFactory, UserFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/incoming/new/"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def incoming_register(organization):
    return RegisterFactory(owner=organization, name="Sổ văn bản đến", direction=Direction.INCOMING)


@pytest.fixture
def sender(db):
    return OrganizationFactory(name="Ủy ban nhân dân tỉnh Kiên Giang", abbreviation="UBND")


def client_for(user):
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client


def form_data(register, **overrides):
    data = {
        "register": register.pk,
        "sender": "",
        "sender_name": "",
        "notation": "Số: 141/KH-UBND",
        "issued_on": "2021-07-19",
        "received_at": "",
        "doc_type": "",
        "subject": "Kế hoạch thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU",
        "urgency": "normal",
        "confidentiality": "normal",
        "signer_name": "",
        "page_count": "",
        "handling_unit": "",
        "handling_deadline": "",
        "note": "",
        "acknowledged": "",
    }
    data.update(overrides)
    return data


def field_errors(response, name):
    """The error messages shown under a field (templates/forms/field.html)."""
    html = response.content.decode()
    match = re.search(rf'<div class="form__error" id="id_{name}_error">(.*?)</div>', html, re.S)
    return re.findall(r"<p>(.*?)</p>", match.group(1)) if match else []


def messages_of(response):
    """The messages waiting for the user (the redirect is not followed, so earlier ones wait too)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_clerk_registers_a_received_document_and_sees_its_arrival_number(clerk, incoming_register, sender):
    """GIVEN the clerk's incoming register WHEN a received plan with a scan is
    registered THEN it gets arrival number 1, its parsed notation and type,
    the scan is attached, and the clerk lands on its page told the number."""
    client = client_for(clerk)
    scan = SimpleUploadedFile("ke-hoach-141.pdf", PDF, content_type="application/pdf")
    response = client.post(
        URL,
        {
            **form_data(incoming_register, sender=sender.pk, handling_unit="Phòng TTBC"),
            "received_at": "2021-07-20T08:30",
            "attachments": [scan],
        },
    )

    document = Document.objects.get(register=incoming_register)
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{document.pk}/"
    assert "Registered in “Sổ văn bản đến” with arrival number 1." in messages_of(response)
    assert (document.arrival_number, document.notation, document.doc_type.code) == (1, "141/KH-UBND", "KH")
    assert (document.issuer, document.issuer_name, document.handling_unit) == (sender, sender.name, "Phòng TTBC")
    assert document.issued_on == datetime.date(2021, 7, 19)
    assert document.received_at == datetime.datetime(2021, 7, 20, 8, 30, tzinfo=HCM)
    assert [a.original_name for a in document.attachments.all()] == ["ke-hoach-141.pdf"]
    assert AuditEvent.objects.filter(action="document.register_incoming", actor=clerk).count() == 1

    second = client.post(
        URL,
        form_data(incoming_register, notation="142/KH-UBND", sender_name="UBND tỉnh", received_at="2021-07-21T09:00"),
    )
    assert second.status_code == 302
    assert "Registered in “Sổ văn bản đến” with arrival number 2." in messages_of(second)


@pytest.mark.django_db
def test_the_form_offers_the_clerks_open_incoming_registers_and_levels_up_to_the_clearance(
    clerk, incoming_register, organization, django_assert_max_num_queries
):
    RegisterFactory(owner=organization, name="Sổ đến đã đóng", direction=Direction.INCOMING, is_active=False)
    RegisterFactory(owner=organization, name="Sổ văn bản đi")
    RegisterFactory(name="Sổ đến của đơn vị khác", direction=Direction.INCOMING)
    clerk.clearance = Clearance.CONFIDENTIAL
    clerk.save()
    client = client_for(clerk)

    with django_assert_max_num_queries(12):
        response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    register_select = re.search(r'<select name="register".*?</select>', html, re.S).group(0)
    assert "Sổ văn bản đến" in register_select
    assert "đã đóng" not in register_select
    assert "Sổ văn bản đi" not in register_select
    assert "đơn vị khác" not in register_select
    assert f'value="{incoming_register.pk}" selected' in register_select
    levels = re.search(r'<select name="confidentiality".*?</select>', html, re.S).group(0)
    assert re.findall(r'value="(\w+)"', levels) == ["normal", "confidential"]
    assert 'for="id_subject"' in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.django_db
def test_a_duplicate_is_shown_with_its_record_and_registered_only_once_confirmed(clerk, incoming_register, sender):
    """GIVEN 141/KH-UBND from the province already registered WHEN it is entered
    again THEN the page names the earlier arrival (linked) and writes nothing;
    ticking "register anyway" for that record registers it."""
    first = document_register_incoming(
        register=incoming_register, actor=clerk, subject="Kế hoạch", notation="141/KH-UBND", sender=sender
    )
    client = client_for(clerk)

    warned = client.post(URL, form_data(incoming_register, sender=sender.pk))

    html = warned.content.decode()
    assert warned.status_code == 200
    assert incoming_register.documents.count() == 1
    assert "seems to be registered already" in html
    assert f'href="/documents/{first.pk}/"' in html
    assert "Arrival no. 1" in html
    assert f'name="acknowledged" value="{first.pk}"' in html
    assert 'name="confirm_duplicate"' in html

    # Confirming without having been shown the record (a forged or stale form) is asked again.
    blind = client.post(URL, {**form_data(incoming_register, sender=sender.pk), "confirm_duplicate": "on"})
    assert blind.status_code == 200
    assert "seems to be registered already" in blind.content.decode()
    assert incoming_register.documents.count() == 1

    confirmed = client.post(
        URL,
        {**form_data(incoming_register, sender=sender.pk), "confirm_duplicate": "on", "acknowledged": str(first.pk)},
    )
    assert confirmed.status_code == 302
    again = incoming_register.documents.exclude(pk=first.pk).get()
    assert again.arrival_number == 2
    assert "Registered in “Sổ văn bản đến” with arrival number 2." in messages_of(confirmed)
    event = AuditEvent.objects.get(action="document.register_incoming", object_id=str(again.pk))
    assert event.data == {"duplicate_confirmed": True}


@pytest.mark.django_db
def test_typing_mistakes_come_back_next_to_their_fields_and_nothing_is_registered(clerk, incoming_register):
    client = client_for(clerk)

    response = client.post(
        URL,
        form_data(incoming_register, issued_on="31/02/2024", subject="", notation="1/" + "X" * 119, sender_name="A"),
    )

    assert response.status_code == 200
    assert field_errors(response, "issued_on") == ["Enter a valid date."]
    assert field_errors(response, "subject") == ["This field is required."]
    assert field_errors(response, "notation") == ["Ensure this value has at most 120 characters (it has 121)."]
    html = response.content.decode()
    assert re.search(r'<input type="date" name="issued_on" value="31/02/2024"[^>]*aria-invalid="true"', html)
    assert 'aria-describedby="id_subject_error"' in html
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_the_services_refusals_are_shown_at_the_field_they_concern(clerk, incoming_register):
    client = client_for(clerk)

    nobody = client.post(URL, form_data(incoming_register))
    assert field_errors(nobody, "sender") == ["Say who sent the document (the sender organization or its name)."]

    future = client.post(URL, form_data(incoming_register, sender_name="UBND tỉnh", received_at="2999-01-01T08:00"))
    assert field_errors(future, "received_at") == ["The time of arrival cannot be in the future."]

    bad_notation = client.post(URL, form_data(incoming_register, sender_name="UBND tỉnh", notation="KH-UBND"))
    assert bad_notation.status_code == 200
    assert field_errors(bad_notation, "notation")

    unreadable = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    bad_file = client.post(URL, {**form_data(incoming_register, sender_name="UBND tỉnh"), "attachments": [unreadable]})
    assert "is not one of the accepted kinds" in field_errors(bad_file, "attachments")[0]
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_another_organizations_register_and_a_level_above_clearance_are_refused(clerk, incoming_register):
    """Forged posts: a register the clerk does not keep, a secret level without clearance."""
    elsewhere = RegisterFactory(name="Sổ đến của đơn vị khác", direction=Direction.INCOMING)
    client = client_for(clerk)

    other = client.post(URL, form_data(elsewhere, sender_name="UBND tỉnh"))
    assert other.status_code == 200
    assert field_errors(other, "register") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]

    secret = client.post(URL, form_data(incoming_register, sender_name="UBND tỉnh", confidentiality="secret"))
    assert field_errors(secret, "confidentiality") == [
        "Select a valid choice. secret is not one of the available choices."
    ]
    assert not Document.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REPORTER, Role.LEADER])
def test_who_keeps_no_incoming_register_is_refused(organization, incoming_register, role):
    user = UserFactory(organization=organization, role=role)
    client = client_for(user)

    assert client.get(URL).status_code == 403
    response = client.post(URL, form_data(incoming_register, sender_name="UBND tỉnh"))
    assert response.status_code == 403
    assert "you keep no open incoming register" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(incoming_register):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
