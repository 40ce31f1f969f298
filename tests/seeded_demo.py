"""What the seed_demo tests share (test_seed_demo.py, test_seed_demo_directory.py):
running the command, counting what it wrote, and finding its organizations."""

import io
from zoneinfo import ZoneInfo

from django.core.management import call_command

from core.models import AuditEvent
from dispatch.models import Assignment, Delivery, Notification, Obligation, Submission
from recipients.models import Organization, RecipientGroup, RecipientGroupMember, User
from registry.models import Attachment, Document, NumberSequence, Register

PASSWORD = "Mật-khẩu-demo-1"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organization,
            RecipientGroup,
            RecipientGroupMember,
            Register,
            NumberSequence,
            Document,
            User,
            AuditEvent,
            Delivery,
            Obligation,
            Assignment,
            Submission,
            Attachment,
            Notification,
        )
    }


def org(name: str, parent: str | None = None) -> Organization:
    query = Organization.objects.filter(name=name)
    if parent is not None:
        query = query.filter(parent__name=parent)
    return query.get()


def district_committees(province: str) -> list[Organization]:
    return list(Organization.objects.filter(parent__name=f"Tỉnh ủy {province}", level="district").order_by("id"))
