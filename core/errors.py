"""Errors raised by services when a rule is broken.

Views turn them into 4xx responses (see core.api.exception_handler); the
message is written for the person at the keyboard.
"""

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A request broke a rule of the domain: HTTP 400."""

    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code or self.default_code
        self.field = field
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.message, "code": self.code}
        if self.field:
            body["field"] = self.field
        body.update(self.details)
        return body


class PermissionDenied(DomainError):
    status_code = 403
    default_code = "permission_denied"


class NotFound(DomainError):
    status_code = 404
    default_code = "not_found"


class Conflict(DomainError):
    """The request is valid but clashes with the current state: HTTP 409."""

    status_code = 409
    default_code = "conflict"
