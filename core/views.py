"""Pages every signed-in user has: the landing redirect and the account pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from core.navigation import home_url
from recipients.models import User


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The first page of the user's menu: a clerk's day, a leader's dashboard, a district's tasks."""
    user: User = request.user  # type: ignore[assignment]
    return redirect(home_url(user))
