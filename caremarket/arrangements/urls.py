from django.urls import path

from . import views

app_name = "arrangements"

urlpatterns = [
    path("", views.arrangement_list, name="list"),
    path("new/", views.arrangement_create, name="create"),
    path("<int:pk>/", views.arrangement_detail, name="detail"),
    path("<int:pk>/edit/", views.arrangement_edit, name="edit"),
    path("<int:pk>/status/", views.arrangement_status, name="status"),
    path("<int:pk>/lots/new/", views.lot_create, name="lot-create"),
    path("<int:pk>/windows/new/", views.window_create, name="window-create"),
    path("<int:pk>/questions/new/", views.question_create, name="question-create"),
    path("<int:pk>/applications/", views.application_list, name="applications"),
    path("<int:pk>/applications/<int:application_pk>/", views.application_detail, name="application"),
    path(
        "<int:pk>/applications/<int:application_pk>/documents/<int:document_pk>/",
        views.council_document,
        name="document",
    ),
    path("<int:pk>/admissions/", views.admission_list, name="admissions"),
    path("<int:pk>/admissions/compute/", views.award_compute, name="award-compute"),
    path("<int:pk>/admissions/<int:admission_pk>/suspend/", views.admission_suspend, name="suspend"),
    path("<int:pk>/admissions/<int:admission_pk>/<str:action>/", views.admission_change, name="admission-change"),
    path("<int:pk>/documents/new/", views.document_add, name="document-add"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document-download"),
]
