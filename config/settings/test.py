"""Tests: the database comes from DATABASE_URL (SQLite by default), tasks run at once, mail stays in memory."""

from .base import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "caremarket.demo"]  # noqa: F405
SECRET_KEY = "caremarket-test-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
