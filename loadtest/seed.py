"""Prepares the load test's throw-away database after `seed_demo`: one account
per simulated user (so no two users share a sign-in), and a few hundred
documents in the demo clerk's outgoing register so lists page and search
through realistic amounts. Writes the accounts as JSON for the locustfile.

    python loadtest/seed.py --accounts FILE --password P [--per-role 60] [--documents 300]
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402

from dispatch.models import Assignment  # noqa: E402
from recipients.models import Organization, Role, User  # noqa: E402
from recipients.services import user_create  # noqa: E402
from registry.models import Direction, DocumentType, Register  # noqa: E402
from registry.services import AddresseeInput, document_create_draft, document_issue  # noqa: E402

SUBJECTS = [
    "Triển khai thực hiện Chỉ thị số 07-CT/TU về công tác tuyên truyền",
    "Tổng kết công tác tuyên giáo năm và phương hướng nhiệm vụ năm tới",
    "Hướng dẫn tổ chức các hoạt động kỷ niệm ngày thành lập Đảng",
    "Báo cáo tình hình dư luận xã hội trong tháng",
    "Kế hoạch học tập, quán triệt Nghị quyết Hội nghị Trung ương",
    "Đề nghị cung cấp số liệu phục vụ sơ kết sáu tháng đầu năm",
]


def accounts(per_role: int, password: str) -> dict[str, list[str]]:
    """Accounts modelled on the demo ones: clerks and leaders of the demo clerk's
    organization, reporters of the organizations that still owe a report."""
    template_clerk = User.objects.get(username="vanthu")
    template_leader = User.objects.get(username="lanhdao")
    owing = list(
        Organization.objects.filter(
            pk__in=Assignment.objects.filter(accepted_at__isnull=True).values("organization_id"),
            users__role=Role.REPORTER,
        )
        .distinct()
        .order_by("pk")
    )
    if not owing:
        raise SystemExit("seed_demo left no obligation open for a reporter; nothing for reporters to answer")
    password_hash = make_password(password)  # hashed once: 180 slow hashes would dominate the setup
    made: dict[str, list[str]] = {"clerk": [], "leader": [], "reporter": []}
    for i in range(per_role):
        for role, organization, clearance in (
            ("clerk", template_clerk.organization, template_clerk.clearance),
            ("leader", template_leader.organization, template_leader.clearance),
            ("reporter", owing[i % len(owing)], "normal"),
        ):
            username = f"lt_{role}_{i:03d}"
            if not User.objects.filter(username=username).exists():
                user_create(
                    actor=None,
                    username=username,
                    organization=organization,
                    role=role,
                    password_hash=password_hash,
                    full_name=f"Người thử tải {i}",
                    clearance=clearance,
                )
            made[role].append(username)
    return made


def documents(count: int) -> int:
    clerk = User.objects.get(username="vanthu")
    register = Register.objects.filter(
        owner_id=clerk.organization_id, direction=Direction.OUTGOING, is_active=True
    ).first()
    if register is None:
        raise SystemExit("the demo clerk has no active outgoing register")
    districts = list(Organization.objects.filter(level="district").order_by("pk")[:8])
    doc_types = [DocumentType.objects.get(code=code) for code in ("CV", "KH", "TB", "HD", "BC")]
    for i in range(count):
        with transaction.atomic():
            draft = document_create_draft(
                register=register,
                actor=clerk,
                doc_type=doc_types[i % len(doc_types)],
                subject=f"{SUBJECTS[i % len(SUBJECTS)]} (đợt {i + 1})",
                body="Nội dung văn bản phục vụ thử tải.",
                signer_name="Đỗ Minh Tuấn",
                signer_title="PHÓ TRƯỞNG BAN",
                addressees=[AddresseeInput(organization=districts[j % len(districts)]) for j in range(i % 3 + 1)],
            )
            if i % 10:  # one in ten stays a draft
                document_issue(document=draft, actor=clerk)
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", required=True, type=Path)
    parser.add_argument("--password", required=True)
    parser.add_argument("--per-role", type=int, default=60)
    parser.add_argument("--documents", type=int, default=300)
    args = parser.parse_args()
    made = accounts(args.per_role, args.password)
    documents(args.documents)
    args.accounts.write_text(json.dumps(made))
    print(f"seeded {sum(map(len, made.values()))} load-test accounts and {args.documents} documents")


if __name__ == "__main__":
    main()
