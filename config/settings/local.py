"""The one-machine demo: SQLite under var/, emails to var/emails, debug on."""

from .base import *  # noqa: F403
from .base import SECRET_KEY as _SECRET_KEY
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = _SECRET_KEY or "caremarket-local-demo-key-not-for-production"

# The demo builder and `make demo` live in their own app, never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "caremarket.demo"]  # noqa: F405
# the demo's fictional contact for accessibility requests
CAREMARKET_ACCESSIBILITY_CONTACT = CAREMARKET_ACCESSIBILITY_CONTACT or "accessibility@caremarket.example"  # noqa: F405
