"""The signed-in user of a request, typed as the project's User.

Pages run behind login_required and the API behind IsAuthenticated, so the
request's user is a recipients.User by the time a view reads it."""

from django.http import HttpRequest
from rest_framework.request import Request

from recipients.models import User


def request_user(request: HttpRequest | Request) -> User:
    return request.user  # type: ignore[return-value]
