import os

from django.core.wsgi import get_wsgi_application

# Production unless told otherwise: the demo opts in to config.settings.local (make demo sets it).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
