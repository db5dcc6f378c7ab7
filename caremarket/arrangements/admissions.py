"""Writes for admissions: created by an admit decision, suspended at once (routing reads only active ones),
removed; positions on tiered frameworks computed by the optimiser; ranks on ranked frameworks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.core.lifecycle import status_move, status_started
from caremarket.domain import award as award_rules
from caremarket.domain import evaluation
from caremarket.domain.arrangements import Mechanism
from caremarket.domain.lifecycles import ADMISSION
from caremarket.reference.models import ReasonCode
from caremarket.reference.selectors import reason_code_find

from .models import Admission, AdmissionStatusChange, Application, Arrangement, AwardRun, Decision


def _insurance_expiry(application: Application) -> date | None:
    dates = [a.expires_on for a in application.answers.all() if a.question.asks_expiry and a.expires_on]
    return min(dates) if dates else None


def admissions_create(*, application: Application, decision: Decision, actor) -> list[Admission]:
    """One admission per lot and area applied for (per lot where a lot has no areas)."""
    prices = {p.area_id: p.amount for p in application.prices.all()}
    chosen_areas = set(application.areas.values_list("pk", flat=True))
    created = []
    for lot in application.lots.all():
        lot_areas = [a for a in lot.areas.all() if a.pk in chosen_areas] or [None]
        for area in lot_areas:
            admission = Admission.objects.create(
                arrangement=application.arrangement,
                lot=lot,
                provider=application.provider,
                area=area,
                application=application,
                score=decision.total_score,
                price=prices.get(area.pk if area else None, prices.get(None)),
                offers_transport=application.offers_transport,
                one_to_one=application.one_to_one,
                complex_needs=application.complex_needs,
                age_min=application.age_min,
                age_max=application.age_max,
                insurance_expires_on=_insurance_expiry(application),
            )
            status_started(
                admission,
                history=(AdmissionStatusChange, "admission"),
                changed_by=describe_actor(actor)[0],
                reason="admitted",
            )
            created.append(admission)
    audit_record(
        actor=actor,
        organisation=application.arrangement.council,
        action="admissions.created",
        target=application,
        after={"admissions": len(created)},
    )
    return created


def _change(
    admission: Admission,
    *,
    to_status: str,
    actor,
    reason_code: str = "",
    reason: str = "",
    effective_on: date | None = None,
) -> Admission:
    previous = status_move(
        admission,
        to_status,
        lifecycle=ADMISSION,
        changed_by=describe_actor(actor)[0],
        history=(AdmissionStatusChange, "admission"),
        reason=reason,
        reason_code=reason_code,
        effective_on=effective_on or timezone.localdate(),
    )
    audit_record(
        actor=actor,
        organisation=admission.arrangement.council,
        also=admission.provider,
        action=f"admission.{to_status}",
        target=admission,
        before={"status": previous},
        after={"status": to_status},
        reason=f"{reason_code}: {reason}".strip(": "),
    )
    return admission


def _reason_code(admission: Admission, code: str) -> ReasonCode:
    return reason_code_find(
        council=admission.arrangement.council,
        kind="suspension",
        code=code,
        missing=f"'{code}' is not one of your council's suspension reasons",
    )


@transaction.atomic
def admission_suspend(
    *, admission: Admission, actor, reason_code: str, reason: str = "", all_of_provider: bool = False
) -> list[Admission]:
    """Suspend at once. With `all_of_provider`, every active admission of the provider on this arrangement."""
    code = _reason_code(admission, reason_code)
    targets = [admission]
    if all_of_provider:
        targets = list(
            Admission.objects.in_group("offerable").filter(
                arrangement=admission.arrangement, provider=admission.provider
            )
        )
    if not any(ADMISSION.can(t.status, "suspended") for t in targets):
        raise ServiceError("This admission is not active")
    return [
        _change(t, to_status="suspended", actor=actor, reason_code=code.code, reason=reason or code.name)
        for t in targets
        if ADMISSION.can(t.status, "suspended")
    ]


@transaction.atomic
def admissions_suspend_provider(*, council, provider, actor, reason_code: str, reason: str) -> list[Admission]:
    """A provider has failed or left: every active admission it holds on the council's arrangements is suspended
    with the reason, so no cascade, ranking or competition offers it the same people again."""
    admissions = list(
        Admission.objects.select_for_update()
        .filter(arrangement__council=council, provider=provider, status__in=ADMISSION.group("offerable"))
        .select_related("arrangement")
        .order_by("pk")
    )
    return [_change(a, to_status="suspended", actor=actor, reason_code=reason_code, reason=reason) for a in admissions]


@transaction.atomic
def admission_reinstate(*, admission: Admission, actor, reason: str) -> Admission:
    if not ADMISSION.is_in(admission.status, "suspended"):
        raise ServiceError("Only a suspended admission can be reinstated")
    if not (reason or "").strip():
        raise ServiceError({"reason": "Say why the suspension ends"})
    return _change(admission, to_status="active", actor=actor, reason=reason.strip())


@transaction.atomic
def admission_remove(*, admission: Admission, actor, reason: str) -> Admission:
    if not ADMISSION.is_in(admission.status, "current"):
        raise ServiceError("This admission is already removed")
    if not (reason or "").strip():
        raise ServiceError({"reason": "Say why the provider is removed or excluded"})
    return _change(admission, to_status="removed", actor=actor, reason=reason.strip())


CAPACITY_MAX = 5000  # people under one admission: beyond this a figure is a typing slip


@transaction.atomic
def admission_capacity_declare(*, admission: Admission, actor, capacity, today: date | None = None) -> Admission:
    """The provider's own figure of the people it can support at once under this admission (seed 004 sets demand
    against capacity). Declared again whenever it changes; each declaration is audited with the one it replaces."""
    if not ADMISSION.is_in(admission.status, "current"):
        raise ServiceError("A removed admission has no capacity to declare")
    try:
        number = int(str(capacity).strip())
    except (TypeError, ValueError):
        raise ServiceError({"capacity": "Enter the number of people as a whole number, like 12"}) from None
    if not 0 <= number <= CAPACITY_MAX:
        raise ServiceError({"capacity": f"Enter a number of people from 0 to {CAPACITY_MAX:,}"})
    before = {"capacity": admission.capacity, "declared_on": str(admission.capacity_declared_on or "")}
    admission.capacity = number
    admission.capacity_declared_on = today or timezone.localdate()
    admission.save(update_fields=["capacity", "capacity_declared_on"])
    audit_record(
        actor=actor,
        organisation=admission.arrangement.council,
        action="admission.capacity_declared",
        target=admission,
        also=admission.provider,
        before=before,
        after={"capacity": number, "declared_on": str(admission.capacity_declared_on)},
    )
    return admission


def admissions_suspend_expired(*, today: date | None = None) -> list[Admission]:
    """Insurance past its expiry date suspends the admission automatically (run by the worker)."""
    today = today or timezone.localdate()
    suspended = []
    for admission in (
        Admission.objects.in_group("offerable")
        .filter(insurance_expires_on__lt=today)
        .select_related("arrangement__council")
    ):
        with transaction.atomic():
            suspended.append(
                _change(
                    admission,
                    to_status="suspended",
                    actor=None,
                    reason_code="insurance-expired",
                    reason=f"Insurance expired on {admission.insurance_expires_on:%-d %B %Y}",
                )
            )
    return suspended


def admissions_expiring(*, within_days: int = 30, today: date | None = None):
    today = today or timezone.localdate()
    return Admission.objects.in_group("offerable").filter(
        insurance_expires_on__gte=today, insurance_expires_on__lte=today + timedelta(days=within_days)
    )


def routable(admissions):
    """Only active admissions route work: a suspension takes effect at once, everywhere."""
    return admissions.in_group("offerable")


def _area_bids(arrangement: Arrangement) -> list[award_rules.AwardBid]:
    """Each admitted provider's score per area: quality and that area's price score, by the arrangement's weights."""
    admissions = list(
        Admission.objects.in_group("offerable")
        .filter(arrangement=arrangement, area__isnull=False)
        .select_related("area", "provider", "application__decision")
    )
    by_area: dict[int, list[Admission]] = {}
    for admission in admissions:
        by_area.setdefault(admission.area_id, []).append(admission)
    bids = []
    seen = set()
    for area_admissions in by_area.values():
        priced = {a.provider.name: a.price for a in area_admissions if a.price}
        price_scores = evaluation.price_scores(priced)
        for a in area_admissions:
            if (a.provider.name, a.area.code) in seen:
                continue
            seen.add((a.provider.name, a.area.code))
            quality = a.application.decision.quality_score
            price_part = price_scores.get(a.provider.name, Decimal(0))
            total = ((quality * arrangement.quality_weight + price_part * arrangement.price_weight) / 100).quantize(
                Decimal("0.01")
            )
            bids.append(award_rules.AwardBid(a.provider.name, a.area.code, total))
    return bids


@transaction.atomic
def positions_compute(*, arrangement: Arrangement, actor) -> AwardRun:
    if arrangement.mechanism_enum != Mechanism.TIERED_FRAMEWORK:
        raise ServiceError("Positions are computed for tiered frameworks only")
    areas = {a.code: a for lot in arrangement.lots.all() for a in lot.areas.all()}
    award_areas = [award_rules.AwardArea(a.code, a.name, a.level) for a in sorted(areas.values(), key=lambda a: a.code)]
    bids = _area_bids(arrangement)
    result = award_rules.compute_award(
        award_areas, bids, award_rules.Caps(arrangement.cap_level_1 or 0, arrangement.cap_level_2 or 0)
    )
    reserve = award_rules.reserve_lists(award_areas, bids, result)
    positions = {(p.area, p.provider): p.position for p in result.placements}
    for admission in (
        Admission.objects.in_group("current")
        .filter(arrangement=arrangement, area__isnull=False)
        .select_related("area", "provider")
    ):
        position = positions.get((admission.area.code, admission.provider.name), "reserve")
        rank = (
            reserve[admission.area.code].index(admission.provider.name) + 1
            if position == "reserve" and admission.provider.name in reserve[admission.area.code]
            else None
        )
        if (admission.position, admission.rank) != (position, rank):
            admission.position, admission.rank = position, rank
            admission.save(update_fields=["position", "rank"])
    run = AwardRun.objects.create(
        arrangement=arrangement,
        kind="positions",
        computed_by=describe_actor(actor)[0],
        solve_seconds=Decimal(str(round(result.solve_seconds, 3))),
        total_score=result.total_score,
        result={
            "placements": [
                {"area": p.area, "provider": p.provider, "position": p.position, "score": str(p.score)}
                for p in result.placements
            ],
            "unfilled": [{"area": u.area, "position": u.position, "reason": u.reason} for u in result.unfilled],
            "explanations": result.explanations,
            "reserve": reserve,
        },
    )
    audit_record(
        actor=actor,
        organisation=arrangement.council,
        action="positions.computed",
        target=arrangement,
        after={
            "positions": len(result.placements),
            "unfilled": len(result.unfilled),
            "total_score": result.total_score,
        },
    )
    return run


# Where KPI scores come from: the quality app registers its scorecards here when it loads (it sits above this
# app), so every ranking, on demand or by the worker, uses the KPIs the record shows.
KPI_SOURCE = None


@transaction.atomic
def ranking_compute(*, arrangement: Arrangement, actor) -> AwardRun:
    """Rank providers per service type within each area (seed 004) by the arrangement's weights: its KPI share of
    the KPI score computed from the record (the evaluation's quality score for a provider without KPI figures
    yet) and the rest of the price score. Each provider's line says why; earlier rankings are kept as runs."""
    if arrangement.mechanism_enum != Mechanism.RANKED_FRAMEWORK:
        raise ServiceError("Rankings are computed for ranked frameworks only")
    admissions = list(
        Admission.objects.in_group("offerable")
        .filter(arrangement=arrangement)
        .select_related("area", "provider", "lot", "application__decision")
        .prefetch_related("lot__service_types")
    )
    kpis = KPI_SOURCE(arrangement.council) if KPI_SOURCE is not None else {}
    groups: dict[tuple[str, str], list[Admission]] = {}
    for a in admissions:
        for service_type in a.lot.service_types.all():
            groups.setdefault((service_type.code, a.area.code if a.area else ""), []).append(a)
    table = {}
    for (service, area), members in sorted(groups.items()):
        prices = evaluation.price_scores({str(m.pk): m.price for m in members if m.price})
        scored = []
        for m in members:
            kpi, basis = kpis.get(m.provider_id, (None, ""))
            if kpi is None:
                kpi, basis = m.application.decision.quality_score, "evaluation score (no KPI figures yet)"
            price = prices.get(str(m.pk), Decimal(0))
            score = evaluation.ranked_score(
                kpi=kpi, price_score=price, kpi_weight=arrangement.kpi_weight, price_weight=100 - arrangement.kpi_weight
            )
            scored.append((score, m, kpi, basis, price))
        scored.sort(key=lambda item: (-item[0], item[1].provider.name))
        table[f"{service}|{area}"] = []
        for rank, (score, m, kpi, basis, price) in enumerate(scored, start=1):
            was = m.rank
            moved = "new" if was is None else "unchanged" if was == rank else f"was {was}"
            kpi_share = format(arrangement.kpi_weight.normalize(), "f")
            price_share = format((100 - arrangement.kpi_weight).normalize(), "f")
            table[f"{service}|{area}"].append(
                {
                    "provider": m.provider.name,
                    "score": str(score),
                    "rank": rank,
                    "previous_rank": was,
                    "why": f"Rank {rank} ({moved}): KPI {kpi} ({basis}) x {kpi_share}% + price {price} x "
                    f"{price_share}% = {score}",
                }
            )
            if m.rank != rank:
                m.rank = rank
                m.save(update_fields=["rank"])
    run = AwardRun.objects.create(
        arrangement=arrangement, kind="ranking", computed_by=describe_actor(actor)[0], result={"rankings": table}
    )
    audit_record(
        actor=actor,
        organisation=arrangement.council,
        action="ranking.computed",
        target=arrangement,
        after={"groups": len(table)},
    )
    return run


def _positions_job(*, job, actor, progress, arrangement_id: int) -> tuple[str, str]:
    from django.urls import reverse

    run = positions_compute(arrangement=Arrangement.objects.get(pk=arrangement_id), actor=actor)
    progress(1, 1)
    return (
        f"Positions computed in {run.solve_seconds} seconds: {len(run.result['placements'])} awarded, "
        f"{len(run.result['unfilled'])} unfilled. The previous positions are kept in the history.",
        reverse("arrangements:admissions", args=[arrangement_id]),
    )


def positions_compute_start(*, arrangement: Arrangement, actor):
    """Compute the positions in the worker (the optimiser can take longer than a page waits): a second click while
    it runs starts nothing."""
    from caremarket.core.jobs import job_start

    if arrangement.mechanism_enum != Mechanism.TIERED_FRAMEWORK:
        raise ServiceError("Positions are computed for tiered frameworks only")
    return job_start(
        organisation=arrangement.council,
        actor=actor,
        kind="arrangement.positions",
        key=f"arrangement:{arrangement.pk}",
        label=f"Computing the positions on {arrangement.reference}",
        handler=_positions_job,
        unit="solves",
        arrangement_id=arrangement.pk,
    )


@transaction.atomic
def position_override(*, admission: Admission, actor, position: str, reason: str) -> Admission:
    """A commissioner's change to a computed position, refused where it breaks a cap or the area's shape."""
    arrangement = admission.arrangement
    if arrangement.mechanism_enum != Mechanism.TIERED_FRAMEWORK or admission.area is None:
        raise ServiceError("Positions belong to areas of tiered frameworks")
    if position not in {"primary", "secondary", "reserve"}:
        raise ServiceError({"position": "Choose primary, secondary or reserve"})
    if not (reason or "").strip():
        raise ServiceError({"reason": "Say why the computed position is changed"})
    level = admission.area.level
    if position != "reserve" and position not in award_rules.POSITIONS_BY_LEVEL[level]:
        raise ServiceError({"position": f"A level {level} area has no {position} position"})
    if not ADMISSION.is_in(admission.status, "offerable"):
        raise ServiceError("Only an active admission can hold a position")
    others = (
        Admission.objects.in_group("offerable")
        .filter(arrangement=arrangement, area=admission.area, position=position)
        .exclude(pk=admission.pk)
    )
    if position != "reserve" and others.exists():
        raise ServiceError(
            {
                "position": f"{others.first().provider.name} already holds the {position} position in "
                f"{admission.area.name}"
            }
        )
    if position != "reserve":
        cap = arrangement.cap_level_1 if level == 1 else arrangement.cap_level_2
        held = (
            Admission.objects.filter(
                arrangement=arrangement,
                provider=admission.provider,
                area__level=level,
                position__in=["primary", "secondary"],
                status__in=ADMISSION.group("offerable"),
            )
            .exclude(pk=admission.pk)
            .values("area")
            .distinct()
            .count()
        )
        if cap is not None and held + 1 > cap:
            raise ServiceError(
                {"position": f"{admission.provider.name} would hold {held + 1} level {level} areas; the cap is {cap}"}
            )
    before = admission.position
    admission.position = position
    admission.rank = None
    admission.save(update_fields=["position", "rank"])
    audit_record(
        actor=actor,
        organisation=arrangement.council,
        action="admission.position_changed",
        target=admission,
        before={"position": before},
        after={"position": position},
        reason=reason.strip(),
    )
    return admission
