"""The dispatch pages: compliance for leaders, reporting obligations for clerks, tasks for districts."""

from django.urls import path

from dispatch import views, views_obligation_actions, views_obligation_create, views_obligations, views_reporter

urlpatterns = [
    path("compliance/", views.compliance_dashboard, name="compliance"),
    path("compliance/obligations/<id:pk>/", views.obligation_compliance, name="compliance-obligation"),
    path("compliance/organizations/<id:pk>/", views.compliance_organization, name="compliance-organization"),
    *views_obligations.urlpatterns,
    *views_obligation_create.urlpatterns,
    *views_obligation_actions.urlpatterns,
    *views_reporter.urlpatterns,
]
