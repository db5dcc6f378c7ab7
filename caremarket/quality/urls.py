from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("kpis/", views.kpis, name="kpis"),
    path("kpis/referral-acceptance/<int:provider_id>/", views.not_accepted, name="not-accepted"),
    path("providers/<int:provider_id>/referral-stop/", views.referral_stop, name="referral-stop"),
]
