"""Intake benchmark: how many two-page documents registry.intake reads per second on one core.

The documents are built from the intake corpus (registry/tests/intake_samples/corpus/, State and
Party documents of many types in their messy converted layouts): each keeps its own header and
signature block, and its body is followed by the bodies of the next corpus documents until the
text is about two pages (`--chars`, default 5,000 characters; a printed A4 page of 13-pt text
holds about 2,500). Every document is read once to warm up and checked: its number, issuer and
signer must still come out as the corpus says, so the figures are for real reading, not a
shortcut. Then all of them are read `--rounds` times (default 30), each read timed on its own,
in one process pinned to one core.

Target: at least 200 documents per second. Prints one JSON object on stdout (docs_per_s,
p50_ms, p95_ms, max_ms per document, sizes, the top functions of a profile of one round with
--profile) and a one-line verdict on stderr; exits 0 whether or not the target is met.

    python bench/intake.py [--rounds 30] [--chars 5000] [--profile]

No database is needed: Django is set up only for its settings (a temporary var/ folder).
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "registry" / "tests" / "intake_samples" / "corpus"
TARGET_DOCS_PER_S = 200.0
WORK = (
    "registry.intake.read_document(text): clean and cut the lines, read header, addressees, body "
    "(references, deadlines), distribution and signature into the CONTRACT's intake object"
)


class BenchmarkError(RuntimeError):
    """A built document no longer reads as its corpus document: the figures would mean nothing."""


def _parts(text: str) -> tuple[list[str], list[str], list[str]]:
    """The lines of a corpus text as header, body and tail (from "Nơi nhận" or the signature),
    cut where the intake reader itself cuts them."""
    from registry.intake.header import read_header
    from registry.intake.lines import cells_of, clean_lines
    from registry.intake.signature import find_tail

    lines = text.replace("\r\n", "\n").split("\n")
    cells = cells_of(clean_lines(text))
    header = read_header(cells)
    tail = find_tail(cells, header.body_start)
    body_start = cells[header.body_start].line if header.body_start < len(cells) else len(lines)
    tail_start = cells[tail].line if tail < len(cells) else len(lines)
    return lines[:body_start], lines[body_start:tail_start], lines[tail_start:]


def two_page_documents(chars: int) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, text, expected intake) of each corpus document grown to about ``chars`` characters
    with the bodies of the documents after it."""
    paths = sorted(CORPUS.glob("*.txt"))
    if not paths:
        raise BenchmarkError(f"no corpus documents in {CORPUS}")
    texts = [path.read_bytes().decode("utf-8") for path in paths]
    parts = [_parts(text) for text in texts]
    documents = []
    for index, path in enumerate(paths):
        header, body, tail = parts[index]
        lines = [*header, *body]
        size = sum(len(line) + 1 for line in [*lines, *tail])
        other = index + 1
        while size < chars and other < index + len(paths):
            extra = [line for line in parts[other % len(paths)][1] if line.strip()]
            lines.extend(extra)
            size += sum(len(line) + 1 for line in extra)
            other += 1
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        documents.append((path.name, "\n".join([*lines, *tail]), expected))
    return documents


def _check(documents: Sequence[tuple[str, str, dict[str, Any]]], read: Callable[..., Mapping[str, Any]]) -> None:
    for name, text, expected in documents:
        got = read(text, source=name)
        for key in ("notation", "issuer", "date", "signer"):
            if got[key] != expected[key]:
                raise BenchmarkError(f"{name}: {key} read as {got[key]!r}, the corpus says {expected[key]!r}")


def _pin_to_one_core() -> int | None:
    """Pins this process to one core (the last one: the first is the busier on a shared machine)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def _profile(documents: Sequence[tuple[str, str, dict[str, Any]]], read: Callable[..., Any]) -> list[str]:
    """The functions that take the most time over one round, by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for name, text, _expected in documents:
        read(text, source=name)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    return [line.rstrip() for line in out.getvalue().splitlines() if line.strip()][-13:]


def measure(rounds: int = 30, chars: int = 5000, *, profile: bool = False) -> dict[str, Any]:
    """Reads the two-page documents ``rounds`` times; after django.setup()."""
    from registry.intake import read_document

    core = _pin_to_one_core()
    documents = two_page_documents(chars)
    _check(documents, read_document)  # also the warm-up
    timings: list[float] = []
    clock = time.perf_counter
    started = clock()
    for _round in range(rounds):
        for name, text, _expected in documents:
            begin = clock()
            read_document(text, source=name)
            timings.append(clock() - begin)
    seconds = clock() - started
    sizes = [len(text) for _name, text, _expected in documents]
    per_second = len(timings) / seconds
    report: dict[str, Any] = {
        "benchmark": "intake_two_page_documents",
        "work": WORK,
        "cpu_count": os.cpu_count(),
        "pinned_to_core": core,
        "load_average_1min_before": round(os.getloadavg()[0], 2),
        "documents": len(documents),
        "rounds": rounds,
        "reads": len(timings),
        "chars_median": int(statistics.median(sizes)),
        "chars_min": min(sizes),
        "chars_max": max(sizes),
        "seconds": round(seconds, 3),
        "docs_per_s": round(per_second, 1),
        "p50_ms": round(statistics.median(timings) * 1000, 2),
        "p95_ms": round(statistics.quantiles(timings, n=20)[-1] * 1000, 2),
        "max_ms": round(max(timings) * 1000, 2),
        "target_docs_per_s": TARGET_DOCS_PER_S,
        "meets_target": per_second >= TARGET_DOCS_PER_S,
    }
    if profile:
        report["profile_one_round"] = _profile(documents, read_document)
    return report


def setup_django(folder: Path) -> None:
    import django

    os.environ.setdefault("DOCREG_VAR_DIR", str(folder / "var"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    django.setup()


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=positive_int, default=30, help="reads of every document (default 30)")
    parser.add_argument("--chars", type=positive_int, default=5000, help="size of a document (default 5000)")
    parser.add_argument("--profile", action="store_true", help="add the top functions of one profiled round")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="docreg-bench-intake-") as folder:
        setup_django(Path(folder))
        report = measure(rounds=args.rounds, chars=args.chars, profile=args.profile)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(
        f"intake: {report['docs_per_s']} two-page documents/s on one core (target ≥ {TARGET_DOCS_PER_S:g}), "
        f"p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms over {report['reads']} reads "
        f"of {report['documents']} documents of ~{report['chars_median']} characters – "
        f"target {'MET' if report['meets_target'] else 'MISSED'}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
