"""The clerk's pages, through the test client: the day's panels, drafting an
outgoing document with the addressee picker, issuing, dispatching, and
registering what others sent — and what the pages refuse, to whom."""

import re

import pytest
from django.test import Client

from dispatch.models import Delivery
from dispatch.services import document_dispatch
from recipients.models import Role
from registry.models import Direction, Document, DocumentStatus
from registry.tests.clerk_pages import (
    DISTRICTS,
    browser,
    build_world,
    draft_data,
    field_error,
    htmx,
    issued,
    make_draft,
    messages_of,
    organization,
)
from tests.factories import RegisterFactory, UserFactory


@pytest.fixture
def world(db):
    return build_world()


# --- The whole flow -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_draft_with_picked_addressees_is_issued_and_dispatched(world):
    client = browser(world.clerk)
    giong_rieng, an_bien, rach_gia = world.districts

    form = client.get("/documents/new/")
    assert form.status_code == 200
    page = form.content.decode()
    # The usual Party distribution is there to edit: “Như trên”, then the file copy line.
    assert "- Như trên;\n- Lưu.</textarea>" in page
    assert f'<option value="{world.outgoing.pk}" selected>' in page
    assert '<option value="CV">Công văn (CV)</option>' in page
    assert '<option value="KL">Kết luận (KL)</option>' in page
    assert 'value="TC"' not in page  # Thông cáo is a State type only

    # The picker finds organizations and groups whatever the diacritics and case.
    found = htmx(client, "/recipients/search/", q="giong rieng", **{"for": "addressees"})
    assert found.status_code == 200
    assert "<html" not in found.content.decode()
    assert f'value="org:{giong_rieng.pk}"' in found.content.decode()
    assert f'value="org:{an_bien.pk}"' not in found.content.decode()
    groups = htmx(client, "/recipients/search/", q="BAN TUYEN GIAO CAC HUYEN", **{"for": "addressees"})
    assert f'value="group:{world.group.pk}"' in groups.content.decode()
    # A group shows the organizations it stands for.
    assert "2 organizations: Huyện ủy Giồng Riềng; Huyện ủy An Biên" in groups.content.decode()
    added = htmx(client, "/recipients/search/", **{"for": "addressees", "add_addressees": f"group:{world.group.pk}"})
    assert re.search(
        rf'<input type="checkbox" name="addressees" value="group:{world.group.pk}"[^>]* checked>',
        added.content.decode(),
    )

    response = client.post(
        "/documents/new/",
        draft_data(
            world,
            addressees=[f"org:{giong_rieng.pk}", f"group:{world.group.pk}"],
            addressee_lines="- Thường trực Tỉnh ủy;",
            distribution="- Như trên;\n- Ban Dân vận Tỉnh ủy (để biết);\n- Lưu.",
            drafting_unit="VP",
        ),
    )
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{document.pk}/"
    assert document.status == DocumentStatus.DRAFT
    assert [(a.kind, a.text) for a in document.addressees.order_by("position")] == [
        ("organization", "Huyện ủy Giồng Riềng"),
        ("group", "Ban tuyên giáo các huyện, thành ủy"),
        ("text", "Thường trực Tỉnh ủy"),
    ]
    # The bare file copy line of the prefilled list gets the drafting unit, as the GUIDE writes it.
    assert [entry.printed for entry in document.distribution.order_by("position")] == [
        "Như trên",
        "Ban Dân vận Tỉnh ủy (để biết)",
        "Lưu VP",
    ]

    response = client.post(f"/documents/{document.pk}/issue/")
    document.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{document.pk}/"
    assert document.status == DocumentStatus.ISSUED
    assert document.notation == "01-CV/BTGTU"
    message = messages_of(response)[-1]
    assert f'Issued as <strong class="issued-number">Số {document.notation}</strong>' in message
    assert f'href="/api/v1/documents/{document.pk}/pdf/"' in message
    assert f'href="/api/v1/documents/{document.pk}/docx/"' in message

    confirm = client.get(f"/documents/{document.pk}/dispatch/")
    assert confirm.status_code == 200
    page = confirm.content.decode()
    # Giồng Riềng once (named and in the group), An Biên through the group; the free-text lines go on paper.
    assert page.index("Huyện ủy Giồng Riềng") < page.index("Huyện ủy An Biên")
    assert "2 organizations will receive it now" in page
    assert "Thường trực Tỉnh ủy" in page
    assert "Ban Dân vận Tỉnh ủy (để biết)" in page
    assert "Thành ủy Rạch Giá</th>" not in page

    response = client.post(
        f"/documents/{document.pk}/dispatch/",
        {"channel": "electronic", "extra": [f"org:{rach_gia.pk}"], "dispatch": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{document.pk}/"
    assert sorted(Delivery.objects.filter(document=document).values_list("recipient_name", flat=True)) == sorted(
        DISTRICTS
    )
    success, warning = messages_of(response)[-2:]
    assert success == "Sent to 3 organizations: Huyện ủy Giồng Riềng; Huyện ủy An Biên; Thành ủy Rạch Giá."
    assert warning == (
        "Not delivered electronically, send these on paper: Thường trực Tỉnh ủy; Ban Dân vận Tỉnh ủy (để biết)."
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.DISPATCHED

    # Again: everyone has it already.
    again = client.post(f"/documents/{document.pk}/dispatch/", {"channel": "electronic", "dispatch": "1"})
    assert "Every recipient already has this document; nothing new was sent." in messages_of(again)
    assert Delivery.objects.filter(document=document).count() == 3


@pytest.mark.django_db
def test_state_distribution_is_prefilled_with_the_clerical_office_and_drafting_unit(world):
    state_office = organization(world.admin, "Sở Thông tin và Truyền thông", "STTTT", system="state", level="province")
    clerk = UserFactory(organization=state_office, role=Role.CLERK)
    register = RegisterFactory(owner=state_office, name="Sổ văn bản đi")
    client = browser(clerk)
    page = client.get("/documents/new/").content.decode()
    assert "- Như trên;\n- Lưu: VT.</textarea>" in page
    # Only the State system's types are offered, under their State names.
    assert '<option value="CV">Công văn</option>' in page
    assert '<option value="TC">Thông cáo (TC)</option>' in page
    assert 'value="KL"' not in page
    response = client.post(
        "/documents/new/",
        draft_data(
            world,
            register=register.pk,
            addressee_lines="Các sở, ban, ngành cấp tỉnh",
            distribution="- Như trên;\n- Lưu: VT.",
            drafting_unit="TTBCBC",
        ),
    )
    assert response.status_code == 302, field_error(response, "doc_type")
    document = Document.objects.get(register=register)
    assert [entry.text for entry in document.distribution.order_by("position")] == ["Như trên", "Lưu: VT, TTBCBC"]
    assert document.file_copy_holder == "VT, TTBCBC"

    # Emptied, the distribution is the usual one.
    client.post(
        "/documents/new/",
        draft_data(
            world,
            register=register.pk,
            subject="Thứ hai",
            distribution="",
            drafting_unit="TTBCBC",
            addressee_lines="Báo Kiên Giang",
        ),
    )
    second = Document.objects.get(subject="Thứ hai")
    assert [entry.text for entry in second.distribution.order_by("position")] == ["Như trên", "Lưu: VT, TTBCBC"]


# --- The clerk's day and the recipient's side ----------------------------------------------------


@pytest.mark.django_db
def test_home_lists_a_new_delivery_and_registering_it_gives_an_arrival_number(world):
    document = issued(world, "Kế hoạch tuyên truyền kỷ niệm")
    document_dispatch(document=document, actor=world.clerk, extra_recipients=[world.districts[1]])
    district_clerk = browser(world.district_clerks[0])

    home = district_clerk.get("/today/")
    assert home.status_code == 200
    page = home.content.decode()
    delivery = Delivery.objects.get(document=document, recipient=world.districts[0])
    assert f'action="/deliveries/{delivery.pk}/register/"' in page
    assert f"Số {document.notation}" in page
    assert "Ban Tuyên giáo Tỉnh ủy" in page  # the sender
    assert "Kế hoạch tuyên truyền kỷ niệm" in page
    assert "New today" in page
    assert re.search(r'Received, to register <span class="clerk-count">1</span>', page)

    # The sender sees who has not received it yet, since when.
    sender_page = browser(world.clerk).get("/today/").content.decode()
    assert re.search(r'Sent, not yet received by everyone <span class="clerk-count">1</span>', sender_page)
    assert "Not yet received by 2 of 2 recipients:" in sender_page
    assert "Huyện ủy An Biên" in sender_page

    response = district_clerk.post(f"/deliveries/{delivery.pk}/register/")
    incoming = Document.objects.get(direction=Direction.INCOMING, register__owner=world.districts[0])
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{incoming.pk}/"
    assert incoming.arrival_number == 1
    assert incoming.original == document
    [message] = messages_of(response)
    assert "arrival number 1" in message
    assert document.notation in message

    after = district_clerk.get("/today/").content.decode()
    assert "Nothing received waits to be registered." in after
    sender_after = browser(world.clerk).get("/today/").content.decode()
    assert "Not yet received by 1 of 2 recipients:" in sender_after

    # Registering twice is refused with a message, not an error page.
    twice = district_clerk.post(f"/deliveries/{delivery.pk}/register/")
    assert twice.status_code == 302
    assert "already registered" in messages_of(twice)[0]


@pytest.mark.django_db
def test_registering_a_delivery_without_an_incoming_register_says_why(world):
    document = issued(world)
    document_dispatch(document=document, actor=world.clerk)
    world.districts[0].registers.update(is_active=False)
    client = browser(world.district_clerks[0])
    page = client.get("/today/").content.decode()
    assert "no open incoming register" in page
    delivery = Delivery.objects.get(document=document, recipient=world.districts[0])
    response = client.post(f"/deliveries/{delivery.pk}/register/")
    assert response.status_code == 302
    assert messages_of(response) == ["Huyện ủy Giồng Riềng has no open incoming register."]
    assert not Document.objects.filter(direction=Direction.INCOMING).exists()


@pytest.mark.django_db
def test_a_delivery_already_registered_on_paper_asks_before_registering_again(world):
    document = issued(world)
    document_dispatch(document=document, actor=world.clerk)
    client = browser(world.district_clerks[0])
    delivery = Delivery.objects.get(document=document, recipient=world.districts[0])
    from registry.services import document_register_incoming

    register = world.districts[0].registers.get()
    paper = document_register_incoming(
        register=register,
        actor=world.district_clerks[0],
        subject=document.subject,
        notation=document.notation,
        sender=world.board,
    )
    response = client.post(f"/deliveries/{delivery.pk}/register/")
    assert response.status_code == 409
    page = response.content.decode()
    assert "seems to be registered already" in page
    assert document.notation in page
    assert 'name="confirm_duplicate" value="on"' in page
    confirmed = client.post(f"/deliveries/{delivery.pk}/register/", {"confirm_duplicate": "on"})
    assert confirmed.status_code == 302
    assert Document.objects.filter(direction=Direction.INCOMING).exclude(pk=paper.pk).get().arrival_number == 2


# --- Refusals -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_leaders_and_reporters_are_refused(world):
    draft = make_draft(world)
    document = issued(world, "Đã ban hành")
    leader = browser(world.leader)
    for url in ("/today/", "/documents/new/", f"/documents/{draft.pk}/edit/", f"/documents/{document.pk}/dispatch/"):
        response = leader.get(url)
        assert response.status_code == 403, url
        assert 'role="alert"' in response.content.decode()
    response = leader.post("/documents/new/", draft_data(world))
    assert response.status_code == 403
    response = leader.post(f"/documents/{draft.pk}/issue/")
    assert response.status_code == 302
    assert messages_of(response)[0].startswith("Not issued: Only a clerk (văn thư) of Ban Tuyên giáo Tỉnh ủy")
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT
    assert Document.objects.count() == 2

    reporter = browser(world.reporter)
    assert reporter.get("/today/").status_code == 403
    # Reporters do not see drafts at all.
    assert reporter.get(f"/documents/{draft.pk}/edit/").status_code == 404
    assert reporter.post(f"/documents/{draft.pk}/issue/").status_code == 404
    document_dispatch(document=document, actor=world.clerk)
    delivery = Delivery.objects.get(document=document, recipient=world.districts[0])
    response = reporter.post(f"/deliveries/{delivery.pk}/register/")
    assert response.status_code == 403
    assert "Only a clerk (văn thư) registers incoming documents." in response.content.decode()
    # Another district's clerk cannot see the delivery.
    assert browser(world.district_clerks[2]).post(f"/deliveries/{delivery.pk}/register/").status_code == 404


@pytest.mark.django_db
def test_pages_need_a_login_and_actions_need_post(world):
    draft = make_draft(world)
    anonymous = Client()
    for url in ("/today/", "/documents/new/", f"/documents/{draft.pk}/edit/", "/recipients/search/?q=a"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    clerk = browser(world.clerk)
    assert clerk.get(f"/documents/{draft.pk}/issue/").status_code == 405
    assert clerk.get("/deliveries/1/register/").status_code == 405
    assert clerk.get("/documents/999999999/edit/").status_code == 404


# --- Field errors ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_field_errors_are_shown_next_to_the_field(world):
    client = browser(world.clerk)
    other_office = organization(world.admin, "Văn phòng Tỉnh ủy", "VPTU", level="province")
    foreign = RegisterFactory(owner=other_office, name="Sổ đi của Văn phòng")
    checks = [
        ({"subject": ""}, "subject", "The subject (trích yếu) is required."),
        ({"subject": "x" * 2001}, "subject", "Ensure this value has at most 2000 characters (it has 2001)."),
        ({"register": foreign.pk}, "register", "Choose one of the outgoing registers you keep."),
        ({"confidentiality": "secret"}, "confidentiality", "Your clearance does not cover this level"),
        ({"drafting_unit": "T T"}, "drafting_unit", "must start with a letter and contain only letters"),
        ({"addressees": ["org:999999"]}, None, "no longer exist or are not yours to use"),
    ]
    for change, field, message in checks:
        response = client.post("/documents/new/", draft_data(world, **change))
        assert response.status_code == 200, change
        if field:
            assert message in (field_error(response, field) or ""), (change, field_error(response, field))
            assert re.search(rf'id="id_{field}"[^>]*aria-invalid="true"', response.content.decode()) or re.search(
                rf'aria-invalid="true"[^>]*id="id_{field}"', response.content.decode()
            )
        else:
            assert 'id="addressees-error"' in response.content.decode()
            assert message in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_confidentiality_follows_the_clearance(world):
    client = browser(world.clerk)
    page = client.get("/documents/new/").content.decode()
    assert 'value="confidential"' not in page
    world.clerk.clearance = "confidential"
    world.clerk.save()
    page = client.get("/documents/new/").content.decode()
    assert 'value="confidential"' in page
    assert 'value="secret"' not in page
    response = client.post("/documents/new/", draft_data(world, confidentiality="confidential"))
    assert response.status_code == 302
    assert Document.objects.get().confidentiality == "confidential"


@pytest.mark.django_db
def test_service_errors_come_back_in_the_users_language(world):
    client = browser(world.clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    response = client.post("/documents/new/", draft_data(world, addressee_lines="A\nA"))
    assert response.status_code == 200
    assert 'id="addressees-error"' in response.content.decode()
    assert not Document.objects.exists()
