from django.urls import path

from . import provider_views as views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("placements/<int:pk>/", views.placement_detail, name="placement"),
    path("placements/<int:pk>/visits/", views.placement_visits, name="placement-visits"),
    path("competitions/<int:pk>/", views.competition_detail, name="competition"),
]
