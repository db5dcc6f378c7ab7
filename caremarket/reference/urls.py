from django.urls import path

from . import views

app_name = "reference"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/", views.kind_list, name="list"),
    path("<slug:kind>/new/", views.kind_create, name="create"),
    path("<slug:kind>/<int:pk>/edit/", views.kind_edit, name="edit"),
]
