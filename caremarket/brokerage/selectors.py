from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, F, Min, Q
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from caremarket.arrangements import selectors as arrangement_reads
from caremarket.core.tenancy import get_for_organisation_or_404
from caremarket.cqc.models import CqcLocation
from caremarket.domain import arrangements as arrangement_rules
from caremarket.domain import disclosure, eligibility, routing
from caremarket.domain.lifecycles import ADMISSION, COMPETITION, PLACEMENT, REFERRAL

from .models import CareRequest, Person, pk_of_reference

if TYPE_CHECKING:
    from caremarket.accounts.models import Organisation
    from caremarket.arrangements.models import Admission, Arrangement


def person_list(*, council, search: str = ""):
    qs = Person.objects.for_organisation(council)
    if search:
        qs = qs.filter(
            Q(family_name__icontains=search) | Q(given_name__icontains=search) | Q(postcode__icontains=search)
        )
    return qs


def person_matches(*, council, given_name: str, family_name: str, date_of_birth, postcode: str):
    """People the council already records with the same name, date of birth and postcode: most likely the same
    person, recorded before (a second record splits their history and their record of views)."""
    from caremarket.domain import reference as reference_rules

    try:
        postcode = reference_rules.normalise_postcode(postcode)
    except reference_rules.ReferenceError:
        return Person.objects.none()
    return Person.objects.for_organisation(council).filter(
        given_name__iexact=(given_name or "").strip(),
        family_name__iexact=(family_name or "").strip(),
        date_of_birth=date_of_birth,
        postcode=postcode,
    )


def person_get(*, council, pk) -> Person:
    return get_for_organisation_or_404(Person.objects.all(), council, pk=pk)


def person_find(*, council, pk) -> Person | None:
    return Person.objects.for_organisation(council).filter(pk=pk).first()


def person_record_views(*, council, person):
    """Who opened the person's record, when and through what: the council's answer to a subject access request."""
    from .models import PersonRecordView

    return (
        PersonRecordView.objects.for_organisation(council).filter(person=person).select_related("viewer_organisation")
    )


def request_get(*, council, pk) -> CareRequest:
    qs = CareRequest.objects.select_related("person", "service_type", "need_level", "area", "approved_by", "owner")
    return get_for_organisation_or_404(qs, council, pk=pk)


def work_queue(
    *,
    council,
    status: str = "",
    area: str = "",
    service_type: str = "",
    escalated: str = "",
    q: str = "",
    sort: str = "start",
    owner: str = "",
    user=None,
):
    """The broker's queue: by default the open requests (waiting for approval or a provider), those starting
    soonest first; `status` "any" includes placed ones. `q` finds a request by its reference, or its person by name
    or postcode; `owner` is "me" (with `user`) or "nobody". Each row carries `deadline`: the soonest moment a
    provider must answer (an open referral's deadline or an open competition's close); "deadline" sorts by it."""
    qs = (
        CareRequest.objects.for_organisation(council)
        .select_related("person", "service_type", "area", "need_level", "owner")
        .annotate(
            referral_deadline=Min("referrals__deadline_at", filter=Q(referrals__status__in=REFERRAL.group("open"))),
            competition_deadline=Min(
                "competitions__closes_at", filter=Q(competitions__status__in=COMPETITION.group("taking_offers"))
            ),
        )
        # SQLite's MIN(a, b) is null when either is: each side falls back on the other
        .annotate(
            deadline=Least(
                Coalesce("referral_deadline", "competition_deadline"),
                Coalesce("competition_deadline", "referral_deadline"),
            )
        )
    )
    if status == "any":
        qs = qs.outside_group("cancelled")
    elif status:
        qs = qs.filter(status=status)
    else:
        qs = qs.in_group("open")
    if area:
        qs = qs.filter(area__code=area)
    if service_type:
        qs = qs.filter(service_type__code=service_type)
    if escalated:
        qs = qs.filter(escalated_at__isnull=escalated != "yes")
    if owner == "me" and user is not None:
        qs = qs.filter(owner=user)
    elif owner == "nobody":
        qs = qs.filter(owner__isnull=True)
    q = (q or "").strip()
    if pk_of_reference(q) is not None:
        qs = qs.filter(pk=pk_of_reference(q))
    elif q:
        words = Q()
        for word in q.split():
            words &= (
                Q(person__given_name__icontains=word)
                | Q(person__family_name__icontains=word)
                | Q(person__postcode__icontains=word)
            )
        qs = qs.filter(words | Q(person__postcode__iexact=q))
    if sort == "deadline":
        return qs.order_by(F("deadline").asc(nulls_last=True), "start_on", "id")
    order = ("created_at", "id") if sort == "waiting" else ("start_on", "created_at", "id")
    return qs.order_by(*order)


def with_ages(rows, now=None):
    """Each request with its age in days, for the rows on one page."""
    now = now or timezone.now()
    rows = list(rows)
    for row in rows:
        row.age_days = (now - row.created_at).days
    return rows


def queue_counts(*, council) -> dict[str, int]:
    from django.db.models import Count

    return dict(CareRequest.objects.for_organisation(council).values_list("status").annotate(n=Count("id")))


def _suspension_reasons(admissions) -> dict[int, str]:
    """Why each suspended admission is suspended: the reason of its latest status change."""
    ids = [a.pk for a in admissions if ADMISSION.is_in(a.status, "suspended")]
    return arrangement_reads.suspension_reasons(admission_ids=ids)


def _facts(admissions, lots: dict) -> list[eligibility.AdmissionFact]:
    """`lots`: each lot's service type codes, area codes and need levels, read once for every admission on it."""
    facts = []
    why = _suspension_reasons(admissions)
    for a in admissions:
        services, areas, levels = lots[a.lot_id]
        facts.append(
            eligibility.AdmissionFact(
                provider=a.provider.name,
                service_types=services,
                areas=frozenset({a.area.code}) if a.area_id else areas,
                need_levels=levels,
                status=a.status,
                offers_transport=a.offers_transport,
                age_min=a.age_min,
                age_max=a.age_max,
                admission_id=a.pk,
                status_reason=why.get(a.pk, ""),
            )
        )
    return facts


def _lots(lot_ids) -> dict[int, tuple[frozenset, frozenset, frozenset]]:
    from caremarket.arrangements.models import Lot

    found = {}
    for lot in Lot.objects.filter(pk__in=set(lot_ids)).prefetch_related("service_types", "areas", "need_levels"):
        found[lot.pk] = (
            frozenset(s.code for s in lot.service_types.all()),
            frozenset(x.code for x in lot.areas.all()),
            frozenset(str(n.pk) for n in lot.need_levels.all()),
        )
    return found


def _lots_of(*, service_type=None, area=None):
    """The lots that buy this service (in this area): a subquery, so admissions need no DISTINCT over their joins."""
    from caremarket.arrangements.models import Lot

    lots = Lot.objects.all()
    if service_type is not None:
        lots = lots.filter(service_types=service_type)
    if area is not None:
        lots = lots.filter(areas=area)
    return lots.values("pk")


def eligibility_market(*, council, service_type=None, area=None) -> tuple[eligibility.Market, list[str]]:
    """The council's live admissions (for one service type and area, or all) as the rule engine's index, and the
    providers in it."""
    admissions = arrangement_reads.admissions_on_live(council=council).select_related("provider", "area", "application")
    if service_type is not None:
        admissions = admissions.filter(lot__in=_lots_of(service_type=service_type))
    if area is not None:
        admissions = admissions.filter(Q(area=area) | Q(area__isnull=True, lot__in=_lots_of(area=area)))
    admissions = list(admissions.order_by("pk"))
    lots = _lots(a.lot_id for a in admissions)
    ids = {a.application.cqc_location_id for a in admissions if a.application.cqc_location_id}
    registered_ids = set(CqcLocation.objects.filter(location_id__in=ids).values_list("location_id", flat=True))
    registered: dict[str, bool] = {}
    for a in admissions:
        registered[a.provider.name] = registered.get(a.provider.name, False) or (
            a.application.cqc_location_id in registered_ids
        )
    stopped = referral_stops(council=council)
    providers = [
        eligibility.ProviderFact(name, registered=ok, referrals_stopped=stopped.get(name, ""))
        for name, ok in registered.items()
    ]
    return eligibility.Market.build(_facts(admissions, lots), providers), sorted(registered)


def referral_stops(*, council) -> dict[str, str]:
    """The providers the council has stopped new referrals to, with why."""
    from .models import ReferralStop

    return dict(
        ReferralStop.objects.for_organisation(council)
        .filter(lifted_at__isnull=True)
        .values_list("provider__name", "reason")
    )


def need_of(request: CareRequest) -> eligibility.Need:
    return eligibility.Need(
        service_type=request.service_type.code,
        area=request.area.code,
        need_level=str(request.need_level_id) if request.need_level_id else None,
        needs_transport=request.needs_transport,
        age=request.person.age_on(request.start_on),
        regulated=request.service_type.regulated_activity,
    )


def request_eligibility(request: CareRequest) -> list[eligibility.Verdict]:
    """Every provider admitted to the council's live arrangements for this service: eligible, or why not."""
    market, _ = eligibility_market(council=request.council, service_type=request.service_type, area=request.area)
    # every provider admitted for the service anywhere, once each (no ordering under DISTINCT: names alone)
    elsewhere = (
        arrangement_reads.admissions_on_live(council=request.council)
        .filter(lot__in=_lots_of(service_type=request.service_type))
        .order_by()
        .values_list("provider__name", flat=True)
        .distinct()
    )
    return eligibility.assess(need_of(request), market, all_providers=sorted(elsewhere))


def referrals_for_provider(*, provider):
    from .models import Referral

    return (
        Referral.objects.filter(provider=provider)
        .select_related("request__service_type", "request__area", "request__council", "request__need_level")
        .order_by("-offered_at")
    )


def referral_for_provider(*, provider, pk):
    from django.http import Http404

    found = referrals_for_provider(provider=provider).select_related("request__person").filter(pk=pk).first()
    if found is None:
        raise Http404("No such referral")
    return found


def placements_for_provider(*, provider):
    from .models import Placement

    return Placement.objects.filter(provider=provider).select_related("person", "service_type", "area", "council")


def placement_for_provider(*, provider, pk):
    from django.http import Http404

    found = placements_for_provider(provider=provider).filter(pk=pk).first()
    if found is None:
        raise Http404("No such placement")
    return found


def decline_reasons(*, council):
    from caremarket.reference.models import ReasonCode

    return ReasonCode.objects.for_organisation(council).filter(kind="decline", is_active=True)


def provider_list():
    from caremarket.accounts.models import Organisation

    return Organisation.objects.filter(kind="provider", is_active=True).order_by("name")


def provider_get(*, pk):
    from django.http import Http404

    found = provider_list().filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404("No such provider")
    return found


def live_placements_of(*, council, provider):
    from .models import Placement

    return (
        Placement.objects.for_organisation(council)
        .in_group("live")
        .filter(provider=provider)
        .select_related("person", "service_type", "area")
        .order_by("person__family_name", "pk")
    )


def providers_with_placements(*, council):
    from caremarket.accounts.models import Organisation

    from .models import Placement

    ids = Placement.objects.for_organisation(council).in_group("live").values_list("provider_id", flat=True)
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def reason_codes(*, council, kind: str):
    from caremarket.reference.models import ReasonCode

    return ReasonCode.objects.for_organisation(council).filter(kind=kind, is_active=True)


def need_levels(*, council, service_type):
    from caremarket.reference.models import NeedLevel

    return NeedLevel.objects.for_organisation(council).filter(service_type=service_type, is_active=True)


def in_house_services(*, council):
    """The council's own services a request can be placed with."""
    from caremarket.accounts.models import Organisation

    return Organisation.objects.filter(in_house_of=council, is_active=True).order_by("name")


def in_house_service_get(*, council, pk):
    from django.http import Http404

    found = in_house_services(council=council).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404("No such service of the council's own")
    return found


def block_admission_get(*, council, pk):
    from django.http import Http404

    found = arrangement_reads.block_admission(council=council, pk=pk) if str(pk).isdigit() else None
    if found is None:
        raise Http404("No such block")
    return found


def competition_get(*, council, pk):
    from .models import Competition

    qs = Competition.objects.select_related("request__service_type", "request__area", "request__person", "arrangement")
    return get_for_organisation_or_404(qs, council, pk=pk)


def placement_get(*, council, pk):
    from .models import Placement

    qs = Placement.objects.select_related(
        "person", "provider", "service_type", "area", "need_level", "spot_reason", "end_reason", "request"
    )
    return get_for_organisation_or_404(qs, council, pk=pk)


def placement_for_organisation(*, organisation, pk):
    """The placement as the council that made it, or the provider giving the care, sees it; 404 for anyone else."""
    if organisation.is_provider:
        return placement_for_provider(provider=organisation, pk=pk)
    return placement_get(council=organisation, pk=pk)


def competitions_for_provider(*, provider):
    from .models import CompetitionInvitation

    return (
        CompetitionInvitation.objects.filter(provider=provider)
        .select_related("competition__request__service_type", "competition__request__area", "competition__council")
        .order_by("-competition__published_at")
    )


def invitation_for_provider(*, provider, competition):
    from django.http import Http404

    found = (
        competitions_for_provider(provider=provider)
        .select_related("competition__request__person", "competition__request__need_level")
        .filter(competition_id=competition)
        .first()
    )
    if found is None:
        raise Http404("No such competition")
    return found


def competition_offer_get(*, competition, pk):
    from django.http import Http404

    found = competition.offers.in_group("live").filter(pk=pk).select_related("provider").first()
    if found is None:
        raise Http404("No such offer in this competition")
    return found


def live_arrangements(*, council):
    return arrangement_reads.live_arrangements(council=council).order_by("reference")


def providers_on_arrangements(*, council) -> set[int]:
    return set(
        arrangement_reads.admissions_on_live(council=council, group="offerable")
        .values_list("provider_id", flat=True)
        .distinct()
    )


def before_placement(care_request: CareRequest) -> disclosure.BeforePlacement:
    """The person as a provider may see them before they are placed with it (seed 003)."""
    return disclosure.before_placement(
        postcode=care_request.person.postcode, age=care_request.person.age_on(care_request.start_on)
    )


# Reads the sourcing routes make: what a request would go through, and what it may go to.


def _arrangement_for(request: CareRequest) -> Arrangement | None:
    return (
        arrangement_reads.live_arrangements(
            council=request.council,
            mechanisms=["tiered_framework", "ranked_framework"],
            service_type=request.service_type,
            area=request.area,
        )
        .order_by("-starts_on")
        .first()
    )


def sourcing_plan(*, request: CareRequest) -> tuple[Arrangement | None, list[routing.Step]]:
    """The steps this request would go through, from the positions or ranks on the arrangement."""
    arrangement = _arrangement_for(request)
    if arrangement is None:
        return None, []
    eligible = {v.provider for v in request_eligibility(request) if v.eligible}
    admissions = list(
        arrangement_reads.admissions_in(
            "offerable", arrangement=arrangement, area=request.area, lot__service_types=request.service_type
        )
        .select_related("provider")
        .order_by("rank", "provider__name")
    )
    if arrangement.mechanism == "tiered_framework":
        by_position = {a.position: a.provider.name for a in admissions if a.position in {"primary", "secondary"}}
        reserve = [a.provider.name for a in admissions if a.position == "reserve"]
        return arrangement, routing.cascade_steps(
            primary=by_position.get("primary"),
            secondary=by_position.get("secondary"),
            reserve=reserve,
            eligible=eligible,
        )
    ranked = [a.provider.name for a in sorted(admissions, key=lambda a: (a.rank or 10_000, a.provider.name))]
    return arrangement, routing.ranked_steps(ranked=list(dict.fromkeys(ranked)), eligible=eligible)


def call_off_arrangement(*, request) -> Arrangement | None:
    return (
        arrangement_reads.live_arrangements(
            council=request.council,
            mechanisms=[m.value for m in arrangement_rules.CALL_OFF],
            service_type=request.service_type,
            area=request.area,
        )
        .order_by("-starts_on")
        .first()
    )


def offer_count(*, competition) -> int:
    return competition.offers.in_group("live").count()


def block_vacancies(*, council: Organisation, request: CareRequest | None = None) -> list[Admission]:
    """Block contract places with room, for the request's service and area when given; each carries `vacancies`."""
    qs = arrangement_reads.admissions_on_live(council=council, group="offerable").filter(
        arrangement__mechanism="block_contract", block_places__gt=0
    )
    if request is not None:
        qs = qs.filter(lot__service_types=request.service_type).filter(
            Q(area=request.area) | Q(area__isnull=True, lot__areas=request.area)
        )
        if request.need_level_id:
            qs = qs.filter(Q(lot__need_levels__isnull=True) | Q(lot__need_levels=request.need_level_id))
    qs = (
        qs.annotate(filled=Count("placements", filter=Q(placements__status__in=PLACEMENT.group("live"))))
        .select_related("provider", "lot", "arrangement", "area")
        .distinct()
    )
    found = []
    for admission in qs:
        admission.vacancies = admission.block_places - admission.filled
        if admission.vacancies > 0:
            found.append(admission)
    return found


def placement_of(*, council, provider, number: str):
    """A placement by its number, if it is between this council and this provider."""
    from .models import Placement

    if not str(number).isdigit():
        return None
    return (
        Placement.objects.filter(pk=int(number), provider=provider, request__council=council)
        .select_related("request__person")
        .first()
    )


def councils_placing_with(*, provider) -> dict[int, str]:
    """The councils with a placement with this provider, by id."""
    from .models import Placement

    return dict(
        Placement.objects.filter(provider=provider)
        .values_list("council_id", "council__name")
        .distinct()
        .order_by("council__name")
    )
