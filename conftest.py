"""Shared fixtures: organisations and people of two councils and a provider, to prove tenancy everywhere."""

from __future__ import annotations

import pytest

from caremarket.accounts import services as accounts
from caremarket.domain.roles import OrganisationKind, Role

PASSWORD = "correct-horse-battery"


@pytest.fixture
def council(db):
    return accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Westmarch County Council")


@pytest.fixture
def other_council(db):
    return accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Stourshire County Council")


@pytest.fixture
def provider(db):
    return accounts.organisation_create(kind=OrganisationKind.PROVIDER, name="Brightwater Home Care Ltd")


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(organisation, *roles: Role, email: str | None = None, password: str = PASSWORD):
        n = next(counter)
        return accounts.user_create(
            organisation=organisation,
            email=email or f"person{n}@{organisation.slug}.example",
            full_name=f"Person {n}",
            roles=[r.value for r in roles],
            password=password,
        )

    return make


@pytest.fixture
def council_admin(council, make_user):
    return make_user(council, Role.ORGANISATION_ADMIN)


@pytest.fixture
def admin_client(client, council_admin):
    client.force_login(council_admin, backend="caremarket.accounts.backends.OrganisationUserBackend")
    return client


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user, backend="caremarket.accounts.backends.OrganisationUserBackend")
        return client

    return do


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Test databases are made from the models (`--no-migrations`, ADR 0013): rendering the states of 88 migrations
    took 15 s in each worker of each pass. What the migrations add beyond the models, the audit table's append-only
    trigger, is added here; the migrations themselves run whole in tests/test_migrations.py (SQLite) and
    tests/test_production.py (PostgreSQL)."""
    from importlib import import_module

    from django.db import connection

    triggers = import_module("caremarket.core.migrations.0002_audit_append_only_triggers")
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        triggers.forwards(None, editor)


LONGEST_FIRST = ("demo", "migrations")


def pytest_collection_modifyitems(items):
    """Start the demo build (the longest test, about 95 s) first, so that the other worker runs the rest meanwhile
    instead of the build running alone at the end. (Moving the browser journeys or the whole-product walks first
    too made the PostgreSQL pass no faster: two browsers and two live servers at once on two cores.)"""
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}

    def order(item):
        marks = [rank[m.name] for m in item.iter_markers() if m.name in rank]
        return min(marks, default=len(LONGEST_FIRST))

    items.sort(key=order)
