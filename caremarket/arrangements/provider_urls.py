from django.urls import path

from . import provider_views as views

app_name = "applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("opportunities/", views.opportunity_list, name="opportunities"),
    path("start/<int:arrangement_pk>/", views.application_start, name="start"),
    path("<int:pk>/", views.application_view, name="view"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("<int:pk>/documents/new/", views.document_add, name="document-add"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("<int:pk>/feedback/", views.application_feedback, name="feedback"),
    path("admissions/<int:pk>/capacity/", views.admission_capacity, name="admission-capacity"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
]
