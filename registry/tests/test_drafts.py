import unicodedata

import pytest

from core.errors import DomainError, PermissionDenied
from core.models import AuditEvent
from recipients.models import Role
from registry.models import DistributionKind, DocumentStatus
from registry.services import (
    AddresseeInput,
    DistributionInput,
    ReferenceInput,
    document_create_draft,
    document_issue,
    document_update,
)
from tests.factories import (
    OrganizationFactory,
    PartyOrganizationFactory,
    RecipientGroupFactory,
    RegisterFactory,
    UserFactory,
    doc_type,
)


@pytest.mark.django_db
def test_draft_fills_the_usual_distribution_and_keeps_addressees_in_order(make_draft):
    bao = OrganizationFactory(name="Báo Kiên Giang", abbreviation="BKG", system="press")
    districts = RecipientGroupFactory(name="Ủy ban nhân dân các huyện, thành phố")
    draft = make_draft(
        addressees=[
            AddresseeInput(text="Các sở, ban, ngành cấp tỉnh"),
            AddresseeInput(organization=bao),
            AddresseeInput(group=districts),
        ]
    )
    assert [(a.kind, a.text) for a in draft.addressees.order_by("position")] == [
        ("text", "Các sở, ban, ngành cấp tỉnh"),
        ("organization", "Báo Kiên Giang"),
        ("group", "Ủy ban nhân dân các huyện, thành phố"),
    ]
    assert [(d.kind, d.text) for d in draft.distribution.order_by("position")] == [
        (DistributionKind.AS_ABOVE, "Như trên"),
        (DistributionKind.FILE_COPY, "Lưu: VT, TTBCBC"),
    ]
    assert draft.file_copy_holder == "VT, TTBCBC"
    assert draft.status == DocumentStatus.DRAFT
    assert draft.number is None
    assert (draft.issuer_header_parent, draft.issuer_header_name) == (
        "UBND TỈNH KIÊN GIANG",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    )


@pytest.mark.django_db
def test_party_draft_file_copy_line_has_no_colon():
    board = PartyOrganizationFactory(abbreviation="BTGTU")
    clerk = UserFactory(organization=board, role=Role.CLERK)
    register = RegisterFactory(owner=board, period_kind="term", term_start="2020-10-15")
    draft = document_create_draft(
        register=register, actor=clerk, doc_type=doc_type("CV"), subject="Thử", signer_name="A"
    )
    assert [d.text for d in draft.distribution.all()] == ["Lưu"]


@pytest.mark.django_db
def test_distribution_lines_are_recognised_and_validated(make_draft):
    ubnd = OrganizationFactory(name="UBND tỉnh", abbreviation="UBND")
    draft = make_draft(
        distribution=[
            DistributionInput(text="Như trên;"),
            DistributionInput(organization=ubnd, purpose="(báo cáo)"),
            DistributionInput(text="Lưu: VT, TTBCBC."),
        ]
    )
    assert [d.printed for d in draft.distribution.order_by("position")] == [
        "Như trên",
        "UBND tỉnh (báo cáo)",
        "Lưu: VT, TTBCBC",
    ]
    with pytest.raises(DomainError, match="last line"):
        make_draft(distribution=[DistributionInput(text="Lưu: VT"), DistributionInput(text="Như trên")])
    with pytest.raises(DomainError, match="more than once"):
        make_draft(distribution=[DistributionInput(text="Như trên"), DistributionInput(kind="as_above")])


@pytest.mark.django_db
def test_text_is_stored_nfc_and_bad_text_is_refused(make_draft):
    decomposed = unicodedata.normalize("NFD", "Kế hoạch")  # as some Word files paste it
    assert decomposed != "Kế hoạch"
    assert make_draft(subject=decomposed).subject == "Kế hoạch"
    with pytest.raises(DomainError, match="too long"):
        make_draft(subject="x" * 2001)
    with pytest.raises(DomainError, match="control characters"):
        make_draft(body="a\x00b")
    with pytest.raises(DomainError, match="whole number"):
        make_draft(copies=0)


@pytest.mark.django_db
def test_type_must_belong_to_the_registers_system(make_draft):
    with pytest.raises(DomainError, match="not a document type"):
        make_draft(doc_type=doc_type("TT"))  # Thông tri is a Party type


@pytest.mark.django_db
def test_only_the_registers_clerk_drafts(register, leader):
    with pytest.raises(PermissionDenied):
        document_create_draft(register=register, actor=leader, doc_type=doc_type("CV"), subject="Thử")


@pytest.mark.django_db
def test_draft_edits_are_audited_with_before_and_after(make_draft, clerk):
    draft = make_draft()
    document_update(
        document=draft,
        actor=clerk,
        changes={"subject": "Tuyên truyền Chỉ thị 07-CT/TU"},
        addressees=[AddresseeInput(text="Báo Kiên Giang")],
    )
    event = AuditEvent.objects.for_object(draft).get(action="document.update")
    assert event.changes["subject"]["after"] == "Tuyên truyền Chỉ thị 07-CT/TU"
    assert event.changes["addressees"] == {"before": ["Các sở, ban, ngành cấp tỉnh"], "after": ["Báo Kiên Giang"]}
    draft.refresh_from_db()
    assert "tuyen truyen chi thi 07-ct/tu" in draft.search_text
    assert "bao kien giang" in draft.search_text


@pytest.mark.django_db
def test_references_copy_the_target_documents_notation(make_draft, clerk):
    plan = document_issue(document=make_draft(doc_type=doc_type("KH"), drafting_unit=""), actor=clerk)
    letter = make_draft(references=[ReferenceInput(relation="implements", target=plan)])
    reference = letter.references.get()
    assert (reference.notation, reference.issued_on, reference.issuer_name) == (
        plan.notation,
        plan.issued_on,
        plan.issuer_name,
    )
    with pytest.raises(DomainError, match="number and notation"):
        make_draft(references=[ReferenceInput(relation="cites")])
