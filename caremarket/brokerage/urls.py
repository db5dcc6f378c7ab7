from django.urls import path

from . import views

app_name = "brokerage"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("record-views/", views.record_views, name="record-views"),
    path("people/<int:pk>/requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/owner/", views.request_owner, name="request-owner"),
    path("requests/<int:pk>/source/", views.request_source, name="request-source"),
    path("requests/<int:pk>/compete/", views.request_compete, name="request-compete"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request-cancel"),
    path("requests/<int:pk>/spot/", views.request_spot, name="request-spot"),
    path("requests/<int:pk>/block/", views.request_block, name="request-block"),
    path("requests/<int:pk>/in-house/", views.request_in_house, name="request-in-house"),
    path("competitions/<int:pk>/", views.competition_detail, name="competition"),
    path("competitions/<int:pk>/offers/", views.competition_offers, name="competition-offers"),
    path("competitions/<int:pk>/offers.csv", views.competition_export, name="competition-export"),
    path("competitions/<int:pk>/score/", views.competition_score, name="competition-score"),
    path("competitions/<int:pk>/award/", views.competition_award, name="competition-award"),
    path("competitions/<int:pk>/no-award/", views.competition_no_award, name="competition-no-award"),
    path("placements/", views.placement_list, name="placements"),
    path("placements/provider-failure/", views.provider_failure, name="provider-failure"),
    path("placements/carry-over/", views.carry_over, name="carry-over"),
    path("placements/<int:pk>/", views.placement_detail, name="placement"),
    path("placements/<int:pk>/vary/", views.placement_vary, name="placement-vary"),
    path("placements/<int:pk>/hospital/", views.placement_hospital, name="placement-hospital"),
    path("placements/<int:pk>/end/", views.placement_end, name="placement-end"),
    path("settings/", views.brokerage_settings, name="settings"),
]
