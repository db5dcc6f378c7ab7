"""Settings shared by every environment. Everything that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CAREMARKET_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",
    "caremarket.core",
    "caremarket.accounts",
    "caremarket.reference",
    "caremarket.notifications",
    "caremarket.arrangements",
    "caremarket.cqc",
    "caremarket.brokerage",
    "caremarket.finance",
    "caremarket.quality",
    "caremarket.insight",
    "caremarket.directory",
    "caremarket.api",
    "caremarket.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "caremarket.core.middleware.AuditContextMiddleware",
    "caremarket.core.middleware.OutOfRangeIdMiddleware",
    "caremarket.api.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "caremarket" / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "caremarket.site.jinja.environment", "autoescape": True},
    },
    {
        # Django templates only for the installation staff's Django admin.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'caremarket.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server and the worker use the file at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["caremarket.accounts.backends.OrganisationUserBackend"]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Sessions end after 30 minutes without a request (sliding), and with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("CAREMARKET_SESSION_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in lockout: this many failures in a row lock the account for the period.
CAREMARKET_LOCKOUT_ATTEMPTS = 5
CAREMARKET_LOCKOUT_PERIOD = timedelta(minutes=15)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Uploaded documents live in a configured folder, never the working directory.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # not served: documents are downloaded through views that check who may read them

# Content-Security-Policy (Django's own): scripts only from this site or with the page's nonce; inline styles are
# allowed for the API documentation's Swagger UI, which sets them.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
STATICFILES_DIRS = [BASE_DIR / "caremarket" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Email goes to files under var/emails unless the environment names another backend (SMTP, GOV.UK Notify).
MAILERS = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"),
        "OPTIONS": {"file_path": str(VAR_DIR / "emails")} if "DJANGO_EMAIL_BACKEND" not in os.environ else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "caremarket@caremarket.invalid")
# The address people open Caremarket at: the links in notification emails, which the worker sends without a request.
SITE_URL = os.environ.get("CAREMARKET_SITE_URL", "http://localhost:8000")
# Webhooks go to https addresses on the internet only; a test's receiver on this machine needs this on.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The task worker adds its own console handler; do not print its lines twice.
        "django_tasks_db": {"propagate": False},
        "django.tasks": {"propagate": False},
    },
}

CAREMARKET_SERVICE_NAME = "Caremarket"
# The installation's own brand: the bar above the navigation names the operator in its colour (never the
# GOV.UK crown, logotype or typeface, which belong to GOV.UK alone). The colour must keep white text at 4.5:1.
CAREMARKET_BRAND_NAME = os.environ.get("CAREMARKET_BRAND_NAME", "Caremarket")
CAREMARKET_BRAND_COLOUR = os.environ.get("CAREMARKET_BRAND_COLOUR", "#005a70")
# who answers accessibility requests for this installation (the accessibility statement names them)
CAREMARKET_ACCESSIBILITY_CONTACT = os.environ.get("CAREMARKET_ACCESSIBILITY_CONTACT", "")
CAREMARKET_SHARED_DATA = Path(os.environ.get("CAREMARKET_SHARED_DATA", BASE_DIR.parent / "shared" / "data"))
