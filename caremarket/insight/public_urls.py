from django.urls import path

from . import views

app_name = "market-position"

urlpatterns = [
    path("<slug:council_slug>/", views.position_public_list, name="list"),
    path("<slug:council_slug>/<slug:service_code>/", views.position_public, name="statement"),
]
