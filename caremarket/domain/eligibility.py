"""Which providers can take a care request, and for every one that cannot, why (seed 000, 001, 004).

Pure data in, pure data out: the brokerage app turns admissions and requests into these facts. An index
by (service type, area) keeps one request's check proportional to the providers admitted there, not to the
whole market.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

NOT_ADMITTED = "not-admitted"
SUSPENDED = "suspended"
NO_TRANSPORT = "no-transport"
AGE = "age"
NOT_REGISTERED = "not-registered"
NO_CAPACITY = "no-capacity"
NEED_LEVEL = "need-level"
REFERRALS_STOPPED = "referrals-stopped"

REASONS = {
    NOT_ADMITTED: "not admitted to a lot covering this service, area and need level",
    SUSPENDED: "suspended",
    NO_TRANSPORT: "does not offer transport, which the person's assessment says they need",
    AGE: "outside its age range",
    NOT_REGISTERED: "no CQC registration on record for a service with personal care or medication",
    NO_CAPACITY: "has declared no capacity",
    NEED_LEVEL: "admitted for this service and area, but not for this need level",
    REFERRALS_STOPPED: "new referrals stopped by the council",
}


@dataclass(frozen=True)
class Need:
    service_type: str
    area: str
    need_level: str | None = None
    needs_transport: bool = False
    age: int | None = None
    regulated: bool = False


@dataclass(frozen=True)
class AdmissionFact:
    provider: str
    service_types: frozenset[str]
    areas: frozenset[str]  # empty: the whole lot, every area
    need_levels: frozenset[str]  # empty: every need level
    status: str = "active"
    offers_transport: bool = False
    age_min: int | None = None
    age_max: int | None = None
    admission_id: int | None = None
    status_reason: str = ""  # why it is suspended, from its status history


@dataclass(frozen=True)
class ProviderFact:
    provider: str
    registered: bool = True
    has_capacity: bool = True
    referrals_stopped: str = ""  # why the council has stopped new referrals to it (its placements continue)


@dataclass(frozen=True)
class Verdict:
    provider: str
    eligible: bool
    reasons: tuple[str, ...] = ()
    admission_id: int | None = None
    suspension: str = ""

    def explain(self) -> str:
        if self.eligible:
            return "eligible"
        return "; ".join(
            f"{REASONS[r]}: {self.suspension}"
            if r in {SUSPENDED, REFERRALS_STOPPED} and self.suspension
            else REASONS[r]
            for r in self.reasons
        )


@dataclass
class Market:
    """Admissions indexed by service type and area, built once and reused for many requests."""

    by_service_area: dict[tuple[str, str], list[AdmissionFact]] = field(default_factory=lambda: defaultdict(list))
    by_service_any_area: dict[str, list[AdmissionFact]] = field(default_factory=lambda: defaultdict(list))
    providers: dict[str, ProviderFact] = field(default_factory=dict)

    @classmethod
    def build(cls, admissions: Iterable[AdmissionFact], providers: Iterable[ProviderFact]) -> Market:
        market = cls()
        for fact in admissions:
            for service_type in fact.service_types:
                if fact.areas:
                    for area in fact.areas:
                        market.by_service_area[service_type, area].append(fact)
                else:
                    market.by_service_any_area[service_type].append(fact)
        market.providers = {p.provider: p for p in providers}
        return market

    def candidates(self, need: Need) -> list[AdmissionFact]:
        return self.by_service_area.get((need.service_type, need.area), []) + self.by_service_any_area.get(
            need.service_type, []
        )


def _admission_reasons(fact: AdmissionFact, need: Need) -> list[str]:
    reasons = []
    if fact.need_levels and need.need_level and need.need_level not in fact.need_levels:
        reasons.append(NEED_LEVEL)
    if fact.status != "active":
        reasons.append(SUSPENDED)
    if need.needs_transport and not fact.offers_transport:
        reasons.append(NO_TRANSPORT)
    if need.age is not None and (
        (fact.age_min is not None and need.age < fact.age_min) or (fact.age_max is not None and need.age > fact.age_max)
    ):
        reasons.append(AGE)
    return reasons


def assess(need: Need, market: Market, *, all_providers: Iterable[str] = ()) -> list[Verdict]:
    """A verdict for every provider admitted for the service and area, and for every other provider named in
    `all_providers` (they are not admitted). Eligible first, then by provider."""
    best: dict[str, Verdict] = {}
    for fact in market.candidates(need):
        reasons = _admission_reasons(fact, need)
        provider = market.providers.get(fact.provider, ProviderFact(fact.provider))
        if need.regulated and not provider.registered:
            reasons.append(NOT_REGISTERED)
        if not provider.has_capacity:
            reasons.append(NO_CAPACITY)
        if provider.referrals_stopped:
            reasons.append(REFERRALS_STOPPED)
        suspension = fact.status_reason if SUSPENDED in reasons else provider.referrals_stopped
        verdict = Verdict(fact.provider, not reasons, tuple(reasons), fact.admission_id, suspension)
        current = best.get(fact.provider)
        # A provider with several admissions is judged by its best one.
        if (
            current is None
            or (verdict.eligible and not current.eligible)
            or (not current.eligible and not verdict.eligible and len(verdict.reasons) < len(current.reasons))
        ):
            best[fact.provider] = verdict
    for provider in all_providers:
        best.setdefault(provider, Verdict(provider, False, (NOT_ADMITTED,)))
    return sorted(best.values(), key=lambda v: (not v.eligible, v.provider))
