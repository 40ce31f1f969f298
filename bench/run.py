"""`make bench`: how many documents concurrent clients issue per second on
PostgreSQL through `registry.services.document_issue`, beside the limit
measured in the same run: raw SQL doing the same work (lock the counter row,
increment it, insert the issued document row, commit); then how fast the
compliance API answers for 200 organizations × 500 obligations (compliance.py).
Prints one JSON object on stdout (the issuing figures, and the compliance
figures under "compliance") and a one-line verdict per part on stderr; exits 0
whether or not the targets are met, since it is a measurement.

Then, each in its own process and database: PDF rendering beside LibreOffice
(rendering.py), register-book export (books.py), register import beside
django-import-export (imports.py) and document search over 1,000,000
documents beside icontains scans (search.py); and, without a database, intake
of two-page documents on one core (intake.py); their figures are under their
names. `--only intake` needs no PostgreSQL.

Usage: python bench/run.py [--only issuing|compliance|rendering|books|imports|search|intake]
                           [--clients 8] [--documents 1000] [--rounds 3] [--requests 50] [--keep]

The database named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/docreg_bench) is dropped, created and
migrated, and dropped again at the end unless --keep; its name must contain
"bench" so a mistyped URL cannot wipe real data. Each round measures both
sides, in alternating order, each into a fresh register of N drafts; the
figures are the medians over rounds. After every run the counter's documents
must carry exactly 1..N, or the benchmark fails.

The sibling modules (workers, scenario, compliance) are imported by name: running
bench/run.py puts bench/ first on sys.path, and spawned clients get the
parent's sys.path.
"""

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

import psycopg
import workers
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/docreg_bench"
TARGET_RATIO = 0.5
PARTS = ("issuing", "compliance", "rendering", "books", "imports", "search", "intake")
# Parts that run as their own script, on their own database, and print one JSON object.
SCRIPT_PARTS = ("rendering", "books", "imports", "search", "intake")
# Script parts that use no database: run alone (--only), they need no PostgreSQL either.
DATABASE_FREE_PARTS = ("intake",)
SERVICE_WORK = (
    "registry.services.document_issue(document=..., actor=clerk) per draft, one transaction each: "
    "permission and readiness checks, counter UPDATE ... RETURNING, document UPDATE, audit event INSERT"
)
RAW_SQL_WORK = (
    "plain psycopg, per transaction: SELECT ... FOR UPDATE on the registry_numbersequence row; "
    "UPDATE it SET last_number = last_number + 1 RETURNING; INSERT into registry_document the row the "
    "service leaves (every column, status issued, number, notation); COMMIT"
)


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--clients", type=positive_int, default=8, help="concurrent client processes (default 8)")
    parser.add_argument("--documents", type=positive_int, default=1000, help="documents per run (default 1000)")
    parser.add_argument("--rounds", type=positive_int, default=3, help="runs of each side (default 3)")
    parser.add_argument(
        "--requests", type=positive_int, default=50, help="compliance: timed requests per endpoint (default 50)"
    )
    parser.add_argument("--only", choices=PARTS, help="run one part only (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    return parser.parse_args(argv)


def _maintenance(url: str) -> tuple[str, str]:
    """The bench database's name and a connection string to the server's "postgres" database."""
    name = conninfo_to_dict(url).get("dbname")
    if not isinstance(name, str) or "bench" not in name:
        raise SystemExit(f"refusing to drop and recreate {name!r}: the bench database's name must contain 'bench'")
    return name, make_conninfo(url, dbname="postgres")


def drop_database(url: str) -> None:
    name, maintenance = _maintenance(url)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def create_database(url: str) -> None:
    drop_database(url)
    name, maintenance = _maintenance(url)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    """Points Django at the bench database and migrates it. The environment is
    set before setup so the spawned clients inherit it too; events are logged
    only from WARNING up unless LOG_LEVEL says otherwise, to keep the output clean.
    Garbage is then collected as in a server process (config/garbage.py,
    config/wsgi.py): the loaded application frozen, and what migrating left
    collected, so that measuring starts as in a server that just started."""
    import django
    from django.core.management import call_command

    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    django.setup()
    call_command("migrate", verbosity=0)
    from config import garbage

    garbage.settle()


def in_bench_database[T](url: str, work: Callable[[], T], *, keep: bool = False, fresh: bool = True) -> T:
    """Runs `work` with Django on the bench database at `url`: made anew and
    migrated first (unless not `fresh`: a kept one is reused), dropped after
    unless `keep`."""
    if fresh:
        create_database(url)
    try:
        setup_django(url)
        return work()
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            drop_database(url)


def _wall_time(spans: Sequence[workers.Span]) -> float:
    return max(span.finished for span in spans) - min(span.started for span in spans)


class Bench:
    """The two kinds of run, each into a fresh register so its counter starts at 0."""

    def __init__(self, pool: Pool, clients: int, documents: int) -> None:
        import scenario

        self.scenario = scenario
        self.world = scenario.create_world()
        self.pool = pool
        self.clients = clients
        self.documents = documents

    def service_run(self, label: str) -> float:
        """Seconds for the clients to issue `documents` drafts through the service."""
        fresh = self.scenario.fresh_register(self.world.organization_id, f"Sổ đi – dịch vụ {label}")
        ids = self.scenario.copy_drafts(self.world, fresh.register, self.documents)
        shares = [
            workers.ServiceShare(clerk_id=self.world.clerk_id, document_ids=ids[i :: self.clients])
            for i in range(self.clients)
        ]
        self.scenario.settle()
        seconds = _wall_time(self.pool.map(workers.issue_through_service, shares, chunksize=1))
        self.scenario.verify_numbers(fresh.sequence_id, self.documents)
        return seconds

    def raw_sql_run(self, label: str) -> float:
        """Seconds for the clients to take `documents` numbers and insert their rows with raw SQL."""
        fresh = self.scenario.fresh_register(self.world.organization_id, f"Sổ đi – SQL {label}")
        row, symbol = self.scenario.issued_row(self.world, fresh)
        shares = [
            workers.RawShare(
                sequence_table=self.scenario.SEQUENCE_TABLE,
                document_table=self.scenario.DOCUMENT_TABLE,
                sequence_id=fresh.sequence_id,
                count=self.documents // self.clients + (1 if i < self.documents % self.clients else 0),
                row=row,
                symbol=symbol,
            )
            for i in range(self.clients)
        ]
        self.scenario.settle()
        seconds = _wall_time(self.pool.map(workers.issue_with_raw_sql, shares, chunksize=1))
        self.scenario.verify_numbers(fresh.sequence_id, self.documents)
        return seconds


def measure(args: argparse.Namespace, load_before: float) -> dict[str, Any]:
    """The issuing part: each round runs both sides; the figures are medians over rounds."""
    documents = args.documents
    rounds: list[dict[str, Any]] = []
    service_rates: list[float] = []
    raw_rates: list[float] = []
    context = multiprocessing.get_context("spawn")
    with context.Pool(
        args.clients, initializer=workers.start_client, initargs=(context.Barrier(args.clients),)
    ) as pool:
        bench = Bench(pool, args.clients, documents)
        for number in range(1, args.rounds + 1):
            # Alternating the order keeps a drift (cache, autovacuum, WAL) from favouring one side.
            order = ("service", "raw_sql") if number % 2 else ("raw_sql", "service")
            runs = {"service": bench.service_run, "raw_sql": bench.raw_sql_run}
            seconds = {side: runs[side](str(number)) for side in order}
            service_rates.append(documents / seconds["service"])
            raw_rates.append(documents / seconds["raw_sql"])
            rounds.append(
                {
                    "round": number,
                    "order": list(order),
                    "service_seconds": round(seconds["service"], 3),
                    "service_docs_per_s": round(service_rates[-1], 1),
                    "raw_sql_seconds": round(seconds["raw_sql"], 3),
                    "raw_sql_docs_per_s": round(raw_rates[-1], 1),
                    "ratio": round(service_rates[-1] / raw_rates[-1], 3),
                }
            )
        version = bench.scenario.server_version()

    from django.db import connections

    connections.close_all()
    service, raw_sql = statistics.median(service_rates), statistics.median(raw_rates)
    return {
        "benchmark": "issue_throughput",
        "database": version,
        "cpu_count": os.cpu_count(),
        "load_average_1min_before": round(load_before, 2),
        "clients": args.clients,
        "documents": documents,
        "statistic": f"median of {args.rounds} rounds",
        "service_docs_per_s": round(service, 1),
        "raw_sql_docs_per_s": round(raw_sql, 1),
        "ratio": round(service / raw_sql, 3),
        "target_ratio": TARGET_RATIO,
        "meets_target": service / raw_sql >= TARGET_RATIO,
        "service_work": SERVICE_WORK,
        "raw_sql_work": RAW_SQL_WORK,
        "rounds": rounds,
    }


def run_script_part(name: str) -> dict[str, Any]:
    """Runs bench/<name>.py in its own process (its own Django setup and database) and
    returns the JSON it prints; its verdict line goes straight to stderr."""
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).with_name(f"{name}.py"))],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if completed.returncode != 0:
        return {"error": f"bench/{name}.py exited with {completed.returncode}", "meets_target": False}
    report: dict[str, Any] = json.loads(completed.stdout)
    return report


def measure_parts(args: argparse.Namespace, url: str) -> dict[str, Any]:
    """The issuing figures at the top level, as before the other parts existed, and each
    other part under its name; a part left out by --only is absent."""
    # Other work on the machine competes with the clients for its cores; this says how much there was.
    load_before = os.getloadavg()[0]
    if args.only in SCRIPT_PARTS:
        return {args.only: run_script_part(args.only)}
    setup_django(url)
    report = measure(args, load_before) if args.only in (None, "issuing") else {}
    if args.only in (None, "compliance"):
        import compliance  # imports the models: only once Django is set up

        report["compliance"] = compliance.measure(args.requests)
    if args.only is None:
        for name in SCRIPT_PARTS:
            report[name] = run_script_part(name)
    return report


def verdicts(report: dict[str, Any]) -> list[str]:
    """One line per part that ran, for whoever watches the terminal rather than the JSON."""
    lines = []
    if "service_docs_per_s" in report:
        lines.append(
            f"service {report['service_docs_per_s']} docs/s, raw SQL {report['raw_sql_docs_per_s']} docs/s: "
            f"ratio {report['ratio']} (target ≥ {TARGET_RATIO}) – target {_met(report)}"
        )
    if "compliance" in report:
        part = report["compliance"]
        lines.append(
            f"compliance: worst p95 {part['worst_p95_ms']} ms over {len(part['requests'])} endpoints "
            f"(target ≤ {part['target_p95_ms']:g} ms) – target {_met(part)}"
        )
    for name in SCRIPT_PARTS:
        if name in report:
            part = report[name]
            lines.append(f"{name}: {part.get('error') or 'see its line above'} – targets {_met(part)}")
    return lines


def _met(part: dict[str, Any]) -> str:
    if part.get("skipped"):
        return "SKIPPED"
    return "MET" if part["meets_target"] else "MISSED"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    if args.only in DATABASE_FREE_PARTS:
        report = {args.only: run_script_part(args.only)}
    else:
        create_database(url)
        try:
            report = measure_parts(args, url)
        finally:
            if not args.keep:
                drop_database(url)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    for line in verdicts(report):
        print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
