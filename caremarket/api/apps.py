from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "caremarket.api"
    label = "api"
    verbose_name = "JSON API v1"
