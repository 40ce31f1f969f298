"""Login forms of the browser pages (accounts/login/ and the admin's), checking
credentials through the login limits of core.ratelimit."""

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from core.ratelimit import LoginLocked, login_authenticate


class LoginForm(AuthenticationForm):
    """Django's login form, with the password checked by login_authenticate:
    while the login is limited the form says so, and says when to try again."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_authenticate(request=self.request, username=username, password=password)
            except LoginLocked as exc:
                raise ValidationError(exc.message, code=exc.code) from exc
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin's login form (staff only, its own wording) under the same limits."""
