"""Printing benchmark: how fast registry.rendering turns documents into PDF.

(a) A two-page State công văn (the body of the 1163/STTTT-TTBCBC example, as
    long as two pages need) rendered to PDF `--renders` times (default 30)
    after a warm-up; target: median at most 150 ms.
(b) `--documents` documents (default 100; bodies of one to three pages)
    rendered to PDF by this project, beside LibreOffice headless converting
    the same documents from the DOCX this project writes: one
    `soffice --headless --convert-to pdf` for all files, with a fresh profile,
    started and finished within the timing as a batch conversion would be.
    Target: this project at least 10 times faster. Without soffice the
    report says `"libreoffice": "missing"`.

Prints one JSON object on stdout and a one-line verdict on stderr; exits 0
whether or not the targets are met, since it is a measurement.

    python bench/rendering.py [--renders 30] [--documents 100] [--database-url URL]

Without --database-url the data goes to a temporary SQLite database that is
deleted afterwards. `measure()` can also be called after django.setup() with
any migrated database: it writes its documents in a transaction it rolls
back, so the database is left as it was.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_MS = 150.0
TARGET_RATIO = 10.0
WARM_UP = 3
SOFFICE_TIMEOUT = 1800
EXAMPLE = ROOT / "fixtures" / "demo" / "documents.json"
LETTER = "1163/STTTT-TTBCBC"


class BenchmarkError(RuntimeError):
    """The documents did not come out as expected (wrong page count, files missing)."""


def _bodies() -> dict[str, list[str]]:
    """The body paragraphs of the issued demo documents (one to three pages each), by notation."""
    records = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return {record["key"]: record["body"] for record in records if "issue" in record}


def _world() -> tuple[Any, Any, Any]:
    """A State department with an outgoing register and an administrator, made through the services."""
    import secrets

    from django.contrib.auth.hashers import make_password

    from recipients.models import Role
    from recipients.services import organization_create, user_create
    from registry.models import DocumentType
    from registry.services import register_create

    admin = user_create(
        actor=None,
        username=f"bench-render-{secrets.token_hex(4)}",
        organization=None,
        role=Role.ADMIN,
        superuser=True,
        password_hash=make_password(secrets.token_hex(16)),
    )
    ubnd = organization_create(
        actor=admin,
        name=f"Ủy ban nhân dân tỉnh Thử nghiệm {admin.username}",
        abbreviation="UBND",
        system="state",
        level="province",
        header_name="ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG",
        place="Kiên Giang",
    )
    department = organization_create(
        actor=admin,
        name="Sở Thông tin và Truyền thông",
        abbreviation="STTTT",
        system="state",
        level="province",
        parent=ubnd,
        header_name="SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        header_parent_name="UBND TỈNH KIÊN GIANG",
        place="Kiên Giang",
    )
    register = register_create(actor=admin, owner=department, name="Sổ văn bản đi", direction="outgoing")
    return admin, register, DocumentType.objects.get(code="CV")


def _issue(admin: Any, register: Any, doc_type: Any, subject: str, paragraphs: Sequence[str]) -> Any:
    from registry.services import AddresseeInput, DistributionInput, document_create_draft, document_issue

    draft = document_create_draft(
        register=register,
        actor=admin,
        doc_type=doc_type,
        subject=subject,
        body="\n".join(paragraphs),
        signer_name="Lâm Văn Sển",
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        drafting_unit="TTBCBC",
        addressees=[
            AddresseeInput(text="Các sở, ban, ngành cấp tỉnh"),
            AddresseeInput(text="Báo Kiên Giang"),
            AddresseeInput(text="Đài Phát thanh và Truyền hình Kiên Giang"),
            AddresseeInput(text="Ủy ban nhân dân các huyện, thành phố"),
        ],
        distribution=[
            DistributionInput(kind="as_above"),
            DistributionInput(text="UBND tỉnh", purpose="báo cáo"),
            DistributionInput(text="Lưu: VT, TTBCBC"),
        ],
    )
    return document_issue(document=draft, actor=admin)


def _pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _two_page_letter(admin: Any, register: Any, doc_type: Any) -> tuple[Any, int]:
    """The 1163/STTTT-TTBCBC body, repeated until the letter takes two pages."""
    from registry.rendering import printable_document, render_pdf

    base = _bodies()[LETTER]
    for copies in range(1, 6):
        document = _issue(admin, register, doc_type, "thông tin, tuyên truyền (hai trang)", base * copies)
        document = printable_document(pk=document.pk)
        pages = _pages(render_pdf(document=document))
        if pages == 2:
            return document, pages
    raise BenchmarkError("no body length gave a two-page letter")


def _time_letter(document: Any, renders: int) -> dict[str, Any]:
    from registry.rendering import render_pdf

    for _ in range(WARM_UP):
        render_pdf(document=document)
    samples = []
    for _ in range(renders):
        started = time.perf_counter()
        render_pdf(document=document)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    median = statistics.median(samples)
    return {
        "renders": renders,
        "median_ms": round(median, 1),
        "p95_ms": round(samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))], 1),
        "min_ms": round(samples[0], 1),
        "max_ms": round(samples[-1], 1),
        "target_median_ms": TARGET_MEDIAN_MS,
        "meets_target": median <= TARGET_MEDIAN_MS,
    }


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _libreoffice(soffice: str, sources: Path, work: Path, expected: int) -> dict[str, Any]:
    """One conversion of every DOCX in `sources`, with a fresh profile; the seconds from start to exit."""
    outdir = work / "libreoffice-pdf"
    outdir.mkdir()
    profile = (work / "libreoffice-profile").as_uri()
    files = sorted(str(path) for path in sources.glob("*.docx"))
    command = [
        soffice,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        *files,
    ]
    version = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=120, check=False)
    started = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT, check=False)
    seconds = time.perf_counter() - started
    converted = len(list(outdir.glob("*.pdf")))
    if finished.returncode != 0 or converted != expected:
        raise BenchmarkError(
            f"LibreOffice converted {converted} of {expected} files (exit {finished.returncode}): "
            f"{finished.stderr.strip()[-500:]}"
        )
    return {
        "seconds": round(seconds, 2),
        "ms_per_document": round(seconds * 1000 / expected, 1),
        "converted": converted,
        "version": version.stdout.strip(),
        "command": "soffice -env:UserInstallation=<fresh> --headless --norestore --convert-to pdf --outdir D *.docx",
    }


def _batch(admin: Any, register: Any, doc_type: Any, documents: int, work: Path) -> dict[str, Any]:
    from registry.models import Document
    from registry.rendering import document_filename, render_docx, render_pdf
    from registry.rendering.selectors import printable_document

    bodies = list(_bodies().values())
    ids = [
        _issue(
            admin, register, doc_type, f"tuyên truyền, phổ biến văn bản số {index + 1}", bodies[index % len(bodies)]
        ).pk
        for index in range(documents)
    ]
    sources = work / "docx"
    sources.mkdir()
    for pk in ids:
        document = printable_document(pk=pk)
        (sources / document_filename(document=document, file_format="docx")).write_bytes(render_docx(document=document))
    ours = work / "docreg-pdf"
    ours.mkdir()
    started = time.perf_counter()
    batch = (
        Document.objects.filter(pk__in=ids).select_related("doc_type").prefetch_related("addressees", "distribution")
    )
    for document in batch:
        pdf = render_pdf(document=document)
        (ours / document_filename(document=document, file_format="pdf")).write_bytes(pdf)
    seconds = time.perf_counter() - started
    report: dict[str, Any] = {
        "documents": documents,
        "pages": sum(_pages(path.read_bytes()) for path in ours.glob("*.pdf")),
        "docreg_seconds": round(seconds, 2),
        "docreg_ms_per_document": round(seconds * 1000 / documents, 1),
        "docreg_work": "read the documents (one query and two prefetches), build the layout, render, write each PDF",
        "target_ratio": TARGET_RATIO,
    }
    soffice = _soffice()
    if soffice is None:
        report.update(libreoffice="missing", ratio=None, meets_target=None)
        return report
    try:
        libreoffice = _libreoffice(soffice, sources, work, documents)
    except (BenchmarkError, subprocess.TimeoutExpired) as error:
        report.update(libreoffice={"error": str(error)}, ratio=None, meets_target=None)
        return report
    ratio = libreoffice["seconds"] / seconds
    report.update(libreoffice=libreoffice, ratio=round(ratio, 1), meets_target=ratio >= TARGET_RATIO)
    return report


def measure(renders: int = 30, documents: int = 100) -> dict[str, Any]:
    """Both parts, after django.setup(), in a transaction rolled back at the end."""
    from django.db import transaction

    from registry.rendering import find_font_family

    with tempfile.TemporaryDirectory(prefix="docreg-bench-rendering-") as folder, transaction.atomic():
        admin, register, doc_type = _world()
        letter, pages = _two_page_letter(admin, register, doc_type)
        report: dict[str, Any] = {
            "font_family": find_font_family().name,
            "two_page_letter": {"pages": pages, **_time_letter(letter, renders)},
            "batch": _batch(admin, register, doc_type, documents, Path(folder)),
        }
        transaction.set_rollback(True)
    batch = report["batch"]
    report["meets_target"] = report["two_page_letter"]["meets_target"] and batch["meets_target"] is not False
    return report


def setup_django(database_url: str | None, folder: Path) -> None:
    """Points Django at the database (a new SQLite file in `folder` by default) and migrates it."""
    import django
    from django.core.management import call_command

    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("DOCREG_VAR_DIR", str(folder / "var"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    django.setup()
    call_command("migrate", verbosity=0)


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--renders", type=positive_int, default=30, help="timed renders of the letter (default 30)")
    parser.add_argument("--documents", type=positive_int, default=100, help="documents in the batch (default 100)")
    parser.add_argument("--database-url", help="a migrated or empty database to use (default: temporary SQLite)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="docreg-bench-db-") as folder:
        setup_django(args.database_url, Path(folder))
        report = measure(renders=args.renders, documents=args.documents)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    letter, batch = report["two_page_letter"], report["batch"]
    if batch["ratio"] is None:
        libreoffice = f"LibreOffice: {batch['libreoffice']}"
    else:
        libreoffice = f"LibreOffice {batch['libreoffice']['seconds']} s, {batch['ratio']}× (target ≥ {TARGET_RATIO:g}×)"
    print(
        f"rendering: two-page letter median {letter['median_ms']} ms (target ≤ {TARGET_MEDIAN_MS:g} ms); "
        f"{batch['documents']} documents {batch['docreg_seconds']} s vs {libreoffice}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
