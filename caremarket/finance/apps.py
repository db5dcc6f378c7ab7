from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "caremarket.finance"
    label = "finance"
    verbose_name = "Rates, delivery records and payment runs"
