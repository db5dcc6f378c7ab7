"""Scheduled work of arrangements: application windows close and reopen on time, by the worker."""

from datetime import timedelta

from django.tasks import task

from caremarket.core.scheduling import periodic

from . import services


@periodic(every=timedelta(minutes=1))
@task()
def close_due_windows() -> int:
    return len(services.windows_close_due())


@periodic(every=timedelta(hours=1))
@task()
def open_scheduled_windows() -> int:
    return len(services.windows_open_scheduled())
