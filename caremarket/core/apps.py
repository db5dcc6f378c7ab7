from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "caremarket.core"
    label = "core"
    verbose_name = "Core: audit, tenancy, background work"

    def ready(self) -> None:
        # Periodic tasks register themselves when their app's tasks module is imported.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
