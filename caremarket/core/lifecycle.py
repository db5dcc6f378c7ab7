"""One way to move a record along its lifecycle (domain/lifecycles.py) and one shape for its history: who moved
it, when, from what, to what and why, appended and never changed."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from caremarket.domain.lifecycles import Lifecycle, LifecycleError

from .errors import ServiceError
from .models import AppendOnlyError
from .tenancy import TenantQuerySet


class StatusChangeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Status history cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Status history cannot be deleted.")


class StatusChange(models.Model):
    """A record's move from one state to another. Subclasses add the foreign key to their record."""

    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["changed_at", "id"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Status history cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Status history cannot be deleted.")


def _allowed(lifecycle: Lifecycle, start: str, end: str) -> None:
    """A move the table forbids is a conflict (409) that says what the record may become."""
    try:
        lifecycle.check(start, end)
    except LifecycleError as exc:
        raise ServiceError(exc.message, status=409) from exc


def status_move(
    record: models.Model,
    to_status: str,
    *,
    lifecycle: Lifecycle,
    changed_by: Any,
    history: tuple[type[StatusChange], str] | None = None,
    reason: str = "",
    also_save: tuple[str, ...] = (),
    **history_fields: Any,
) -> str:
    """Move `record` to `to_status` if its lifecycle allows (else a 409 saying what it may become), save the status
    with `also_save`, and append one history row where the record keeps one. Returns the state it left."""
    previous = record.status
    _allowed(lifecycle, previous, to_status)
    record.status = to_status
    record.save(update_fields=["status", *also_save])
    if history is not None:
        model, link = history
        model.objects.create(
            **{link: record},
            from_status=previous,
            to_status=to_status,
            changed_by=changed_by,
            reason=reason,
            **history_fields,
        )
    return previous


def status_started(
    record: models.Model, *, history: tuple[type[StatusChange], str], changed_by: Any, reason: str = "", **fields
) -> StatusChange:
    """The first row of a new record's history: where it started."""
    model, link = history
    return model.objects.create(
        **{link: record}, to_status=record.status, changed_by=changed_by, reason=reason, **fields
    )


class StatusGroupsMixin:
    """Named groups of states on a queryset: `Placement.objects.in_group("live")`. The model names its lifecycle
    in LIFECYCLE."""

    def in_group(self, name: str):
        return self.filter(status__in=sorted(self.model.LIFECYCLE.group(name)))

    def outside_group(self, name: str):
        return self.exclude(status__in=sorted(self.model.LIFECYCLE.group(name)))

    def move_all(self, to_status: str, **fields) -> int:
        """Move every record at once (no history rows: for records that keep none), refused if the lifecycle does
        not allow the move from any of their states."""
        for state in set(self.values_list("status", flat=True)):
            _allowed(self.model.LIFECYCLE, state, to_status)
        return self.update(status=to_status, **fields)


class LifecycleQuerySet(StatusGroupsMixin, models.QuerySet):
    pass


class LifecycleTenantQuerySet(StatusGroupsMixin, TenantQuerySet):
    """A tenant's records with their lifecycle's named groups."""


class LifecycleModelMixin:
    """Lets a page ask a record about its state by the domain's names, not by status strings."""

    def status_in(self, group: str) -> bool:
        return self.LIFECYCLE.is_in(self.status, group)

    def may_become(self, state: str) -> bool:
        return self.LIFECYCLE.can(self.status, state)
