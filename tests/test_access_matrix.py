"""Every API operation × every role × whose object: allowed or refused as designed.

The design (README, CONTRACT, recipients.selectors.scope_filter, the selectors
and registry.permissions):

- Reads. Clerks and leaders read what their organization and the bodies
  below it keep, sent, requested or owe; reporters only their own
  organization's (never its drafts), plus the issued documents addressed or
  delivered to it or obliging it to report; administrators (role admin, and
  superusers) everything. The directory (organizations, recipient groups,
  document types) is read by everyone signed in.
- Writes. Registers, documents, dispatch, obligations and the review of
  reports belong to a clerk of the register's organization (a body above
  only reads) or an administrator; leaders change nothing. Reports come from
  a reporter or clerk of an obligated organization. A delivery is received
  and registered by people of the recipient (registered by its clerk);
  administrators are not the recipient. Clerks and administrators add
  organizations, only administrators change them; recipient groups are
  managed by a clerk of their owner or an administrator. Notifications are
  their user's alone.
- Answers. 401 without credentials; 404 for an object in the URL the user
  may not see (hidden, not refused); 400 on the field of a request body that
  names an object the user may not see (the same answer as for an id that
  does not exist); 403 for an object the user sees but may not change;
  a refusal stores nothing, an allowed write leaves an audit event.

The world (tests/access_world.py) puts the clerk and the leader on a
provincial board, the reporter in a district below it, and builds every kind
of object on the own side ("own", the board's; "below", the district's;
"inbound", the other province's letter to the board) and on the other side
("other", an unrelated province's). A case id reads
`<operation>-<role>-<side>`, e.g. `documents-retrieve-reporter-other_draft`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from core.models import AuditEvent
from dispatch.models import Assignment, Delivery, Notification, Obligation, Submission
from dispatch.selectors import assignment_list, delivery_list, obligation_list, submission_list
from dispatch.services import (
    assignment_set_due_date,
    delivery_acknowledge,
    submission_record_paper,
    submission_review,
)
from dispatch.services.notify import notify
from recipients.models import Organization, RecipientGroup, Role, User
from registry.models import Attachment, Document, Register
from registry.selectors import document_list
from tests.access_world import build_world, pdf
from tests.factories import PASSWORD, UserFactory

ROLES = ("clerk", "leader", "reporter", "admin", "superuser")
STORED = (
    Organization,
    RecipientGroup,
    Register,
    Document,
    Attachment,
    Delivery,
    Obligation,
    Assignment,
    Submission,
    AuditEvent,
)
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
# Allowed POSTs that change no record of the registry: nothing to audit.
UNAUDITED = {"auth-token", "intake", "intake-suggestions", "notifications-read"}


@dataclass(frozen=True)
class Call:
    """One request. `target`: the id a list must (not) contain under `key`.
    `field`: the body field naming the object, the one a 400 must be about."""

    url: str
    data: dict[str, Any] | None = None
    multipart: bool = False
    target: Any = None
    key: str = "id"
    field: str | None = None


Request = Callable[[SimpleNamespace, str, User | None], Call]


@dataclass(frozen=True)
class Row:
    """An operation of the schema and its outcomes: per side, one per role of
    ROLES: a status, or "in"/"out" for a 200 list that does (not) contain the
    side's object. Anonymous callers get `anonymous`, tried once per row."""

    name: str
    method: str
    path: str
    request: Request
    sides: dict[str, str]
    anonymous: str = "401"
    # A failed login is audited (core.ratelimit): the one refusal that writes an event.
    refusal_audited: bool = False


def _days(world, days: int) -> str:
    return (world.today + datetime.timedelta(days=days)).isoformat()


def _tree(side: str) -> str:
    return "other" if side.startswith("other") else "own"


# Outcome profiles, one status per role: clerk leader reporter admin superuser.
ALL = "200 200 200 200 200"
LISTED = "in in in in in"
# Documents as each side shows them to readers, and in lists.
READ = {
    "own_draft": "200 200 404 200 200",
    "own_issued": ALL,
    "own_received": "200 200 404 200 200",
    "below_draft": "200 200 404 200 200",
    "below_issued": ALL,
    "inbound": "200 200 404 200 200",
    "other_draft": "404 404 404 200 200",
    "other_issued": "404 404 404 200 200",
    "other_received": "404 404 404 200 200",
}
LIST = {side: outcome.replace("200", "in").replace("404", "out") for side, outcome in READ.items()}
ONLY_ADMINS_OTHER = "404 404 404 200 200"
CLERK_OWN = "200 403 403 200 200"


def _pick(profile: dict[str, str], *sides: str) -> dict[str, str]:
    return {side: profile[side] for side in sides}


def _draft_payload(register: Register) -> dict[str, Any]:
    return {
        "register": register.pk,
        "doc_type": "KH",
        "subject": "Kế hoạch tuyên truyền kỷ niệm ngày thành lập Đảng",
        "body": "Ban Thường vụ đề nghị …",
        "signer_authority": "T/M BAN THƯỜNG VỤ",
        "signer_name": "Nguyễn Văn An",
    }


def _document_create(world, side, user) -> Call:
    register = world.registers[side]
    if side == "own_incoming":
        data = {
            "register": register.pk,
            "notation": "57/UBND-VX",
            "issued_on": _days(world, -2),
            "sender_name": "Ủy ban nhân dân huyện Giồng Riềng",
            "doc_type": "CV",
            "subject": "Về việc báo cáo kết quả tuyên truyền",
        }
    else:
        data = _draft_payload(register)
    return Call("/api/v1/documents/", data, field="register")


def _notification(world, side, user) -> Notification:
    owner = user if side == "own" and user is not None else world.other_clerk
    notify([owner], kind="test", title="Thông báo thử")
    return Notification.objects.filter(user=owner).latest("id")


def _side_objects(world, side) -> SimpleNamespace:
    return world.own if side == "own" else world.other


def _extra_recipient(world, side) -> Organization:
    return world.other_unobligated if _tree(side) == "other" else world.unobligated


ROWS: list[Row] = [
    # --- authentication and the signed-in user
    Row(
        "auth-token",
        "post",
        "/api/v1/auth/token/",
        lambda w, s, u: Call(
            "/api/v1/auth/token/",
            {"username": u.username, "password": PASSWORD} if u else {"username": "vanthu", "password": "sai"},
            field="non_field_errors",
        ),
        {"self": ALL},
        anonymous="400",
        refusal_audited=True,
    ),
    Row("me", "get", "/api/v1/me/", lambda w, s, u: Call("/api/v1/me/"), {"self": ALL}),
    Row(
        "intake",
        "post",
        "/api/v1/intake/",
        lambda w, s, u: Call("/api/v1/intake/", {"text": "TỈNH ỦY KIÊN GIANG\nSố 95-KH/TU\nKẾ HOẠCH\nTổng kết"}),
        {"any": ALL},
    ),
    Row(
        "intake-suggestions",
        "post",
        "/api/v1/intake/suggestions/",
        lambda w, s, u: Call(
            "/api/v1/intake/suggestions/", {"text": "TỈNH ỦY KIÊN GIANG\nSố 95-KH/TU\nKẾ HOẠCH\nTổng kết"}
        ),
        {"any": ALL},
    ),
    # --- the directory
    Row(
        "organizations-list",
        "get",
        "/api/v1/organizations/",
        lambda w, s, u: Call(
            "/api/v1/organizations/",
            {"page_size": 500},
            target=(w.province if s == "own" else w.other_province).pk,
        ),
        {"own": LISTED, "other": LISTED},
    ),
    Row(
        "organizations-create",
        "post",
        "/api/v1/organizations/",
        lambda w, s, u: Call(
            "/api/v1/organizations/",
            {
                "name": "Trung tâm Chính trị huyện",
                "abbreviation": "TTCT",
                "system": "party",
                "level": "district",
                "parent": (w.province if s == "own" else w.other_province).pk,
            },
        ),
        # Clerks meet new senders every day, wherever they are.
        {"own": "201 403 403 201 201", "other": "201 403 403 201 201"},
    ),
    Row(
        "organizations-retrieve",
        "get",
        "/api/v1/organizations/{id}/",
        lambda w, s, u: Call(f"/api/v1/organizations/{(w.province if s == 'own' else w.other_province).pk}/"),
        {"own": ALL, "other": ALL},
    ),
    Row(
        "organizations-partial-update",
        "patch",
        "/api/v1/organizations/{id}/",
        lambda w, s, u: Call(
            f"/api/v1/organizations/{(w.province if s == 'own' else w.other_province).pk}/",
            {"email": "vanphong@example.vn"},
        ),
        {"own": "403 403 403 200 200", "other": "403 403 403 200 200"},
    ),
    Row(
        "groups-list",
        "get",
        "/api/v1/groups/",
        lambda w, s, u: Call("/api/v1/groups/", {"page_size": 500}, target=_side_objects(w, s).group.pk),
        {"own": LISTED, "other": LISTED},
    ),
    Row(
        "groups-create",
        "post",
        "/api/v1/groups/",
        lambda w, s, u: Call(
            "/api/v1/groups/",
            {
                "name": "Các đơn vị nhận báo cáo",
                "owner": (w.province if s == "own" else w.other_province).pk,
                "members": [(w.district if s == "own" else w.other_district).pk],
            },
        ),
        {"own": "201 403 403 201 201", "other": "403 403 403 201 201"},
    ),
    Row(
        "groups-retrieve",
        "get",
        "/api/v1/groups/{id}/",
        lambda w, s, u: Call(f"/api/v1/groups/{_side_objects(w, s).group.pk}/"),
        {"own": ALL, "other": ALL},
    ),
    Row(
        "groups-members",
        "put",
        "/api/v1/groups/{id}/members/",
        lambda w, s, u: Call(
            f"/api/v1/groups/{_side_objects(w, s).group.pk}/members/",
            {"members": [(w.unobligated if s == "own" else w.other_unobligated).pk]},
        ),
        {"own": CLERK_OWN, "other": "403 403 403 200 200"},
    ),
    Row(
        "document-types-list",
        "get",
        "/api/v1/document-types/",
        lambda w, s, u: Call("/api/v1/document-types/"),
        {"any": ALL},
    ),
    Row(
        "document-types-retrieve",
        "get",
        "/api/v1/document-types/{code}/",
        lambda w, s, u: Call("/api/v1/document-types/KH/"),
        {"any": ALL},
    ),
    # --- registers
    Row(
        "registers-list",
        "get",
        "/api/v1/registers/",
        lambda w, s, u: Call("/api/v1/registers/", {"page_size": 500}, target=w.registers[s].pk),
        {"own": "in in out in in", "below": LISTED, "other": "out out out in in"},
    ),
    Row(
        "registers-create",
        "post",
        "/api/v1/registers/",
        lambda w, s, u: Call(
            "/api/v1/registers/",
            {
                "owner": {"own": w.province, "below": w.district, "other": w.other_province}[s].pk,
                "name": "Sổ văn bản mật đến",
                "direction": "incoming",
            },
        ),
        # A body above reads the district's registers but does not keep them.
        {"own": "201 403 403 201 201", "below": "403 403 403 201 201", "other": "403 403 403 201 201"},
    ),
    Row(
        "registers-retrieve",
        "get",
        "/api/v1/registers/{id}/",
        lambda w, s, u: Call(f"/api/v1/registers/{w.registers[s].pk}/"),
        {"own": "200 200 404 200 200", "below": ALL, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "registers-partial-update",
        "patch",
        "/api/v1/registers/{id}/",
        lambda w, s, u: Call(f"/api/v1/registers/{w.registers[s].pk}/", {"description": "Dùng từ năm nay"}),
        {"own": "200 403 404 200 200", "below": "403 403 403 200 200", "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "registers-book",
        "get",
        "/api/v1/registers/{id}/book.xlsx",
        lambda w, s, u: Call(f"/api/v1/registers/{w.registers[s].pk}/book.xlsx", {"year": w.today.year}),
        {"own": "200 200 404 200 200", "below": ALL, "other": ONLY_ADMINS_OTHER},
    ),
    # --- documents
    Row(
        "documents-list",
        "get",
        "/api/v1/documents/",
        lambda w, s, u: Call("/api/v1/documents/", {"page_size": 500}, target=w.documents[s].pk),
        LIST,
    ),
    Row(
        "documents-create",
        "post",
        "/api/v1/documents/",
        _document_create,
        {
            "own": "201 403 400 201 201",
            "own_incoming": "201 403 400 201 201",
            "below": "403 403 403 201 201",
            "other": "400 400 400 201 201",
        },
    ),
    Row(
        "documents-retrieve",
        "get",
        "/api/v1/documents/{id}/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/"),
        READ,
    ),
    Row(
        "documents-history",
        "get",
        "/api/v1/documents/{id}/history/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/history/"),
        READ,
    ),
    Row(
        "documents-partial-update",
        "patch",
        "/api/v1/documents/{id}/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/", {"copies": 3}),
        {
            "own_draft": "200 403 404 200 200",
            "own_issued": CLERK_OWN,
            "own_received": "200 403 404 200 200",
            "below_draft": "403 403 404 200 200",
            "below_issued": "403 403 403 200 200",
            "inbound": "403 403 404 200 200",
            "other_draft": ONLY_ADMINS_OTHER,
            "other_issued": ONLY_ADMINS_OTHER,
        },
    ),
    Row(
        "documents-destroy",
        "delete",
        "/api/v1/documents/{id}/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/"),
        {
            "own_draft": "204 403 404 204 204",
            "below_draft": "403 403 404 204 204",
            "other_draft": "404 404 404 204 204",
        },
    ),
    Row(
        "documents-issue",
        "post",
        "/api/v1/documents/{id}/issue/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/issue/", {}),
        {
            "own_draft": "200 403 404 200 200",
            "below_draft": "403 403 404 200 200",
            "other_draft": ONLY_ADMINS_OTHER,
        },
    ),
    Row(
        "documents-withdraw",
        "post",
        "/api/v1/documents/{id}/withdraw/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/withdraw/", {"reason": "Ban hành nhầm"}),
        {
            "own_issued": CLERK_OWN,
            "below_issued": "403 403 403 200 200",
            "inbound": "403 403 404 200 200",
            "other_issued": ONLY_ADMINS_OTHER,
        },
    ),
    Row(
        "documents-dispatch",
        "post",
        "/api/v1/documents/{id}/dispatch/",
        lambda w, s, u: Call(
            f"/api/v1/documents/{w.documents[s].pk}/dispatch/",
            {"channel": "electronic", "organizations": [_extra_recipient(w, s).pk]},
        ),
        {
            "own_issued": CLERK_OWN,
            "below_issued": "403 403 403 200 200",
            "inbound": "403 403 404 200 200",
            "other_issued": ONLY_ADMINS_OTHER,
        },
    ),
    Row(
        "documents-attachments-create",
        "post",
        "/api/v1/documents/{id}/attachments/",
        lambda w, s, u: Call(
            f"/api/v1/documents/{w.documents[s].pk}/attachments/",
            {"file": pdf("phu-luc-2.pdf"), "description": "Phụ lục"},
            multipart=True,
        ),
        {
            "own_draft": "201 403 404 201 201",
            "own_issued": "201 403 403 201 201",
            "below_draft": "403 403 404 201 201",
            "inbound": "403 403 404 201 201",
            "other_draft": "404 404 404 201 201",
        },
    ),
    Row(
        "documents-attachment",
        "get",
        "/api/v1/documents/{id}/attachments/{attachment_id}/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/attachments/{w.attachments[s].pk}/"),
        _pick(READ, "own_draft", "own_issued", "other_issued"),
    ),
    Row(
        "documents-deadlines",
        "get",
        "/api/v1/documents/{id}/deadlines/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/deadlines/"),
        _pick(READ, "own_draft", "own_issued", "below_draft", "inbound", "other_issued"),
    ),
    Row(
        "documents-pdf",
        "get",
        "/api/v1/documents/{id}/pdf/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/pdf/"),
        _pick(READ, "own_draft", "own_issued", "other_issued"),
    ),
    Row(
        "documents-docx",
        "get",
        "/api/v1/documents/{id}/docx/",
        lambda w, s, u: Call(f"/api/v1/documents/{w.documents[s].pk}/docx/"),
        _pick(READ, "own_draft", "own_issued", "other_issued"),
    ),
    # --- deliveries: "own" the board's plan at the reporter's district, "inbound" Tiền Giang's letter at the board
    Row(
        "deliveries-list",
        "get",
        "/api/v1/deliveries/",
        lambda w, s, u: Call("/api/v1/deliveries/", {"page_size": 500}, target=w.deliveries[s].pk),
        {"own": LISTED, "inbound": "in in out in in", "other": "out out out in in"},
    ),
    Row(
        "deliveries-retrieve",
        "get",
        "/api/v1/deliveries/{id}/",
        lambda w, s, u: Call(f"/api/v1/deliveries/{w.deliveries[s].pk}/"),
        {"own": ALL, "inbound": "200 200 404 200 200", "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "deliveries-acknowledge",
        "post",
        "/api/v1/deliveries/{id}/acknowledge/",
        lambda w, s, u: Call(f"/api/v1/deliveries/{w.deliveries[s].pk}/acknowledge/"),
        # Only people of the recipient receive; an administrator is not one of them.
        {"own": "403 403 200 403 403", "inbound": "200 200 404 403 403", "other": "404 404 404 403 403"},
    ),
    Row(
        "deliveries-register",
        "post",
        "/api/v1/deliveries/{id}/register/",
        lambda w, s, u: Call(f"/api/v1/deliveries/{w.deliveries[s].pk}/register/", {}),
        # Only the recipient's clerk, in the recipient's own incoming register.
        {"own": "403 403 403 403 403", "inbound": "201 403 404 403 403", "other": "404 404 404 403 403"},
    ),
    # --- obligations, reports and compliance: "own" the board asks its districts, "other" Tiền Giang asks its own
    Row(
        "obligations-list",
        "get",
        "/api/v1/obligations/",
        lambda w, s, u: Call("/api/v1/obligations/", {"page_size": 500}, target=_side_objects(w, s).obligation.pk),
        {"own": LISTED, "other": "out out out in in"},
    ),
    Row(
        "obligations-create",
        "post",
        "/api/v1/obligations/",
        lambda w, s, u: Call(
            "/api/v1/obligations/",
            {
                "document": w.documents[f"{s}_issued"].pk,
                "title": "Báo cáo bổ sung số liệu",
                "due_on": _days(w, 20),
                "organizations": [(w.district if s == "own" else w.other_district).pk],
            },
            field="document",
        ),
        # The reporter sees the plan (it obliges the district) but does not request reports.
        {"own": "201 403 403 201 201", "other": "400 400 400 201 201"},
    ),
    Row(
        "obligations-from-deadlines",
        "post",
        "/api/v1/obligations/from-deadlines/",
        lambda w, s, u: Call(
            "/api/v1/obligations/from-deadlines/",
            {
                "document": w.documents[f"{s}_issued"].pk,
                "organizations": [(w.district if s == "own" else w.other_district).pk],
            },
            field="document",
        ),
        {"own": "201 403 403 201 201", "other": "400 400 400 201 201"},
    ),
    Row(
        "obligations-retrieve",
        "get",
        "/api/v1/obligations/{id}/",
        lambda w, s, u: Call(f"/api/v1/obligations/{_side_objects(w, s).obligation.pk}/"),
        {"own": ALL, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "obligations-partial-update",
        "patch",
        "/api/v1/obligations/{id}/",
        lambda w, s, u: Call(
            f"/api/v1/obligations/{_side_objects(w, s).obligation.pk}/", {"title": "Báo cáo sơ kết (sửa)"}
        ),
        {"own": CLERK_OWN, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "obligations-due-dates",
        "post",
        "/api/v1/obligations/{id}/due-dates/",
        lambda w, s, u: Call(
            f"/api/v1/obligations/{_side_objects(w, s).obligation.pk}/due-dates/",
            {"organization": (w.district if s == "own" else w.other_district).pk, "due_on": _days(w, 10)},
        ),
        {"own": CLERK_OWN, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "obligations-organizations",
        "post",
        "/api/v1/obligations/{id}/organizations/",
        lambda w, s, u: Call(
            f"/api/v1/obligations/{_side_objects(w, s).obligation.pk}/organizations/",
            {"organizations": [_extra_recipient(w, s).pk]},
        ),
        {"own": CLERK_OWN, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "obligations-paper-submissions",
        "post",
        "/api/v1/obligations/{id}/paper-submissions/",
        lambda w, s, u: Call(
            f"/api/v1/obligations/{_side_objects(w, s).obligation.pk}/paper-submissions/",
            {
                "file": [pdf("ban-giay.pdf")],
                "organization": _side_objects(w, s).overdue.organization_id,
                "received_at": (w.now - datetime.timedelta(hours=1)).isoformat(),
            },
            multipart=True,
        ),
        {"own": "201 403 403 201 201", "other": "404 404 404 201 201"},
    ),
    Row(
        "obligations-submissions-list",
        "get",
        "/api/v1/obligations/{id}/submissions/",
        lambda w, s, u: Call(
            f"/api/v1/obligations/{_side_objects(w, s).obligation.pk}/submissions/",
            target=_side_objects(w, s).submission.pk,
        ),
        {"own": LISTED, "other": "404 404 404 in in"},
    ),
    Row(
        "obligations-submissions-create",
        "post",
        "/api/v1/obligations/{id}/submissions/",
        lambda w, s, u: Call(
            f"/api/v1/obligations/{_side_objects(w, s).obligation.pk}/submissions/",
            {"file": [pdf("bao-cao-bo-sung.pdf")], "note": "Bản bổ sung"},
            multipart=True,
        ),
        # Reports come from an obligated organization: not from the requester, a leader or an administrator.
        {"own": "403 403 201 403 403", "other": "404 404 404 403 403"},
    ),
    Row(
        "submissions-retrieve",
        "get",
        "/api/v1/submissions/{id}/",
        lambda w, s, u: Call(f"/api/v1/submissions/{_side_objects(w, s).submission.pk}/"),
        {"own": ALL, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "submissions-accept",
        "post",
        "/api/v1/submissions/{id}/accept/",
        lambda w, s, u: Call(f"/api/v1/submissions/{_side_objects(w, s).submission.pk}/accept/"),
        {"own": CLERK_OWN, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "submissions-return",
        "post",
        "/api/v1/submissions/{id}/return/",
        lambda w, s, u: Call(
            f"/api/v1/submissions/{_side_objects(w, s).submission.pk}/return/", {"reason": "Thiếu số liệu"}
        ),
        {"own": CLERK_OWN, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "submissions-file",
        "get",
        "/api/v1/submissions/{id}/files/{attachment_id}/",
        lambda w, s, u: Call(
            f"/api/v1/submissions/{_side_objects(w, s).submission.pk}/files/{_side_objects(w, s).submission_file.pk}/"
        ),
        {"own": ALL, "other": ONLY_ADMINS_OTHER},
    ),
    Row(
        "compliance-list",
        "get",
        "/api/v1/compliance/",
        lambda w, s, u: Call("/api/v1/compliance/", {"page_size": 500}, target=_side_objects(w, s).assignment.pk),
        {"own": LISTED, "other": "out out out in in"},
    ),
    Row(
        "compliance-obligations",
        "get",
        "/api/v1/compliance/obligations/",
        lambda w, s, u: Call(
            "/api/v1/compliance/obligations/", {"page_size": 500}, target=_side_objects(w, s).obligation.pk
        ),
        {"own": LISTED, "other": "out out out in in"},
    ),
    Row(
        "compliance-organizations",
        "get",
        "/api/v1/compliance/organizations/",
        lambda w, s, u: Call(
            "/api/v1/compliance/organizations/",
            {"page_size": 500},
            target=(w.district if s == "own" else w.other_district).pk,
            key="organization",
        ),
        {"own": LISTED, "other": "out out out in in"},
    ),
    Row(
        "compliance-overdue",
        "get",
        "/api/v1/compliance/overdue/",
        lambda w, s, u: Call("/api/v1/compliance/overdue/", {"page_size": 500}, target=_side_objects(w, s).overdue.pk),
        # The overdue district is a sibling of the reporter's: not theirs to see.
        {"own": "in in out in in", "other": "out out out in in"},
    ),
    Row(
        "compliance-export",
        "get",
        "/api/v1/compliance/export.xlsx",
        lambda w, s, u: Call("/api/v1/compliance/export.xlsx", {"obligation": _side_objects(w, s).obligation.pk}),
        {"own": ALL, "other": ONLY_ADMINS_OTHER},
    ),
    # --- notifications: "own" the caller's, "other" someone else's
    Row(
        "notifications-list",
        "get",
        "/api/v1/notifications/",
        lambda w, s, u: Call("/api/v1/notifications/", {"page_size": 500}, target=_notification(w, s, u).pk),
        {"own": LISTED, "other": "out out out out out"},
    ),
    Row(
        "notifications-read",
        "post",
        "/api/v1/notifications/{id}/read/",
        lambda w, s, u: Call(f"/api/v1/notifications/{_notification(w, s, u).pk}/read/"),
        {"own": ALL, "other": "404 404 404 404 404"},
    ),
]

# Cases where the code does not do what the design says, by case id; each one is reported.
KNOWN_BUGS: dict[str, str] = {}


def _cases():
    for row in ROWS:
        for side, outcomes in row.sides.items():
            for role, outcome in zip(ROLES, outcomes.split(), strict=True):
                yield _param(row, side, role, outcome)
        yield _param(row, next(iter(row.sides)), "anonymous", row.anonymous)


def _param(row: Row, side: str, role: str, outcome: str) -> Any:
    case_id = f"{row.name}-{role}-{side}"
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case_id])] if case_id in KNOWN_BUGS else []
    return pytest.param(row, side, role, outcome, id=case_id, marks=marks)


def stored() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in STORED}


def _body(response) -> Any:
    """The JSON body, or None for a file; a file is read to the end, which closes it."""
    if getattr(response, "streaming", False):
        assert b"".join(response.streaming_content)
        return None
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()
    assert response.status_code == 204 or response.content
    return None


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_root):
    """Built once for the module's tests inside a transaction rolled back after it;
    each case runs in a savepoint of it (pytest-django's `db`), so one case's
    writes never reach the next."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with (
            django_db_blocker.unblock(),
            # conftest's fast hasher is per test; the world's passwords are hashed before any test.
            override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=[FAST_HASHER]),
        ):
            built = build_world()
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.django_db
class TestAccessMatrix:
    @pytest.mark.parametrize(("row", "side", "role", "outcome"), list(_cases()))
    def test_case(self, world, settings, media_root, row, side, role, outcome):
        settings.MEDIA_ROOT = media_root
        user = world.users.get(role)
        call = row.request(world, side, user)
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        before = stored()
        send = getattr(client, row.method)
        if row.method == "get":
            response = send(call.url, call.data or {})
        else:
            response = send(call.url, call.data or {}, format="multipart" if call.multipart else "json")
        body = _body(response)
        expected = 200 if outcome in ("in", "out") else int(outcome)
        assert response.status_code == expected, body

        if expected >= 400:
            assert isinstance(body, dict), "errors are JSON"
            assert body.get("detail"), body
            if expected == 404:
                assert body["code"] == "not_found", body
            if expected == 400:
                # About the field naming the hidden object, not a payload fault that would hide a missing check.
                assert call.field is not None, body
                assert set(body.get("errors", {})) == {call.field}, body
            after = stored()
            if row.refusal_audited:
                del before["AuditEvent"], after["AuditEvent"]
            assert after == before, "a refused request stored something"
            return
        if row.method != "get" and row.name not in UNAUDITED:
            assert AuditEvent.objects.count() > before["AuditEvent"], "an allowed write left no audit event"
        if outcome in ("in", "out"):
            rows = body["results"] if isinstance(body, dict) else body
            assert (call.target in {item[call.key] for item in rows}) == (outcome == "in"), rows


def _visible_objects(user: User) -> dict[str, set[int]]:
    """What the user may read, by the selectors the endpoints use, keyed like an audit event's object_type."""
    return {
        "registry.document": set(document_list(user=user).values_list("pk", flat=True)),
        "dispatch.delivery": set(delivery_list(user=user).values_list("pk", flat=True)),
        "dispatch.obligation": set(obligation_list(user=user).values_list("pk", flat=True)),
        "dispatch.assignment": set(assignment_list(user=user).values_list("pk", flat=True)),
        "dispatch.submission": set(submission_list(user=user).values_list("pk", flat=True)),
    }


@pytest.mark.django_db
class TestHistoryShowsOnlyWhatTheReaderMaySee:
    @pytest.mark.parametrize("role", ROLES)
    def test_history_of_the_plan(self, world, settings, media_root, role):
        """GIVEN the board's plan, which An Biên (a sibling of the reporter's
        district) received, was given a due date of its own for, and reported
        on paper to, the report returned with a reason
        WHEN a user who may read the plan asks for its history
        THEN every event in it is about an object that user may read."""
        settings.MEDIA_ROOT = media_root
        clerk, plan = world.users["clerk"], world.documents["own_issued"]
        sibling = world.own.overdue.organization
        sibling_user = UserFactory.create(organization=sibling, role=Role.REPORTER)
        delivery_acknowledge(delivery=Delivery.objects.get(document=plan, recipient=sibling), actor=sibling_user)
        assignment_set_due_date(assignment=world.own.overdue, actor=clerk, due_on=world.today)
        paper = submission_record_paper(
            obligation=world.own.obligation,
            organization=sibling,
            actor=clerk,
            received_at=world.now - datetime.timedelta(hours=1),
            files=[pdf("ban-giay.pdf")],
        )
        submission_review(submission=paper, actor=clerk, decision="returned", reason="Thiếu số liệu của An Biên")
        user = world.users[role]
        client = APIClient()
        client.force_authenticate(user)

        response = client.get(f"/api/v1/documents/{plan.pk}/history/", {"page_size": 500})

        assert response.status_code == 200
        visible = _visible_objects(user)
        unseen = [
            (event["action"], event["object_type"], event["object_id"])
            for event in response.json()["results"]
            if event["object_type"] in visible and int(event["object_id"]) not in visible[event["object_type"]]
        ]
        assert unseen == []


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_operation_of_the_schema_has_a_row():
    """A new endpoint fails here until the matrix says who may use it; a row
    for an operation that no longer exists fails too."""
    covered = {(row.method, row.path) for row in ROWS}
    assert len(covered) == len(ROWS), "an operation has two rows"
    assert sorted(schema_operations() - covered) == [], "operations without a row"
    assert sorted(covered - schema_operations()) == [], "rows for operations the schema does not have"


def test_every_row_tries_every_role_and_the_other_side():
    """Each operation on objects is tried on the other tree's object too, every side for every role."""
    for row in ROWS:
        for side, outcomes in row.sides.items():
            assert len(outcomes.split()) == len(ROLES), (row.name, side)
        sides = set(row.sides)
        if sides - {"self", "any"}:
            assert any(side.startswith("other") for side in sides), row.name
