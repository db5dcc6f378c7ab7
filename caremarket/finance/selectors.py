from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.http import Http404

from caremarket.arrangements import selectors as arrangement_reads
from caremarket.core.tenancy import get_for_organisation_or_404
from caremarket.domain import pricing
from caremarket.domain import rates as seed_rates
from caremarket.domain.lifecycles import PAYMENT_RUN

from .models import DeliveryRecord, DeliveryUpload, Hold, HoursBlock, PaymentLine, PaymentRun, Rate


def rate_list(*, council, arrangement_id=None):
    qs = Rate.objects.for_organisation(council).select_related(
        "arrangement", "service_type", "need_level", "area", "provider"
    )
    return qs.filter(arrangement_id=arrangement_id) if arrangement_id else qs


def rate_history(*, council, rate: Rate):
    """Every dated version of the rate, earliest first."""
    return Rate.objects.for_organisation(council).same_key_as(rate).order_by("starts_on")


def rate_get(*, council, pk) -> Rate:
    return get_for_organisation_or_404(Rate.objects.all(), council, pk=pk)


def run_list(*, council):
    return PaymentRun.objects.for_organisation(council)


def run_get(*, council, pk) -> PaymentRun:
    return get_for_organisation_or_404(PaymentRun.objects.all(), council, pk=pk)


def run_lines(run, *, provider_id=None):
    qs = run.lines.select_related("provider", "person", "placement").order_by("provider__name", "placement_id", "day")
    return qs.filter(provider_id=provider_id) if provider_id else qs


def hold_list(*, council):
    return Hold.objects.for_organisation(council).select_related("provider", "placement").order_by("-created_at")


def hold_get(*, council, pk) -> Hold:
    return get_for_organisation_or_404(Hold.objects.all(), council, pk=pk)


def council_placement(*, council, pk):
    from caremarket.brokerage.models import Placement

    return get_for_organisation_or_404(Placement.objects.select_related("admission", "provider"), council, pk=pk)


def live_arrangements(*, council):
    return arrangement_reads.arrangements_begun(council=council).order_by("reference")


def providers():
    from caremarket.accounts.models import Organisation

    return Organisation.objects.filter(kind="provider", is_active=True).order_by("name")


def providers_paid(*, council):
    """The providers the council has placed with or pays for a block of hours: those the ledger needs codes for."""
    from caremarket.accounts.models import Organisation
    from caremarket.brokerage.models import Placement

    placed = Placement.objects.for_organisation(council).values("provider_id")
    blocks = HoursBlock.objects.for_organisation(council).values("provider_id")
    return Organisation.objects.filter(Q(pk__in=placed) | Q(pk__in=blocks)).order_by("name")


def provider_placements(*, provider):
    from caremarket.brokerage.models import Placement

    return Placement.objects.filter(provider=provider).select_related("person", "council").order_by("pk")


def uploads(*, provider):
    return DeliveryUpload.objects.filter(provider=provider)[:20]


def failed_uploads(*, council, days: int = 14):
    """Uploads naming the council's placements that were rejected in the last `days` days and not followed by an
    accepted upload from the same provider: care delivered that the council cannot pay until they are fixed."""
    from datetime import timedelta

    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    since = timezone.now() - timedelta(days=days)
    fixed = DeliveryUpload.objects.filter(
        provider=OuterRef("provider"), status=DeliveryUpload.ACCEPTED, uploaded_at__gt=OuterRef("uploaded_at")
    )
    return (
        DeliveryUpload.objects.filter(councils=council, status=DeliveryUpload.REJECTED, uploaded_at__gte=since)
        .exclude(Exists(fixed))
        .select_related("provider")
        .order_by("-uploaded_at")
    )


def placements_without_records(*, provider, days: int = 7):
    """The provider's running placements with nothing recorded in the last `days` days (that started before then):
    delivery records due, without which the council cannot pay."""
    from datetime import timedelta

    from django.db.models import Max
    from django.utils import timezone

    from caremarket.brokerage.models import Placement

    since = timezone.localdate() - timedelta(days=days)
    return (
        Placement.objects.in_group("live")
        .filter(provider=provider, start_on__lte=since)
        .annotate(last_recorded=Max("deliveries__day"))
        .filter(Q(last_recorded__isnull=True) | Q(last_recorded__lt=since))
        .select_related("council", "service_type")
        .order_by("last_recorded", "start_on", "pk")
    )


def upload_get(*, provider, pk) -> DeliveryUpload:
    found = DeliveryUpload.objects.filter(provider=provider, pk=pk).first()
    if found is None:
        raise Http404("No such upload")
    return found


def provider_remittances(*, provider):
    """Runs that pay this provider, approved or paid, with its total in each."""
    from decimal import Decimal

    # Summed in Python: some databases (SQLite) sum decimals as floats.
    found: dict[int, dict] = {}
    for run_id, council, start, end, status, amount in PaymentLine.objects.filter(
        provider=provider, run__status__in=PAYMENT_RUN.group("committed"), held=False, flagged=False
    ).values_list("run_id", "run__council__name", "run__period_start", "run__period_end", "run__status", "amount"):
        row = found.setdefault(
            run_id,
            {
                "run_id": run_id,
                "run__council__name": council,
                "run__period_start": start,
                "run__period_end": end,
                "run__status": status,
                "total": Decimal("0.00"),
            },
        )
        row["total"] += amount
    return sorted(found.values(), key=lambda r: r["run__period_start"], reverse=True)


def provider_remittance(*, provider, run_id) -> PaymentRun:
    run = PaymentRun.objects.in_group("committed").filter(pk=run_id, lines__provider=provider).first()
    if run is None:
        raise Http404("No such remittance")
    return run


def payment_rules(*, council):
    from .models import PaymentRules

    return (
        PaymentRules.objects.for_organisation(council)
        .select_related("arrangement")
        .order_by("arrangement__reference", "starts_on")
    )


def hours_blocks(*, council):
    from .models import HoursBlock

    return HoursBlock.objects.for_organisation(council).select_related("arrangement", "provider", "area")


def contribution_list(*, council):
    from .models import ContributionAssessment

    return (
        ContributionAssessment.objects.for_organisation(council)
        .select_related("person")
        .order_by("person__family_name", "starts_on")
    )


def council_person(*, council, pk):
    from caremarket.brokerage.models import Person

    return get_for_organisation_or_404(Person.objects.all(), council, pk=pk)


def delivery_records(*, provider, placement_id=None, day_from=None, day_to=None):
    from .models import DeliveryRecord

    qs = DeliveryRecord.objects.filter(provider=provider).order_by("-day", "placement_id", "start")
    if placement_id:
        qs = qs.filter(placement_id=placement_id)
    if day_from:
        qs = qs.filter(day__gte=day_from)
    if day_to:
        qs = qs.filter(day__lte=day_to)
    return qs


def live_arrangement_get(*, council, pk):
    return get_for_organisation_or_404(live_arrangements(council=council), council, pk=pk)


def provider_get(*, pk):
    found = providers().filter(pk=pk).first()
    if found is None:
        raise Http404("No such provider")
    return found


def council_area(*, council, pk):
    from caremarket.reference.models import Area

    return get_for_organisation_or_404(Area.objects.all(), council, pk=pk)


def rate_targets(*, council, service_type=None, need_level=None, area=None, provider=None) -> dict:
    """What a new rate is for, from ids (each optional): the council's own reference data and any provider.
    An id that names nothing of the council's is a 404, never silently ignored."""
    from caremarket.reference.models import Area, NeedLevel, ServiceType

    def one(queryset, pk):
        if pk in (None, ""):
            return None
        found = queryset.filter(pk=pk).first() if str(pk).isdigit() else None
        if found is None:
            raise Http404("No such record in your organisation")
        return found

    return {
        "service_type": one(ServiceType.objects.for_organisation(council), service_type),
        "need_level": one(NeedLevel.objects.for_organisation(council), need_level),
        "area": one(Area.objects.for_organisation(council), area),
        "provider": one(providers(), provider),
    }


# -- which rate applies ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateChoice:
    rates: list[pricing.Rate]
    why: str


def _as_pricing(rows, source: str) -> list[pricing.Rate]:
    return [pricing.Rate(r.pk, r.amount, r.unit, r.starts_on, r.ends_on, source) for r in rows]


# how each kind of rate is named on the commissioner's page and in a run's lines
RATE_WHY = {
    "provider-area": ("provider's rate for the area", "the provider's own rate for the area"),
    "supported-living": ("supported living rate", "the supported living rate for the complexity and scheme size"),
    "set": ("set rate", "the arrangement's set rate for the service and need level"),
}


def placements_in_scheme(admission) -> int:
    """The council's live placements with the provider in this scheme (block admission)."""
    return admission.placements.in_group("live").count()


def care_rates(placement, rates_index=None, placements_count=None) -> RateChoice:
    """The rates that price a placement, and why, in the order of seed 002 (domain.rates.RATE_PRECEDENCE): a
    price agreed in a call-off or spot purchase, else the first kind of the arrangement's rates that fits."""
    if placement.route in seed_rates.AGREED_PRICE_ROUTES:
        unit = placement.price_unit or "hour"
        rows = [
            pricing.Rate(f"terms:{t.pk}", t.agreed_price, unit, t.starts_on, t.ends_on, "the agreed price")
            for t in placement.terms.all()
            if t.agreed_price
        ]
        return RateChoice(rows, f"the price agreed in the {placement.get_route_display().lower()}")
    admission = placement.admission
    if admission is None:
        return RateChoice([], "no arrangement: no rate")
    candidates = (
        rates_index(admission.arrangement_id)
        if rates_index
        else list(Rate.objects.filter(arrangement_id=admission.arrangement_id))
    )
    kind, chosen = seed_rates.placement_rates(
        candidates,
        provider_id=placement.provider_id,
        area_id=placement.area_id,
        service_type_id=placement.service_type_id,
        need_level_id=placement.need_level_id,
        scheme_places=admission.block_places or 0,
        placements=lambda: placements_count(admission) if placements_count else placements_in_scheme(admission),
    )
    if kind is None:
        return RateChoice([], "no rate has been set for this placement")
    source, why = RATE_WHY[kind]
    return RateChoice(_as_pricing(chosen, source), why)


def transport_rates(placement, rates_index=None) -> list[pricing.Rate]:
    admission = placement.admission
    if admission is None:
        return []
    candidates = (
        rates_index(admission.arrangement_id)
        if rates_index
        else list(Rate.objects.filter(arrangement_id=admission.arrangement_id))
    )
    return _as_pricing([r for r in candidates if r.kind == "add-on" and r.add_on == "transport"], "transport")


def rate_explain(placement, day: date) -> tuple[pricing.Rate | None, str]:
    """For a commissioner: the rate that applies to a placement on a date, and why."""
    choice = care_rates(placement)
    rate = pricing.rate_on(choice.rates, day)
    if rate is None:
        return None, f"No rate in force on {day:%-d %B %Y}: {choice.why}"
    return rate, f"{choice.why}, in force from {rate.starts_on:%-d %B %Y}" + (
        f" to {rate.ends_on:%-d %B %Y}" if rate.ends_on else ""
    )


def block_utilisation(run) -> list[dict]:
    """Each block of hours in a run: the hours bought, the hours its provider delivered in its area, the share."""
    rows = []
    for block in (
        HoursBlock.objects.filter(council=run.council, starts_on__lte=run.period_end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=run.period_start))
        .select_related("provider", "area")
    ):
        start, end = max(run.period_start, block.starts_on), min(run.period_end, block.ends_on or run.period_end)
        bought = block.hours_per_week * Decimal((end - start).days + 1) / 7
        minutes = sum(
            m * c
            for m, c in DeliveryRecord.objects.filter(
                provider=block.provider, placement__area=block.area, day__gte=start, day__lte=end, kind="visit"
            ).values_list("minutes", "carers")
        )
        used = Decimal(minutes) / 60
        rows.append(
            {
                "block": block,
                "bought": bought.quantize(Decimal("0.1")),
                "used": used.quantize(Decimal("0.1")),
                "utilisation": pricing.block_utilisation(bought, used),
            }
        )
    return rows
