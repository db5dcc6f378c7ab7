from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "caremarket.directory"
    label = "directory"
    verbose_name = "Public directory"
