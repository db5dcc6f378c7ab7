"""Health and readiness for a load balancer or an orchestrator: /health/ says the process answers (nothing else is
asked, so a slow database never restarts healthy web processes); /ready/ says it can serve: the database answers and
every migration is applied. Both are plain JSON, open, never cached, and exempt from the HTTPS redirect."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def health(request):
    return JsonResponse({"status": "ok"})


def _unapplied() -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@never_cache
@require_safe
def ready(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        waiting = _unapplied()
        checks["migrations"] = "ok" if waiting == 0 else f"{waiting} not applied"
    except DatabaseError as exc:
        checks["database"] = f"unavailable: {exc.__class__.__name__}"
    ready_now = all(value == "ok" for value in checks.values()) and "migrations" in checks
    return JsonResponse(
        {"status": "ready" if ready_now else "not ready", "checks": checks}, status=200 if ready_now else 503
    )
