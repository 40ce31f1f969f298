"""`POST /api/v1/auth/token/`: DRF's token login (same request, answer and
errors as rest_framework.authtoken's obtain_auth_token) under the login limits
of core.ratelimit."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer, error_responses
from core.ratelimit import LoginLocked, login_authenticate


# Named as DRF's own serializer, so the schema keeps its AuthToken and
# AuthTokenRequest components.
class AuthTokenSerializer(serializers.Serializer[Any]):
    """A username and password in; the user's API token out."""

    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    token = serializers.CharField(read_only=True)


class TokenLoginView(APIView):
    # Signing in needs no credentials, and a session cookie must not make it demand a CSRF token.
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="v1_auth_token_create",
        summary="Sign in: a token for the Authorization header",
        request=AuthTokenSerializer,
        responses={
            200: AuthTokenSerializer,
            **error_responses(400),
            429: OpenApiResponse(
                ErrorSerializer,
                description=(
                    'Too many failed logins for this username or from this address (code "too_many_login_attempts"); '
                    "refused, even with the right password, for the seconds in Retry-After"
                ),
            ),
        },
        parameters=[
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                location=OpenApiParameter.HEADER,
                response=[429],
                description="Seconds until the login is allowed again",
            )
        ],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = AuthTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = login_authenticate(
            request=request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            # DRF's own message, which its catalogs already translate.
            raise ValidationError({"non_field_errors": [_("Unable to log in with provided credentials.")]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if isinstance(exc, LoginLocked):
            response["Retry-After"] = str(exc.retry_after)
        return response
