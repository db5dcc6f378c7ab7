"""Registration checks: providers admitted to regulated services must have a CQC registration on record."""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.arrangements import selectors as arrangement_reads

from .models import CqcImport, CqcLocation


@dataclass(frozen=True)
class RegistrationFlag:
    provider: str
    arrangement: str
    lot: str
    location_id: str
    reason: str


def registration_flags(*, council) -> list[RegistrationFlag]:
    admissions = (
        arrangement_reads.admissions_in(
            "current", arrangement__council=council, lot__service_types__regulated_activity=True
        )
        .select_related("provider", "arrangement", "lot", "application")
        .distinct()
    )
    ids = {a.application.cqc_location_id for a in admissions if a.application.cqc_location_id}
    known = {loc.location_id: loc for loc in CqcLocation.objects.filter(location_id__in=ids)}
    flags, seen = [], set()
    for a in admissions:
        key = (a.provider_id, a.arrangement_id, a.lot_id)
        if key in seen:
            continue
        seen.add(key)
        location_id = a.application.cqc_location_id
        if not location_id:
            reason = "no CQC location id given for a service with personal care or medication"
        elif location_id not in known:
            reason = "the CQC location id is not in the imported CQC directory"
        else:
            continue
        flags.append(RegistrationFlag(a.provider.name, a.arrangement.reference, a.lot.title, location_id, reason))
    return flags


def registration_of(location_id: str) -> CqcLocation | None:
    return CqcLocation.objects.filter(location_id=location_id).first() if location_id else None


def latest_import() -> CqcImport | None:
    return CqcImport.objects.first()


def ratings_of(location_ids) -> dict[str, list]:
    """Each location's published ratings, newest first."""
    from .models import CqcRating

    found: dict[str, list] = {}
    for rating in CqcRating.objects.filter(location_id__in=set(location_ids)).order_by("location_id", "-report_date"):
        found.setdefault(rating.location_id, []).append(rating)
    return found
