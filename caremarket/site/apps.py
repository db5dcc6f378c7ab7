from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The composition root: the API root, the home pages and the navigation that bring the apps together."""

    name = "caremarket.site"
    label = "site"
    verbose_name = "Site"
