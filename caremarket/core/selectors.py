from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    object_type: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_event_list(*, organisation, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.for_organisation(organisation)
    f = filters or AuditFilter()
    if f.action:
        qs = qs.filter(action__icontains=f.action)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.actor:
        qs = qs.filter(actor_label__icontains=f.actor)
    tz = timezone.get_current_timezone()
    if f.date_from:
        qs = qs.filter(occurred_at__gte=datetime.combine(f.date_from, time.min, tzinfo=tz))
    if f.date_to:
        qs = qs.filter(occurred_at__lt=datetime.combine(f.date_to + timedelta(days=1), time.min, tzinfo=tz))
    return qs


def audit_object_types(*, organisation) -> list[str]:
    return list(
        AuditEvent.objects.for_organisation(organisation)
        .exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
