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
]
