"""Intake suggestions (registry.intake.matching): the issuer and the addressees matched to the
directory (abbreviations, diacritics, spacing, the parent line, the document's place,
ambiguity), recipient groups, "Như trên" and "Lưu", and the obligations stated deadlines
propose. The real examples, cited documents and the API: test_intake_suggestions.py."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.intake import read_document
from registry.intake.matching import (
    ARCHIVE,
    AS_ABOVE,
    GROUP,
    intake_suggestions,
)
from registry.tests.intake_directory import entry_for, intake_of, issuer, kien_giang_directory, outsider_clerk
from tests.factories import OrganizationFactory, RecipientGroupFactory


@pytest.fixture
def kien_giang(db):
    return kien_giang_directory()


@pytest.fixture
def outsider(db):
    return outsider_clerk()


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
