from django.urls import path

from . import health, views

app_name = "core"

urlpatterns = [
    path("health/", health.health, name="health"),
    path("ready/", health.ready, name="ready"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
]
