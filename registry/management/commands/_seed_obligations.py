"""The demo's deliveries, reporting obligations and reports (fixtures/demo/obligations.json).

Tỉnh ủy Tiền Giang sends its plan 95-KH/TU to the district committees, some of which open it,
and asks them for the report the plan orders by 30/11/2023. Their reports of November and
December 2023 are recorded as paper reports dated when they arrived, and two are reviewed, so
the compliance views show every status a follow-up meets: on time, late, returned, accepted and
overdue. A second obligation, due 30 days after the day of seeding, stays open for some Kiên
Giang district committees, one of which has already reported.

Everything goes through the dispatch services with `admin` as actor, except opening a
delivery: only a user of the recipient can record that, so each district's reporter does.
The services stamp their own time on what has no date argument (sending, opening, reviewing):
those are dated on the day of seeding, the reports themselves on their 2023 dates.

A rerun writes nothing: a document that has deliveries is not dispatched again, an opened
delivery is not opened again, an obligation is found by document and title, and an
organization that has submitted anything for an obligation gets no demo report.
"""

import datetime
import textwrap
import unicodedata
from collections import Counter
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.utils import timezone

from core.text import slugify_vi
from core.time import office_timezone, office_today
from dispatch.models import Delivery, Obligation, Submission
from dispatch.services import (
    delivery_acknowledge,
    document_dispatch,
    obligation_create,
    submission_record_paper,
    submission_review,
)
from recipients.models import Organization, RecipientGroup, User
from registry.management.commands._seed_common import Record, need, one_line
from registry.models import Document


def report_pdf(lines: Sequence[str], title: str) -> bytes:
    """A one-page PDF 1.4 showing `lines`, with `title` in its properties: small, opened by any
    viewer, and recognised as a PDF by the upload check, which reads the content. The standard
    Helvetica font has no Vietnamese letters, so the page shows the lines without diacritics;
    the title keeps them (UTF-16)."""
    text = " T* ".join(f"({_pdf_string(line)}) Tj" for line in lines)
    stream = f"BT /F1 14 Tf 20 TL 72 770 Td {text} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Title <FEFF%s> >>" % title.encode("utf-16-be").hex().upper().encode("ascii"),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def _pdf_string(value: str) -> str:
    """`value` without diacritics, escaped for a PDF literal string."""
    decomposed = unicodedata.normalize("NFD", value.replace("Đ", "D").replace("đ", "d"))
    plain = decomposed.encode("ascii", "ignore").decode("ascii")
    return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _moment(value: str) -> datetime.datetime:
    """An ISO date and time of the data; without an offset it is office time (Asia/Ho_Chi_Minh)."""
    moment = datetime.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=office_timezone())


class ObligationSeeder:
    """Seeds obligations.json on top of the rows the main seeder found or created."""

    def __init__(
        self,
        *,
        admin: User,
        organizations: dict[str, Organization],
        groups: dict[str, RecipientGroup],
        documents: dict[str, Document],
        accounts: dict[str, User],
        created: Counter[str],
    ) -> None:
        self.admin = admin
        self.organizations = organizations
        self.groups = groups
        self.documents = documents
        self.accounts = accounts
        self.created = created
        # One "now" per run: reports without a date of their own arrive at it, and a
        # moment taken before the services run is never in their future.
        self.now = timezone.now()

    def run(self, data: Record) -> None:
        for record in data["dispatches"]:
            self.dispatch(record)
        for record in data["obligations"]:
            self.obligation(record)

    def dispatch(self, record: Record) -> None:
        document = need(self.documents, record["document"], "document")
        if not Delivery.objects.filter(document=document).exists():
            result = document_dispatch(document=document, actor=self.admin)
            self.created["deliveries"] += len(result.deliveries)
        for username in record["received_by"]:
            user = need(self.accounts, username, "account")
            delivery = Delivery.objects.filter(document=document, recipient_id=user.organization_id).first()
            if delivery is None:
                raise CommandError(
                    f"fixtures/demo: {document.notation} was not sent to the organization of {username}."
                )
            if delivery.received_at is None:
                delivery_acknowledge(delivery=delivery, actor=user)
                self.created["receipts"] += 1

    def obligation(self, record: Record) -> None:
        document = need(self.documents, record["document"], "document")
        title = one_line(record["title"])
        obligation = Obligation.objects.filter(document=document, title=title).first()
        if obligation is None:
            obligation = obligation_create(
                document=document,
                actor=self.admin,
                title=title,
                due_on=self.due_on(record),
                organizations=[
                    need(self.organizations, key, "organization") for key in record.get("organizations", [])
                ],
                groups=[need(self.groups, key, "group") for key in record.get("groups", [])],
                description="\n".join(record.get("description", [])),
                deadline_text=record.get("deadline_text", ""),
            )
            self.created["obligations"] += 1
        # In the order they arrived, so the arrival numbers of the register follow the dates.
        reports = [(self.received_at(report), report) for report in record.get("reports", [])]
        for received_at, report in sorted(reports, key=lambda pair: pair[0]):
            self.report(obligation, report, received_at)

    def due_on(self, record: Record) -> datetime.date:
        """A fixed date, or `due_in_days` after the day of seeding for an obligation that stays open."""
        if "due_on" in record:
            return datetime.date.fromisoformat(record["due_on"])
        return office_today() + datetime.timedelta(days=record["due_in_days"])

    def received_at(self, report: Record) -> datetime.datetime:
        return _moment(report["received_at"]) if "received_at" in report else self.now

    def report(self, obligation: Obligation, record: Record, received_at: datetime.datetime) -> None:
        organization = need(self.organizations, record["organization"], "organization")
        if Submission.objects.filter(assignment__obligation=obligation, assignment__organization=organization).exists():
            return
        notation = record.get("report_notation", "")
        content = report_pdf(
            [
                organization.name.upper(),
                f"BÁO CÁO số {notation}" if notation else "BÁO CÁO",
                *textwrap.wrap(obligation.title, 64),
                f"Trả lời văn bản số {obligation.document.notation}",
                "(Tệp mẫu của dữ liệu demo docreg)",
            ],
            title=f"{organization.name}: {obligation.title}",
        )
        submission = submission_record_paper(
            obligation=obligation,
            organization=organization,
            actor=self.admin,
            received_at=received_at,
            files=[SimpleUploadedFile(f"bao-cao-{slugify_vi(organization.name, '-')}.pdf", content, "application/pdf")],
            note=record.get("note", ""),
            report_notation=notation,
        )
        self.created["reports"] += 1
        review = record.get("review")
        if review is not None:
            submission_review(
                submission=submission, actor=self.admin, decision=review["decision"], reason=review.get("reason", "")
            )
            self.created["reviews"] += 1
