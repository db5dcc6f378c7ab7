"""The production settings are the default for the WSGI and ASGI entry points and they work: the static files
build, and the main pages are served with a Content-Security-Policy, on the database of the run (PostgreSQL in
the second pass of make test)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.whole_product

ROOT = Path(__file__).resolve().parent.parent

SERVE = r"""
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client

assert not settings.DEBUG and settings.SECURE_CSP
call_command("migrate", verbosity=0)
from caremarket.accounts import services
from caremarket.domain.roles import OrganisationKind

council = services.organisation_create(kind=OrganisationKind.COUNCIL, name="Production Check Council")
user = services.user_create(
    organisation=council, email="prod-check@council.example", full_name="Check", roles=["broker", "finance_officer"]
)
client = Client()
page = client.get("/account/sign-in/", secure=True)
assert page.status_code == 200, page.status_code
assert "script-src 'self' 'nonce-" in page["Content-Security-Policy"], page.headers
html = page.content.decode()
import re
css = re.search(r'href="(/static/vendor/govuk/govuk-frontend\.min\.[0-9a-f]+\.css)"', html)
assert css, "the stylesheet is not served under its hashed name"
assert client.get(css.group(1), secure=True).status_code == 200
nonce = re.search(r"'nonce-([^']+)'", page["Content-Security-Policy"]).group(1)
assert f'nonce="{nonce}"' in html
client.force_login(user, backend="caremarket.accounts.backends.OrganisationUserBackend")
for path in ["/", "/brokerage/", "/brokerage/placements/", "/finance/runs/", "/accessibility/", "/api/v1/docs"]:
    answer = client.get(path, secure=True)
    assert answer.status_code == 200, (path, answer.status_code)
from pathlib import Path
assert Path(settings.MEDIA_ROOT).name == "media" and Path(settings.MEDIA_ROOT) != Path.cwd()
print("served")
"""


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres"):
        database = f"sqlite:///{tmp_path}/production.sqlite3"
    env.update(
        DJANGO_SECRET_KEY="production-check-" + "k" * 40,
        DATABASE_URL=database,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        CAREMARKET_VAR_DIR=str(tmp_path / "var"),
    )
    return env


def test_the_entry_points_default_to_production_which_refuses_to_start_without_its_secrets(tmp_path):
    env = {k: v for k, v in _env(tmp_path).items() if k != "DJANGO_SECRET_KEY"}
    for module in ("config.wsgi", "config.asgi"):
        started = subprocess.run(
            [sys.executable, "-c", f"import {module}"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert started.returncode != 0 and "DJANGO_SECRET_KEY must be set in production" in started.stderr
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.wsgi; from django.conf import settings; from django.apps import apps; "
            "print(settings.DEBUG, apps.is_installed('caremarket.demo'))",
        ],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
    )
    # production has no demo: neither its data builder nor its commands
    assert started.returncode == 0 and started.stdout.strip() == "False False", started.stderr


def test_production_builds_its_static_files_and_serves_the_main_pages(tmp_path):
    env = {**_env(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    built = subprocess.run(
        [sys.executable, "-m", "caremarket", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    assert list((tmp_path / "static" / "vendor" / "govuk").glob("govuk-frontend.min.*.css"))
    served = subprocess.run([sys.executable, "-c", SERVE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert served.returncode == 0 and "served" in served.stdout, served.stderr[-3000:]


def test_caremarket_serve_runs_gunicorn_from_the_environment_with_health_readiness_and_json_logs(tmp_path):
    import json
    import socket
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    env = {
        **_env(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"sqlite:///{tmp_path}/never-migrated.sqlite3",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "CAREMARKET_BIND": f"127.0.0.1:{port}",
        "CAREMARKET_WEB_WORKERS": "2",
    }
    printed = subprocess.run(
        [sys.executable, "-m", "caremarket", "serve", "--print-config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "workers = 2" in printed.stdout and f"bind = 127.0.0.1:{port}" in printed.stdout, printed.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "caremarket", "serve", "--print-config"],
        cwd=ROOT, env={**env, "CAREMARKET_WEB_WORKERS": "many"}, capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode != 0 and "CAREMARKET_WEB_WORKERS must be a whole number" in bad.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "caremarket", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                health = urllib.request.urlopen(base + "/health/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not answer /health/ within 20 seconds")
        assert json.loads(health.read()) == {"status": "ok"}
        with pytest.raises(urllib.error.HTTPError) as not_ready:
            urllib.request.urlopen(base + "/ready/", timeout=5)
        assert not_ready.value.code == 503  # the database has never been migrated
        assert "not applied" in json.loads(not_ready.value.read())["checks"]["migrations"]
        request = urllib.request.Request(base + "/account/sign-in/")
        opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,), {
            "redirect_request": lambda *a, **k: None}))  # fmt: skip
        with pytest.raises(urllib.error.HTTPError) as redirected:
            opener.open(request, timeout=5)
        assert redirected.value.code == 301 and redirected.value.headers["Location"].startswith("https://")
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    access = [json.loads(line) for line in output.splitlines() if line.startswith('{"time"') and '"access"' in line]
    assert {a["path"] for a in access} >= {"/health/", "/ready/"} and all(a["request_id"] for a in access), output
