"""The clerk's pages, through the test client: the day's panels, drafting an
outgoing document with the addressee picker, issuing, dispatching, and
registering what others sent — and what the pages refuse, to whom."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dispatch.models import Delivery
from dispatch.services import document_dispatch
from recipients.models import Role
from recipients.services import organization_create
from registry.models import Direction, Document, DocumentStatus, PeriodKind
from registry.services import AddresseeInput, document_create_draft, document_issue
from tests.factories import RecipientGroupFactory, RegisterFactory, UserFactory, doc_type

DISTRICTS = ["Huyện ủy Giồng Riềng", "Huyện ủy An Biên", "Thành ủy Rạch Giá"]


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def htmx(client, url, **params):
    return client.get(url, params, HTTP_HX_REQUEST="true")


def organization(admin, name, abbreviation, *, system="party", level="district", parent=None):
    """Through the service, so the directory search (folded names) finds it."""
    return organization_create(
        actor=admin, name=name, abbreviation=abbreviation, system=system, level=level, parent=parent, place="Kiên Giang"
    )


@pytest.fixture
def world(db):
    """Ban Tuyên giáo Tỉnh ủy writes to the district committees, two of them through a group."""
    admin = UserFactory(username="quantri", organization=None, role=Role.ADMIN)
    board = organization(admin, "Ban Tuyên giáo Tỉnh ủy", "BTGTU", level="province")
    districts = [organization(admin, name, "HU", parent=board) for name in DISTRICTS]
    clerk = UserFactory(username="vanthu_btg", organization=board, role=Role.CLERK)
    leader = UserFactory(username="lanhdao_btg", organization=board, role=Role.LEADER)
    district_clerks = [
        UserFactory(username=f"vanthu_huyen_{i}", organization=district, role=Role.CLERK)
        for i, district in enumerate(districts)
    ]
    reporter = UserFactory(username="huyen_0", organization=districts[0], role=Role.REPORTER)
    outgoing = RegisterFactory(owner=board, name="Sổ văn bản đi", period_kind=PeriodKind.YEAR)
    incoming = RegisterFactory(owner=board, name="Sổ văn bản đến", direction=Direction.INCOMING)
    for district in districts:
        RegisterFactory(owner=district, name="Sổ văn bản đến", direction=Direction.INCOMING)
    group = RecipientGroupFactory(
        name="Ban tuyên giáo các huyện, thành ủy", owner=board, members=[districts[0], districts[1]]
    )
    return SimpleNamespace(
        admin=admin,
        board=board,
        districts=districts,
        clerk=clerk,
        leader=leader,
        district_clerks=district_clerks,
        reporter=reporter,
        outgoing=outgoing,
        incoming=incoming,
        group=group,
    )


def draft_data(world, **overrides):
    data = {
        "register": world.outgoing.pk,
        "doc_type": "CV",
        "urgency": "normal",
        "confidentiality": "normal",
        "subject": "Thay đổi hình thức phát hành Bản Tin sinh hoạt Tổ nhân dân tự quản",
        "body": "Ban Tuyên giáo Tỉnh ủy đề nghị …",
        "signer_title": "TRƯỞNG BAN",
        "signer_name": "Nguyễn Thanh Phong",
        "drafting_unit": "",
        "addressees": [],
        "addressee_lines": "",
        "distribution": "- Như trên;\n- Lưu.",
        "save": "1",
    }
    data.update(overrides)
    return data


def make_draft(world, subject="Công văn thử", **fields):
    return document_create_draft(
        register=world.outgoing,
        actor=world.clerk,
        doc_type=doc_type("CV"),
        subject=subject,
        signer_name="Nguyễn Thanh Phong",
        addressees=[AddresseeInput(organization=world.districts[0])],
        **fields,
    )


def issued(world, subject="Công văn thử"):
    return document_issue(document=make_draft(world, subject), actor=world.clerk)


def messages_of(response):
    """The messages waiting after a response (those of earlier redirects not yet shown come first)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def field_error(response, field):
    """The error shown under a field of the page form (templates/forms/field.html)."""
    match = re.search(rf'id="id_{field}_error">(.*?)</div>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip() if match else None


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


# --- Editing ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_editing_a_draft_keeps_its_lines_and_an_issued_document_is_not_editable(world):
    draft = document_create_draft(
        register=world.outgoing,
        actor=world.clerk,
        doc_type=doc_type("CV"),
        subject="Bản nháp",
        signer_name="Nguyễn Thanh Phong",
        addressees=[
            AddresseeInput(organization=world.districts[0], text="Thường trực Huyện ủy Giồng Riềng"),
            AddresseeInput(group=world.group),
            AddresseeInput(text="Các sở, ban, ngành, đoàn thể cấp tỉnh"),
        ],
    )
    client = browser(world.clerk)
    form = client.get(f"/documents/{draft.pk}/edit/")
    assert form.status_code == 200
    page = form.content.decode()
    assert re.search(rf'name="addressees" value="org:{world.districts[0].pk}"[^>]* checked', page)
    assert re.search(rf'name="addressees" value="group:{world.group.pk}"[^>]* checked', page)
    assert "Các sở, ban, ngành, đoàn thể cấp tỉnh</textarea>" in page
    assert "- Như trên;\n- Lưu.</textarea>" in page

    # Untick the group, change the subject.
    response = client.post(
        f"/documents/{draft.pk}/edit/",
        draft_data(
            world,
            subject="Bản nháp đã sửa",
            addressees=[f"org:{world.districts[0].pk}"],
            addressee_lines="Các sở, ban, ngành, đoàn thể cấp tỉnh",
            distribution="- Như trên;\n- Lưu.",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.subject == "Bản nháp đã sửa"
    # The printed wording chosen for an organization stays.
    assert [a.text for a in draft.addressees.order_by("position")] == [
        "Thường trực Huyện ủy Giồng Riềng",
        "Các sở, ban, ngành, đoàn thể cấp tỉnh",
    ]

    document_issue(document=draft, actor=world.clerk)
    response = client.get(f"/documents/{draft.pk}/edit/")
    assert response.status_code == 409
    assert "only drafts are edited here" in response.content.decode()
    response = client.post(f"/documents/{draft.pk}/edit/", draft_data(world, subject="Sửa sau khi ban hành"))
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.subject == "Bản nháp đã sửa"


# --- Issuing and dispatching errors -----------------------------------------------------------------


@pytest.mark.django_db
def test_issue_errors_are_messages(world):
    client = browser(world.clerk)
    unsigned = document_create_draft(
        register=world.outgoing,
        actor=world.clerk,
        doc_type=doc_type("CV"),
        subject="Chưa có người ký",
        addressees=[AddresseeInput(text="Thường trực Tỉnh ủy")],
    )
    response = client.post(f"/documents/{unsigned.pk}/issue/")
    assert response.status_code == 302
    assert messages_of(response) == ["Not issued: The draft cannot be issued yet; it lacks: signer."]
    client.get("/today/")  # shows (and so uses up) the message
    document = issued(world)
    response = client.post(f"/documents/{document.pk}/issue/")
    assert "only drafts are issued" in messages_of(response)[-1]
    draft = make_draft(world)
    response = client.post(f"/documents/{draft.pk}/issue/", {"issued_on": "31/02/2024"})
    assert messages_of(response)[-1].startswith("Date of the document: ")
    response = client.post(f"/documents/{draft.pk}/issue/", {"issued_on": "01/01/2999"})
    assert messages_of(response)[-1] == "Not issued: A document cannot be issued with a date in the future."
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT


@pytest.mark.django_db
def test_dispatch_of_a_draft_or_to_nobody_is_explained(world):
    client = browser(world.clerk)
    draft = make_draft(world)
    response = client.get(f"/documents/{draft.pk}/dispatch/")
    assert response.status_code == 409
    assert "Only an issued document can be dispatched; this one is draft." in response.content.decode()
    paper_only = document_issue(
        document=document_create_draft(
            register=world.outgoing,
            actor=world.clerk,
            doc_type=doc_type("CV"),
            subject="Chỉ gửi giấy",
            signer_name="Nguyễn Thanh Phong",
            addressees=[AddresseeInput(text="Thường trực Tỉnh ủy")],
        ),
        actor=world.clerk,
    )
    page = client.get(f"/documents/{paper_only.pk}/dispatch/").content.decode()
    assert "The document names no organization of the directory." in page
    response = client.post(f"/documents/{paper_only.pk}/dispatch/", {"channel": "electronic", "dispatch": "1"})
    assert response.status_code == 400
    assert "send it on paper" in response.content.decode()
    assert not Delivery.objects.exists()


# --- The picker without JavaScript, and its search -------------------------------------------------


@pytest.mark.django_db
def test_picker_works_without_javascript(world):
    client = browser(world.clerk)
    searched = client.post("/documents/new/", draft_data(world, subject="", search="addressees", q="an bien"))
    assert searched.status_code == 200
    page = searched.content.decode()
    an_bien = world.districts[1]
    assert f'name="add_addressees" value="org:{an_bien.pk}"' in page
    assert field_error(searched, "subject") is None  # still composing: no errors yet
    added = client.post(
        "/documents/new/", draft_data(world, subject="", add_addressees=f"org:{an_bien.pk}", q="an bien")
    )
    assert re.search(rf'name="addressees" value="org:{an_bien.pk}"[^>]* checked', added.content.decode())
    assert not Document.objects.exists()
    # The whole directory is there to choose from too.
    assert f'<option value="group:{world.group.pk}">' in page
    assert f'<option value="org:{world.districts[2].pk}">' in page


@pytest.mark.django_db
def test_search_is_bounded_skips_chosen_items_and_adds_each_once(world):
    for n in range(25):
        organization(world.admin, f"Đảng ủy xã Bình An {n}", "DU")
    client = browser(world.clerk)
    found = htmx(client, "/recipients/search/", q="binh an", **{"for": "addressees"}).content.decode()
    assert found.count('name="add_addressees"') == 20
    assert "20 matches" in found
    giong_rieng = f"org:{world.districts[0].pk}"
    found = htmx(client, "/recipients/search/", q="huyen uy", addressees=[giong_rieng], **{"for": "addressees"})
    assert giong_rieng not in found.content.decode()
    again = htmx(client, "/recipients/search/", addressees=[giong_rieng], add_addressees=giong_rieng)
    assert again.status_code == 204
    assert htmx(client, "/recipients/search/", add_addressees="org:999999").status_code == 404
    nothing = htmx(client, "/recipients/search/", q="zzzz", **{"for": "extra"}).content.decode()
    assert "Nothing in the directory matches “zzzz”." in nothing
    # Organizations no longer active are not offered.
    world.districts[2].active_to = "2020-01-01"
    world.districts[2].save()
    assert "Rạch Giá" not in htmx(client, "/recipients/search/", q="rach gia").content.decode()


# --- Query counts ----------------------------------------------------------------------------------


def fill(world, n):
    """n drafts, n documents waiting for receipt, and n deliveries to register at the first district."""
    for i in range(n):
        make_draft(world, f"Bản nháp {i}", urgency="urgent")
        document_dispatch(document=issued(world, f"Đã gửi {i}"), actor=world.clerk)
    district = world.districts[0]
    district_register = RegisterFactory(owner=district, name=f"Sổ đi {n}")
    district_clerk = world.district_clerks[0]
    for i in range(n):
        draft = document_create_draft(
            register=district_register,
            actor=district_clerk,
            doc_type=doc_type("CV"),
            subject=f"Gửi ngược {i}",
            signer_name="A",
            addressees=[AddresseeInput(organization=world.board)],
        )
        document_dispatch(document=document_issue(document=draft, actor=district_clerk), actor=district_clerk)


def count_queries(django_assert_max_num_queries, client, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 9])
def test_home_queries_do_not_grow_with_rows(world, rows, django_assert_max_num_queries):
    fill(world, rows)
    client = browser(world.clerk)
    page = client.get("/today/").content.decode()
    assert page.count('action="/deliveries/') == rows
    assert len(re.findall(r'href="/documents/[0-9]+/edit/"', page)) == rows
    assert page.count("Not yet received by 1 of 1 recipient:") == rows
    assert "Page 1 of" not in page
    count_queries(django_assert_max_num_queries, client, "/today/", 13)


@pytest.mark.django_db
def test_home_and_form_cost_the_same_with_2_or_20_rows(world, django_assert_max_num_queries):
    client = browser(world.clerk)
    fill(world, 2)
    home_small = count_queries(django_assert_max_num_queries, client, "/today/", 13)
    fill(world, 18)  # 20 of each, more than a panel's page
    home_large = count_queries(django_assert_max_num_queries, client, "/today/", 13)
    assert home_small == home_large
    page = client.get("/today/").content.decode()
    assert page.count("Page 1 of 2") == 3
    assert re.search(r'Drafts waiting for a number <span class="clerk-count">20</span>', page)
    assert client.get("/today/?drafts_page=2").content.decode().count("/edit/") == 10

    def big_draft(n):
        for i in range(n):
            organization(world.admin, f"Đảng ủy khối {n}-{i}", "DUK", parent=world.board)
        orgs = list(world.board.children.all())[:n]
        return document_create_draft(
            register=world.outgoing,
            actor=world.clerk,
            doc_type=doc_type("CV"),
            subject="Nhiều nơi nhận",
            addressees=[AddresseeInput(organization=org) for org in orgs] + [AddresseeInput(group=world.group)],
        )

    form_small = count_queries(django_assert_max_num_queries, client, f"/documents/{big_draft(2).pk}/edit/", 18)
    form_large = count_queries(django_assert_max_num_queries, client, f"/documents/{big_draft(20).pk}/edit/", 18)
    assert form_small == form_large
    new_form = count_queries(django_assert_max_num_queries, client, "/documents/new/", 12)
    assert new_form <= form_small


@pytest.mark.django_db
def test_dispatch_page_costs_the_same_with_a_group_of_2_or_12_members(world):
    """A group addressee stands for its members: listing them costs no query per member."""

    def issued_to_a_group(size):
        members = [organization(world.admin, f"Đảng ủy xã {size}-{i}", "DU", parent=world.board) for i in range(size)]
        group = RecipientGroupFactory(name=f"Các xã ({size})", owner=world.board, members=members)
        draft = document_create_draft(
            register=world.outgoing,
            actor=world.clerk,
            doc_type=doc_type("CV"),
            subject=f"Gửi {size} xã",
            signer_name="Nguyễn Thanh Phong",
            addressees=[AddresseeInput(group=group)],
        )
        return document_issue(document=draft, actor=world.clerk), members

    client = browser(world.clerk)
    documents = {size: issued_to_a_group(size) for size in (2, 12)}
    client.get(f"/documents/{documents[2][0].pk}/dispatch/")  # the session and caches are warm for both
    counts = {}
    for size, (document, members) in documents.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/documents/{document.pk}/dispatch/")
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count('<th scope="row">Đảng ủy xã ') == size
        assert all(member.name in page for member in members)
        counts[size] = len(captured.captured_queries)
    assert counts[2] == counts[12]
