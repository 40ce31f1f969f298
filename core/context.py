"""Per-request facts (request id, client address) that the audit trail records
without every service having to be handed the request."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None


# RequestContext is frozen, so sharing one default instance is safe.
_current: ContextVar[RequestContext] = ContextVar(
    "docreg_request_context",
    default=RequestContext(),  # noqa: B039
)


def current_request_context() -> RequestContext:
    return _current.get()


def set_request_context(context: RequestContext) -> object:
    return _current.set(context)


def reset_request_context(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
