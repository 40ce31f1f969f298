"""`POST /api/v1/intake/`: read a document's text into the CONTRACT's intake object.

The text is only read, nothing is stored, so any signed-in user may use it (the project's
default IsAuthenticated). The response serializers document the intake format in the schema;
the view returns read_document's object as it is, so the two cannot drift apart silently
(the tests compare the schema's properties with the object's keys).
"""

from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses
from registry.intake import BEFORE, BY, DURING, read_document
from registry.intake.lines import CONFIDENTIALITY_MARKS, URGENCY_MARKS
from registry.notation import PARTY, STATE

MAX_TEXT_LENGTH = 1_000_000
MAX_SOURCE_LENGTH = 255


class _TextField(serializers.CharField):
    """A CharField that takes only JSON strings: DRF's would turn 12 into "12"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# Inline enums: spectacular would name a component enum after the field ("SystemEnum"), and
# another app's field of the same name with other values would make that name collide.
@extend_schema_field({"type": "string", "enum": [PARTY, STATE, None], "nullable": True})
class _SystemField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": [BEFORE, BY, DURING]})
class _DeadlineKindField(serializers.CharField):
    pass


def _marks(marks: dict[str, str]) -> str:
    return ", ".join(f"“{mark}”" for mark in dict.fromkeys(marks.values()))


class IntakeTextSerializer(serializers.Serializer[Any]):
    text = _TextField(
        max_length=MAX_TEXT_LENGTH,
        trim_whitespace=False,
        help_text=gettext_lazy("The document's text, as extracted from its file (UTF-8)."),
    )
    # DRF's metaclass takes declared fields out of the class, so "source" (and "parent" below)
    # do not shadow Field's attributes at run time; only the type stubs see them do.
    source = serializers.CharField(  # type: ignore[assignment]
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=MAX_SOURCE_LENGTH,
        help_text=gettext_lazy("Where the text came from, such as a file name; returned as given."),
    )

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("The text is empty."))
        return value


class IntakeIssuerSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(allow_null=True, help_text=gettext_lazy("The issuing body as printed."))
    parent = serializers.CharField(  # type: ignore[assignment]  # see IntakeTextSerializer.source
        allow_null=True, help_text=gettext_lazy("The body printed above it, if any.")
    )


class IntakeSignerSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_null=True, help_text=gettext_lazy("The line under the authority chain."))
    authority = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy("The authority lines joined with “ / ”: “TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH”."),
    )


class IntakeReferenceSerializer(serializers.Serializer[Any]):
    notation = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    issuer = serializers.CharField(allow_null=True, help_text=gettext_lazy("As written after “của”."))


class IntakeDeadlineSerializer(serializers.Serializer[Any]):
    date = serializers.DateField(help_text=gettext_lazy("As stated; for “during”, the month's last day."))
    kind = _DeadlineKindField()
    text = serializers.CharField()


class IntakeSerializer(serializers.Serializer[Any]):
    source = serializers.CharField(allow_null=True)  # type: ignore[assignment]  # see IntakeTextSerializer.source
    system = _SystemField(allow_null=True)
    issuer = IntakeIssuerSerializer()
    number = serializers.IntegerField(allow_null=True)
    symbol = serializers.CharField(allow_null=True)
    notation = serializers.CharField(allow_null=True)
    doc_type = serializers.CharField(allow_null=True, help_text=gettext_lazy("The type code: CV for công văn."))
    # Plain strings: documents already have "urgency" and "confidentiality" enums of other values.
    urgency = serializers.CharField(
        allow_null=True,
        help_text=format_lazy(
            gettext_lazy("A printed urgency mark: {marks}; null without one."), marks=_marks(URGENCY_MARKS)
        ),
    )
    confidentiality = serializers.CharField(
        allow_null=True,
        help_text=format_lazy(
            gettext_lazy("A printed confidentiality mark: {marks}; null without one."),
            marks=_marks(CONFIDENTIALITY_MARKS),
        ),
    )
    place = serializers.CharField(allow_null=True)
    date = serializers.DateField(allow_null=True)
    subject = serializers.CharField(allow_null=True)
    addressees = serializers.ListField(child=serializers.CharField())
    distribution = serializers.ListField(child=serializers.CharField())
    signer = IntakeSignerSerializer()
    references = IntakeReferenceSerializer(many=True)
    deadlines = IntakeDeadlineSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


class IntakeView(APIView):
    """Reads a document's text: header, addressees, distribution, signer, references, deadlines."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="intake_read",
        request=IntakeTextSerializer,
        responses={200: IntakeSerializer, **error_responses(400, 401)},
        examples=[
            OpenApiExample(
                "A Party plan",
                request_only=True,
                value={"text": "TỈNH ỦY TIỀN GIANG\nSố 95-KH/TU\n...", "source": "95-KH-TU.txt"},
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = IntakeTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return Response(read_document(data["text"], source=data.get("source")))
