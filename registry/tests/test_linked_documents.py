"""Links between documents in the API (a reference's target, a received copy's
original): given only to readers who may open the linked document, so that
citing a confidential document does not hand its id to everyone who reads the
citation."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from recipients.models import Clearance, Role, User
from registry.models import Confidentiality
from registry.services import AddresseeInput, ReferenceInput, document_issue
from tests.factories import OrganizationFactory, UserFactory

DOCS = "/api/v1/documents/"


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def citing(make_draft, organization):
    """A normal plan of the Sở implementing a Mật directive of the same register
    (both written by a clerk cleared for Mật) and citing a letter the Sở
    issued; `uncleared` is the Sở's leader without clearance."""
    cleared = UserFactory(organization=organization, role=Role.CLERK, clearance=Clearance.CONFIDENTIAL)
    secret = document_issue(
        document=make_draft(actor=cleared, confidentiality=Confidentiality.CONFIDENTIAL), actor=cleared
    )
    letter = document_issue(document=make_draft(actor=cleared), actor=cleared)
    plan = make_draft(
        actor=cleared,
        subject="Kế hoạch thực hiện chỉ thị",
        references=[
            ReferenceInput(relation="implements", target=secret),
            ReferenceInput(relation="cites", target=letter),
            ReferenceInput(relation="cites", notation="12-CT/TU"),
        ],
    )
    plan = document_issue(document=plan, actor=cleared)
    return SimpleNamespace(
        secret=secret,
        letter=letter,
        plan=plan,
        cleared=cleared,
        uncleared=UserFactory(organization=organization, role=Role.LEADER),
    )


def targets(body):
    return [(row["notation"], row["target"]) for row in body["references"]]


@pytest.mark.django_db
def test_a_reader_without_clearance_sees_the_citation_but_not_the_confidential_document(citing):
    url = f"{DOCS}{citing.plan.pk}/"
    hidden = targets(api(citing.uncleared).get(url).json())
    assert hidden == [(citing.secret.notation, None), (citing.letter.notation, citing.letter.pk), ("12-CT/TU", None)]
    assert api(citing.uncleared).get(f"{DOCS}{citing.secret.pk}/").status_code == 404

    shown = targets(api(citing.cleared).get(url).json())
    assert shown == [
        (citing.secret.notation, citing.secret.pk),
        (citing.letter.notation, citing.letter.pk),
        ("12-CT/TU", None),
    ]


@pytest.mark.django_db
def test_lists_and_searches_hide_the_link_too(citing):
    for params in ({}, {"q": "ke hoach thuc hien chi thi"}):
        rows = {row["id"]: row for row in api(citing.uncleared).get(DOCS, params).json()["results"]}
        assert targets(rows[citing.plan.pk])[0] == (citing.secret.notation, None)
        rows = {row["id"]: row for row in api(citing.cleared).get(DOCS, params).json()["results"]}
        assert targets(rows[citing.plan.pk])[0] == (citing.secret.notation, citing.secret.pk)


@pytest.mark.django_db
def test_another_organization_reading_the_plan_sees_no_link_into_a_register_it_cannot_read(citing, make_draft):
    """GIVEN a plan addressed to a district, citing a letter of the Sở's register
    WHEN the district reads the plan THEN the letter is cited without its id."""
    district = OrganizationFactory(name="UBND huyện Châu Thành")
    draft = make_draft(
        actor=citing.cleared,
        addressees=[AddresseeInput(organization=district)],
        references=[ReferenceInput(relation="cites", target=citing.letter)],
    )
    sent = document_issue(document=draft, actor=citing.cleared)
    response = api(UserFactory(organization=district, role=Role.REPORTER)).get(f"{DOCS}{sent.pk}/")
    assert response.status_code == 200
    assert targets(response.json()) == [(citing.letter.notation, None)]
