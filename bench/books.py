"""`python bench/books.py`: how long a register book of 100,000 issued
documents takes to export as XLSX, and how much memory the export needs, on
PostgreSQL. Target: at most 30 s.

Usage: python bench/books.py [--documents 100000] [--keep]

The database named by BENCH_BOOKS_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/docreg_bench_books; the name must contain
"bench") is dropped, created and migrated as bench/run.py does, and dropped at
the end unless --keep. `measure()` works on whatever database Django is set up
with, so a runner that set one up can call it too.

The register is the outgoing register of one State organization, with every
document of last year (a closed year, the book an office prints and files):
bulk copies of one draft written by `document_create_draft`, numbered 1..N in
date order, each with its “Kính gửi” line and three “Nơi nhận” lines (“Như
trên”, UBND tỉnh (báo cáo), the file copy); about a third dispatched and one
in a hundred withdrawn. The export is `registry.books.register_book` as the
organization's clerk sees it, so the visibility rule of the document list is
part of the query: the time covers the query, the streamed rows and their two
prefetches per chunk, openpyxl's write-only sheet and the zipped file.

Memory is measured twice: the peak of Python's allocations during a second
export traced with tracemalloc (tracing slows it, so the time comes from the
first, untraced export), and the process's peak resident size (ru_maxrss)
before and after the timed export.
"""

import argparse
import datetime
import json
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Sequence
from typing import Any

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/docreg_bench_books"
DOCUMENTS = 100_000
TARGET_SECONDS = 30.0
BATCH = 5000
MIB = 1024 * 1024


def _max_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(documents: int) -> tuple[Any, Any, int]:
    """The register with `documents` issued documents of last year, its clerk, and the year."""
    import scenario

    from core.time import office_timezone, office_today
    from recipients.models import Organization, Role, User
    from registry.models import (
        DistributionEntry,
        Document,
        DocumentAddressee,
        DocumentStatus,
        DocumentType,
        NumberSequence,
        Register,
    )
    from registry.notation import format_notation
    from registry.services import AddresseeInput, DistributionInput, document_create_draft

    year = office_today().year - 1
    organization = Organization.objects.create(
        name="Sở Thông tin và Truyền thông (bench)",
        abbreviation="STTTT",
        system="state",
        level="province",
        place="Kiên Giang",
        header_parent_name="UBND TỈNH KIÊN GIANG",
    )
    clerk = User.objects.create(username="vanthu_books_bench", organization=organization, role=Role.CLERK)
    register = Register.objects.create(
        owner=organization, name="Sổ văn bản đi", direction="outgoing", system="state", period_kind="year"
    )
    template = document_create_draft(
        register=register,
        actor=clerk,
        doc_type=DocumentType.objects.get(code="CV"),
        subject="Thông tin, tuyên truyền thực hiện Chỉ thị số 07-CT/TU của Ban Thường vụ Tỉnh ủy",
        body="Sở Thông tin và Truyền thông đề nghị các cơ quan, đơn vị phối hợp thực hiện.",
        signer_name="Lâm Văn Sển",
        signer_title="GIÁM ĐỐC",
        drafting_unit="TTBCBC",
        addressees=[AddresseeInput(text="Các sở, ban, ngành cấp tỉnh")],
        distribution=[
            DistributionInput(kind="as_above"),
            DistributionInput(text="UBND tỉnh", purpose="báo cáo"),
            DistributionInput(text="Lưu: VT, TTBCBC"),
        ],
    )
    addressees = list(template.addressees.all())
    distribution = list(template.distribution.all())
    first_day = datetime.date(year, 1, 1)
    days = (datetime.date(year, 12, 31) - first_day).days + 1
    sequence = NumberSequence.objects.create(
        register=register,
        period_start=first_day,
        period_end=datetime.date(year, 12, 31),
        last_number=documents,
    )
    for start in range(1, documents + 1, BATCH):
        rows = []
        for number in range(start, min(start + BATCH, documents + 1)):
            issued_on = first_day + datetime.timedelta(days=(number - 1) * days // documents)
            issued_at = datetime.datetime.combine(issued_on, datetime.time(8), tzinfo=office_timezone())
            withdrawn = number % 100 == 0
            dispatched = number % 3 == 0
            rows.append(
                scenario._copy(
                    template,
                    status=(
                        DocumentStatus.WITHDRAWN
                        if withdrawn
                        else DocumentStatus.DISPATCHED
                        if dispatched
                        else DocumentStatus.ISSUED
                    ),
                    number=number,
                    sequence_id=sequence.pk,
                    notation=format_notation(
                        system="state", number=number, type_abbr="", issuer="STTTT", unit="TTBCBC"
                    ),
                    issuer_abbreviation="STTTT",
                    subject=f"{template.subject} (đợt {number})",
                    issued_on=issued_on,
                    issued_at=issued_at,
                    issued_by_id=clerk.pk,
                    copies=5,
                    transferred_on=issued_on + datetime.timedelta(days=1) if dispatched else None,
                    receipt_signature="Trần Thị Bình" if dispatched else "",
                    withdrawn_at=issued_at + datetime.timedelta(days=2) if withdrawn else None,
                    withdrawn_by_id=clerk.pk if withdrawn else None,
                    withdrawal_reason="Ban hành sai thẩm quyền" if withdrawn else "",
                )
            )
        copies = Document.objects.bulk_create(rows)
        DocumentAddressee.objects.bulk_create(
            [scenario._copy(line, document_id=copy.pk) for copy in copies for line in addressees]
        )
        DistributionEntry.objects.bulk_create(
            [scenario._copy(line, document_id=copy.pk) for copy in copies for line in distribution]
        )
    scenario.settle()
    return register, clerk, year


def measure(documents: int = DOCUMENTS) -> dict[str, Any]:
    """Loads the register, then exports its book once timed and once traced; the figures as JSON-able dict."""
    import scenario
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.books import register_book
    from registry.books.selectors import CHUNK_SIZE

    load_before = os.getloadavg()[0]
    started = time.monotonic()
    register, clerk, year = load(documents)
    load_seconds = time.monotonic() - started

    rss_before = _max_rss_mib()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        book = register_book(register=register, year=year, user=clerk)
    seconds = time.perf_counter() - started
    rss_after = _max_rss_mib()
    size = book.file.seek(0, os.SEEK_END)
    book.file.close()
    if book.rows != documents:
        raise RuntimeError(f"the book has {book.rows} rows, expected {documents}")

    tracemalloc.start()
    traced = register_book(register=register, year=year, user=clerk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    traced.file.close()
    return {
        "benchmark": "register_book_export",
        "database": scenario.server_version(),
        "cpu_count": os.cpu_count(),
        "load_average_1min_before": round(load_before, 2),
        "load_seconds": round(load_seconds, 1),
        "documents": documents,
        "rows": book.rows,
        "kind": book.kind,
        "year": year,
        "user": "clerk of the register's organization",
        "seconds": round(seconds, 2),
        "rows_per_s": round(book.rows / seconds),
        "file_mib": round(size / MIB, 2),
        "queries": len(queries.captured_queries),
        "chunk_size": CHUNK_SIZE,
        "sql_seconds": round(sum(float(query["time"]) for query in queries.captured_queries), 2),
        "peak_traced_mib": round(peak / MIB, 1),
        "max_rss_mib_before": round(rss_before, 1),
        "max_rss_mib_after": round(rss_after, 1),
        "target_seconds": TARGET_SECONDS,
        "meets_target": seconds <= TARGET_SECONDS,
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--documents", type=int, default=DOCUMENTS, help=f"documents in the register ({DOCUMENTS})")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    import run  # bench/ is first on sys.path when this file runs

    args = parse_args(argv)
    url = os.environ.get("BENCH_BOOKS_DATABASE_URL", DEFAULT_DATABASE_URL)
    report = run.in_bench_database(url, lambda: measure(args.documents), keep=args.keep)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    verdict = "MET" if report["meets_target"] else "MISSED"
    print(
        f"register book: {report['rows']} rows in {report['seconds']} s, peak {report['peak_traced_mib']} MiB traced "
        f"(target ≤ {TARGET_SECONDS:g} s) – target {verdict}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
