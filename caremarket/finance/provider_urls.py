from django.urls import path

from . import provider_views as views

app_name = "delivery"

urlpatterns = [
    path("", views.index, name="index"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload"),
    path("template.<str:fmt>", views.template, name="template"),
    path("remittances/<int:run_id>/", views.remittance, name="remittance"),
]
