"""Forms of the outgoing document's pages: the draft, issuing and dispatching.

The forms only parse what the page posts into what the services take
(AddresseeInput, DistributionInput, organizations); the services decide.
Addressees come from the picker (registry.views.recipient_picker), the
fallback multi-select, or free-text lines."""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.forms import PageForm
from core.text import fold
from dispatch.models import Channel
from recipients.models import Organization, RecipientGroup, User
from recipients.selectors import group_members
from registry.models import (
    Confidentiality,
    Direction,
    DistributionKind,
    Document,
    DocumentType,
    NotationSystem,
    Register,
    Urgency,
)
from registry.permissions import is_register_clerk
from registry.selectors import document_type_list, register_list
from registry.services import AddresseeInput, DistributionInput
from registry.services.content import default_distribution
from registry.views.recipient_picker import GROUP, ORGANIZATION, QuietMixin, RecipientsField, token_for, unique_tokens

_LINE_START = re.compile(r"^\s*[-–—•+*]\s*")
_PURPOSE = re.compile(r"(?P<text>.+?)\s*\((?P<purpose>[^()]{1,80})\)")


# --- Lines of text: free-text addressees and the distribution (Nơi nhận) ----------------------


def text_lines(text: str) -> list[str]:
    """Non-empty lines without the leading dash and the trailing “;”, “,” or “.” they are printed with."""
    lines = []
    for raw in (text or "").splitlines():
        line = _LINE_START.sub("", raw).strip().rstrip(";,.").strip()
        if line:
            lines.append(line)
    return lines


def format_lines(lines: Sequence[str]) -> str:
    """“- a;” … “- z.”: how a list of recipients is written on paper."""
    return "\n".join(f"- {line}{'.' if i == len(lines) - 1 else ';'}" for i, line in enumerate(lines))


def printed_distribution(entries: Sequence[DistributionInput]) -> list[str]:
    printed = []
    for entry in entries:
        text = entry.text or ("Như trên" if entry.kind == DistributionKind.AS_ABOVE else "")
        printed.append(f"{text} ({entry.purpose})" if entry.purpose else text)
    return printed


def usual_distribution(system: str, drafting_unit: str = "") -> list[DistributionInput]:
    """The lines the service fills in for a document with addressees: “Như trên”, then the file copy."""
    return default_distribution(Document(system=system, drafting_unit=drafting_unit), has_addressees=True)


def distribution_inputs(
    text: str,
    *,
    system: str,
    drafting_unit: str,
    linked: dict[str, DistributionInput] | None = None,
) -> list[DistributionInput]:
    """The distribution lines as the service takes them. A purpose in brackets at the end of a line
    becomes its purpose; a line printed as an existing entry that names an organization or a group
    keeps that link (`linked`, by folded printed text); the bare file copy line of the prefilled
    list (“Lưu: VT”) gets the drafting unit, as the service's own default would."""
    linked = linked or {}
    bare_file_copy = usual_distribution(system)[-1].text
    entries = []
    for line in text_lines(text):
        known = linked.get(fold(line))
        if known is not None:
            entries.append(known)
            continue
        match = _PURPOSE.fullmatch(line)
        body, purpose = (match.group("text"), match.group("purpose").strip()) if match else (line, "")
        if drafting_unit and not purpose and fold(body) == fold(bare_file_copy):
            body = usual_distribution(system, drafting_unit)[-1].text
        entries.append(DistributionInput(text=body, purpose=purpose))
    return entries


# --- The outgoing draft -----------------------------------------------------------------------


class RegisterChoiceField(forms.ModelChoiceField[Register]):
    def __init__(self, *args: Any, show_owner: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.show_owner = show_owner

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.owner.name}" if self.show_owner else obj.name


class DocumentTypeChoiceField(forms.ModelChoiceField[DocumentType]):
    def __init__(self, *args: Any, system: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.system = system

    def label_from_instance(self, obj: Any) -> str:
        if self.system:
            name, abbreviation = obj.name_for(self.system), obj.abbreviation_for(self.system)
        else:
            names = dict.fromkeys(filter(None, [obj.state_name, obj.party_name]))
            name, abbreviation = " / ".join(names), obj.code
        return f"{name} ({abbreviation})" if abbreviation else name


def writable_registers(user: User, *, include: int | None = None) -> tuple[QuerySet[Register], list[Register]]:
    """Open outgoing registers the user keeps (registry.permissions decides), plus `include` (a
    draft's own register): as a queryset for the form field and as a list."""
    candidates = register_list(user=user).filter(direction=Direction.OUTGOING)
    shown = Q(is_active=True) | Q(pk=include) if include is not None else Q(is_active=True)
    options = [
        register for register in candidates.filter(shown) if register.pk == include or is_register_clerk(user, register)
    ]
    return candidates.filter(pk__in=[register.pk for register in options]), options


class DraftForm(QuietMixin, PageForm):
    register = RegisterChoiceField(
        queryset=Register.objects.none(),
        label=_("Register"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the outgoing registers you keep.")},
    )
    doc_type = DocumentTypeChoiceField(
        queryset=DocumentType.objects.none(),
        to_field_name="code",
        label=_("Document type"),
        error_messages={"required": _("Choose the document type.")},
    )
    subject = forms.CharField(
        label=_("Subject (trích yếu)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("The subject (trích yếu) is required.")},
    )
    body = forms.CharField(label=_("Body"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    signer_name = forms.CharField(label=_("Signer's name"), required=False, max_length=120)
    signer_title = forms.CharField(
        label=_("Signer's title"), required=False, max_length=120, help_text=_("e.g. GIÁM ĐỐC, TRƯỞNG BAN")
    )
    signer_authority = forms.CharField(
        label=_("Signing authority"),
        required=False,
        max_length=255,
        help_text=_("e.g. TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH, or T/M BAN THƯỜNG VỤ; lines joined with “ / ”."),
    )
    drafting_unit = forms.CharField(
        label=_("Drafting unit"),
        required=False,
        max_length=30,
        help_text=_("Abbreviation of the unit that drafted it, e.g. TTBCBC."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"),
        choices=Confidentiality.choices,
        initial=Confidentiality.NORMAL,
        error_messages={"invalid_choice": _("Your clearance does not cover this level of confidentiality.")},
    )
    addressees = forms.Field(required=False)  # replaced per user in __init__
    addressee_lines = forms.CharField(
        label=_("Other addressees (free text)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, for addressees that are not in the directory, e.g. “Thường trực Tỉnh ủy”."),
    )
    distribution = forms.CharField(
        label=_("Distribution (Nơi nhận)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One line each; a purpose in brackets, e.g. “UBND tỉnh (báo cáo)”. “Như trên” stands for the "
            "addressees; the file copy line (Lưu) comes last and gets the drafting unit. Left empty, the "
            "usual lines are filled in."
        ),
    )

    def __init__(self, *args: Any, user: User, document: Document | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.document = document
        registers, self.register_options = writable_registers(user, include=document.register_id if document else None)
        systems = {register.system for register in self.register_options}
        owners = {register.owner_id for register in self.register_options}
        single_system = next(iter(systems)) if len(systems) == 1 else None
        # The system the prefilled distribution is written for.
        self.system = document.system if document else single_system or _organization_system(user)
        register_field: RegisterChoiceField = self.fields["register"]  # type: ignore[assignment]
        register_field.queryset = registers
        register_field.show_owner = len(owners) > 1
        if len(self.register_options) == 1 and not self.is_bound and document is None:
            self.initial.setdefault("register", self.register_options[0].pk)
        types = document_type_list()
        if single_system == NotationSystem.PARTY:
            types = types.filter(~Q(party_name=""))
        elif single_system == NotationSystem.STATE:
            types = types.filter(~Q(state_name=""))
        type_field: DocumentTypeChoiceField = self.fields["doc_type"]  # type: ignore[assignment]
        type_field.queryset = types
        type_field.system = single_system
        confidentiality: forms.ChoiceField = self.fields["confidentiality"]  # type: ignore[assignment]
        confidentiality.choices = [
            (value, label) for value, label in Confidentiality.choices if user.is_cleared_for(value)
        ]
        self.fields["addressees"] = RecipientsField(user=user, label=_("Addressees (Kính gửi)"))
        self.linked_addressees: dict[str, str] = {}
        self.linked_distribution: dict[str, DistributionInput] = {}
        if document is not None:
            self._from_document(document)
        elif not self.is_bound:
            self.initial.setdefault("distribution", format_lines(printed_distribution(usual_distribution(self.system))))

    def _from_document(self, document: Document) -> None:
        """Initial values of a draft, and the links its lines keep when posted back unchanged."""
        tokens, free = [], []
        for line in document.addressees.order_by("position"):
            if line.organization_id or line.group_id:
                token = f"{ORGANIZATION}:{line.organization_id}" if line.organization_id else f"{GROUP}:{line.group_id}"
                tokens.append(token)
                self.linked_addressees[token] = line.text
            else:
                free.append(line.text)
        entries = list(document.distribution.select_related("organization", "group").order_by("position"))
        for entry in entries:
            if entry.organization_id or entry.group_id:
                self.linked_distribution[fold(entry.printed)] = DistributionInput(
                    organization=entry.organization, group=entry.group, text=entry.text, purpose=entry.purpose
                )
        self.initial.update(
            {
                "register": document.register_id,
                "doc_type": document.doc_type.code,
                "addressees": tokens,
                "addressee_lines": "\n".join(free),
                "distribution": format_lines([entry.printed for entry in entries]),
                **{name: getattr(document, name) for name in DRAFT_FIELDS},
            }
        )

    @property
    def addressee_tokens(self) -> list[str]:
        """The chosen organizations and groups, as posted (or as the draft has them)."""
        if self.is_bound:
            return unique_tokens(self.data.getlist(self.add_prefix("addressees")))  # type: ignore[attr-defined]
        return list(self.initial.get("addressees", []))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        register: Register | None = cleaned.get("register")
        system = register.system if register is not None else self.system
        self.addressee_inputs = [
            AddresseeInput(organization=obj, text=self.linked_addressees.get(token_for(obj), ""))
            if isinstance(obj, Organization)
            else AddresseeInput(group=obj, text=self.linked_addressees.get(token_for(obj), ""))
            for obj in cleaned.get("addressees", [])
        ] + [AddresseeInput(text=line) for line in text_lines(cleaned.get("addressee_lines", ""))]
        distribution = cleaned.get("distribution", "")
        self.distribution_inputs: list[DistributionInput] | None = (
            distribution_inputs(
                distribution,
                system=system,
                drafting_unit=cleaned.get("drafting_unit", "").strip(),
                linked=self.linked_distribution,
            )
            if text_lines(distribution)
            else None
        )
        return cleaned

    def fields_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in DRAFT_FIELDS}

    def distribution_for_update(self) -> list[DistributionInput]:
        """An emptied distribution of a draft becomes the usual one, as a new draft's would."""
        if self.distribution_inputs is not None:
            return self.distribution_inputs
        data = self.cleaned_data
        document = Document(system=data["register"].system, drafting_unit=data["drafting_unit"])
        return default_distribution(document, has_addressees=bool(self.addressee_inputs))


def _organization_system(user: User) -> str:
    return user.organization.notation_system if user.organization else NotationSystem.STATE


DRAFT_FIELDS = (
    "subject",
    "body",
    "signer_name",
    "signer_title",
    "signer_authority",
    "drafting_unit",
    "urgency",
    "confidentiality",
)
# Where the services' errors go on the draft form; others go above it.
DRAFT_ERROR_FIELDS = {"register", "doc_type", "addressees", "distribution", *DRAFT_FIELDS}


def add_service_error(form: forms.Form, exc: DomainError, fields: Iterable[str]) -> None:
    """A service's refusal shown next to the field it names (or above the form)."""
    form.add_error(exc.field if exc.field in set(fields) else None, exc.message)


# --- Issue and dispatch ---------------------------------------------------------------------------


class IssueForm(PageForm):
    issued_on = forms.DateField(
        label=_("Date of the document"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Today when left empty."),
    )


class DispatchForm(QuietMixin, PageForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.ELECTRONIC)
    extra = forms.Field(required=False)  # replaced per user in __init__

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["extra"] = RecipientsField(user=user, label=_("Further recipients"))

    @property
    def extra_tokens(self) -> list[str]:
        return unique_tokens(self.data.getlist("extra")) if self.is_bound else []  # type: ignore[attr-defined]

    def extra_organizations(self) -> list[Organization]:
        """The further recipients, groups expanded to their members today (as dispatching expands them)."""
        found: dict[int, Organization] = {}
        for obj in self.cleaned_data["extra"]:
            for organization in group_members(obj) if isinstance(obj, RecipientGroup) else [obj]:
                found.setdefault(organization.pk, organization)
        return list(found.values())
