"""`caremarket serve`: the production web server (gunicorn) for this installation, configured from the environment.

CAREMARKET_BIND (default 0.0.0.0:8000), CAREMARKET_WEB_WORKERS (processes; default two a core and one more),
CAREMARKET_WEB_THREADS (threads a process; default 4), CAREMARKET_WEB_TIMEOUT (seconds a request may take; 30).
Access and error logs go to standard output, the access log one JSON object a line with the request's id. Run the
background worker beside it (`caremarket worker`), as many as the work needs."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError

ACCESS_LOG = (
    '{"time": "%(t)s", "logger": "access", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", '
    '"user_agent": "%(a)s"}'
)


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise CommandError(f"{name} must be a whole number, not '{raw}'") from None
    if not low <= value <= high:
        raise CommandError(f"{name} must be from {low} to {high}")
    return value


def options() -> dict:
    cores = os.cpu_count() or 1
    return {
        "bind": os.environ.get("CAREMARKET_BIND", "0.0.0.0:8000"),
        "workers": _int("CAREMARKET_WEB_WORKERS", 2 * cores + 1, 1, 256),
        "threads": _int("CAREMARKET_WEB_THREADS", 4, 1, 64),
        "timeout": _int("CAREMARKET_WEB_TIMEOUT", 30, 5, 600),
        "graceful_timeout": 30,
        "worker_class": "gthread",
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG,
        "forwarded_allow_ips": os.environ.get("CAREMARKET_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        # a process is replaced after this many requests, so a slow leak never grows without end
        "max_requests": 2000,
        "max_requests_jitter": 200,
    }


class Command(BaseCommand):
    help = "Serve this installation with gunicorn, configured from the environment (CAREMARKET_BIND, _WEB_WORKERS...)."

    def add_arguments(self, parser):
        parser.add_argument("--print-config", action="store_true", help="print what it would run with, then stop")

    def handle(self, *args, **opts):
        settings = options()
        if opts["print_config"]:
            for key, value in settings.items():
                self.stdout.write(f"{key} = {value}")
            return
        from django.core.wsgi import get_wsgi_application
        from gunicorn.app.base import BaseApplication

        class Server(BaseApplication):
            def load_config(self):
                for key, value in settings.items():
                    self.cfg.set(key, value)

            def load(self):
                return get_wsgi_application()

        Server().run()
