"""Login rate limiting, shared by every way of signing in (the API token, the
login page, the admin login).

Failed logins are counted in Django's default cache — Redis in production, so
every gunicorn worker on every machine sees the same counts — per username and
client address, and per client address alone. Once either count reaches its
limit (settings.DOCREG_LOGIN_MAX_FAILURES, DOCREG_LOGIN_MAX_FAILURES_PER_ADDRESS)
further attempts are refused without looking at the password until the window
(DOCREG_LOGIN_WINDOW seconds, started by the first attempt) is over: the right
password then does not help, so guessing cannot go on.

Each attempt takes its place in the counts before the password is checked, and
gives it back if it is refused or succeeds: a burst of parallel requests (each
spends a while hashing) cannot slip more guesses past the limit than it allows.

Should the cache fail (Redis down), the limits hold on what the audit trail
recorded: the `auth.login_failed` events of the last window from the client's
address (the address itself, not its IPv6 /64), for the username and in all.
Guessing cannot go on through an outage, and nobody is locked out by it. That
count is a sliding window, and a success does not clear it; the error is logged.
"""

import hashlib
import ipaddress
import logging
import math
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from core.audit import audit_record
from core.context import current_request_context
from core.errors import DomainError
from core.models import AuditEvent

if TYPE_CHECKING:
    from recipients.models import User

logger = logging.getLogger("docreg.auth")

# The longest username recorded in the audit trail: the model's own limit; a
# longer one cannot exist and is only noise.
_AUDITED_USERNAME_LENGTH = 150


class LoginLocked(DomainError):
    """Too many failed logins: refused until `retry_after` seconds have passed."""

    status_code = 429
    default_code = "too_many_login_attempts"

    def __init__(self, *, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        message = ngettext(
            "Too many failed login attempts. Try again in %(minutes)d minute.",
            "Too many failed login attempts. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Counter:
    key: str
    limit: int
    scope: str  # what the audit trail calls it: "username" or "address"

    @property
    def start_key(self) -> str:
        return f"{self.key}:start"


def client_bucket(address: str | None) -> str:
    """The address failures are counted under. An IPv6 client usually holds a
    whole /64 and could step through it, so its /64 is one bucket; an IPv4
    address written as IPv6 (::ffff:a.b.c.d) counts as the IPv4 address."""
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return str(parsed)


def _digest(*parts: str) -> str:
    # Hashed so any username makes a short key every cache backend accepts.
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _counters(username: str) -> tuple[_Counter, _Counter]:
    bucket = client_bucket(current_request_context().ip_address)
    # Case-folded: the limit is about guessing at one account, whatever case it is typed in.
    user = _Counter(
        key=f"docreg:login:v1:user:{_digest(username.casefold(), bucket)}",
        limit=settings.DOCREG_LOGIN_MAX_FAILURES,
        scope="username",
    )
    address = _Counter(
        key=f"docreg:login:v1:address:{_digest(bucket)}",
        limit=settings.DOCREG_LOGIN_MAX_FAILURES_PER_ADDRESS,
        scope="address",
    )
    return user, address


def _take(counter: _Counter, window: int) -> int:
    """Counts one attempt; the count's window starts with its first attempt."""
    for _attempt in range(3):
        cache.add(counter.key, 0, timeout=window)
        try:
            count = cache.incr(counter.key)
        except ValueError:
            # The window ended between add and incr: start the next one.
            continue
        if count == 1:
            # This attempt opens the window. Setting the expiry again also
            # mends a count that Redis re-created without one, when the old
            # count expired between the cache's existence check and its INCR.
            cache.touch(counter.key, window)
            cache.set(counter.start_key, time.time(), timeout=window)
        return count
    cache.set(counter.key, 1, timeout=window)
    cache.set(counter.start_key, time.time(), timeout=window)
    return 1


def _give_back(counter: _Counter) -> None:
    # ValueError: the window is already over (or a success cleared it), nothing to give back.
    with suppress(ValueError):
        if cache.decr(counter.key) < 0:
            # The count expired meanwhile and was re-created below zero, without expiry.
            cache.delete(counter.key)


def _retry_after(counter: _Counter, window: int) -> int:
    started = cache.get(counter.start_key)
    if started is None:
        return window
    return max(1, math.ceil(float(started) + window - time.time()))


def _count(counters: tuple[_Counter, _Counter], window: int) -> list[int] | None:
    """Counts the attempt; None when the cache fails (the error is logged for
    whoever runs the servers): the audit trail counts instead (_Recorded)."""
    try:
        return [_take(counter, window) for counter in counters]
    except Exception:  # whatever the cache backend raises
        logger.exception("login limits count from the audit trail: the cache failed to count a login attempt")
        return None


class _Recorded:
    """The failures the audit trail recorded in the last window from the
    client's address: for the username, and in all (the counters' order)."""

    def __init__(self, username: str, window: int) -> None:
        self.window = window
        since = timezone.now() - timedelta(seconds=window)
        address = current_request_context().ip_address
        # ip_address=None finds the failures of clients of no known address, as the cache's "unknown" bucket.
        by_address = AuditEvent.objects.filter(action="auth.login_failed", occurred_at__gt=since, ip_address=address)
        self.failures: tuple[QuerySet[AuditEvent], QuerySet[AuditEvent]] = (
            by_address.filter(data__username__iexact=username[:_AUDITED_USERNAME_LENGTH]),
            by_address,
        )

    def counts(self) -> list[int]:
        """This attempt's place in each count, as _take gives it."""
        return [failures.count() + 1 for failures in self.failures]

    def retry_after(self, index: int) -> int:
        """Seconds until the oldest failure of the count leaves the window."""
        oldest = self.failures[index].aggregate(oldest=Min("occurred_at"))["oldest"]
        if oldest is None:
            return self.window
        return max(1, math.ceil((oldest + timedelta(seconds=self.window) - timezone.now()).total_seconds()))


def _forget_success(user_counter: _Counter, address_counter: _Counter) -> None:
    try:
        cache.delete_many([user_counter.key, user_counter.start_key])
        _give_back(address_counter)
    except Exception:  # the login succeeded; a stale count only expires later
        logger.exception("the cache failed to clear the failed-login count after a login")


def login_authenticate(*, request: HttpRequest | None, username: str, password: str) -> "User | None":
    """Checks a username and password within the login limits.

    Returns the user, or None when the credentials are wrong (a failure,
    counted and recorded in the audit trail). Raises LoginLocked, without
    checking the password, while the username from this address, or the
    address, has used up its failures. A success clears the username's count
    from this address."""
    window = settings.DOCREG_LOGIN_WINDOW
    counters = _counters(username)
    counts = _count(counters, window)
    recorded = None
    if counts is None:
        recorded = _Recorded(username, window)
        counts = recorded.counts()

    def retry_after(index: int) -> int:
        return _retry_after(counters[index], window) if recorded is None else recorded.retry_after(index)

    exceeded = [index for index, counter in enumerate(counters) if counts[index] > counter.limit]
    if exceeded:
        if recorded is None:
            for counter in counters:
                _give_back(counter)
        wait = max(retry_after(index) for index in exceeded)
        logger.warning(
            "login refused: too many failures (%s) for username %r from %s; retry after %d s",
            ", ".join(counters[index].scope for index in exceeded),
            username[:_AUDITED_USERNAME_LENGTH],
            current_request_context().ip_address,
            wait,
        )
        raise LoginLocked(retry_after=wait)

    user = authenticate(request, username=username, password=password)
    if user is not None:
        if recorded is None:
            _forget_success(*counters)
        return user

    audited_username = username[:_AUDITED_USERNAME_LENGTH]
    with transaction.atomic():
        audit_record(actor=None, action="auth.login_failed", data={"username": audited_username})
        for index, counter in enumerate(counters):
            if counts[index] == counter.limit:
                audit_record(
                    actor=None,
                    action="auth.login_locked",
                    data={"username": audited_username, "scope": counter.scope, "retry_after": retry_after(index)},
                )
    return None
