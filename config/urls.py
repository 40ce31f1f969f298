from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.urls import URLPattern, URLResolver, include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from core import views as core_views
from core.api import ID_PATTERN
from core.api_auth import TokenLoginView
from core.auth_forms import AdminLoginForm, LoginForm
from core.forms import with_page_renderer
from dispatch.api import (
    DeliveryViewSet,
    DocumentDeadlinesView,
    DocumentDispatchView,
    NotificationViewSet,
    ObligationViewSet,
    SubmissionViewSet,
)
from dispatch.api_compliance import ComplianceViewSet
from dispatch.api_exports import ComplianceExportView
from recipients.api import MeView, OrganizationViewSet, RecipientGroupViewSet
from registry.api import DocumentTypeViewSet, DocumentViewSet, RegisterViewSet
from registry.api_books import RegisterBookView
from registry.api_intake import IntakeView
from registry.api_intake_suggest import IntakeSuggestionsView
from registry.api_render import DocumentDocxView, DocumentPdfView


class IdConverter:
    """An id in a path: digits a BIGINT column can hold, so a huge number is a 404, not an error."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

# The admin signs in under the same login limits as the other login pages.
admin.site.login_form = AdminLoginForm

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("groups", RecipientGroupViewSet, basename="group")
router.register("document-types", DocumentTypeViewSet, basename="document-type")
router.register("registers", RegisterViewSet, basename="register")
router.register("documents", DocumentViewSet, basename="document")
router.register("deliveries", DeliveryViewSet, basename="delivery")
router.register("obligations", ObligationViewSet, basename="obligation")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("compliance", ComplianceViewSet, basename="compliance")
router.register("notifications", NotificationViewSet, basename="notification")

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("documents/<id:pk>/dispatch/", DocumentDispatchView.as_view(), name="api-document-dispatch"),
    path("documents/<id:pk>/deadlines/", DocumentDeadlinesView.as_view(), name="api-document-deadlines"),
    path("documents/<id:pk>/pdf/", DocumentPdfView.as_view(), name="api-document-pdf"),
    path("documents/<id:pk>/docx/", DocumentDocxView.as_view(), name="api-document-docx"),
    path("intake/", IntakeView.as_view(), name="api-intake"),
    path("intake/suggestions/", IntakeSuggestionsView.as_view(), name="api-intake-suggestions"),
    path("compliance/export.xlsx", ComplianceExportView.as_view(), name="api-compliance-export"),
    path("registers/<id:pk>/book.xlsx", RegisterBookView.as_view(), name="api-register-book"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(form_class=with_page_renderer(PasswordChangeForm)),
        name="password_change",
    ),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", core_views.home, name="home"),
    path("", include("registry.urls")),
    path("", include("dispatch.urls")),
]

# Addresses under /api/ that match no endpoint answer in the API's JSON error format.
handler404 = "core.api.not_found"
