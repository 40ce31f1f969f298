"""The addressee picker of the outgoing pages: organizations and groups chosen as tokens
"org:<id>" / "group:<id>", in the order chosen.

It works without JavaScript (checkboxes, a full list and submit buttons that
search or add while the form is still being composed) and htmx makes it
searchable as the clerk types (`recipient_search`). The picker only resolves
what the user may pick; the services decide what is sent."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.text import fold
from core.users import request_user
from recipients.filters import OrganizationFilter
from recipients.models import Organization, RecipientGroup, User
from recipients.selectors import group_list, group_members, organization_list, scope_filter
from registry.views.clerk_common import TEMPLATES

ORGANIZATION = "org"
GROUP = "group"
# Picker results and members shown under a chosen group.
SEARCH_LIMIT = 20
SEARCH_GROUP_LIMIT = 8
MEMBERS_SHOWN = 8
MAX_QUERY_LENGTH = 100

# The pickers on the pages, by the name their chosen items post under.
PICKERS = ("addressees", "extra")

_TOKEN = re.compile(r"(org|group):([0-9]{1,18})")


# --- Picked organizations and groups ---------------------------------------------------------


@dataclass(frozen=True)
class Pick:
    """An organization or a group as the picker shows it."""

    token: str
    kind: str
    name: str
    detail: str
    members: tuple[str, ...] = ()
    member_count: int = 0

    @property
    def is_group(self) -> bool:
        return self.kind == GROUP

    @property
    def more_members(self) -> int:
        return max(self.member_count - len(self.members), 0)


def token_for(obj: Organization | RecipientGroup) -> str:
    return f"{GROUP if isinstance(obj, RecipientGroup) else ORGANIZATION}:{obj.pk}"


def parse_token(value: object) -> tuple[str, int] | None:
    match = _TOKEN.fullmatch(str(value).strip())
    return (match.group(1), int(match.group(2))) if match else None


def unique_tokens(values: Iterable[object]) -> list[str]:
    """Well-formed tokens in the order given, each once."""
    seen: dict[str, None] = {}
    for value in values:
        parsed = parse_token(value)
        if parsed is not None:
            seen.setdefault(f"{parsed[0]}:{parsed[1]}", None)
    return list(seen)


def picker_groups(user: User) -> QuerySet[RecipientGroup]:
    """The groups a user picks from: those of their organization and the bodies below it."""
    groups = group_list()
    scope = scope_filter(user, "owner_id")
    return groups if scope is None else groups.filter(scope)


def picker_organizations(q: str = "") -> QuerySet[Organization]:
    """Organizations active today, matching `q` (diacritics optional) as the directory API matches them."""
    data = {"active": "true", **({"q": q} if q else {})}
    return OrganizationFilter(data, queryset=organization_list()).qs


def organization_pick(organization: Organization) -> Pick:
    return Pick(token_for(organization), ORGANIZATION, organization.name, organization.abbreviation)


def group_pick(group: RecipientGroup) -> Pick:
    """A group with the organizations it stands for today (its members, as dispatching expands it)."""
    members = [member.name for member in group_members(group)]
    return Pick(token_for(group), GROUP, group.name, "", tuple(members[:MEMBERS_SHOWN]), len(members))


def resolve(tokens: Sequence[str], *, user: User) -> dict[str, Organization | RecipientGroup]:
    """The organizations and groups the tokens name (two or three queries whatever their number);
    unknown ones and groups outside the user's reach are left out."""
    ids: dict[str, list[int]] = {ORGANIZATION: [], GROUP: []}
    for token in tokens:
        parsed = parse_token(token)
        if parsed is not None:
            ids[parsed[0]].append(parsed[1])
    found: dict[str, Organization | RecipientGroup] = {}
    if ids[ORGANIZATION]:
        for organization in organization_list().filter(pk__in=ids[ORGANIZATION]):
            found[token_for(organization)] = organization
    if ids[GROUP]:
        for group in picker_groups(user).filter(pk__in=ids[GROUP]):
            found[token_for(group)] = group
    return found


def picks(tokens: Sequence[str], *, user: User) -> list[Pick]:
    found = resolve(tokens, user=user)
    result = []
    for token in tokens:
        obj = found.get(token)
        if isinstance(obj, RecipientGroup):
            result.append(group_pick(obj))
        elif obj is not None:
            result.append(organization_pick(obj))
    return result


def search_picks(q: str, *, user: User, exclude: Iterable[str] = ()) -> list[Pick]:
    """Groups and organizations matching `q` without regard to case or diacritics, at most SEARCH_LIMIT."""
    words = fold(q[:MAX_QUERY_LENGTH]).split()
    if not words:
        return []
    skip = set(exclude)
    # Group names are few and short: folded here, since the database cannot fold Vietnamese.
    named = picker_groups(user).prefetch_related(None).order_by("name", "id").values_list("pk", "name")
    matching = [pk for pk, name in named if f"{GROUP}:{pk}" not in skip and all(word in fold(name) for word in words)][
        :SEARCH_GROUP_LIMIT
    ]
    groups = list(picker_groups(user).filter(pk__in=matching).order_by("name", "id")) if matching else []
    organizations = picker_organizations(q[:MAX_QUERY_LENGTH])
    skipped_ids = [parsed[1] for parsed in map(parse_token, skip) if parsed and parsed[0] == ORGANIZATION]
    if skipped_ids:
        organizations = organizations.exclude(pk__in=skipped_ids)
    found = [group_pick(group) for group in groups]
    found += [organization_pick(org) for org in organizations[: SEARCH_LIMIT - len(found)]]
    return found


class RecipientsField(forms.Field):
    """Organizations and groups as tokens, in the order posted, each once."""

    widget = forms.SelectMultiple

    def __init__(self, *, user: User, allow_groups: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.user = user
        self.allow_groups = allow_groups

    def to_python(self, value: Any) -> list[Organization | RecipientGroup]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if any(parse_token(item) is None for item in values):
            raise forms.ValidationError(gettext_lazy("Choose organizations and groups from the list."), code="invalid")
        tokens = unique_tokens(values)
        found = resolve(tokens, user=self.user)
        missing = [token for token in tokens if token not in found]
        if missing:
            raise forms.ValidationError(
                gettext_lazy("Some of the chosen organizations or groups no longer exist or are not yours to use."),
                code="invalid_choice",
            )
        return [found[token] for token in tokens]


# --- Composing a form with the picker, without JavaScript ---------------------------------------


class QuietMixin:
    """A bound form shown again while the user is still composing it (a search or an addressee
    added without JavaScript): its values stay, its errors wait for the real submit."""

    quiet = False

    @property
    def errors(self) -> ErrorDict:
        if self.quiet:
            return ErrorDict()
        return super().errors  # type: ignore[misc]


def is_composing(post: QueryDict, name: str) -> bool:
    """Whether a POST only searches the picker or adds to it (no JavaScript): nothing is saved yet."""
    return post.get("search") == name or f"add_{name}" in post


def with_added_picks(post: QueryDict, name: str) -> QueryDict:
    """The POST with the items its add button chose (`add_<name>`) appended to the picker's list."""
    data = post.copy()
    for token in unique_tokens(post.getlist(f"add_{name}")):
        data.appendlist(name, token)
    return data


def picker_context(
    request: HttpRequest, *, name: str, tokens: list[str], errors: Any = None, label: str = "", help_text: str = ""
) -> dict[str, Any]:
    """What templates/registry/pages/clerk/_picker.html shows: the chosen items, search results
    after a search without JavaScript, and the full list to choose from."""
    user = request_user(request)
    searching = request.method == "POST" and request.POST.get("search") == name
    q = request.POST.get("q", "") if searching else ""
    return {
        "name": name,
        "label": label,
        "help_text": help_text,
        "errors": errors,
        "chosen": picks(tokens, user=user),
        "q": q,
        "searched": searching,
        "results": search_picks(q, user=user, exclude=tokens) if searching else [],
        "all_groups": list(picker_groups(user).prefetch_related(None).order_by("name", "id")),
        "all_organizations": list(picker_organizations()),
    }


# --- The htmx search ------------------------------------------------------------------------------


@require_safe
@login_required
def recipient_search(request: HttpRequest) -> HttpResponse:
    """htmx partial: organizations and groups matching `q` (diacritics optional), at most 20, as
    buttons; with `add_<name>` the chosen item to append to the picker's list."""
    user = request_user(request)
    name = request.GET.get("for", PICKERS[0])
    if name not in PICKERS:
        name = PICKERS[0]
    chosen = unique_tokens(request.GET.getlist(name))
    added = request.GET.get(f"add_{name}")
    if added is not None:
        tokens = unique_tokens([added])
        if tokens and tokens[0] in chosen:
            return HttpResponse(status=204)  # already in the list
        found = picks(tokens, user=user)
        if not found:
            raise Http404(_("No such organization or group."))
        return render(request, f"{TEMPLATES}_picker_item.html", {"pick": found[0], "name": name})
    q = request.GET.get("q", "")
    return render(
        request,
        f"{TEMPLATES}_picker_results.html",
        {"name": name, "q": q, "searched": True, "results": search_picks(q, user=user, exclude=chosen)},
    )


urlpatterns = [
    path("recipients/search/", recipient_search, name="recipient-search"),
]
