"""Intake suggestions (registry.intake.matching) and `POST /api/v1/intake/suggestions/`: the
issuer and the addressees matched to the directory (abbreviations, diacritics, spacing, the
parent line, the document's place, ambiguity), recipient groups, "Như trên" and "Lưu", cited
documents linked only when the user may see them, and the obligations stated deadlines propose."""

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from recipients.models import Role
from registry.api_intake_suggest import IntakeWithSuggestionsSerializer
from registry.intake import read_document
from registry.intake.matching import (
    ARCHIVE,
    AS_ABOVE,
    BODY,
    GROUP,
    ORGANIZATION,
    IntakeSuggestions,
    intake_suggestions,
)
from registry.intake.result import Intake, empty_intake
from registry.management.commands._seed_common import load
from registry.management.commands.seed_demo import Seeder
from registry.models import Direction, Document
from registry.services import document_create_draft, document_issue, document_register_incoming
from tests.factories import OrganizationFactory, RecipientGroupFactory, RegisterFactory, UserFactory, doc_type

# The examples of ../shared/examples, as the repository keeps them for its tests.
EXAMPLES = Path(__file__).parent / "intake_samples" / "examples"
API = "/api/v1/intake/suggestions/"


def example(name: str) -> Intake:
    path = EXAMPLES / name
    return read_document(path.read_text(encoding="utf-8"), source=path.name)


@pytest.fixture
def demo(db):
    """The demo directory of seed_demo (fixtures/demo): organizations and recipient groups, by key."""
    seeder = Seeder(None)
    seeder.admin = UserFactory(organization=None, role=Role.ADMIN, is_superuser=True, username="root")
    for section in load("organizations").values():
        for record in section:
            seeder.organization(record)
    for record in load("groups"):
        seeder.group(record)
    return seeder


@pytest.fixture
def board_clerk(demo):
    """The clerk of the Ban Tuyên giáo Tỉnh ủy Kiên Giang (seed_demo's `vanthu`)."""
    return UserFactory(organization=demo.organizations["kg.btgtu"], role=Role.CLERK, username="vanthu_btg")


def intake_of(**fields: Any) -> Intake:
    intake = empty_intake("test.txt")
    intake.update(fields)  # type: ignore[typeddict-item]
    return intake


def issuer(name: str | None, parent: str | None = None, **fields: Any) -> Intake:
    return intake_of(issuer={"name": name, "parent": parent}, **fields)


def names(candidates) -> list[str]:
    return [candidate.name for candidate in candidates]


def entry_for(suggestions: IntakeSuggestions, text: str, listing: str = "addressees"):
    return next(entry for entry in getattr(suggestions, listing) if entry.text == text)


# --- the real examples, against the demo directory ------------------------------------------


@pytest.mark.django_db
def test_a_party_letter_finds_its_board_and_every_addressee(demo, board_clerk):
    """GIVEN the demo directory WHEN the Ban Tuyên giáo's letter 375-CV/BTGTU is read THEN its
    issuer is the Kiên Giang board (not Tiền Giang's, not the central one), its addressees are
    found — an entry naming three offices gives three — and "Như trên" and "Lưu" get none."""
    suggestions = intake_suggestions(example("375-CV-BTGTU.txt"), user=board_clerk)
    org = demo.organizations

    assert suggestions.issuer.match is not None
    assert suggestions.issuer.match.id == org["kg.btgtu"].pk
    assert {org["tg.btgtu"].name, org["btgtw"].name} <= set(names(suggestions.issuer.candidates))
    matches = {entry.text: entry.match.name if entry.match else None for entry in suggestions.addressees}
    assert matches == {
        "Cơ quan Thường trực Ban Tuyên giáo Trung ương (tại Tp.HCM)": org["btgtw.cqtt"].name,
        "Trung tâm thông tin công tác tuyên giáo Ban Tuyên giáo Trung ương": org["btgtw.ttt"].name,
        "Thường trực Tỉnh ủy": org["kg.tu"].name,
        "Văn phòng Tỉnh ủy": org["kg.vptu"].name,
        "Văn phòng Ủy ban nhân dân": org["kg.vpubnd"].name,
        "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh": org["kg.vpdbqh"].name,
        "Ban Dân vận Tỉnh ủy": org["kg.bdvtu"].name,
        "Các sở, ban, ngành, đoàn thể cấp tỉnh": demo.groups["kg.so_ban_nganh_doan_the"].name,
        "Thường trực và ban tuyên giáo các huyện, thành ủy": demo.groups["kg.huyen_thanh_uy"].name,
        "Đảng ủy Khối các Cơ quan - Doanh nghiệp tỉnh": org["kg.duk"].name,
    }
    assert [entry.entry for entry in suggestions.addressees if entry.text.startswith("Văn phòng")] == [3, 3, 3]
    assert entry_for(suggestions, "Các sở, ban, ngành, đoàn thể cấp tỉnh").match.kind == GROUP
    distribution = [(entry.kind, entry.candidates, entry.match) for entry in suggestions.distribution]
    assert distribution[0] == (AS_ABOVE, (), None)
    assert distribution[2] == (ARCHIVE, (), None)
    assert suggestions.distribution[1].match.id == org["kg.btgtu"].pk  # "BTG TU (LĐ Ban, P.TTr, Tổng hợp)"
    assert suggestions.references == ()
    assert suggestions.obligations == ()


@pytest.mark.django_db
def test_a_state_letter_finds_its_department_groups_and_the_province(demo, board_clerk):
    suggestions = intake_suggestions(example("M-STTTT-TTBCBC.txt"), user=board_clerk)
    org, groups = demo.organizations, demo.groups

    assert suggestions.issuer.match.id == org["kg.stttt"].pk
    assert [(entry.match.kind, entry.match.id) for entry in suggestions.addressees] == [
        (GROUP, groups["kg.so_ban_nganh"].pk),
        (ORGANIZATION, org["kg.baokg"].pk),
        (ORGANIZATION, org["kg.dai"].pk),
        (GROUP, groups["kg.ubnd_huyen"].pk),
    ]
    # "UBND tỉnh (báo cáo)": the people's committee of the province the letter comes from.
    assert entry_for(suggestions, "UBND tỉnh (báo cáo)", "distribution").match.id == org["kg.ubnd"].pk
    assert entry_for(suggestions, "Lưu: VT, TTBCBC", "distribution").kind == ARCHIVE
    assert [(ref.notation, ref.canonical, ref.documents) for ref in suggestions.references] == [
        ("07-CT/TU", "07-CT/TU", ()),
        ("141/KH-UBND", "141/KH-UBND", ()),
    ]


@pytest.mark.django_db
def test_a_plan_proposes_its_deadlines_as_obligations(demo, board_clerk):
    """95-KH/TU has no addressees: the obligations go to the matched recipients (as the
    obligation page proposes the delivered ones), due as obligations_from_deadlines makes
    them due: a month's last day, and the day before a "trước ngày" deadline."""
    intake = example("95-KH-TU.txt")
    suggestions = intake_suggestions(intake, user=board_clerk)

    assert suggestions.issuer.match.id == demo.organizations["tg.tu"].pk
    assert entry_for(suggestions, "BTGTW (HN, TPHCM)", "distribution").match.id == demo.organizations["btgtw"].pk
    assert [(p.due_on, p.deadline_date, p.kind, p.title) for p in suggestions.obligations] == [
        (datetime.date(2023, 10, 31), datetime.date(2023, 10, 31), "during", intake["deadlines"][0]["text"]),
        (datetime.date(2023, 12, 31), datetime.date(2023, 12, 31), "during", intake["deadlines"][1]["text"]),
        (datetime.date(2023, 11, 30), datetime.date(2023, 12, 1), "before", intake["deadlines"][2]["text"]),
    ]
    assert {org.id for p in suggestions.obligations for org in p.organizations} == {demo.organizations["btgtw"].pk}
    assert suggestions.earliest_due_on == datetime.date(2023, 10, 31)


# --- matching rules, on small directories ----------------------------------------------------


@pytest.fixture
def kien_giang(db):
    province = OrganizationFactory(
        name="Ủy ban nhân dân tỉnh Kiên Giang",
        short_name="UBND tỉnh Kiên Giang",
        abbreviation="UBND",
        header_name="ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG",
        header_parent_name="",
        place="Kiên Giang",
    )
    council = OrganizationFactory(
        name="Hội đồng nhân dân tỉnh Kiên Giang", abbreviation="HĐND", header_parent_name="", place="Kiên Giang"
    )
    party = OrganizationFactory(
        name="Tỉnh ủy Kiên Giang", abbreviation="TU", system="party", header_parent_name="", place="Kiên Giang"
    )
    board = OrganizationFactory(
        name="Ban Tuyên giáo Tỉnh ủy Kiên Giang",
        short_name="Ban Tuyên giáo Tỉnh ủy",
        abbreviation="BTGTU",
        system="party",
        parent=party,
        header_name="BAN TUYÊN GIÁO",
        header_parent_name="TỈNH ỦY KIÊN GIANG",
    )
    district = OrganizationFactory(
        name="Huyện ủy Giồng Riềng",
        abbreviation="HU",
        system="party",
        level="district",
        parent=party,
        header_parent_name="ĐẢNG BỘ TỈNH KIÊN GIANG",
        place="Giồng Riềng",
    )
    media = OrganizationFactory(
        name="Sở Thông tin và Truyền thông tỉnh Kiên Giang",
        short_name="Sở Thông tin và Truyền thông",
        abbreviation="STTTT",
        parent=province,
        header_name="SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    )
    justice = OrganizationFactory(
        name="Sở Tư pháp tỉnh Kiên Giang", short_name="Sở Tư pháp", abbreviation="STP", parent=province
    )
    return {
        "province": province,
        "council": council,
        "party": party,
        "board": board,
        "district": district,
        "media": media,
        "justice": justice,
    }


@pytest.fixture
def outsider(db):
    """A clerk of a body of no place, so that the user's own province does not decide."""
    return UserFactory(organization=OrganizationFactory(name="Cơ quan thử", place="", header_parent_name=""))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("UBND tỉnh Kiên Giang", "province"),
        ("HĐND tỉnh Kiên Giang", "council"),
        ("TU Kiên Giang", "party"),
        ("Tỉnh ủy Kiên Giang", "party"),
        ("BTG TU Kiên Giang", "board"),
        ("BTGTU Kiên Giang", "board"),
        ("HU Giồng Riềng", "district"),
        ("STTTT", "media"),
        ("SO THONG TIN VA TRUYEN THONG TINH KIEN GIANG", "media"),
        ("sở thông tin và truyền thông tỉnh kiên giang", "media"),
        ("Sở  Thông tin và Truyền thông   tỉnh Kiên Giang", "media"),
        ("Sở Thông tinvà Truyền thông tỉnh KiênGiang", "media"),
        ("Sở Tư pháp tỉnh Kiên Giang", "justice"),
        ("SỞ TƯ PHÁP TỈNH KIÊN GIANG", "justice"),
    ],
)
def test_abbreviations_diacritics_case_and_spacing(kien_giang, outsider, written, key):
    suggestions = intake_suggestions(intake_of(addressees=[written]), user=outsider)
    (entry,) = suggestions.addressees
    assert entry.match is not None, entry.candidates
    assert entry.match.id == kien_giang[key].pk


@pytest.mark.django_db
def test_the_issuer_header_with_its_parent_line(kien_giang, outsider):
    suggestions = intake_suggestions(issuer("BAN TUYÊN GIÁO", "TỈNH ỦY KIÊN GIANG", system="party"), user=outsider)
    assert suggestions.issuer.match.id == kien_giang["board"].pk
    assert any("TỈNH ỦY KIÊN GIANG" in reason for reason in suggestions.issuer.match.why)


@pytest.fixture
def two_provinces(db):
    """A Sở Nội vụ in Kiên Giang and one in Sóc Trăng, printed alike, told apart only by their
    parents (no parent line of their own)."""
    committees = {
        place: OrganizationFactory(
            name=f"Ủy ban nhân dân tỉnh {place}",
            short_name=f"UBND tỉnh {place}",
            abbreviation="UBND",
            header_parent_name="",
            place=place,
        )
        for place in ("Kiên Giang", "Sóc Trăng")
    }
    return {
        place: OrganizationFactory(
            name="Sở Nội vụ",
            short_name="Sở Nội vụ",
            abbreviation="SNV",
            header_name="SỞ NỘI VỤ",
            header_parent_name="",
            parent=committee,
            place="",
        )
        for place, committee in committees.items()
    }


@pytest.mark.django_db
def test_two_equally_good_candidates_are_never_a_match(two_provinces, outsider):
    suggestions = intake_suggestions(issuer("SỞ NỘI VỤ"), user=outsider)
    candidates = suggestions.issuer.candidates
    assert {candidate.id for candidate in candidates[:2]} == {org.pk for org in two_provinces.values()}
    assert candidates[0].score == candidates[1].score
    assert suggestions.issuer.match is None


@pytest.mark.django_db
@pytest.mark.parametrize("place", ["Kiên Giang", "Sóc Trăng"])
def test_the_parent_line_picks_the_department_of_that_province(two_provinces, outsider, place):
    """“SỞ NỘI VỤ” under “UBND TỈNH …” is the Sở Nội vụ whose parent is that province's committee."""
    suggestions = intake_suggestions(issuer("SỞ NỘI VỤ", f"UBND TỈNH {place.upper()}"), user=outsider)
    assert suggestions.issuer.match is not None
    assert suggestions.issuer.match.id == two_provinces[place].pk


@pytest.mark.django_db
def test_the_documents_place_picks_the_body_of_that_province(db, outsider):
    offices = {
        place: OrganizationFactory(name=f"Văn phòng Tỉnh ủy {place}", short_name="Văn phòng Tỉnh ủy", place=place)
        for place in ("Kiên Giang", "Tiền Giang")
    }
    for place, office in offices.items():
        suggestions = intake_suggestions(intake_of(place=place, addressees=["Văn phòng Tỉnh ủy"]), user=outsider)
        assert suggestions.addressees[0].match.id == office.pk
    unplaced = intake_suggestions(intake_of(addressees=["Văn phòng Tỉnh ủy"]), user=outsider)
    assert unplaced.addressees[0].match is None
    assert {c.id for c in unplaced.addressees[0].candidates} == {office.pk for office in offices.values()}


@pytest.mark.django_db
def test_recipient_groups_the_users_own_first(outsider):
    own = RecipientGroupFactory(name="Ủy ban nhân dân các huyện, thành phố", owner=outsider.organization)
    RecipientGroupFactory(name="Ủy ban nhân dân các huyện, thành phố")  # another organization's
    OrganizationFactory(name="Ủy ban nhân dân huyện Châu Thành", place="Châu Thành")

    suggestions = intake_suggestions(intake_of(addressees=["Ủy ban nhân dân các huyện, thành phố"]), user=outsider)
    (entry,) = suggestions.addressees
    assert (entry.match.kind, entry.match.id) == (GROUP, own.pk)
    assert [candidate.kind for candidate in entry.candidates[:2]] == [GROUP, GROUP]


@pytest.mark.django_db
def test_two_groups_of_the_same_name_of_others_are_not_a_match(outsider):
    for _ in range(2):
        RecipientGroupFactory(name="Các sở, ban, ngành cấp tỉnh")
    suggestions = intake_suggestions(intake_of(addressees=["Các sở, ban, ngành cấp tỉnh"]), user=outsider)
    assert len(suggestions.addressees[0].candidates) == 2
    assert suggestions.addressees[0].match is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Như trên", AS_ABOVE),
        ("Như trên (để thực hiện)", AS_ABOVE),
        ("NHƯ TRÊN", AS_ABOVE),
        ("Lưu: VT", ARCHIVE),
        ("Lưu VT, TTBCBC", ARCHIVE),
        ("Lưu VPTU", ARCHIVE),
        ("Lưu", ARCHIVE),
    ],
)
def test_as_above_and_the_file_copy_get_no_candidates(kien_giang, outsider, text, kind):
    suggestions = intake_suggestions(intake_of(distribution=[text]), user=outsider)
    assert [(entry.kind, entry.candidates, entry.match) for entry in suggestions.distribution] == [(kind, (), None)]


@pytest.mark.django_db
def test_a_body_of_another_time_is_only_a_weaker_candidate(outsider):
    merged = OrganizationFactory(
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy An Giang", place="An Giang", active_from=datetime.date(2025, 7, 1)
    )
    old = intake_suggestions(
        intake_of(date="2021-03-01", addressees=["Ban Tuyên giáo và Dân vận Tỉnh ủy An Giang"]), user=outsider
    )
    new = intake_suggestions(
        intake_of(date="2025-08-01", addressees=["Ban Tuyên giáo và Dân vận Tỉnh ủy An Giang"]), user=outsider
    )
    assert new.addressees[0].match.id == merged.pk
    assert old.addressees[0].candidates[0].score < new.addressees[0].candidates[0].score
    assert any("01/03/2021" in reason for reason in old.addressees[0].candidates[0].why)


@pytest.mark.django_db
def test_nothing_to_match_and_odd_values_give_empty_suggestions(kien_giang, outsider):
    suggestions = intake_suggestions(
        {
            "issuer": None,
            "addressees": None,
            "distribution": [12, " ", "Xyz", "TU" * 3000, "TPHCM" * 40 + "X"],
            "references": [{"date": None}],
        },
        user=outsider,
    )
    assert suggestions.issuer.candidates == ()
    assert suggestions.distribution[0].text == "Xyz"
    assert suggestions.distribution[0].candidates == ()
    assert [(ref.notation, ref.documents) for ref in suggestions.references] == [("", ())]
    assert suggestions.obligations == ()


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_any_text_read_gives_suggestions_without_raising(kien_giang, outsider, text):
    suggestions = intake_suggestions(read_document(text), user=outsider)
    assert isinstance(suggestions.as_dict(), dict)


# --- references: only documents the user may see -------------------------------------------


@pytest.fixture
def registers(kien_giang):
    """The board's incoming register, its clerk, and another province's registers."""
    board = kien_giang["board"]
    elsewhere = OrganizationFactory(name="Sở Nội vụ tỉnh Sóc Trăng", place="Sóc Trăng")
    return {
        "clerk": UserFactory(organization=board, role=Role.CLERK),
        "incoming": RegisterFactory(owner=board, name="Sổ văn bản đến", direction=Direction.INCOMING),
        "other_clerk": UserFactory(organization=elsewhere, role=Role.CLERK),
        "other_incoming": RegisterFactory(owner=elsewhere, name="Sổ đến", direction=Direction.INCOMING),
        "other_outgoing": RegisterFactory(owner=elsewhere, name="Sổ đi"),
    }


def received(register, clerk, notation: str, sender: str, subject: str = "Chỉ thị về công tác tuyên truyền"):
    return document_register_incoming(
        register=register,
        actor=clerk,
        notation=notation,
        sender_name=sender,
        subject=subject,
        confirm_duplicate=True,
        issued_on=datetime.date(2021, 6, 4),
    )


@pytest.mark.django_db
def test_references_link_only_documents_the_user_may_see(registers, kien_giang):
    """GIVEN 07-CT/TU registered by the board and received elsewhere too, another organization's
    issued plan, and its draft carrying a notation WHEN a letter citing them is read THEN only
    the board's record is linked; the other organization's documents never appear."""
    mine = received(registers["incoming"], registers["clerk"], "07-CT/TU", "Tỉnh ủy Kiên Giang")
    received(registers["other_incoming"], registers["other_clerk"], "07-CT/TU", "Tỉnh ủy Kiên Giang")
    other_clerk, outgoing = registers["other_clerk"], registers["other_outgoing"]
    plan = document_create_draft(
        register=outgoing,
        actor=other_clerk,
        doc_type=doc_type("KH"),
        subject="Kế hoạch tuyên truyền",
        body="…",
        signer_name="Lâm Văn Sển",
        signer_title="GIÁM ĐỐC",
    )
    plan = document_issue(document=plan, actor=other_clerk)
    draft = document_create_draft(
        register=outgoing, actor=other_clerk, doc_type=doc_type("KH"), subject="Kế hoạch (dự thảo)", body="…"
    )
    Document.objects.filter(pk=draft.pk).update(notation="141/KH-UBND")
    intake = intake_of(
        references=[
            {"notation": "7-CT/TU", "date": "2021-06-04", "issuer": "Tỉnh ủy Kiên Giang"},
            {"notation": "141/KH-UBND", "date": "2021-07-19", "issuer": "Ủy ban nhân dân tỉnh"},
            {"notation": plan.notation, "date": None, "issuer": None},
        ]
    )

    clerk_view = intake_suggestions(intake, user=registers["clerk"])
    other_view = intake_suggestions(intake, user=other_clerk)

    assert [(ref.canonical, [d.id for d in ref.documents]) for ref in clerk_view.references] == [
        ("07-CT/TU", [mine.pk]),
        ("141/KH-UBND", []),
        (plan.notation, []),
    ]
    assert clerk_view.references[0].documents[0].subject == mine.subject
    seen_by_other = {d.id for ref in other_view.references for d in ref.documents}
    assert mine.pk not in seen_by_other
    assert {draft.pk, plan.pk} <= seen_by_other  # their own documents


@pytest.mark.django_db
def test_the_cited_issuer_narrows_several_records_of_a_notation(registers):
    ours = received(registers["incoming"], registers["clerk"], "07-CT/TU", "Tỉnh ủy Kiên Giang")
    theirs = received(registers["incoming"], registers["clerk"], "07-CT/TU", "Tỉnh ủy Tiền Giang")
    cited = {"notation": "07-CT/TU", "date": "2021-06-04"}

    narrowed = intake_suggestions(
        intake_of(references=[{**cited, "issuer": "Tỉnh ủy Kiên Giang"}]), user=registers["clerk"]
    )
    unnamed = intake_suggestions(intake_of(references=[{**cited, "issuer": None}]), user=registers["clerk"])

    assert [d.id for d in narrowed.references[0].documents] == [ours.pk]
    assert {d.id for d in unnamed.references[0].documents} == {ours.pk, theirs.pk}


# --- obligations -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_obligations_follow_the_obligation_rules(kien_giang, outsider):
    """Due on the last day on time, titled with the deadline's text cut at 500 characters, for
    the addressees matched to organizations: not the issuer, not groups, not dissolved bodies."""
    RecipientGroupFactory(name="Các sở, ban, ngành cấp tỉnh", owner=outsider.organization)
    gone = OrganizationFactory(name="Sở Du lịch tỉnh Kiên Giang", active_to=datetime.date(2020, 12, 31))
    long_text = "Báo cáo kết quả " + "rất chi tiết " * 60 + "trước ngày 15/3/2024"
    intake = intake_of(
        issuer={"name": "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG", "parent": None},
        place="Kiên Giang",
        date="2024-02-01",
        addressees=[
            "Sở Thông tin và Truyền thông",
            "Các sở, ban, ngành cấp tỉnh",
            "Ủy ban nhân dân tỉnh Kiên Giang",
            "Sở Du lịch tỉnh Kiên Giang",
        ],
        distribution=["Tỉnh ủy Kiên Giang"],
        deadlines=[
            {"date": "2024-03-15", "kind": "before", "text": long_text},
            {"date": "2024-03-20", "kind": "by", "text": "Hoàn thành trước ngày 20/3/2024"},
            {"date": "2024-04-30", "kind": "during", "text": "Tổng kết trong tháng 4/2024"},
        ],
    )

    suggestions = intake_suggestions(intake, user=outsider)

    assert suggestions.issuer.match.id == kien_giang["province"].pk
    assert entry_for(suggestions, "Sở Du lịch tỉnh Kiên Giang").match.id == gone.pk
    assert [(p.due_on, p.title) for p in suggestions.obligations] == [
        (datetime.date(2024, 3, 14), long_text[:500]),
        (datetime.date(2024, 3, 20), "Hoàn thành trước ngày 20/3/2024"),
        (datetime.date(2024, 4, 30), "Tổng kết trong tháng 4/2024"),
    ]
    for proposal in suggestions.obligations:
        assert [org.id for org in proposal.organizations] == [kien_giang["media"].pk]
    assert suggestions.earliest_due_on == datetime.date(2024, 3, 14)


# --- bounded queries ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_queries_do_not_grow_with_the_document(registers, size, django_assert_max_num_queries):
    for index in range(size):
        received(registers["incoming"], registers["clerk"], f"{index + 1}-CT/TU", "Tỉnh ủy Kiên Giang")
    intake = intake_of(
        issuer={"name": "TỈNH ỦY KIÊN GIANG", "parent": None},
        addressees=[f"Sở Thử nghiệm {index}" for index in range(size)],
        distribution=["Như trên", *(f"Huyện ủy {index}" for index in range(size)), "Lưu VT"],
        references=[{"notation": f"{index + 1}-CT/TU", "date": None, "issuer": None} for index in range(size)],
        deadlines=[{"date": "2024-03-15", "kind": "before", "text": f"Báo cáo {index}"} for index in range(size)],
    )
    with django_assert_max_num_queries(3):
        suggestions = intake_suggestions(intake, user=registers["clerk"])
    assert sum(len(ref.documents) for ref in suggestions.references) == size


# --- the API ---------------------------------------------------------------------------------


def _keys(schema: dict[str, Any], components: dict[str, Any], value: Any) -> None:
    """The value has exactly the properties its schema documents, all the way down."""
    while "$ref" in schema or "allOf" in schema:
        schema = components[(schema.get("$ref") or schema["allOf"][0]["$ref"]).rsplit("/", 1)[1]]
    if value is None:
        return
    if schema.get("type") == "array":
        for item in value:
            _keys(schema["items"], components, item)
    elif "properties" in schema:
        assert set(value) == set(schema["properties"]), (set(value), set(schema["properties"]))
        for key, item in value.items():
            _keys(schema["properties"][key], components, item)


@pytest.mark.django_db
def test_the_api_reads_and_suggests_as_its_schema_says(demo, board_clerk):
    client = APIClient()
    client.force_authenticate(board_clerk)
    path = EXAMPLES / "M-STTTT-TTBCBC.txt"

    response = client.post(API, {"text": path.read_text(encoding="utf-8"), "source": path.name}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["intake", "suggestions"]
    assert body["intake"] == json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    suggestions = body["suggestions"]
    assert suggestions["issuer"]["match"]["id"] == demo.organizations["kg.stttt"].pk
    assert suggestions["addressees"][0]["kind"] == BODY
    assert suggestions["distribution"][0] == {
        "entry": 0,
        "text": "Như trên",
        "kind": AS_ABOVE,
        "candidates": [],
        "match": None,
    }
    assert IntakeWithSuggestionsSerializer(body).data["suggestions"]["issuer"]["match"]["name"]
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    documented = schema["paths"][API]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    _keys(documented, components, body)


@pytest.mark.django_db
def test_the_api_links_only_what_the_caller_may_see(registers):
    mine = received(registers["incoming"], registers["clerk"], "07-CT/TU", "Tỉnh ủy Kiên Giang")
    text = "Thực hiện Chỉ thị số 07-CT/TU ngày 04/6/2021 của Tỉnh ủy Kiên Giang, báo cáo trước ngày 15/3/2024."
    linked = {}
    for role in ("clerk", "other_clerk"):
        client = APIClient()
        client.force_authenticate(registers[role])
        response = client.post(API, {"text": text}, format="json")
        assert response.status_code == 200
        (reference,) = response.json()["suggestions"]["references"]
        linked[role] = [document["id"] for document in reference["documents"]]
    assert linked == {"clerk": [mine.pk], "other_clerk": []}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [({}, "text"), ({"text": ""}, "text"), ({"text": 12}, "text"), ({"text": "x", "source": "x" * 256}, "source")],
    ids=["no text", "empty", "number", "long source"],
)
def test_the_api_refuses_bad_bodies(outsider, payload, field):
    client = APIClient()
    client.force_authenticate(outsider)
    response = client.post(API, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert list(body["errors"]) == [field]


@pytest.mark.django_db
def test_the_api_is_for_signed_in_users_only():
    response = APIClient().post(API, {"text": "Số 95-KH/TU"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
