from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("rates/", views.rate_list, name="rates"),
    path("rates/new/", views.rate_create, name="rate-create"),
    path("rates/uplift/", views.rates_uplift, name="rates-uplift"),
    path("rates/<int:pk>/", views.rate_detail, name="rate"),
    path("cost-of-care/", views.cost_of_care, name="cost-of-care"),
    path("rules/", views.rules, name="rules"),
    path("contributions/", views.contributions, name="contributions"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/<str:step>/", views.run_step, name="run-step"),
    path("runs/<int:pk>/payments.csv", views.run_payments_csv, name="run-payments-csv"),
    path("runs/<int:pk>/payments.xlsx", views.run_payments_xlsx, name="run-payments-xlsx"),
    path("runs/<int:pk>/remittances/<int:provider_id>/", views.run_remittance, name="run-remittance"),
    path("runs/<int:pk>/lines.csv", views.run_lines_csv, name="run-lines-csv"),
    path("ledger-codes/", views.ledger_codes, name="ledger-codes"),
    path("uploads/", views.uploads, name="uploads"),
    path("holds/", views.hold_list, name="holds"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold-release"),
]
