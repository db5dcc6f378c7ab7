"""Periodic work as data: each periodic task has a row saying when it next falls due.

The worker's scheduler loop calls `enqueue_due_tasks` every few seconds; a due task is enqueued
once and its next due time moved on, inside a row lock, so two workers never enqueue it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True)
class PeriodicTask:
    task: object
    every: timedelta

    @property
    def name(self) -> str:
        return self.task.module_path  # type: ignore[attr-defined]


REGISTRY: dict[str, PeriodicTask] = {}


def periodic(*, every: timedelta):
    def register(task):
        entry = PeriodicTask(task=task, every=every)
        REGISTRY[entry.name] = entry
        return task

    return register


def enqueue_due_tasks(now: datetime | None = None) -> list[str]:
    from .models import PeriodicTaskState

    now = now or timezone.now()
    enqueued = []
    for name, entry in sorted(REGISTRY.items()):
        with transaction.atomic():
            state, _ = PeriodicTaskState.objects.select_for_update().get_or_create(
                name=name, defaults={"next_due_at": now}
            )
            if state.next_due_at > now:
                continue
            entry.task.enqueue()  # type: ignore[attr-defined]
            state.last_enqueued_at = now
            state.next_due_at = now + entry.every
            state.save(update_fields=["last_enqueued_at", "next_due_at"])
            enqueued.append(name)
    return enqueued


def working_hours_after(moment: datetime, hours: float) -> datetime:
    """The moment `hours` working hours after `moment`, in local time (domain.routing counts them)."""
    from caremarket.domain import routing

    local = timezone.localtime(moment).replace(tzinfo=None)
    return timezone.make_aware(routing.add_working_hours(local, hours))
