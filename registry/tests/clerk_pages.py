"""What the clerk's page tests share (test_pages_clerk.py, test_pages_clerk_editing.py):
a province board writing to its districts, and the helpers that drive the pages."""

import re
from types import SimpleNamespace

from django.contrib.messages import get_messages
from django.test import Client

from recipients.models import Role
from recipients.services import organization_create
from registry.models import Direction, PeriodKind
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


def build_world():
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
