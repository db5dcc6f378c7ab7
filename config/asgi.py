import os

from django.core.asgi import get_asgi_application

# Production unless told otherwise: the demo opts in to config.settings.local (make demo sets it).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_asgi_application()
