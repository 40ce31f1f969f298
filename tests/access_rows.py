"""The access matrix's vocabulary (tests/test_access_matrix.py): a request,
a row of outcomes, the outcome profiles by role, and the helpers rows share."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from dispatch.models import Notification
from dispatch.services.notify import notify
from recipients.models import Organization, User
from registry.models import Register


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


def days(world, days: int) -> str:
    return (world.today + datetime.timedelta(days=days)).isoformat()


def tree(side: str) -> str:
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


def pick(profile: dict[str, str], *sides: str) -> dict[str, str]:
    return {side: profile[side] for side in sides}


def draft_payload(register: Register) -> dict[str, Any]:
    return {
        "register": register.pk,
        "doc_type": "KH",
        "subject": "Kế hoạch tuyên truyền kỷ niệm ngày thành lập Đảng",
        "body": "Ban Thường vụ đề nghị …",
        "signer_authority": "T/M BAN THƯỜNG VỤ",
        "signer_name": "Nguyễn Văn An",
    }


def document_create(world, side, user) -> Call:
    register = world.registers[side]
    if side == "own_incoming":
        data = {
            "register": register.pk,
            "notation": "57/UBND-VX",
            "issued_on": days(world, -2),
            "sender_name": "Ủy ban nhân dân huyện Giồng Riềng",
            "doc_type": "CV",
            "subject": "Về việc báo cáo kết quả tuyên truyền",
        }
    else:
        data = draft_payload(register)
    return Call("/api/v1/documents/", data, field="register")


def notification(world, side, user) -> Notification:
    owner = user if side == "own" and user is not None else world.other_clerk
    notify([owner], kind="test", title="Thông báo thử")
    return Notification.objects.filter(user=owner).latest("id")


def side_objects(world, side) -> SimpleNamespace:
    return world.own if side == "own" else world.other


def extra_recipient(world, side) -> Organization:
    return world.other_unobligated if tree(side) == "other" else world.unobligated
