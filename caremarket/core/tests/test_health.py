"""Health says the process answers; readiness says it can serve (database up, every migration applied)."""

import pytest

pytestmark = pytest.mark.django_db


def test_health_and_readiness_answer_without_sign_in_and_are_never_cached(client):
    health = client.get("/health/")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert "no-cache" in health["Cache-Control"]
    ready = client.get("/ready/")
    assert ready.status_code == 200, ready.content
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}
    assert client.post("/ready/").status_code == 405
