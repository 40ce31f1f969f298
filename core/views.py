"""Pages every signed-in user has: the landing redirect, and the page saying why something is refused."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.navigation import home_url
from recipients.models import User


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The first page of the user's menu: a clerk's day, a leader's dashboard, a district's tasks."""
    user: User = request.user  # type: ignore[assignment]
    return redirect(home_url(user))


def refused(
    request: HttpRequest,
    message: str,
    *,
    status: int = 403,
    title: str | None = None,
    back_url: str = "",
    back_label: str = "",
) -> HttpResponse:
    """A page that says plainly why the user cannot do this (403), or why it cannot be done in the
    object's present state (409), with a way back."""
    context = {
        "message": message,
        "title": title or _("Not available to you"),
        "back_url": back_url,
        "back_label": back_label,
    }
    return render(request, "refused.html", context, status=status)
