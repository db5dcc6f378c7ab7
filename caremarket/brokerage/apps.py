from django.apps import AppConfig


class BrokerageConfig(AppConfig):
    name = "caremarket.brokerage"
    label = "brokerage"
    verbose_name = "Brokerage: people, care requests and sourcing"
