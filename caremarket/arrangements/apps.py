from django.apps import AppConfig


class ArrangementsConfig(AppConfig):
    name = "caremarket.arrangements"
    label = "arrangements"
    verbose_name = "Purchasing arrangements, lots, windows, applications and admissions"
