from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "caremarket.quality"
    label = "quality"
    verbose_name = "Quality and contract management"

    def ready(self) -> None:
        # ranked frameworks rank by the KPIs computed here (arrangements sits below and cannot ask for them)
        from caremarket.arrangements import admissions

        from .scorecards import kpi_scores

        admissions.KPI_SOURCE = kpi_scores
