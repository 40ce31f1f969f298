"""`POST /api/v1/intake/suggestions/`: read a document's text (as `POST /api/v1/intake/`) and
suggest what it names: the issuer and the addressees in the directory, the cited documents the
caller may see, and the reporting obligations its deadlines make (registry.intake.matching).

Nothing is stored, so any signed-in user may ask; the cited documents are only those the
caller may see (registry.selectors.visible_documents). The serializers below document the
answer; the view returns IntakeSuggestions.as_dict() as it is (the tests compare the two).
"""

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses
from recipients.models import User
from registry.api_intake import IntakeDeadlineSerializer, IntakeSerializer, IntakeTextSerializer
from registry.intake import read_document
from registry.intake.matching import ARCHIVE, AS_ABOVE, BODY, GROUP, ORGANIZATION, intake_suggestions


# Inline enums, as in registry.api_intake: a named component enum would collide with others.
@extend_schema_field({"type": "string", "enum": [ORGANIZATION, GROUP]})
class _CandidateKindField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": [BODY, AS_ABOVE, ARCHIVE]})
class _EntryKindField(serializers.CharField):
    pass


class IntakeCandidateSerializer(serializers.Serializer[Any]):
    kind = _CandidateKindField(help_text=gettext_lazy("An organization or a recipient group."))
    id = serializers.IntegerField(help_text=gettext_lazy("Its id under /api/v1/organizations/ or /api/v1/groups/."))
    name = serializers.CharField()
    context = serializers.CharField(  # type: ignore[assignment]  # see registry.api_intake (source)
        allow_null=True,
        help_text=gettext_lazy("The organization's parent, or the group's owner."),
    )
    score = serializers.FloatField(help_text=gettext_lazy("How well it matches, from 0 to 1."))
    why = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("What the score rests on."))


class IntakeIssuerSuggestionSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(allow_null=True, help_text=gettext_lazy("The issuer as printed."))
    parent = serializers.CharField(  # type: ignore[assignment]  # see registry.api_intake
        allow_null=True, help_text=gettext_lazy("The body printed above it.")
    )
    candidates = IntakeCandidateSerializer(many=True, help_text=gettext_lazy("Best first."))
    match = IntakeCandidateSerializer(
        allow_null=True,
        help_text=gettext_lazy(
            "The best candidate when it is good and clearly better than the next; null when the clerk must choose."
        ),
    )


class IntakeEntrySuggestionSerializer(serializers.Serializer[Any]):
    entry = serializers.IntegerField(
        help_text=gettext_lazy(
            "The entry's position in the intake's list; an entry naming several bodies gives several suggestions."
        )
    )
    text = serializers.CharField(help_text=gettext_lazy("The part of the entry naming one body."))
    kind = _EntryKindField(
        help_text=gettext_lazy("“as_above” for “Như trên”, “archive” for “Lưu: …”: these have no candidates.")
    )
    candidates = IntakeCandidateSerializer(many=True)
    match = IntakeCandidateSerializer(allow_null=True)


class IntakeDocumentLinkSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=gettext_lazy("Its id under /api/v1/documents/."))
    notation = serializers.CharField()
    subject = serializers.CharField()
    issuer_name = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)


class IntakeReferenceSuggestionSerializer(serializers.Serializer[Any]):
    notation = serializers.CharField(help_text=gettext_lazy("As cited."))
    canonical = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("As the registry writes it; null when it does not read as a notation.")
    )
    date = serializers.DateField(allow_null=True)
    issuer = serializers.CharField(allow_null=True)
    documents = IntakeDocumentLinkSerializer(
        many=True, help_text=gettext_lazy("Registered documents of that notation you may see; empty for none.")
    )


class IntakeOrganizationRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class IntakeObligationProposalSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    due_on = serializers.DateField(
        help_text=gettext_lazy("The last day that is on time: the day before a “before” deadline, else its date.")
    )
    deadline = IntakeDeadlineSerializer()
    organizations = IntakeOrganizationRefSerializer(
        many=True,
        help_text=gettext_lazy(
            "The addressees matched to organizations (the distribution's when there are no addressees), "
            "the issuer left out."
        ),
    )


class IntakeSuggestionsSerializer(serializers.Serializer[Any]):
    issuer = IntakeIssuerSuggestionSerializer()
    addressees = IntakeEntrySuggestionSerializer(many=True)
    distribution = IntakeEntrySuggestionSerializer(many=True)
    references = IntakeReferenceSuggestionSerializer(many=True)
    obligations = IntakeObligationProposalSerializer(many=True)


class IntakeWithSuggestionsSerializer(serializers.Serializer[Any]):
    intake = IntakeSerializer()
    suggestions = IntakeSuggestionsSerializer()


class IntakeSuggestionsView(APIView):
    """Reads a document's text and suggests the directory's bodies, the cited records and the obligations."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="intake_suggestions",
        request=IntakeTextSerializer,
        responses={200: IntakeWithSuggestionsSerializer, **error_responses(400, 401)},
        examples=[
            OpenApiExample(
                "A State letter",
                request_only=True,
                value={
                    "text": "UBND TỈNH KIÊN GIANG\nSỞ THÔNG TIN VÀ TRUYỀN THÔNG\nSố: 1163/STTTT-TTBCBC\n...",
                    "source": "1163-STTTT.txt",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = IntakeTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        intake = read_document(data["text"], source=data.get("source"))
        user: User = request.user  # type: ignore[assignment]
        return Response({"intake": intake, "suggestions": intake_suggestions(intake, user=user).as_dict()})
