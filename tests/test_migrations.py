"""Every migration applies to a fresh SQLite database, as `make demo` applies them (the test databases are made
from the models; PostgreSQL's migrations run in test_production), and leaves the audit trail append-only."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.migrations

ROOT = Path(__file__).resolve().parent.parent


def test_every_migration_applies_to_a_fresh_sqlite_database(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": f"sqlite:///{database}"}
    done = subprocess.run(
        [sys.executable, "-m", "caremarket", "migrate", "-v", "0"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    ours = {(p.parent.parent.name, p.stem) for p in ROOT.glob("caremarket/*/migrations/0*.py")}
    with sqlite3.connect(database) as db:
        applied = set(db.execute("SELECT app, name FROM django_migrations").fetchall())
        triggers = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    assert ours and ours <= applied, sorted(ours - applied)
    assert ("core_auditevent_no_update",) in triggers
