from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from recipients.api import MeView, OrganizationViewSet, RecipientGroupViewSet
from registry.api import DocumentTypeViewSet, DocumentViewSet, RegisterViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("groups", RecipientGroupViewSet, basename="group")
router.register("document-types", DocumentTypeViewSet, basename="document-type")
router.register("registers", RegisterViewSet, basename="register")
router.register("documents", DocumentViewSet, basename="document")

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]
