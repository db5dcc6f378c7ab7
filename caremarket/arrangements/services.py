"""Writes for arrangements, lots and application windows. Rules come from caremarket.domain.arrangements;
each function validates first, then saves, records the status change and audits in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from caremarket.accounts.models import Organisation
from caremarket.core.audit import audit_record, changes_save, describe_actor, snapshot
from caremarket.core.errors import ServiceError
from caremarket.domain import arrangements as rules
from caremarket.domain.evaluation import EvaluationError, check_weights
from caremarket.reference.models import Area, NeedLevel, ServiceType

from .models import ApplicationWindow, Arrangement, ArrangementDocument, ArrangementStatusChange, Lot


def _rule(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except rules.ArrangementRuleError as exc:
        raise ServiceError({exc.field: exc.message}) from exc
    except EvaluationError as exc:
        raise ServiceError({exc.field: exc.message}) from exc


def _enum(enum, value, field: str, label: str):
    try:
        return enum(value)
    except ValueError as exc:
        raise ServiceError({field: f"Choose a {label}"}) from exc


def _check_fields(data: dict[str, Any]) -> dict[str, Any]:
    mechanism = _enum(rules.Mechanism, data.get("mechanism"), "mechanism", "mechanism")
    regime = _enum(rules.Regime, data.get("regime"), "regime", "legal regime")
    if not (data.get("title") or "").strip():
        raise ServiceError({"title": "Enter a title"})
    if not (data.get("reference") or "").strip():
        raise ServiceError({"reference": "Enter a reference, for example HC-2026"})
    value = data.get("estimated_value")
    if value is None or Decimal(value) < 0:
        raise ServiceError({"estimated_value": "Enter the estimated value, £0 or more"})
    _rule(
        rules.check_terms,
        mechanism=mechanism,
        regime=regime,
        starts_on=data.get("starts_on"),
        ends_on=data.get("ends_on"),
        max_extension_months=int(data.get("max_extension_months") or 0),
    )
    _rule(check_weights, Decimal(data.get("quality_weight", 60)), Decimal(data.get("price_weight", 40)))
    if data.get("price_basis", "none") not in {"none", "hour-per-area", "day", "week"}:
        raise ServiceError({"price_basis": "Choose what price applicants give"})
    if not 0 <= Decimal(data.get("kpi_weight", 50)) <= 100:
        raise ServiceError({"kpi_weight": "The KPI share is a percentage from 0 to 100"})
    threshold = Decimal(data.get("quality_threshold", 0))
    if not 0 <= threshold <= 100:
        raise ServiceError({"quality_threshold": "The quality threshold is a score from 0 to 100"})
    if mechanism == rules.Mechanism.TIERED_FRAMEWORK and (
        data.get("cap_level_1") is None or data.get("cap_level_2") is None
    ):
        raise ServiceError(
            {"cap_level_1": "A tiered framework needs caps on the level 1 and level 2 areas one provider may win"}
        )
    low, high = rules.RESPONSE_HOURS_RANGE
    if data.get("response_hours") is not None and not low <= Decimal(data["response_hours"]) <= high:
        raise ServiceError({"response_hours": f"The response time is from {low} to {high} working hours"})
    if data.get("window_every_months") and mechanism not in rules.WINDOWED:
        raise ServiceError({"window_every_months": "Only flexible and open frameworks reopen in windows"})
    return {
        **data,
        "mechanism": mechanism.value,
        "regime": regime.value,
        "reference": data["reference"].strip(),
        "title": data["title"].strip(),
        **({"response_hours": Decimal(data.get("response_hours") or 4)} if "response_hours" in data else {}),
    }


def _status_change(arrangement: Arrangement, *, from_status: str, actor, reason: str = "") -> None:
    ArrangementStatusChange.objects.create(
        arrangement=arrangement,
        from_status=from_status,
        to_status=arrangement.status,
        changed_by=describe_actor(actor)[0],
        reason=reason,
    )


@transaction.atomic
def arrangement_create(*, council: Organisation, actor, **data) -> Arrangement:
    if not council.is_council:
        raise ServiceError("Only a council can create a purchasing arrangement", status=403)
    data = _check_fields(data)
    if Arrangement.objects.for_organisation(council).filter(reference__iexact=data["reference"]).exists():
        raise ServiceError({"reference": f"An arrangement with the reference '{data['reference']}' already exists"})
    try:
        with transaction.atomic():
            arrangement = Arrangement.objects.create(council=council, status=rules.Status.DRAFT.value, **data)
    except IntegrityError as exc:
        raise ServiceError("The arrangement breaks a rule of the database; check the dates and amounts") from exc
    _status_change(arrangement, from_status="", actor=actor)
    audit_record(
        actor=actor, organisation=council, action="arrangement.created", target=arrangement, after=snapshot(arrangement)
    )
    return arrangement


@transaction.atomic
def arrangement_update(*, arrangement: Arrangement, actor, **changes) -> Arrangement:
    current = {name: getattr(arrangement, name) for name in changes}
    changed = {name for name, value in changes.items() if current[name] != value}
    _rule(rules.check_editable, arrangement.status_enum, changed)
    merged = {
        **{
            f: getattr(arrangement, f)
            for f in (
                "reference",
                "title",
                "mechanism",
                "regime",
                "starts_on",
                "ends_on",
                "max_extension_months",
                "estimated_value",
                "quality_weight",
                "price_weight",
                "quality_threshold",
                "cap_level_1",
                "cap_level_2",
                "window_every_months",
                "price_basis",
                "kpi_weight",
                "response_hours",
            )
        },
        **changes,
    }
    merged = _check_fields(merged)
    changes_save(
        arrangement,
        actor=actor,
        organisation=arrangement.council,
        changes={name: merged.get(name, changes[name]) for name in changes},
    )
    return arrangement


@transaction.atomic
def arrangement_transition(
    *,
    arrangement: Arrangement,
    actor,
    to_status: str,
    reason: str = "",
    closes_at: datetime | None = None,
    now: datetime | None = None,
) -> Arrangement:
    now = now or timezone.now()
    Arrangement.objects.select_for_update().filter(pk=arrangement.pk).first()  # lock the row
    arrangement.refresh_from_db()
    target = _enum(rules.Status, to_status, "status", "status")
    _rule(rules.check_transition, arrangement.status_enum, target)
    if target == rules.Status.OPEN and not arrangement.lots.exists():
        raise ServiceError({"status": "Add at least one lot before opening the arrangement"})
    if target == rules.Status.TERMINATED and not reason.strip():
        raise ServiceError({"reason": "Say why the arrangement is terminated"})
    if target == rules.Status.OPEN and arrangement.mechanism_enum not in rules.ALWAYS_OPEN:
        if closes_at is None:
            raise ServiceError({"closes_at": "Give the closing date and time for applications"})
        if closes_at <= now:
            raise ServiceError({"closes_at": "The closing time must be in the future"})
        if not arrangement.windows.filter(closed_at__isnull=True, closes_at__gt=now).exists():
            window = ApplicationWindow.objects.create(
                arrangement=arrangement,
                opens_at=now,
                closes_at=closes_at,
                reason="initial",
                opened_by=describe_actor(actor)[0],
            )
            audit_record(
                actor=actor,
                organisation=arrangement.council,
                action="application_window.opened",
                target=window,
                after=snapshot(window),
            )
    if arrangement.status_enum == rules.Status.OPEN:
        # Leaving the open stage ends its window now, whatever the planned closing time.
        for window in arrangement.windows.filter(closed_at__isnull=True, opens_at__lte=now):
            window.closed_at = now
            window.save(update_fields=["closed_at"])
            audit_record(
                actor=actor,
                organisation=arrangement.council,
                action="application_window.closed",
                target=window,
                after={"closed_at": now},
                reason=f"arrangement moved to {target.value}",
            )
    previous = arrangement.status
    arrangement.status = target.value
    arrangement.save(update_fields=["status"])
    _status_change(arrangement, from_status=previous, actor=actor, reason=reason)
    audit_record(
        actor=actor,
        organisation=arrangement.council,
        action="arrangement.status_changed",
        target=arrangement,
        before={"status": previous},
        after={"status": target.value},
        reason=reason,
    )
    return arrangement


def _owned(council: Organisation, model, values, field: str, label: str):
    """Reference records of this council, by code or instance; anything else is refused by name."""
    codes = [v.code if hasattr(v, "code") else str(v) for v in values]
    found = list(model.objects.for_organisation(council).filter(code__in=codes, is_active=True))
    unknown = sorted(set(codes) - {f.code for f in found})
    if unknown:
        raise ServiceError({field: f"Unknown {label}: {', '.join(unknown)}"})
    return found


@transaction.atomic
def lot_create(
    *, arrangement: Arrangement, actor, title: str, service_types, areas, need_levels=(), description: str = ""
) -> Lot:
    if arrangement.status_enum in {rules.Status.EXPIRED, rules.Status.TERMINATED}:
        raise ServiceError(f"Lots cannot be added to an arrangement that has {arrangement.status}")
    if not (title or "").strip():
        raise ServiceError({"title": "Enter the lot's title"})
    council = arrangement.council
    if not service_types:
        raise ServiceError({"service_types": "Choose at least one service type for the lot"})
    if not areas:
        raise ServiceError({"areas": "Choose at least one area for the lot"})
    chosen_types = _owned(council, ServiceType, service_types, "service_types", "service types")
    chosen_areas = _owned(council, Area, areas, "areas", "areas")
    level_ids = {n.pk if hasattr(n, "pk") else int(n) for n in need_levels or []}
    level_objects = list(NeedLevel.objects.for_organisation(council).filter(pk__in=level_ids))
    if len(level_objects) != len(level_ids):
        raise ServiceError({"need_levels": "Some of the need levels are not your council's"})
    stray = [n for n in level_objects if n.service_type_id not in {t.pk for t in chosen_types}]
    if stray:
        raise ServiceError({"need_levels": f"{stray[0]} is not a need level of the lot's service types"})
    number = (arrangement.lots.aggregate(highest=Max("number"))["highest"] or 0) + 1
    lot = Lot.objects.create(
        arrangement=arrangement, number=number, title=title.strip(), description=(description or "").strip()
    )
    lot.service_types.set(chosen_types)
    lot.areas.set(chosen_areas)
    lot.need_levels.set(level_objects)
    audit_record(
        actor=actor,
        organisation=council,
        action="lot.created",
        target=lot,
        after={
            **snapshot(lot),
            "service_types": sorted(t.code for t in chosen_types),
            "areas": sorted(a.code for a in chosen_areas),
            "need_levels": sorted(n.pk for n in level_objects),
        },
    )
    return lot


@transaction.atomic
def window_open(
    *,
    arrangement: Arrangement,
    actor,
    closes_at: datetime,
    reason: str,
    unmet_need: str = "",
    opens_at: datetime | None = None,
    now: datetime | None = None,
) -> ApplicationWindow:
    now = now or timezone.now()
    opens_at = opens_at or now
    if arrangement.mechanism_enum not in rules.WINDOWED:
        raise ServiceError("Only flexible and open frameworks open in windows; a dynamic market is always open")
    if arrangement.status_enum != rules.Status.LIVE:
        raise ServiceError({"status": "Windows reopen a live arrangement; open the arrangement itself first"})
    if reason not in {"scheduled", "unmet-need"}:
        raise ServiceError({"reason": "Choose why the window opens: on schedule or for unmet need"})
    if reason == "unmet-need" and not unmet_need.strip():
        raise ServiceError({"unmet_need": "Describe the unmet need that justifies reopening"})
    if closes_at <= opens_at:
        raise ServiceError({"closes_at": "The window must close after it opens"})
    clash = arrangement.windows.filter(closed_at__isnull=True, opens_at__lt=closes_at, closes_at__gt=opens_at)
    if clash.exists():
        raise ServiceError({"opens_at": f"It overlaps the window {clash.first()}"})
    window = ApplicationWindow.objects.create(
        arrangement=arrangement,
        opens_at=opens_at,
        closes_at=closes_at,
        reason=reason,
        unmet_need=unmet_need.strip(),
        opened_by=describe_actor(actor)[0],
    )
    audit_record(
        actor=actor,
        organisation=arrangement.council,
        action="application_window.opened",
        target=window,
        after=snapshot(window),
        reason=unmet_need.strip(),
    )
    return window


def windows_close_due(*, now: datetime | None = None) -> list[ApplicationWindow]:
    """Close every window whose closing time has passed. Run by the worker, never by a person remembering."""
    now = now or timezone.now()
    closed = []
    for window_id in ApplicationWindow.objects.filter(closed_at__isnull=True, closes_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            window = (
                ApplicationWindow.objects.select_for_update().select_related("arrangement__council").get(pk=window_id)
            )
            if window.closed_at is not None:
                continue
            window.closed_at = now
            window.save(update_fields=["closed_at"])
            audit_record(
                actor=None,
                organisation=window.arrangement.council,
                action="application_window.closed",
                target=window,
                before={"closed_at": None},
                after={"closed_at": now},
                reason="closing time passed",
            )
            closed.append(window)
    return closed


def windows_open_scheduled(*, now: datetime | None = None) -> list[ApplicationWindow]:
    """Open the next window of every live windowed arrangement whose reopening interval has passed (seed 003)."""
    now = now or timezone.now()
    opened = []
    candidates = Arrangement.objects.filter(
        status=rules.Status.LIVE.value,
        mechanism__in=[m.value for m in rules.WINDOWED],
        window_every_months__isnull=False,
    )
    for arrangement in candidates:
        last = arrangement.windows.order_by("-opens_at").first()
        if last is None or not last.closed_at and last.closes_at > now:
            continue
        due = rules.add_months(last.opens_at, arrangement.window_every_months)
        if due > now or now.date() > arrangement.ends_on:
            continue
        opened.append(
            window_open(
                arrangement=arrangement,
                actor=None,
                opens_at=now,
                closes_at=now + timedelta(days=arrangement.window_length_days),
                reason="scheduled",
                now=now,
            )
        )
    return opened


@transaction.atomic
def arrangement_document_add(*, arrangement: Arrangement, actor, title: str, file) -> ArrangementDocument:
    if arrangement.status_enum in {rules.Status.EXPIRED, rules.Status.TERMINATED}:
        raise ServiceError(f"The arrangement has {arrangement.status}; no documents can be added")
    if not (title or "").strip():
        raise ServiceError({"title": "Enter the document's title"})
    if file is None:
        raise ServiceError({"file": "Choose a file"})
    if file.size > 20 * 1024 * 1024:
        raise ServiceError({"file": "The file must be smaller than 20 MB"})
    document = ArrangementDocument.objects.create(
        arrangement=arrangement, title=title.strip(), file=file, uploaded_by=describe_actor(actor)[0]
    )
    audit_record(
        actor=actor,
        organisation=arrangement.council,
        action="arrangement_document.added",
        target=arrangement,
        after={"title": document.title},
    )
    return document
