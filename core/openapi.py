"""The schema class of the API (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

Apart from core.api because drf-spectacular's AutoSchema reads DRF's settings
when imported, and those settings name core.api's pagination class.
"""

from typing import Any

from drf_spectacular import openapi

from core.api import error_responses


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the answers DRF and Django give every
    operation that reads a body, so no view has to list them: 413 for a body
    over Django's in-memory limit (core.api.exception_handler), 415 for a body
    of a type the view does not parse (or a body without a type)."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            for code, response in error_responses(413, 415).items():
                responses.setdefault(str(code), self._get_response_for_code(response, str(code), direction=direction))
        return responses
