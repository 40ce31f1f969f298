"""Register import: how fast and how lean `registry.imports.register_import`
(the fast path behind `manage.py import_register`) brings a 100,000-row
outgoing register book (XLSX) into a register on PostgreSQL, beside
django-import-export's default way with the same checks.

The book is a printed one: four title rows, the header, then ten years of
10,000 documents each (numbers 1..10,000 per year, four document types, real
Excel dates, three “Nơi nhận” lines per row). Each import runs in a child
process of its own, started fresh, into a fresh register; the peak memory
reported is that child's peak resident set (ru_maxrss), Django included.

- fast path: register_import, one pass over the streamed workbook, checks
  with lookups read once, documents and their lines bulk-inserted 2,000 at a
  time, in one transaction.
- import-export: registry.imports.resource.RegisterRowResource — the same
  row checks as the fast path, in import-export's default configuration:
  the file read into a tablib Dataset, then `resource.import_data(dataset,
  dry_run=False)`, each row saved on its own with its lines, a diff kept per
  row. It is slow, so by default it imports the first 10,000 rows (one year)
  and its time for the whole file is extrapolated linearly (the output says
  so); the fast path is also timed on that slice, for a like-for-like ratio.

Targets: the fast path imports 100,000 rows in at most 60 s with a peak of at
most 500 MB, and is at least 5 times faster than import-export.

Usage: python bench/imports.py [--rows 100000] [--slice 10000] [--keep]
(--slice 0 runs import-export on the whole file.) The database named by
BENCH_IMPORTS_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/docreg_bench_imports)
is dropped, created and migrated first, and dropped at the end unless --keep.
Prints one JSON object on stdout and a one-line verdict on stderr; exits 0
whether or not the targets are met, since it is a measurement.
"""

import argparse
import datetime
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import run

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/docreg_bench_imports"
ROWS = 100_000
SLICE = 10_000
PER_YEAR = 10_000
FIRST_YEAR = 2015
TARGET_SECONDS = 60.0
TARGET_RSS_MB = 500.0
TARGET_RATIO = 5.0
TITLE_ROWS = [["SỞ THÔNG TIN VÀ TRUYỀN THÔNG"], ["SỔ ĐĂNG KÝ VĂN BẢN ĐI"], ["Năm 2015 – 2024"], []]
# (type name, notation symbol) of the documents, in turn.
KINDS = [
    ("Công văn V/v", "STTTT-TTBCBC"),
    ("Kế hoạch", "KH-STTTT"),
    ("Báo cáo", "BC-STTTT"),
    ("Thông báo", "TB-STTTT"),
]
FAST_WORK = (
    "registry.imports.register_import: openpyxl read-only streaming, one pass, every row checked "
    "(notation, type, dates, text, duplicates in the file and against the counters' numbers), documents and "
    "distribution lines bulk-inserted 2,000 at a time, counters raised, one audit event, one transaction"
)
IMPORT_EXPORT_WORK = (
    "registry.imports.resource.RegisterRowResource with import-export's defaults: RegisterFileFormat reads the "
    "file into a tablib Dataset, resource.import_data(dataset, dry_run=False) checks each row with the same "
    "RowValidator, saves its document with Model.save() and its lines with one INSERT, keeps a diff per row; "
    "one transaction"
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=run.positive_int, default=ROWS, help=f"rows in the book (default {ROWS})")
    parser.add_argument(
        "--slice", type=int, default=SLICE, help=f"rows import-export imports (default {SLICE}; 0: the whole book)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    return parser.parse_args(argv)


def book_rows(count: int) -> Any:
    """`count` rows of the book: PER_YEAR numbered documents a year from FIRST_YEAR on."""
    for index in range(count):
        year, number = FIRST_YEAR + index // PER_YEAR, index % PER_YEAR + 1
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=(number - 1) * 365 // PER_YEAR)
        name, symbol = KINDS[index % len(KINDS)]
        yield [
            f"{number:02d}/{symbol}",
            day,
            f"{name} triển khai nhiệm vụ số {number} năm {year} về chuyển đổi số và thông tin cơ sở",
            "Lâm Văn Sển" if number % 2 else "Nguyễn Thị Bình",
            "- Như trên;\n- UBND tỉnh (b/c);\n- Lưu: VT, TTBCBC.",
            "VT, TTBCBC",
            number % 7 + 1,
            day + datetime.timedelta(days=1),
            "Trần Thị Hoa",
            "",
        ]


def write_book(path: Path, count: int) -> None:
    """The book as a printed register: title rows, header, rows (openpyxl write-only)."""
    from openpyxl import Workbook

    from registry.imports.columns import OUTGOING_COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sổ đi")
    for row in [*TITLE_ROWS, [column.label for column in OUTGOING_COLUMNS]]:
        sheet.append(row)
    for row in book_rows(count):
        sheet.append(row)
    workbook.save(path)


@dataclass(frozen=True)
class Job:
    path: str
    register_id: int
    clerk_id: int


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kB on Linux


def _child_setup(job: Job) -> tuple[Any, Any]:
    """Runs in a spawned child: Django on the bench database (DATABASE_URL from
    the parent's environment); the job's register and clerk."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from recipients.models import User
    from registry.models import Register

    return Register.objects.select_related("owner").get(pk=job.register_id), User.objects.get(pk=job.clerk_id)


def fast_path(job: Job) -> dict[str, Any]:
    register, clerk = _child_setup(job)
    from registry.imports import register_import

    before = _peak_rss_mb()
    started = time.perf_counter()
    with open(job.path, "rb") as file:
        report = register_import(register=register, file=file, filename=Path(job.path).name, actor=clerk)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": _peak_rss_mb(),
        "rss_before_import_mb": before,
        "imported": report.imported,
        "errors": [error.describe() for error in report.errors[:5]],
    }


def import_export(job: Job) -> dict[str, Any]:
    register, clerk = _child_setup(job)
    from registry.imports.resource import RegisterFileFormat, RegisterRowResource

    before = _peak_rss_mb()
    started = time.perf_counter()
    dataset = RegisterFileFormat().create_dataset(Path(job.path).read_bytes())
    read = time.perf_counter() - started
    result = RegisterRowResource(register=register, actor=clerk).import_data(
        dataset, dry_run=False, file_name=Path(job.path).name
    )
    seconds = time.perf_counter() - started
    problems = [str(error.error) for error in result.base_errors]
    problems += [f"row {row.number}: {row.error_dict}" for row in result.invalid_rows[:5]]
    return {
        "seconds": round(seconds, 2),
        "dataset_seconds": round(read, 2),
        "peak_rss_mb": _peak_rss_mb(),
        "rss_before_import_mb": before,
        "imported": result.totals["new"] if not problems else 0,
        "errors": problems[:5],
    }


def in_child(work: Any, job: Job) -> dict[str, Any]:
    """`work(job)` in a fresh spawned process, so its peak memory is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(work, job).result()


def _verify(register_id: int, rows: int, figures: dict[str, Any]) -> None:
    """Every row a document with its three lines, and each year's counter at its last number."""
    import scenario

    from registry.models import DistributionEntry, Document, NumberSequence

    documents = Document.objects.filter(register_id=register_id).count()
    lines = DistributionEntry.objects.filter(document__register_id=register_id).count()
    counters = sorted(NumberSequence.objects.filter(register_id=register_id).values_list("last_number", flat=True))
    expected = [PER_YEAR] * (rows // PER_YEAR) + ([rows % PER_YEAR] if rows % PER_YEAR else [])
    if figures["errors"] or (documents, lines, counters) != (rows, 3 * rows, sorted(expected)):
        raise scenario.BenchmarkError(
            f"register {register_id}: {documents} documents, {lines} lines, counters {counters[:12]}; "
            f"expected {rows}, {3 * rows}, {sorted(expected)[:12]}; errors {figures['errors']}"
        )


def measure(rows: int = ROWS, slice_rows: int = SLICE) -> dict[str, Any]:
    """Writes the book (and its first `slice_rows` rows as a book of their own),
    then imports each through both paths, each into a fresh register."""
    import scenario

    from recipients.models import Organization, Role, User
    from registry.models import Direction, NotationSystem, PeriodKind, Register

    load_before = os.getloadavg()[0]
    owner = Organization.objects.create(
        name="Sở Thông tin và Truyền thông", abbreviation="STTTT", system="state", level="province"
    )
    clerk = User.objects.create(username="vanthu_import_bench", organization=owner, role=Role.CLERK)

    def job(path: Path, name: str) -> Job:
        register = Register.objects.create(
            owner=owner,
            name=name,
            direction=Direction.OUTGOING,
            system=NotationSystem.STATE,
            period_kind=PeriodKind.YEAR,
        )
        return Job(path=str(path), register_id=register.pk, clerk_id=clerk.pk)

    slice_rows = slice_rows if 0 < slice_rows < rows else rows
    with tempfile.TemporaryDirectory(prefix="docreg-bench-imports-") as folder:
        book, part = Path(folder) / "so-di-2015-2024.xlsx", Path(folder) / "so-di-slice.xlsx"
        started = time.perf_counter()
        write_book(book, rows)
        generate_seconds = time.perf_counter() - started
        if slice_rows < rows:
            write_book(part, slice_rows)
        else:
            part = book
        runs = {}
        for label, work, path, count in (
            ("fast_path", fast_path, book, rows),
            ("fast_path_slice", fast_path, part, slice_rows),
            ("import_export", import_export, part, slice_rows),
        ):
            if label == "fast_path_slice" and part == book:
                continue
            scenario.settle()
            target = job(path, f"Sổ đi – {label}")
            runs[label] = in_child(work, target)
            _verify(target.register_id, count, runs[label])
        book_mb = round(book.stat().st_size / 2**20, 1)

    fast, ie = runs["fast_path"], runs["import_export"]
    fast_slice = runs.get("fast_path_slice", fast)
    extrapolated = slice_rows < rows
    ie_full_seconds = ie["seconds"] * rows / slice_rows
    ratio = ie_full_seconds / fast["seconds"]
    meets = {
        "time": fast["seconds"] <= TARGET_SECONDS,
        "memory": fast["peak_rss_mb"] <= TARGET_RSS_MB,
        "ratio": ratio >= TARGET_RATIO,
    }
    return {
        "benchmark": "register_import",
        "database": scenario.server_version(),
        "cpu_count": os.cpu_count(),
        "load_average_1min_before": round(load_before, 2),
        "rows": rows,
        "book": f"{book_mb} MB XLSX, 4 title rows, {rows // PER_YEAR or 1} years × up to {PER_YEAR} numbers",
        "generate_seconds": round(generate_seconds, 1),
        "fast_path": {**fast, "rows": rows, "rows_per_s": round(rows / fast["seconds"]), "work": FAST_WORK},
        "fast_path_slice": {**fast_slice, "rows": slice_rows},
        "import_export": {
            **ie,
            "rows": slice_rows,
            "rows_per_s": round(slice_rows / ie["seconds"]),
            "seconds_for_all_rows": round(ie_full_seconds, 1),
            "extrapolated": extrapolated,
            "note": (
                f"import-export imported the first {slice_rows} rows; its time for {rows} rows is extrapolated "
                "linearly from them"
                if extrapolated
                else "import-export imported every row"
            ),
            "work": IMPORT_EXPORT_WORK,
        },
        "ratio": round(ratio, 1),
        "ratio_same_rows": round(ie["seconds"] / fast_slice["seconds"], 1),
        "target_seconds": TARGET_SECONDS,
        "target_peak_rss_mb": TARGET_RSS_MB,
        "target_ratio": TARGET_RATIO,
        "meets_time_target": meets["time"],
        "meets_memory_target": meets["memory"],
        "meets_ratio_target": meets["ratio"],
        "meets_target": all(meets.values()),
    }


def verdict(report: dict[str, Any]) -> str:
    fast, ie = report["fast_path"], report["import_export"]
    return (
        f"fast path: {report['rows']} rows in {fast['seconds']} s, peak {fast['peak_rss_mb']} MB "
        f"(targets ≤ {TARGET_SECONDS:g} s, ≤ {TARGET_RSS_MB:g} MB); import-export "
        f"{'≈' if ie['extrapolated'] else ''}{ie['seconds_for_all_rows']} s: ratio {report['ratio']} "
        f"(target ≥ {TARGET_RATIO:g}) – target {'MET' if report['meets_target'] else 'MISSED'}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("BENCH_IMPORTS_DATABASE_URL", DEFAULT_DATABASE_URL)
    report = run.in_bench_database(url, lambda: measure(args.rows, args.slice), keep=args.keep)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(verdict(report), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
