"""`make loadtest`: drives the app with Locust on loopback and prints what it measured.

1. A throw-away database: SQLite in its own folder (var/loadtest, or
   --var-dir), or the PostgreSQL database named by LOADTEST_DATABASE_URL, which
   is dropped and created again and must therefore have `loadtest` in its name.
2. migrate, seed_demo with a known password, loadtest/seed.py (one account
   per simulated person, a few hundred documents), all with loadtest/settings.py:
   production settings with a cheap password hash.
3. gunicorn (config.wsgi, --workers, DEBUG off, DOCREG_HTTPS=0, a random
   SECRET_KEY) on 127.0.0.1 and a free port; waits until it answers.
4. Locust headless (loadtest/locustfile.py): --users people arriving --spawn-rate
   per second, for --duration.
5. Prints throughput, p50/p99 per request kind and overall, and the errors;
   stops gunicorn whatever happened; exits 1 if any request failed.

    python loadtest/run.py [--users 50] [--duration 60s] [--spawn-rate 10] [--workers 4] [--threads 4]
"""

import argparse
import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PASSWORD = "loadtest-Mat-khau-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def step(message: str) -> None:
    print(f"loadtest: {message}", file=sys.stderr, flush=True)


def run(args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("a") as out:
        # Our own Python with fixed arguments (the commands of the steps above).
        result = subprocess.run(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    if result.returncode != 0:
        sys.stderr.write(log.read_text()[-4000:])
        raise SystemExit(f"loadtest: {' '.join(args[1:3])} failed (exit {result.returncode}); log in {log}")


def fresh_postgres(url: str, env: dict[str, str], log: Path) -> None:
    name = urlsplit(url).path.lstrip("/")
    if "loadtest" not in name:
        raise SystemExit(f"loadtest: LOADTEST_DATABASE_URL must name a database with 'loadtest' in it, not {name!r}")
    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    script = (
        "import psycopg, sys\n"
        "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
        "    c.execute(f'DROP DATABASE IF EXISTS \"{sys.argv[2]}\" WITH (FORCE)')\n"
        "    c.execute(f'CREATE DATABASE \"{sys.argv[2]}\"')\n"
    )
    run([PYTHON, "-c", script, admin_url, name], env, log)


def wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.stderr.write(log.read_text()[-4000:])
            raise SystemExit(f"loadtest: gunicorn exited with {server.returncode}; log in {log}")
        try:
            urllib.request.urlopen(url + "/api/v1/me/", timeout=2)  # noqa: S310 (our own loopback URL)
            return
        except urllib.error.HTTPError:
            return  # 401: it answers
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"loadtest: gunicorn did not answer within {timeout:.0f} s; log in {log}")


def stop(server: subprocess.Popen[bytes] | None) -> None:
    if server is None or server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _ms(value: str) -> str:
    return "-" if value in ("", "N/A") else f"{float(value):.0f}"


def report(prefix: Path) -> int:
    """Prints the figures from Locust's CSV files; returns the number of errors."""
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as file:
        rows = list(csv.DictReader(file))
    exceptions_file = prefix.parent / f"{prefix.name}_exceptions.csv"
    exceptions = list(csv.DictReader(exceptions_file.open())) if exceptions_file.exists() else []
    failures_file = prefix.parent / f"{prefix.name}_failures.csv"
    failures = list(csv.DictReader(failures_file.open())) if failures_file.exists() else []
    width = max(len(row["Name"]) for row in rows) + 2
    print(f"\n{'request':<{width}}{'count':>8}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = "overall" if row["Name"] == "Aggregated" else row["Name"]
        if row["Name"] == "Aggregated":
            print("-" * (width + 61))
        print(
            f"{name:<{width}}{row['Request Count']:>8}{row['Failure Count']:>8}{float(row['Requests/s']):>9.1f}"
            f"{_ms(row['50%']):>9}{_ms(row['99%']):>9}{_ms(row['Max Response Time']):>9}"
        )
    overall = next(row for row in rows if row["Name"] == "Aggregated")
    errors = int(overall["Failure Count"]) + sum(int(e.get("Count", 1)) for e in exceptions)
    print(
        f"\nthroughput {float(overall['Requests/s']):.1f} req/s, p50 {_ms(overall['50%'])} ms, "
        f"p99 {_ms(overall['99%'])} ms, errors {errors}"
    )
    for failure in failures:
        print(f"  failed {failure['Occurrences']}× {failure['Method']} {failure['Name']}: {failure['Error']}")
    for exception in exceptions:
        print(f"  exception {exception.get('Count', '?')}×: {exception.get('Message', '')}")
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", default="60s", help="Locust's --run-time, e.g. 60s, 2m")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--documents", type=int, default=300, help="documents seeded besides the demo ones")
    parser.add_argument("--var-dir", type=Path, default=ROOT / "var" / "loadtest")
    args = parser.parse_args()

    var_dir: Path = args.var_dir.resolve()
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    log = var_dir / "setup.log"
    database_url = os.environ.get("LOADTEST_DATABASE_URL") or f"sqlite:///{var_dir / 'loadtest.sqlite3'}"
    env = {
        **os.environ,
        "DOCREG_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(var_dir / "media"),
        "DEBUG": "0",
        "DOCREG_HTTPS": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "LOADTEST_ACCOUNTS": str(var_dir / "accounts.json"),
        "LOADTEST_PASSWORD": PASSWORD,
        # Production settings but for a cheap password hash (see the module).
        "DJANGO_SETTINGS_MODULE": "loadtest.settings",
    }
    vendor = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    if vendor == "PostgreSQL":
        fresh_postgres(database_url, env, log)
    step(f"preparing a {vendor} database in {var_dir if vendor == 'SQLite' else urlsplit(database_url).path[1:]}")
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env, log)
    run([PYTHON, "manage.py", "seed_demo", "--password", PASSWORD], env, log)
    run(
        [
            *(PYTHON, "loadtest/seed.py", "--accounts", env["LOADTEST_ACCOUNTS"], "--password", PASSWORD),
            *("--per-role", str(args.users), "--documents", str(args.documents)),
        ],
        env,
        log,
    )

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = var_dir / "gunicorn.log"
    server: subprocess.Popen[bytes] | None = None

    def interrupted(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, interrupted)
    try:
        step(f"starting gunicorn ({args.workers} workers × {args.threads} threads) on {url}")
        with server_log.open("w") as out:
            server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
                [
                    *(str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"),
                    *("--workers", str(args.workers), "--threads", str(args.threads), "--timeout", "60"),
                    # Simulated people pause up to 2 s between requests; a server closing
                    # their idle connection meanwhile would race their next request.
                    *("--keep-alive", "75"),
                    *("--access-logfile", "-", "--error-logfile", "-"),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped as one
            )
        wait_until_up(url, server, server_log)
        step(f"{args.users} users (spawning {args.spawn_rate:g}/s) for {args.duration}")
        prefix = var_dir / "locust"
        with (var_dir / "locust.log").open("w") as out:
            subprocess.run(  # noqa: S603 (our own locust, fixed arguments)
                [
                    *(str(BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless"),
                    *("--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", args.duration),
                    *("--host", url, "--only-summary", "--csv", str(prefix), "--stop-timeout", "10"),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            )
        errors = report(prefix)
    finally:
        stop(server)
    step(f"gunicorn stopped; its log and Locust's CSV files are in {var_dir}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
