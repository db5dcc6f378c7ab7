from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("", views.index, name="index"),
    path("spend/", views.spend, name="spend"),
    path("spend/<int:provider_id>/<int:year>/", views.provider_year, name="provider-year"),
    path(
        "spend/<int:provider_id>/<int:year>/placements/<int:placement_id>/",
        views.placement_lines,
        name="placement-lines",
    ),
    path("forecast/", views.demand_forecast, name="forecast"),
    path("reports/", views.seed_reports, name="reports"),
    path("market/", views.market_view, name="market"),
    path("unit-costs/", views.unit_costs, name="unit-costs"),
    path("position/", views.position_list, name="positions"),
    path("position/<int:service_id>/", views.position_draft, name="position"),
    path("unmet-need/", views.unmet_need, name="unmet-need"),
    path("history/", views.history_list, name="history"),
    path("history/<int:pk>/withdrawal/", views.history_withdraw, name="history-withdraw"),
    path("history/template.<str:fmt>", views.history_template, name="history-template"),
]
