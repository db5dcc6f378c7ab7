from __future__ import annotations

from django.http import Http404

from caremarket.arrangements import selectors as arrangement_reads
from caremarket.core.tenancy import get_for_organisation_or_404
from caremarket.domain.lifecycles import PAYMENT_RUN

from .models import DeliveryUpload, Hold, PaymentLine, PaymentRun, Rate


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


def provider_placements(*, provider):
    from caremarket.brokerage.models import Placement

    return Placement.objects.filter(provider=provider).select_related("person", "council").order_by("pk")


def uploads(*, provider):
    return DeliveryUpload.objects.filter(provider=provider)[:20]


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


def cost_of_care_list(*, council):
    from .models import CostOfCare

    return CostOfCare.objects.for_organisation(council).order_by("-starts_on", "-id")


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
