"""gunicorn settings, read from the environment: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Every machine runs the same file; what differs between them (address, number
of workers, the proxy in front) comes from variables, so nothing here is a
secret or a host name.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from exc


# Where to listen: one address or several, comma-separated (host:port or unix:/path).
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address.strip()]

# Requests are mostly database-bound, so the usual 2 × cores + 1 sync workers;
# WEB_CONCURRENCY is the name platforms commonly set.
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
threads = _int("GUNICORN_THREADS", 1)

# PDF rendering and register books of 100,000 rows take seconds; a worker
# silent for longer than this is stuck and is replaced.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycling workers now and then bounds the memory a long-lived process gathers.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# The proxies whose X-Forwarded-Proto (and -For) gunicorn believes: then a
# request that reached the proxy over HTTPS is HTTPS to Django as well.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to standard output and error, for the service manager to keep;
# GUNICORN_ACCESS_LOG="" turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# Worker heartbeats in memory, not on a disk that may be slow or read-only
# (only gunicorn's own liveness files go there).
_shared_memory = "/dev/shm"  # noqa: S108
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (
    _shared_memory if os.path.isdir(_shared_memory) else None
)
