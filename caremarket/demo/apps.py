from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Realistic demo data and the demo server: installed in the local and test settings only."""

    name = "caremarket.demo"
    label = "demo"
    verbose_name = "Demo"
