"""KPIs read from what Caremarket recorded (domain/kpis.py says what each means)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from caremarket.brokerage.models import Referral
from caremarket.domain import kpis
from caremarket.domain.lifecycles import REFERRAL

PERIODS = {"3": "the last 3 months", "6": "the last 6 months", "12": "the last 12 months"}


def period(months: str | None, today: date | None = None) -> tuple[str, date, date]:
    """The months asked for (3, 6 or 12; 6 otherwise), ending today."""
    today = today or timezone.localdate()
    months = months if months in PERIODS else "6"
    return months, today - timedelta(days=round(int(months) * 30.44)), today


POSITIONS = {"primary": "Primary", "secondary": "Secondary", "reserve": "Reserve"}


@dataclass(frozen=True)
class Cut:
    """A slice of the market the KPIs can be read for: an area, a service, a framework position (or any of them
    together). Figures that belong to the provider as a whole (action plans) have none."""

    area_id: int | None = None
    service_type_id: int | None = None
    position: str = ""

    def __bool__(self) -> bool:
        return bool(self.area_id or self.service_type_id or self.position)

    @property
    def key(self) -> str:
        """How the cut is kept: "area=3;service=2;position=primary", or "" for the whole market."""
        parts = [("area", self.area_id), ("service", self.service_type_id), ("position", self.position)]
        return ";".join(f"{k}={v}" for k, v in parts if v)

    @classmethod
    def parse(cls, key: str) -> Cut:
        """The cut a kept key names ("" is the whole market)."""
        parts = dict(part.split("=", 1) for part in key.split(";") if "=" in part)
        area, service = parts.get("area", ""), parts.get("service", "")
        return cls(
            int(area) if area.isdigit() else None,
            int(service) if service.isdigit() else None,
            parts.get("position", "") if parts.get("position") in POSITIONS else "",
        )

    @property
    def query(self) -> str:
        """The cut as a page's query string continues it ("&area=3&service=2")."""
        parts = [("area", self.area_id), ("service", self.service_type_id), ("position", self.position)]
        return "".join(f"&{k}={v}" for k, v in parts if v)

    def _on(self, queryset, area: str, service: str, position: str):
        wanted = {area: self.area_id, service: self.service_type_id, position: self.position}
        return queryset.filter(**{field: value for field, value in wanted.items() if value})

    def placements(self, queryset, path: str = ""):
        """Those of the placements (reached through `path`) inside the cut."""
        return self._on(queryset, f"{path}area_id", f"{path}service_type_id", f"{path}admission__position")

    def referrals(self, queryset):
        """Those of the referrals inside the cut: their request's area and service, the position they were
        offered at."""
        return self._on(queryset, "request__area_id", "request__service_type_id", "step")


WHOLE = Cut()


def _acceptance_referrals(*, council, start: date, end: date, cut: Cut = WHOLE):
    """The referrals seed 001's acceptance rule counts: offered in the period to a primary or secondary provider in
    a level 1 area, and decided (accepted, declined or timed out)."""
    return cut.referrals(
        Referral.objects.filter(
            request__council=council,
            offered_at__date__gte=start,
            offered_at__date__lte=end,
            step__in=kpis.ACCEPTANCE_POSITIONS,
            request__area__level=kpis.ACCEPTANCE_AREA_LEVEL,
            status__in=REFERRAL.group("decided"),
        )
    )


def referral_acceptance(*, council, start: date, end: date, cut: Cut = WHOLE) -> list[dict]:
    """Each provider's acceptance rate over the period, lowest first, with its counts and its band."""
    counted: dict[int, dict] = defaultdict(lambda: {"accepted": 0, "declined": 0, "timed_out": 0})
    names: dict[int, str] = {}
    rows = (
        _acceptance_referrals(council=council, start=start, end=end, cut=cut)
        .values("provider_id", "provider__name", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        names[row["provider_id"]] = row["provider__name"]
        if REFERRAL.is_in(row["status"], "won"):
            key = "accepted"
        else:
            key = "declined" if REFERRAL.is_in(row["status"], "declined") else "timed_out"
        counted[row["provider_id"]][key] += row["n"]
    found = []
    for provider_id, numbers in counted.items():
        count = kpis.AcceptanceCount(**numbers)
        found.append(
            {
                "provider_id": provider_id,
                "provider": names[provider_id],
                "accepted": count.accepted,
                "declined": count.declined,
                "timed_out": count.timed_out,
                "decided": count.decided,
                "rate": count.rate,
                "rag": kpis.REFERRAL_ACCEPTANCE.rag(count.rate),
            }
        )
    return sorted(found, key=lambda r: (r["rate"], r["provider"]))


def referrals_not_accepted(*, council, provider_id: int, start: date, end: date):
    """The referrals behind a provider's acceptance rate that it did not accept: declined (with the reason) or left
    to time out."""
    return (
        _acceptance_referrals(council=council, start=start, end=end)
        .filter(provider_id=provider_id, status__in=REFERRAL.group("not_accepted"))
        .select_related("request__service_type", "request__area", "decline_reason", "provider")
        .order_by("-offered_at")
    )


def latest_published_visits(*, council, service=None) -> dict:
    """Each provider's latest published monitoring visit for each service: (provider id, service type id) → visit."""
    from caremarket.domain.lifecycles import MONITORING_VISIT

    from .models import MonitoringVisit

    published = (
        MonitoringVisit.objects.for_organisation(council)
        .filter(status__in=MONITORING_VISIT.group("published"))
        .select_related("framework")
        .order_by("provider_id", "service_type_id", "-published_on", "-pk")
    )
    if service is not None:
        published = published.filter(service_type=service)
    latest: dict = {}
    for visit in published:
        latest.setdefault((visit.provider_id, visit.service_type_id), visit)
    return latest


def latest_published_ratings(*, council) -> dict:
    """The council's latest published rating of each provider for each service, in words."""
    return {key: visit.get_overall_label() for key, visit in latest_published_visits(council=council).items()}
