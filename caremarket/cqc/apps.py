from django.apps import AppConfig


class CqcConfig(AppConfig):
    name = "caremarket.cqc"
    label = "cqc"
    verbose_name = "CQC care directory"
