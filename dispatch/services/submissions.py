"""Reports answering obligations: submitting them, and the requester's review."""

import datetime
from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict, DomainError, PermissionDenied
from core.events import send_event_on_commit
from core.files import DOCX, ODT, PDF, XLSX, FileKind
from core.text import clean_text
from core.time import office_date
from dispatch.models import Assignment, Decision, Obligation, Submission
from dispatch.services.deliveries import default_incoming_register
from dispatch.services.notify import notify, organization_users
from recipients.models import Organization, Role, User
from registry.models import DocumentType, ReferenceRelation
from registry.permissions import require_register_clerk
from registry.services import ReferenceInput, register_incoming
from registry.services.attachments import check_upload, store_attachment
from registry.services.content import parse_incoming_notation

REPORT_KINDS = (PDF, DOCX, XLSX, ODT)
MAX_FILES = 10


def _check_files(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, FileKind]]:
    """Every file checked before anything is written: one bad file refuses the whole submission."""
    if not files:
        raise DomainError(_("Attach the report: at least one PDF, DOCX, XLSX or ODT file."), field="file")
    if len(files) > MAX_FILES:
        raise DomainError(_("At most %(max)d files per submission.") % {"max": MAX_FILES}, field="file")
    return [(upload, check_upload(upload, REPORT_KINDS)) for upload in files]


def _submit(
    *,
    assignment: Assignment,
    actor: User,
    files: Sequence[UploadedFile],
    note: str,
    report_notation: str,
    submitted_at: datetime.datetime,
    on_paper: bool,
) -> Submission:
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("obligation__document__register__owner", "obligation__organization", "organization")
        .get(pk=assignment.pk)
    )
    obligation = assignment.obligation
    if assignment.accepted_at is not None:
        raise Conflict(
            _("The report of %(organization)s for “%(title)s” was accepted on %(day)s; nothing more can be submitted.")
            % {
                "organization": assignment.organization_name,
                "title": obligation.title,
                "day": office_date(assignment.accepted_at).strftime("%d/%m/%Y"),
            },
            code="already_accepted",
        )
    note = clean_text(note or "", label=_("Note"), field="note", multiline=True, max_length=10_000)
    report_notation = clean_text(
        report_notation or "", label=_("Report notation"), field="report_notation", max_length=120
    )
    parsed = parse_incoming_notation(report_notation) if report_notation else None
    checked = _check_files(files)
    previous = assignment.submissions.order_by("-version").first()

    document = obligation.document
    register = default_incoming_register(obligation.organization)
    incoming = register_incoming(
        register=register,
        registered_by=actor,
        # The register's own words, Vietnamese whatever language the submitter reads.
        subject=f"Báo cáo: {obligation.title} (theo văn bản số {document.notation})",
        notation=parsed.format() if parsed else "",
        doc_type=DocumentType.objects.get(code="BC"),
        sender=assignment.organization,
        received_at=submitted_at,
        references=[ReferenceInput(relation=ReferenceRelation.ANSWERS, target=document)],
        confirm_duplicate=True,
        handling_deadline=assignment.due_on,
        note=note,
        # The report names the document it answers: it is classified as that document is.
        confidentiality=document.confidentiality,
    )
    for upload, kind in checked:
        store_attachment(document=incoming, upload=upload, kind=kind, uploaded_by=actor)
    submission = Submission.objects.create(
        assignment=assignment,
        version=(previous.version + 1) if previous else 1,
        submitted_at=submitted_at,
        submitted_by=actor,
        on_paper=on_paper,
        note=note,
        report_notation=incoming.notation,
        incoming_document=incoming,
    )
    if assignment.first_submitted_at is None:
        assignment.first_submitted_at = submitted_at
        assignment.first_submitted_on = office_date(submitted_at)
    assignment.last_submitted_at = submitted_at
    assignment.returned_at = None
    assignment.save(update_fields=["first_submitted_at", "first_submitted_on", "last_submitted_at", "returned_at"])
    audit_record(
        actor=actor,
        action="submission.create",
        obj=submission,
        organization=assignment.organization,
        data={
            "obligation": obligation.pk,
            "version": submission.version,
            "arrival_number": incoming.arrival_number,
            "files": [upload.name for upload, _kind in checked],
            "on_paper": on_paper,
        },
    )
    notify(
        organization_users([obligation.organization_id], roles=[Role.CLERK]),
        kind="submission",
        title=_("Report received from %(organization)s") % {"organization": assignment.organization_name},
        body=obligation.title,
        document=incoming,
        obligation=obligation,
    )
    send_event_on_commit("submission.created", submission_id=submission.pk)
    return submission


@transaction.atomic
def submission_create(
    *,
    obligation: Obligation,
    actor: User,
    files: Sequence[UploadedFile],
    note: str = "",
    report_notation: str = "",
    organization: Organization | None = None,
) -> Submission:
    """A reporter (or clerk) of an obligated organization answers with one or
    more files. The report is registered at once as an incoming document of
    the requesting organization; its arrival number is the receipt."""
    if actor.organization_id is None or actor.role not in (Role.REPORTER, Role.CLERK):
        raise PermissionDenied(_("Only a reporter or clerk of an obligated organization submits reports."))
    if organization is not None and organization.pk != actor.organization_id:
        raise PermissionDenied(
            _("You can submit only for your own organization, not for %(organization)s.")
            % {"organization": organization.name}
        )
    assignment = Assignment.objects.filter(obligation=obligation, organization_id=actor.organization_id).first()
    if assignment is None:
        raise PermissionDenied(
            _("%(organization)s is not obligated to report on “%(title)s”.")
            % {"organization": actor.organization.name if actor.organization else "", "title": obligation.title},
            code="not_obligated",
        )
    return _submit(
        assignment=assignment,
        actor=actor,
        files=files,
        note=note,
        report_notation=report_notation,
        submitted_at=timezone.now(),
        on_paper=False,
    )


@transaction.atomic
def submission_record_paper(
    *,
    obligation: Obligation,
    organization: Organization,
    actor: User,
    received_at: datetime.datetime,
    files: Sequence[UploadedFile],
    note: str = "",
    report_notation: str = "",
) -> Submission:
    """The requesting clerk records a report that came on paper (scanned),
    dated when it arrived; it counts like any other submission."""
    require_register_clerk(actor, obligation.document.register)
    if received_at > timezone.now():
        raise DomainError(_("The time of arrival cannot be in the future."), field="received_at")
    assignment = Assignment.objects.filter(obligation=obligation, organization=organization).first()
    if assignment is None:
        raise DomainError(
            _("%(organization)s is not obligated to report on “%(title)s”.")
            % {"organization": organization.name, "title": obligation.title},
            field="organization",
        )
    return _submit(
        assignment=assignment,
        actor=actor,
        files=files,
        note=note,
        report_notation=report_notation,
        submitted_at=received_at,
        on_paper=True,
    )


@transaction.atomic
def submission_review(*, submission: Submission, actor: User, decision: str, reason: str = "") -> Submission:
    """The requesting clerk accepts the latest report, or returns it with a
    reason; the organization then submits a new version."""
    submission = (
        Submission.objects.select_for_update()
        .select_related("assignment__obligation__document__register__owner")
        .get(pk=submission.pk)
    )
    assignment = submission.assignment
    require_register_clerk(actor, assignment.obligation.document.register)
    if decision not in (Decision.ACCEPTED, Decision.RETURNED):
        raise DomainError(_("Decide “accepted” or “returned”."), field="decision")
    latest = assignment.submissions.order_by("-version").values_list("pk", flat=True).first()
    if submission.pk != latest:
        raise Conflict(_("Only the latest version of a report is reviewed."), code="not_latest")
    if submission.decision:
        raise Conflict(
            _("This report was already accepted.")
            if submission.decision == Decision.ACCEPTED
            else _("This report was already returned for revision."),
            code="already_reviewed",
        )
    reason = clean_text(reason or "", label=_("Reason"), field="reason", multiline=True, max_length=5000)
    if decision == Decision.RETURNED and not reason:
        raise DomainError(_("Say what must be revised."), field="reason")
    now = timezone.now()
    submission.decision = decision
    submission.reviewed_at = now
    submission.reviewed_by = actor
    submission.review_reason = reason
    submission.save(update_fields=["decision", "reviewed_at", "reviewed_by", "review_reason"])
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if decision == Decision.ACCEPTED:
        assignment.accepted_at, assignment.accepted_by = now, actor
    else:
        assignment.returned_at = now
    assignment.save(update_fields=["accepted_at", "accepted_by", "returned_at"])
    audit_record(
        actor=actor,
        action=f"submission.{decision}",
        obj=submission,
        changes={"decision": {"before": "", "after": decision}},
        data={"reason": reason} if reason else None,
    )
    notify(
        organization_users([assignment.organization_id]),
        kind=f"submission_{decision}",
        title=(_("Report accepted: %(title)s") if decision == Decision.ACCEPTED else _("Report returned: %(title)s"))
        % {"title": submission.assignment.obligation.title},
        body=reason,
        obligation=submission.assignment.obligation,
    )
    send_event_on_commit("submission.reviewed", submission_id=submission.pk, decision=decision)
    return submission
