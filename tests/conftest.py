"""Fixtures the whole-product tests share."""

from __future__ import annotations

import pytest


@pytest.fixture
def in_test_transaction():
    """Calls into the WSGI app must not close the test's database connection (which holds its transaction), as
    Django's own test client arranges."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
