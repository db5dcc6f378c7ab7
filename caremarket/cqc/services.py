"""Importing the CQC care directory. Every row is read or rejected with the reason; nothing is half-imported."""

from __future__ import annotations

from django.db import transaction

from caremarket.core.audit import audit_record, describe_actor
from caremarket.core.errors import ServiceError
from caremarket.domain.cqc import DirectoryFormatError, parse_directory

from .models import CqcImport, CqcLocation

KNOWN_COUNCIL_CODES: set[str] | None = None
UPDATED_FIELDS = [
    "name",
    "provider_name",
    "postcode",
    "service_types",
    "local_authority",
    "council_code",
    "last_check_on",
    "last_import",
]


def _known_codes() -> set[str] | None:
    import json

    from django.conf import settings

    global KNOWN_COUNCIL_CODES
    if KNOWN_COUNCIL_CODES is None:
        path = settings.CAREMARKET_SHARED_DATA / "geo" / "ons_local_authority_districts.json"
        KNOWN_COUNCIL_CODES = set(json.loads(path.read_text())) if path.exists() else set()
    return KNOWN_COUNCIL_CODES or None


def _flags_by_council() -> dict[int, set[tuple[str, str]]]:
    """Every council's registration flags: (provider, reason) for admitted providers of regulated services."""
    from caremarket.accounts.models import Organisation

    from .selectors import registration_flags

    return {
        council.pk: {(f.provider, f.reason) for f in registration_flags(council=council)}
        for council in Organisation.objects.filter(kind="council")
    }


@transaction.atomic
def directory_import(*, text: str, file_name: str, actor) -> CqcImport:
    """The CQC directory is shared by every council of the installation, so only installation staff import it;
    every council whose providers' registration changes has it in its own audit log."""
    user = describe_actor(actor)[0]
    if user is not None and not user.is_staff:  # None: the server's own command, run by installation staff
        raise ServiceError(
            "The CQC directory is shared by every council: only installation staff import it", status=403
        )
    before = _flags_by_council()
    try:
        report = parse_directory(text, known_council_codes=_known_codes())
    except DirectoryFormatError as exc:
        raise ServiceError({"file": str(exc)}) from exc
    record = CqcImport.objects.create(
        file_name=file_name[:255],
        form=report.form,
        imported_by=describe_actor(actor)[0],
        rows_read=len(report.locations),
        rows_rejected=len({r.row for r in report.rejected}),
        rows_repaired=len(report.repaired),
        rejected=[{"row": r.row, "column": r.column, "reason": r.reason} for r in report.rejected],
        repaired=[{"row": r.row, "column": r.column, "reason": r.reason} for r in report.repaired],
    )
    with_ids = [loc for loc in report.locations if loc.location_id]
    existing = {
        loc.location_id: loc
        for loc in CqcLocation.objects.filter(location_id__in=[loc.location_id for loc in with_ids])
    }
    to_create, to_update = [], []
    for loc in with_ids:
        fields = {
            "name": loc.name,
            "provider_name": loc.provider_name,
            "postcode": loc.postcode,
            "service_types": list(loc.service_types),
            "local_authority": loc.local_authority,
            "council_code": loc.council_code,
            "last_check_on": loc.last_check,
            "last_import": record,
        }
        if loc.location_id in existing:
            row = existing[loc.location_id]
            for name, value in fields.items():
                setattr(row, name, value)
            to_update.append(row)
        else:
            to_create.append(CqcLocation(location_id=loc.location_id, **fields))
    CqcLocation.objects.bulk_create(to_create, batch_size=500)
    CqcLocation.objects.bulk_update(to_update, UPDATED_FIELDS, batch_size=500)
    after = _flags_by_council()
    from caremarket.accounts.models import Organisation

    for council in Organisation.objects.filter(pk__in=[pk for pk in after if after[pk] != before.get(pk, set())]):
        now_flagged, was_flagged = after[council.pk], before.get(council.pk, set())
        audit_record(
            actor=actor,
            organisation=council,
            action="cqc_registration.changed",
            target=record,
            before={"flagged": sorted(p for p, _ in was_flagged - now_flagged)},
            after={"flagged": sorted(p for p, _ in now_flagged - was_flagged)},
            reason="the installation's CQC directory was imported",
        )
    audit_record(
        actor=actor,
        organisation=getattr(describe_actor(actor)[0], "organisation", None),
        action="cqc_directory.imported",
        target=record,
        after={
            "read": record.rows_read,
            "rejected": record.rows_rejected,
            "repaired": record.rows_repaired,
            "form": record.form,
            "locations_with_ids": len(with_ids),
        },
    )
    return record


@transaction.atomic
def ratings_import(*, text: str, file_name: str, actor) -> CqcImport:
    """CQC's published inspection ratings, shared by every council like the directory: each report kept once (a
    report already imported is updated, not doubled), the history of every location kept."""
    from caremarket.domain.cqc import parse_ratings

    from .models import CqcRating

    user = describe_actor(actor)[0]
    if user is not None and not user.is_staff:
        raise ServiceError("CQC ratings are shared by every council: only installation staff import them", status=403)
    try:
        report = parse_ratings(text)
    except DirectoryFormatError as exc:
        raise ServiceError({"file": str(exc)}) from exc
    record = CqcImport.objects.create(
        file_name=file_name[:255],
        form="ratings",
        imported_by=user,
        rows_read=len(report.ratings),
        rows_rejected=len({r.row for r in report.rejected}),
        rows_repaired=len(report.repaired),
        rejected=[{"row": r.row, "column": r.column, "reason": r.reason} for r in report.rejected],
        repaired=[{"row": r.row, "column": r.column, "reason": r.reason} for r in report.repaired],
    )
    latest = {(r.location_id, r.report_date): r for r in report.ratings}  # a report listed twice: the last row
    existing = {
        (row.location_id, row.report_date): row
        for row in CqcRating.objects.filter(location_id__in={k[0] for k in latest})
    }
    new, changed = [], []
    for key, r in latest.items():
        row = existing.get(key)
        if row is None:
            new.append(CqcRating(location_id=r.location_id, report_date=r.report_date, rating=r.rating,
                                 ownership=r.ownership, last_import=record))  # fmt: skip
        elif (row.rating, row.ownership) != (r.rating, r.ownership):
            row.rating, row.ownership, row.last_import = r.rating, r.ownership, record
            changed.append(row)
    CqcRating.objects.bulk_create(new, batch_size=2000)
    CqcRating.objects.bulk_update(changed, ["rating", "ownership", "last_import"], batch_size=2000)
    audit_record(
        actor=actor,
        organisation=None,
        action="cqc.ratings_imported",
        target=record,
        after={"read": record.rows_read, "new": len(new), "changed": len(changed), "rejected": record.rows_rejected},
    )
    return record
