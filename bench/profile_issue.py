"""Where one `document_issue` spends its time, and how much of it the counter
row stays locked: every statement Django sends (BEGIN and COMMIT included),
its duration and the Python time before it, with the statements from the
counter's UPDATE … RETURNING to COMMIT marked as locked.

Usage: python bench/profile_issue.py [--issues 50] [--keep]

One client, no contention: this is the locked window's floor, which caps the
throughput of any number of clients drawing from one counter at about
1 / window. Figures are medians over `--issues` issues after a warm-up; the
query logging that records them adds a little Python time to every statement.
Uses (and drops) the same database as run.py.
"""

import argparse
import logging
import os
import re
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import run

WARM_UP = 20


@dataclass(frozen=True)
class Statement:
    sql: str
    started: float
    finished: float


class _Recorder(logging.Handler):
    """Collects the statements Django's query logging reports, timed on the monotonic clock."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[Statement] = []

    def emit(self, record: logging.LogRecord) -> None:
        finished = time.monotonic()
        duration: float = getattr(record, "duration", 0.0)
        self.statements.append(
            Statement(sql=getattr(record, "sql", ""), started=finished - duration, finished=finished)
        )


@dataclass(frozen=True)
class Issue:
    """One issue's statements between the call and its return."""

    called: float
    returned: float
    statements: list[Statement]

    def counter_index(self, table: str) -> int:
        """Position of the first statement that updates the counter table: the lock is taken there."""
        updates_counter = re.compile(rf'\bUPDATE\s+"?{re.escape(table)}"?\s', re.IGNORECASE)
        return next(i for i, s in enumerate(self.statements) if updates_counter.search(s.sql))


def _shape(sql: str) -> str:
    """The statement with its literals (Django binds parameters on the client) replaced by "?"."""
    return re.sub(r"\b\d+\b", "?", re.sub(r"'(?:[^']|'')*'(?:::\w+)?", "?", sql))


def _short(sql: str, width: int = 110) -> str:
    """The statement's shape with its column lists elided, cut to `width`."""
    sql = " ".join(_shape(sql).split())
    if sql.startswith("SELECT") and " FROM " in sql:
        sql = "SELECT … " + sql[sql.index(" FROM ") + 1 :]
    if sql.startswith("UPDATE") and " SET " in sql and " WHERE " in sql and "RETURNING" not in sql:
        sql = sql[: sql.index(" SET ") + 5] + "… " + sql[sql.index(" WHERE ") + 1 :]
    if sql.startswith("INSERT") and ") VALUES" in sql:
        sql = sql[: sql.index(" (") + 1] + "(…) VALUES …"
    return sql if len(sql) <= width else sql[: width - 1] + "…"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:6.2f}"


def _locked(issue: Issue, table: str) -> tuple[float, float]:
    """The issue's locked window (counter UPDATE start to COMMIT end) and the SQL time within it."""
    locked = issue.statements[issue.counter_index(table) :]
    return locked[-1].finished - locked[0].started, sum(s.finished - s.started for s in locked)


def report(issues: Sequence[Issue], table: str) -> str:
    first = issues[0]
    shapes = [[_shape(s.sql) for s in issue.statements] for issue in issues]
    if any(shape != shapes[0] for shape in shapes):
        raise SystemExit("the issues did not all send the same statements; cannot line them up")
    lock = first.counter_index(table)
    lines = [
        f"document_issue, median of {len(issues)} issues after {WARM_UP} warm-up, one client:",
        f"{len(first.statements)} statements per issue ({len(first.statements) - 2} besides BEGIN and COMMIT; "
        "psycopg sends BEGIN just before the first statement, timed with it)",
        "",
        "  python    sql  locked  statement",
    ]
    for position, statement in enumerate(first.statements):
        gaps = [
            issue.statements[position].started - (issue.statements[position - 1].finished if position else issue.called)
            for issue in issues
        ]
        durations = [issue.statements[position].finished - issue.statements[position].started for issue in issues]
        marker = "  yes " if position >= lock else "      "
        lines.append(
            f"{_ms(statistics.median(gaps))} {_ms(statistics.median(durations))} {marker} {_short(statement.sql)}"
        )
    total = statistics.median(issue.returned - issue.called for issue in issues)
    before = statistics.median(issue.statements[issue.counter_index(table)].started - issue.called for issue in issues)
    windows = [_locked(issue, table) for issue in issues]
    window = statistics.median(w for w, _ in windows)
    sql_time = statistics.median(q for _, q in windows)
    python_time = statistics.median(w - q for w, q in windows)
    lines += [
        "",
        f"whole call {_ms(total).strip()} ms, of which {_ms(before).strip()} ms before the counter UPDATE",
        f"locked window {_ms(window).strip()} ms ({len(first.statements) - lock} statements): "
        f"SQL {_ms(sql_time).strip()} ms, Python between them {_ms(python_time).strip()} ms",
        f"one counter serializes issues: at most ≈ {1 / window:.0f} documents/s however many clients",
    ]
    return "\n".join(lines)


def profile(issues: int) -> str:
    import scenario
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from recipients.models import User
    from registry.models import Document
    from registry.services import document_issue

    world = scenario.create_world()
    fresh = scenario.fresh_register(world.organization_id, "Sổ đi – hồ sơ thời gian")
    ids = scenario.copy_drafts(world, fresh.register, WARM_UP + issues)
    clerk = User.objects.select_related("organization").get(pk=world.clerk_id)
    ContentType.objects.get_for_model(Document)
    for pk in ids[:WARM_UP]:
        document_issue(document=Document(pk=pk), actor=clerk)

    recorder = _Recorder()
    logger = logging.getLogger("django.db.backends")
    logger.addHandler(recorder)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    recorded = []
    for pk in ids[WARM_UP:]:
        recorder.statements = []
        with CaptureQueriesContext(connection):
            called = time.monotonic()
            document_issue(document=Document(pk=pk), actor=clerk)
            recorded.append(Issue(called=called, returned=time.monotonic(), statements=recorder.statements))
    logger.removeHandler(recorder)
    scenario.verify_numbers(fresh.sequence_id, WARM_UP + issues)
    connection.close()
    return report(recorded, scenario.SEQUENCE_TABLE)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--issues", type=run.positive_int, default=50, help="issues to time (default 50)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL", run.DEFAULT_DATABASE_URL)
    print(run.in_bench_database(url, lambda: profile(args.issues), keep=args.keep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
