"""Reports over the API from request to compliance, with who may do what on
the way: a clerk obliges districts and dispatches the plan, reporters report
on time and late, refused attempts (for another organization, a disguised
program, not obligated, the requester itself) store nothing, and the clerk's
review shows in compliance.

Its sibling test_permissions.py tries every dispatch endpoint with every role;
what both share is in permissions_world.py.
"""

import datetime

import pytest
import time_machine

from dispatch.models import Assignment
from dispatch.tests.conftest import at, fake_upload, pdf
from dispatch.tests.permissions_world import TITLE, client_for, stored
from recipients.models import Role
from tests.factories import PartyOrganizationFactory, UserFactory


@pytest.mark.django_db
def test_reports_over_the_api_from_request_to_compliance(world):
    """A clerk obliges Mỹ Tho directly and Cái Bè and Chợ Gạo through their
    group, and dispatches the plan. Mỹ Tho reports on the evening of the due
    date, Cái Bè three days late; Chợ Gạo's attempts for another organization
    and with a disguised program are refused, as are reports from Tân Phước
    (not obligated) and from the requester itself. The clerk returns Mỹ Tho's
    report and accepts Cái Bè's; compliance shows exactly that."""
    tan_phuoc = PartyOrganizationFactory(
        name="Huyện ủy Tân Phước", abbreviation="HU", level="district", parent=world.province
    )
    outsider = UserFactory(organization=tan_phuoc, role=Role.REPORTER)
    clerk = client_for(world.clerk)
    my_tho, cai_be, cho_gao = world.districts
    with time_machine.travel(at(2023, 11, 1), tick=False):
        created = clerk.post(
            "/api/v1/obligations/",
            {
                "document": world.plan.pk,
                "title": TITLE,
                "due_on": "2023-11-30",
                "organizations": [my_tho.pk],
                "groups": [world.group.pk],
            },
            format="json",
        )
        assert created.status_code == 201, created.json()
        dispatched = clerk.post(f"/api/v1/documents/{world.plan.pk}/dispatch/", {}, format="json")
    assert dispatched.status_code == 200, dispatched.json()
    assert {d["recipient"] for d in dispatched.json()["deliveries"]} == {my_tho.pk, cai_be.pk, cho_gao.pk}
    obligation = created.json()
    assert {(row["organization"], row["status"]) for row in obligation["organizations"]} == {
        (my_tho.pk, "pending"),
        (cai_be.pk, "pending"),
        (cho_gao.pk, "pending"),
    }
    submissions = f"/api/v1/obligations/{obligation['id']}/submissions/"

    def submit(user, when, **data):
        with time_machine.travel(when, tick=False):
            return client_for(user).post(submissions, {"file": [pdf()], **data}, format="multipart")

    on_time = submit(world.reporters[0], at(2023, 11, 30, 23, 30), report_notation="Số 45-BC/TU")
    late = submit(world.reporters[1], at(2023, 12, 3))
    assert (on_time.status_code, late.status_code) == (201, 201), (on_time.json(), late.json())
    receipts = {response.json()["organization"]: response.json() for response in (on_time, late)}
    assert {org: (r["arrival_number"], r["register"], r["version"]) for org, r in receipts.items()} == {
        my_tho.pk: (1, world.incoming.name, 1),
        cai_be.pk: (2, world.incoming.name, 1),
    }
    assert receipts[my_tho.pk]["report_notation"] == "45-BC/TU"
    assert [f["original_name"] for f in receipts[my_tho.pk]["files"]] == ["bao-cao.pdf"]

    before = stored()
    when = at(2023, 12, 4)
    for_my_tho = submit(world.reporters[2], when, organization=my_tho.pk)
    assert (for_my_tho.status_code, for_my_tho.json()["code"]) == (403, "permission_denied")
    assert my_tho.name in for_my_tho.json()["detail"]
    with time_machine.travel(when, tick=False):
        disguised = client_for(world.reporters[2]).post(
            submissions, {"file": [fake_upload("bao-cao.pdf", b"MZ\x90\x00\x03 a Windows program")]}, format="multipart"
        )
    assert (disguised.status_code, disguised.json()["code"], disguised.json()["field"]) == (
        400,
        "unsupported_file_type",
        "file",
    )
    assert "bao-cao.pdf" in disguised.json()["detail"]
    # Tân Phước may not even see the obligation: reporters see only their own organization's.
    not_obligated = submit(outsider, when)
    assert (not_obligated.status_code, not_obligated.json()["code"]) == (404, "not_found")
    assert not_obligated.json()["detail"]
    requester = submit(world.clerk, when)
    assert (requester.status_code, requester.json()["code"]) == (403, "not_obligated")
    assert world.province.name in requester.json()["detail"]
    assert stored() == before
    assert Assignment.objects.get(obligation_id=obligation["id"], organization=cho_gao).first_submitted_at is None

    with time_machine.travel(at(2023, 12, 4, 10), tick=False):
        statuses = clerk.get("/api/v1/compliance/", {"obligation": obligation["id"]}).json()
    assert {row["organization"]: row["status"] for row in statuses["results"]} == {
        my_tho.pk: "submitted",
        cai_be.pk: "late",
        cho_gao.pk: "overdue",
    }

    with time_machine.travel(at(2023, 12, 5), tick=False):
        without_reason = clerk.post(f"/api/v1/submissions/{receipts[my_tho.pk]['id']}/return/", {}, format="json")
        assert (without_reason.status_code, list(without_reason.json()["errors"])) == (400, ["reason"])
        returned = clerk.post(
            f"/api/v1/submissions/{receipts[my_tho.pk]['id']}/return/", {"reason": "Thiếu số liệu"}, format="json"
        )
        accepted = clerk.post(f"/api/v1/submissions/{receipts[cai_be.pk]['id']}/accept/")
    assert (returned.status_code, returned.json()["decision"], returned.json()["review_reason"]) == (
        200,
        "returned",
        "Thiếu số liệu",
    )
    assert (accepted.status_code, accepted.json()["decision"]) == (200, "accepted")

    with time_machine.travel(at(2023, 12, 6), tick=False):
        compliance = clerk.get("/api/v1/compliance/", {"obligation": obligation["id"]}).json()
    rows = {
        row["organization"]: (
            row["status"],
            row["submitted_at"] and datetime.datetime.fromisoformat(row["submitted_at"]),
        )
        for row in compliance["results"]
    }
    assert rows == {
        my_tho.pk: ("returned", at(2023, 11, 30, 23, 30)),
        cai_be.pk: ("accepted", at(2023, 12, 3)),
        cho_gao.pk: ("overdue", None),
    }
    assert compliance["summary"] == {
        "organizations": 3,
        "counts": {"pending": 0, "submitted": 0, "late": 0, "overdue": 1, "accepted": 1, "returned": 1},
        "on_time_rate": pytest.approx(1 / 3, abs=1e-4),
    }
