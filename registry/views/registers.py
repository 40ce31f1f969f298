"""The registers pages: the user's registers with their years, one register's
book for a year in the layout of Decree 30 Appendix IV, and imports of legacy
register books (uploaded here, run in the background, followed with a
progress bar and ended with a row-numbered report).

Reads go through the selectors (registry.selectors, registry.books.selectors,
registry.imports.jobs), which scope what the user may see; writes through the
services. Every page costs the same number of queries whatever the number of
rows: counts come from one aggregate per direction, a book page reads its
rows and their lines in one query per kind of line.
"""

import csv
import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import DomainError, NotFound
from core.time import office_today
from core.users import request_user
from core.views import refused
from recipients.models import Role, User
from registry.books import BookKind
from registry.books.export import book_kinds
from registry.books.layouts import LAYOUTS, BookLines
from registry.books.selectors import book_documents, book_register, follow_up_lines, outgoing_lines
from registry.imports.admin import importable_registers
from registry.imports.jobs import (
    import_job_check_run,
    import_job_get,
    import_job_list,
    import_job_progress,
    import_job_start,
)
from registry.models import Confidentiality, Direction, Document, ImportJob, ImportJobStatus, Register
from registry.selectors import SENT_STATUSES, register_list, visible_documents
from registry.services.access import Access, documents_access_record
from registry.views.registers_forms import BookForm, ImportForm, add_service_error

REGISTERS_PER_PAGE = 50
BOOK_ROWS_PER_PAGE = 50
JOBS_PER_PAGE = 20
ERRORS_PER_PAGE = 100
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The cell of each book that names the document (its number), linked to the document's page.
LINKED_COLUMN: dict[str, int] = {BookKind.OUTGOING: 0, BookKind.INCOMING: 1, BookKind.FOLLOW_UP: 0}


def document_url(pk: int) -> str:
    """The document's page (built by the documents pages)."""
    try:
        return reverse("document-detail", args=[pk])
    except NoReverseMatch:
        return f"/documents/{pk}/"


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """A 403 page that says why and where to go instead."""
    return refused(request, message)


def may_read_registers(user: User) -> bool:
    """Register books are the clerks' work and the leaders' reading; a district reporter answers tasks instead."""
    return user.is_admin or user.role in (Role.CLERK, Role.LEADER)


@dataclass(frozen=True)
class YearCount:
    year: int
    count: int


def year_counts(*, user: User, register_ids: list[int]) -> dict[int, list[YearCount]]:
    """For each register, the years whose book has documents the user could
    list, newest first, with how many: the book's own rows (registry.books.selectors:
    issued outgoing documents by their date, arrivals by their arrival numbering year)."""
    documents = visible_documents(Document.objects.filter(register_id__in=register_ids), user=user).order_by()
    outgoing = (
        documents.filter(direction=Direction.OUTGOING, status__in=SENT_STATUSES)
        .values("register_id", year=ExtractYear("issued_on"))
        .annotate(count=Count("id"))
    )
    incoming = (
        documents.filter(direction=Direction.INCOMING, arrival_sequence__isnull=False)
        .values("register_id", year=ExtractYear("arrival_sequence__period_start"))
        .annotate(count=Count("id"))
    )
    found: dict[int, list[YearCount]] = defaultdict(list)
    for row in [*outgoing, *incoming]:
        if row["year"] is not None:
            found[row["register_id"]].append(YearCount(row["year"], row["count"]))
    for years in found.values():
        years.sort(key=lambda item: item.year, reverse=True)
    return found


@dataclass(frozen=True)
class RegisterRow:
    register: Register
    years: list[YearCount]

    @property
    def total(self) -> int:
        return sum(item.count for item in self.years)


@require_safe
@login_required
def register_index(request: HttpRequest) -> HttpResponse:
    """The user's registers, outgoing then incoming, each with its years and their counts."""
    user = request_user(request)
    if not may_read_registers(user):
        return forbidden(request, _("Register books are kept by the clerks (văn thư) and read by the leaders."))
    registers = register_list(user=user).order_by("direction", "owner__name", "name", "id")
    page = Paginator(registers, REGISTERS_PER_PAGE).get_page(request.GET.get("page"))
    counts = year_counts(user=user, register_ids=[register.pk for register in page])
    rows = [RegisterRow(register, counts.get(register.pk, [])) for register in page]
    return render(
        request,
        "registry/pages/registers/index.html",
        {
            "page": page,
            "outgoing": [row for row in rows if row.register.direction == Direction.OUTGOING],
            "incoming": [row for row in rows if row.register.direction == Direction.INCOMING],
            "may_import": importable_registers(user).exists(),
        },
    )


@dataclass(frozen=True)
class BookCell:
    text: str
    centred: bool
    linked: bool


@dataclass(frozen=True)
class BookRow:
    document_id: int
    url: str
    cells: list[BookCell]
    confidential: bool


def cell_text(value: Any) -> str:
    """A book value as the page prints it: dates dd/mm/yyyy, nothing for none."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%H:%M %d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def book_rows(*, register: Register, kind: str, documents: list[Document], user: User) -> list[BookRow]:
    """The page's rows of the book, filled by the same row functions as the XLSX book."""
    lines: dict[int, BookLines] = {}
    if kind == BookKind.OUTGOING:
        lines = outgoing_lines(documents)
    elif kind == BookKind.FOLLOW_UP:
        lines = follow_up_lines(register, documents, user)
    layout = LAYOUTS[kind]
    linked = LINKED_COLUMN[kind]
    return [
        BookRow(
            document_id=document.pk,
            url=document_url(document.pk),
            cells=[
                BookCell(cell_text(value), column.centred, index == linked)
                for index, (column, value) in enumerate(
                    zip(layout.columns, layout.row(document, lines.get(document.pk) or BookLines()), strict=True)
                )
            ],
            confidential=document.confidentiality != Confidentiality.NORMAL,
        )
        for document in documents
    ]


@require_safe
@login_required
def register_book(request: HttpRequest, pk: int) -> HttpResponse:
    """One register's book for a year (default this year), a page of rows at a time."""
    user = request_user(request)
    if not may_read_registers(user):
        return forbidden(request, _("Register books are kept by the clerks (văn thư) and read by the leaders."))
    try:
        register = book_register(register_id=pk, user=user)
    except NotFound as error:
        raise Http404(error.message) from None
    kinds = book_kinds(register)
    form = BookForm(request.GET, kinds=[(kind, BookKind(kind).label) for kind in kinds])
    this_year = office_today().year
    context: dict[str, Any] = {"register": register, "form": form, "kinds": kinds, "this_year": this_year}
    counts = year_counts(user=user, register_ids=[register.pk]).get(register.pk, [])
    if not form.is_valid():
        years = {item.year: item.count for item in counts} | {this_year: 0}
        context["years"] = sorted((YearCount(y, c) for y, c in years.items()), key=lambda i: i.year, reverse=True)
        return render(request, "registry/pages/registers/book.html", context)
    year: int = form.cleaned_data["year"] or this_year
    kind: str = form.cleaned_data["kind"] or kinds[0]
    by_year = {item.year: item.count for item in counts}
    shown_years = {**by_year, this_year: by_year.get(this_year, 0), year: by_year.get(year, 0)}
    documents = book_documents(register=register, year=year, kind=kind, user=user)
    page = Paginator(documents, BOOK_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    rows = book_rows(register=register, kind=kind, documents=list(page), user=user)
    documents_access_record(
        document_ids=[row.document_id for row in rows if row.confidential],
        actor=user,
        kind=Access.VIEWED,
        data={"register_book": {"register": register.pk, "year": year, "kind": kind, "page": page.number}},
    )
    layout = LAYOUTS[kind]
    context.update(
        year=year,
        kind=kind,
        kind_label=BookKind(kind).label,
        years=sorted((YearCount(y, c) for y, c in shown_years.items()), key=lambda i: i.year, reverse=True),
        layout=layout,
        columns=layout.columns,
        rows=rows,
        page=page,
    )
    return render(request, "registry/pages/registers/book.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def imports(request: HttpRequest) -> HttpResponse:
    """Upload a register book to import; the imports so far."""
    user = request_user(request)
    registers = importable_registers(user)
    if not registers.exists():
        return forbidden(request, _("Only a clerk (văn thư) imports register books, into their own registers."))
    form = ImportForm(request.POST or None, request.FILES or None, registers=registers)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_start(
                register=form.cleaned_data["register"],
                upload=form.cleaned_data["file"],
                actor=user,
                dry_run=form.cleaned_data["dry_run"],
                language=get_language() or "",
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("“%(file)s” was received; it is checked and imported into “%(register)s” in the background.")
                % {"file": job.filename, "register": job.register.name},
            )
            return redirect("import-detail", pk=job.pk)
    jobs = Paginator(import_job_list(user=user), JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registry/pages/registers/imports.html", {"form": form, "jobs": jobs})


@dataclass(frozen=True)
class ProgressBar:
    """How far an import got: a percentage when the number of rows is known."""

    percent: float | None
    read: int
    total: int | None


def progress_of(job: ImportJob) -> ProgressBar:
    if job.is_finished:
        return ProgressBar(100.0, job.rows_read, job.rows_total)
    if job.status == ImportJobStatus.QUEUED:
        return ProgressBar(0.0, 0, None)
    read, total = import_job_progress(job)
    if job.status == ImportJobStatus.RUNNING and total:
        return ProgressBar(min(100.0, 100 * read / total), read, total)
    return ProgressBar(None, read, total)


@dataclass(frozen=True)
class ReportError:
    row: int
    column: str
    message: str


def job_context(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    report = job.report or {}
    errors: Page[Any] | None = None
    if report.get("errors"):
        errors = Paginator(
            [ReportError(*error) for error in report["errors"]],
            ERRORS_PER_PAGE,
        ).get_page(request.GET.get("errors_page"))
    return {
        "job": job,
        "progress": progress_of(job),
        "report": report,
        "errors": errors,
        "unmatched": sorted(report.get("unmatched_senders", {}).items()),
    }


def _visible_job(request: HttpRequest, pk: int) -> ImportJob | HttpResponse:
    """The import the user may follow, or the refusal page for a user who imports into no register."""
    user = request_user(request)
    if not importable_registers(user).exists():
        return forbidden(request, _("Only a clerk (văn thư) imports register books, into their own registers."))
    try:
        return import_job_get(user=user, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from None


@require_safe
@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's progress while it runs (the status part is polled by htmx), then its report."""
    job = _visible_job(request, pk)
    if isinstance(job, HttpResponse):
        return job
    job = import_job_check_run(job=job)  # a run whose worker stopped is reported, not polled for ever
    context = job_context(request, job)
    if getattr(request, "htmx", False):
        response = render(request, "registry/pages/registers/_import_status.html", context)
    else:
        response = render(request, "registry/pages/registers/import_detail.html", context)
    # The same address answers htmx with the status part alone: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
@login_required
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's refusals as a CSV file (UTF-8 for Excel): row, column, message."""
    job = _visible_job(request, pk)
    if isinstance(job, HttpResponse):
        return job
    if not job.is_finished:
        raise Http404(_("The import has not finished yet."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Row"), _("Column"), _("Message")])
    report = job.report or {}
    if report.get("failure"):
        writer.writerow(["", "", spreadsheet_safe(report["failure"])])
    for row, column, message in report.get("errors", []):
        writer.writerow([row or "", spreadsheet_safe(column), spreadsheet_safe(message)])
    return response


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula (messages quote the file's cells)."""
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


urlpatterns: list[URLPattern] = [
    path("registers/", register_index, name="registers"),
    path("registers/imports/", imports, name="imports"),
    path("registers/imports/<id:pk>/", import_detail, name="import-detail"),
    path("registers/imports/<id:pk>/report.csv", import_report, name="import-report"),
    path("registers/<id:pk>/", register_book, name="register-book"),
]
