"""Document search (registry.search) on PostgreSQL over 1,000,000 documents:
subject search and exact notation lookup, each beside an unindexed
`icontains` scan in the same run.

The data: 40 bodies of a province (Party committees and boards, State
departments), each with an outgoing register holding ten years (2015–2024) of
issued documents, numbered 1..k per year with real notations (“375-CV/BTGTU”,
“45/STTTT-TTBCBC”, “12/KH-STTTT”). Subjects are Vietnamese, with diacritics:
an administrative action (“tổ chức”, “tổng kết”), one of 300 topics drawn with
a long-tailed frequency (the commonest in about 3 % of documents), often a
period, a place or a cited resolution; bodies are one to three sentences that
may mention another topic; one or two addressees. A fixed seed; rows are
written with COPY by one process per core (`--loaders`), and PostgreSQL
generates the column search_vector as they arrive, as on any write; the
documents carry their reader_organizations, which the addressees' triggers
then find already right (dispatch migration 0003); the GIN indexes are built
after the load, then VACUUM ANALYZE.

Measured, for the clerk of Sở Thông tin và Truyền thông (who sees its own
register and what is addressed to it):

- subject search: `--queries` searches (default 200), lower case without
  diacritics, 2–7 words a user might remember of a subject (“tong ket cong tac
  dan van”, “ke hoach chuyen doi so”, “phong chong tham nhung 2023”), drawn
  with the topics' frequencies. Each goes the API's way: DocumentFilter(q) on
  document_list(user=clerk) (registry.search + visible_documents), then the
  first page of 50 with its count and its prefetches, as the API's search
  pagination does (core.pagination.CountingPaginator).
  JSON rendering is not included. Each search, and each notation lookup, is
  timed as a server handles a request: from request_started to the answer;
  what request_finished then does (config/garbage.py collects the garbage of
  the request) comes after the response in a server and is not counted.
  The process collects garbage as a server process does (run.setup_django).
- exact notation lookup: `--queries` notations of random documents, typed as
  “Số 375-CV/BTGTU”, through registry.search.filter_by_notation on the clerk's
  visible documents: the rows, one query.
- the same without an index: `subject__icontains` (the topic as written, with
  diacritics) and `notation__icontains` on the same visible documents, count and
  first page, `--baseline-runs` times each (default 20). Nothing indexes
  UPPER(subject); for the notation the trigram index is dropped inside a
  transaction that is rolled back, so the scan is what `icontains` costs
  without it.

Targets: subject search p95 ≤ 50 ms, notation lookup p95 ≤ 5 ms, each at least
20 times faster than its icontains scan (p95 over p95).

Usage: python bench/search.py [--documents 1000000] [--queries 200] [--baseline-runs 20] [--loaders N]
                              [--keep] [--reuse]
(--reuse measures again on the database a run with --keep left, without loading.)
The database named by BENCH_SEARCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/docreg_bench_search) is dropped, created
and migrated, and dropped at the end unless --keep. Without a reachable
PostgreSQL it prints {"skipped": …} and exits 0. Prints one JSON object on
stdout and a one-line verdict on stderr; exits 0 whether or not the targets
are met, since it is a measurement.
"""

import argparse
import functools
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import psycopg
import run
from psycopg.conninfo import make_conninfo
from search_vocabulary import ACTIONS, PLACES, topic_weights, topics
from search_world import CLERK_USERNAME, SEED, YEARS, create_world, load_documents

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/docreg_bench_search"
DOCUMENTS = 1_000_000
QUERIES = 200
BASELINE_RUNS = 20
WARM_UP = 10
PAGE = 50
LOADERS = os.cpu_count() or 2
TARGET_SEARCH_P95_MS = 50.0
TARGET_NOTATION_P95_MS = 5.0
TARGET_RATIO = 20.0


def search_queries(count: int, rng: random.Random) -> list[str]:
    """What users type: lower case, no diacritics, a few words they remember of
    a subject; topics drawn as often as they occur."""
    from core.text import fold
    from registry.models import DocumentType

    all_topics = topics()
    weights = topic_weights(len(all_topics))
    types = DocumentType.objects.filter(code__in=["KH", "BC", "TB", "HD"])
    type_names = list(types.values_list("state_name", flat=True))
    queries = []
    for _ in range(count):
        topic = fold(rng.choices(all_topics, weights)[0]).replace(",", "").split()
        head = topic[: rng.randint(2, 4)]
        shape = rng.random()
        if shape < 0.25:
            words = topic
        elif shape < 0.45:
            words = fold(rng.choice(ACTIONS)).replace(",", "").split() + topic
        elif shape < 0.65:
            words = fold(rng.choice(type_names)).split() + head
        elif shape < 0.85:
            words = [*head, str(rng.choice(YEARS))]
        else:
            words = head + fold(rng.choice(PLACES)).split()[1:]
        queries.append(" ".join(words[:7]))
    return queries


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return (time.perf_counter() - started) * 1000, result


def timed_request(work: Callable[[], Any]) -> tuple[float, Any]:
    """`work` run as a server runs a request: from request_started to the
    response. What request_finished then does (config/garbage.py collects the
    request's garbage; connections are checked) happens in a server once the
    response has been sent, so it is not counted. Not inside a transaction:
    Django closes a connection a request leaves in one."""
    from django.core.signals import request_finished, request_started

    started = time.perf_counter()
    request_started.send(sender=None)
    result = work()
    elapsed = (time.perf_counter() - started) * 1000
    request_finished.send(sender=None)
    return elapsed, result


def summary(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)], 2),
        "max_ms": round(ordered[-1], 2),
    }


def measure(
    documents: int, queries: int, baseline_runs: int, loaders: int = LOADERS, reuse: bool = False
) -> dict[str, Any]:
    """Loads the documents (unless `reuse`: those a run with --keep left), then times the searches."""
    import scenario
    from django.db import connection, transaction
    from django.db.models import Max, Min

    from core.pagination import CountingPaginator
    from recipients.models import User
    from registry.filters import DocumentFilter
    from registry.models import Document
    from registry.search import filter_by_notation
    from registry.selectors import document_list, documents_in_order, visible_documents

    load_before = os.getloadavg()[0]
    timings: dict[str, float] = {}
    if reuse:
        clerk = User.objects.get(username=CLERK_USERNAME)
    else:
        started = time.perf_counter()
        load, clerk = create_world(documents)
        timings = load_documents(load, loaders)
        timings["load_seconds"] = time.perf_counter() - started
    first_id, last_id = Document.objects.aggregate(Min("pk"), Max("pk")).values()
    rng = random.Random(SEED)

    def api_page(params: dict[str, str]) -> int:
        """What the list endpoint asks of the database: the first page with its count
        (core.api.SearchPagination), then the page's prefetches."""
        rows = DocumentFilter(params, queryset=document_list(user=clerk), request=SimpleNamespace(user=clerk)).qs
        page = CountingPaginator(rows, PAGE, rows_by_id=documents_in_order).page(1)
        return page.paginator.count

    def notation_rows(text: str) -> int:
        return len(list(filter_by_notation(visible_documents(Document.objects.all(), user=clerk), text)))

    visible = visible_documents(Document.objects.all(), user=clerk).count()
    total = Document.objects.count()

    subject_queries = search_queries(queries, rng)
    for query in subject_queries[:WARM_UP]:
        timed_request(functools.partial(api_page, {"q": query}))
    subject_times, subject_rows = [], []
    io_before = table_io()
    for query in subject_queries:
        elapsed, rows = timed_request(functools.partial(api_page, {"q": query}))
        subject_times.append(elapsed)
        subject_rows.append(rows)
    subject_io = per_search(io_before, table_io(), len(subject_queries))

    ids = [rng.randint(first_id, last_id) for _ in range(queries + WARM_UP)]
    notations = list(Document.objects.filter(pk__in=ids).values_list("notation", flat=True))
    rng.shuffle(notations)
    for notation in notations[:WARM_UP]:
        timed_request(functools.partial(notation_rows, f"Số {notation}"))
    notation_times, notation_found = [], []
    for notation in notations[WARM_UP:]:
        elapsed, rows = timed_request(functools.partial(notation_rows, f"Số {notation}"))
        notation_times.append(elapsed)
        notation_found.append(rows)

    all_topics = topics()
    subject_scan = []
    for _ in range(baseline_runs):
        topic = rng.choices(all_topics, topic_weights(len(all_topics)))[0]
        subject_scan.append(
            timed(functools.partial(api_page_icontains, document_list(user=clerk), "subject", topic))[0]
        )
    notation_scan = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute('DROP INDEX "registry_document_notation_trgm"')
        for notation in notations[WARM_UP : WARM_UP + baseline_runs]:
            notation_scan.append(
                timed(functools.partial(api_page_icontains, document_list(user=clerk), "notation", notation))[0]
            )
        transaction.set_rollback(True)

    search, lookup = summary(subject_times), summary(notation_times)
    subject_baseline, notation_baseline = summary(subject_scan), summary(notation_scan)
    subject_ratio = subject_baseline["p95_ms"] / search["p95_ms"]
    notation_ratio = notation_baseline["p95_ms"] / lookup["p95_ms"]
    meets = {
        "search_p95": search["p95_ms"] <= TARGET_SEARCH_P95_MS,
        "notation_p95": lookup["p95_ms"] <= TARGET_NOTATION_P95_MS,
        "search_ratio": subject_ratio >= TARGET_RATIO,
        "notation_ratio": notation_ratio >= TARGET_RATIO,
    }
    rows_sorted = sorted(subject_rows)
    return {
        "benchmark": "search",
        "database": scenario.server_version(),
        "cpu_count": os.cpu_count(),
        "load_average_1min_before": round(load_before, 2),
        "server": server_memory(),
        "documents": total,
        "loaders": loaders,
        "visible_to_clerk": visible,
        "timings": {name: round(seconds, 1) for name, seconds in timings.items()} or "reused a kept database",
        "subject_search": {
            **search,
            "queries": len(subject_times),
            "rows_found_p50": rows_sorted[len(rows_sorted) // 2],
            "rows_found_max": rows_sorted[-1],
            "pages_per_search": subject_io,
            "examples": subject_queries[:8],
            "work": "DocumentFilter(q) on document_list(user=clerk): first page of 50 with its count "
            "(core.pagination.CountingPaginator, as the API pages a search), then its prefetches",
        },
        "notation_lookup": {
            **lookup,
            "queries": len(notation_times),
            "rows_found_max": max(notation_found),
            "work": "filter_by_notation('Số …') on visible_documents(user=clerk), rows fetched (one query)",
        },
        "subject_icontains": {
            **subject_baseline,
            "runs": len(subject_scan),
            "work": "subject__icontains=<topic> on document_list(user=clerk): count, then first page of 50",
        },
        "notation_icontains": {
            **notation_baseline,
            "runs": len(notation_scan),
            "work": "notation__icontains=<notation> on document_list(user=clerk), trigram index dropped: "
            "count, then first page of 50",
        },
        "subject_ratio_p95": round(subject_ratio, 1),
        "notation_ratio_p95": round(notation_ratio, 1),
        "target_search_p95_ms": TARGET_SEARCH_P95_MS,
        "target_notation_p95_ms": TARGET_NOTATION_P95_MS,
        "target_ratio": TARGET_RATIO,
        "meets": meets,
        "meets_target": all(meets.values()),
    }


def api_page_icontains(documents: Any, field: str, text: str) -> int:
    rows = documents.filter(**{f"{field}__icontains": text})
    count = rows.count()
    list(rows[:PAGE])
    return count


def table_io() -> dict[str, int]:
    """The documents table's cumulative page reads: from disk (or the file cache)
    and from shared buffers, of its rows and of its indexes (pg_statio_user_tables).
    This session's counts are flushed first: PostgreSQL publishes them at most
    once a second otherwise."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            "SELECT heap_blks_read, heap_blks_hit, idx_blks_read, idx_blks_hit "
            "FROM pg_statio_user_tables WHERE relname = 'registry_document'"
        )
        table_read, table_hit, index_read, index_hit = cursor.fetchone()
    return {"table_read": table_read, "table_hit": table_hit, "index_read": index_read, "index_hit": index_hit}


def per_search(before: dict[str, int], after: dict[str, int], searches: int) -> dict[str, float]:
    """Pages of the documents table and its indexes each search read, on average:
    `_read` came from outside shared buffers, `_hit` from them."""
    return {name: round((after[name] - before[name]) / searches, 1) for name in after}


def server_memory() -> dict[str, Any]:
    """What decides how much of the search is read from disk: the server's shared
    buffers beside the sizes of the documents table and of its indexes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('shared_buffers'), pg_relation_size('registry_document') / 1048576, "
            "pg_indexes_size('registry_document') / 1048576"
        )
        shared_buffers, table_mb, indexes_mb = cursor.fetchone()
    return {"shared_buffers": shared_buffers, "documents_table_mb": table_mb, "documents_indexes_mb": indexes_mb}


def verdict(report: dict[str, Any]) -> str:
    if "skipped" in report:
        return f"search: skipped – {report['skipped']}"
    search, lookup = report["subject_search"], report["notation_lookup"]
    pages = search["pages_per_search"]
    return (
        f"search over {report['documents']} documents: subject p95 {search['p95_ms']} ms "
        f"(target ≤ {TARGET_SEARCH_P95_MS:g}; {pages['table_read']:g} pages of the table read from outside "
        f"{report['server']['shared_buffers']} of shared buffers a search), "
        f"{report['subject_ratio_p95']}× icontains; notation p95 "
        f"{lookup['p95_ms']} ms (target ≤ {TARGET_NOTATION_P95_MS:g}), {report['notation_ratio_p95']}× icontains "
        f"(target ≥ {TARGET_RATIO:g}×) – target {'MET' if report['meets_target'] else 'MISSED'}"
    )


def reachable(url: str) -> str | None:
    """Why PostgreSQL cannot be used, or None."""
    try:
        with psycopg.connect(make_conninfo(url, dbname="postgres"), connect_timeout=5):
            return None
    except psycopg.Error as exc:
        return f"no PostgreSQL at {make_conninfo(url, dbname='postgres', password=None)}: {exc}".strip()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--documents", type=run.positive_int, default=DOCUMENTS, help=f"documents to load (default {DOCUMENTS})"
    )
    parser.add_argument("--queries", type=run.positive_int, default=QUERIES, help=f"timed searches (default {QUERIES})")
    parser.add_argument(
        "--baseline-runs",
        type=run.positive_int,
        default=BASELINE_RUNS,
        help=f"timed icontains scans of each kind (default {BASELINE_RUNS})",
    )
    parser.add_argument(
        "--loaders", type=run.positive_int, default=LOADERS, help=f"processes writing with COPY (default {LOADERS})"
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="measure again on the database a run with --keep left (no loading)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("BENCH_SEARCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    problem = reachable(url)
    if problem is not None:
        report: dict[str, Any] = {"benchmark": "search", "skipped": problem, "meets_target": False}
    else:
        report = run.in_bench_database(
            url,
            lambda: measure(args.documents, args.queries, args.baseline_runs, args.loaders, args.reuse),
            keep=args.keep,
            fresh=not args.reuse,
        )
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(verdict(report), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
