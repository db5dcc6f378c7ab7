from __future__ import annotations

from django.db.models import Count, Prefetch
from django.utils import timezone

from caremarket.accounts.models import Organisation
from caremarket.core.tenancy import get_for_organisation_or_404
from caremarket.domain import arrangements as rules
from caremarket.domain.lifecycles import ADMISSION

from .models import Admission, AdmissionStatusChange, Application, ApplicationWindow, Arrangement, AwardRun, Lot


def arrangement_list(*, council: Organisation, status: str = ""):
    qs = Arrangement.objects.for_organisation(council).annotate(lot_count=Count("lots", distinct=True))
    return qs.filter(status=status) if status else qs


def arrangement_get(*, council: Organisation, pk) -> Arrangement:
    qs = Arrangement.objects.prefetch_related(
        Prefetch("lots", queryset=Lot.objects.prefetch_related("service_types", "areas", "need_levels")),
        "windows",
        "status_changes__changed_by",
    )
    return get_for_organisation_or_404(qs, council, pk=pk)


def lot_get(*, council: Organisation, pk) -> Lot:
    return get_for_organisation_or_404(Lot.objects.select_related("arrangement"), council, pk=pk)


def accepts_applications(arrangement: Arrangement, now=None) -> bool:
    now = now or timezone.now()
    windows = [rules.Window(w.opens_at, w.closes_at, closed=w.closed_at is not None) for w in arrangement.windows.all()]
    return rules.accepts_applications(arrangement.mechanism_enum, arrangement.status_enum, windows, now)


def open_window(arrangement: Arrangement, now=None) -> ApplicationWindow | None:
    now = now or timezone.now()
    return next((w for w in arrangement.windows.all() if w.is_open(now)), None)


def notices(arrangement: Arrangement):
    return rules.required_notices(
        mechanism=arrangement.mechanism_enum,
        regime=rules.Regime(arrangement.regime),
        estimated_value=arrangement.estimated_value,
        on=arrangement.starts_on,
    )


def open_to_providers(now=None):
    """Arrangements a provider may apply to now, across every council of the installation."""
    now = now or timezone.now()
    live = Arrangement.objects.filter(
        status__in=[s.value for s in (rules.Status.OPEN, rules.Status.EVALUATING, rules.Status.LIVE)]
    )
    live = live.select_related("council").prefetch_related("windows", "lots")
    return [a for a in live if accepts_applications(a, now)]


def arrangement_for_provider(*, pk, now=None) -> Arrangement:
    """An arrangement's public facts (lots, questions, windows), for a provider deciding to apply. One that is
    published but not taking applications says so, and when it next opens if that is known."""
    from django.http import Http404

    from caremarket.core.errors import ServiceError

    now = now or timezone.now()
    found = next((a for a in open_to_providers(now) if a.pk == int(pk)), None)
    if found is not None:
        return found
    published = (
        Arrangement.objects.exclude(status=rules.Status.DRAFT.value).prefetch_related("windows").filter(pk=pk).first()
    )
    if published is None:
        raise Http404("No arrangement open for applications")
    message = rules.why_closed(published.mechanism_enum, published.status_enum)
    opens = next_opening(published, now)
    if opens is not None:
        message += f"; the next window opens on {timezone.localtime(opens):%-d %B %Y}"
    elif published.status_enum not in {rules.Status.EXPIRED, rules.Status.TERMINATED}:
        message += "; no next window is planned yet"
    raise ServiceError(message + ".", status=409)


def next_opening(arrangement: Arrangement, now=None):
    """When an arrangement next takes applications, if known: a window already planned, or the next scheduled
    reopening (every so many months after the last window opened)."""
    now = now or timezone.now()
    windows = sorted(arrangement.windows.all(), key=lambda w: w.opens_at)
    planned = [w.opens_at for w in windows if w.opens_at > now]
    if planned:
        return planned[0]
    if arrangement.window_every_months and windows and arrangement.status_enum == rules.Status.LIVE:
        # the worker opens a window once it is due: one already due opens within minutes
        return max(rules.add_months(windows[-1].opens_at, arrangement.window_every_months), now)
    return None


def application_blank(*, provider: Organisation, arrangement: Arrangement) -> Application:
    """An unsaved application, for the form of a new one."""
    return Application(arrangement=arrangement, provider=provider)


def application_in_progress(*, provider: Organisation, arrangement: Arrangement) -> Application | None:
    return Application.objects.in_group("open").filter(arrangement=arrangement, provider=provider).first()


def _applications():
    return Application.objects.select_related("arrangement__council", "provider").prefetch_related(
        "lots", "areas", "answers__question", "prices__area", "documents"
    )


def application_list_for_provider(*, provider):
    return _applications().filter(provider=provider) if provider is not None else Application.objects.none()


def application_get_for_provider(*, provider, pk) -> Application:
    return get_for_organisation_or_404(_applications(), provider, pk=pk) if provider else None


def application_list_for_council(*, council, arrangement=None):
    # everything submitted, including what was withdrawn after submission
    qs = _applications().filter(arrangement__council=council, submitted_at__isnull=False)
    return qs.filter(arrangement=arrangement) if arrangement is not None else qs


def application_get_for_council(*, council, pk) -> Application:
    from django.http import Http404

    found = application_list_for_council(council=council).filter(pk=pk).first()
    if found is None:
        raise Http404("No such application")
    return found


def admission_list(*, council, arrangement=None, provider=None):
    qs = Admission.objects.filter(arrangement__council=council).select_related("provider", "lot", "area")
    if arrangement is not None:
        qs = qs.filter(arrangement=arrangement)
    return qs.filter(provider=provider) if provider is not None else qs


def admission_get(*, council, pk) -> Admission:
    from django.http import Http404

    found = admission_list(council=council).filter(pk=pk).first()
    if found is None:
        raise Http404("No such admission")
    return found


def admissions_of_provider(*, provider):
    return Admission.objects.filter(provider=provider).select_related("arrangement__council", "lot", "area")


def admission_of_provider(*, provider, pk) -> Admission:
    from django.http import Http404

    found = admissions_of_provider(provider=provider).filter(pk=pk).first()
    if found is None:
        raise Http404("No such admission")
    return found


def latest_run(arrangement: Arrangement, kind: str) -> AwardRun | None:
    return arrangement.award_runs.filter(kind=kind).first()


def current_moderated(application: Application) -> dict:
    """The agreed (latest moderated) score of each question, by question id."""
    latest = {}
    for row in application.moderated_scores.all():
        latest[row.question_id] = row
    return latest


def feedback_scores(application: Application) -> list[dict]:
    """Per scored question: the agreed score, its maximum and weight, for the provider's feedback letter."""
    agreed = current_moderated(application)
    rows = []
    for question in application.arrangement.questions.all():
        if question.kind != "scored":
            continue
        moderated = agreed.get(question.pk)
        rows.append(
            {
                "number": question.number,
                "text": question.text,
                "weight": question.weight,
                "max_score": question.max_score,
                "score": moderated.score if moderated else None,
            }
        )
    return rows


# The reads other apps make of arrangements and admissions: brokerage, finance and cqc go through these.


def live_arrangements(*, council, mechanisms=None, service_type=None, area=None):
    """The council's live arrangements, optionally of some mechanisms and covering a service type and area."""
    qs = Arrangement.objects.for_organisation(council).filter(status=rules.Status.LIVE)
    if mechanisms is not None:
        qs = qs.filter(mechanism__in=list(mechanisms))
    if service_type is not None:
        qs = qs.filter(lots__service_types=service_type)
    if area is not None:
        qs = qs.filter(lots__areas=area)
    return qs


def arrangements_begun(*, council):
    """The council's arrangements past their draft, for rates and payments."""
    return Arrangement.objects.for_organisation(council).exclude(status=rules.Status.DRAFT)


def admissions_in(group: str = "offerable", **filters):
    """Admissions in a named group of their lifecycle (offerable: may be offered work; current: not removed)."""
    return Admission.objects.in_group(group).filter(**filters)


def admissions_on_live(*, council, group: str = "current"):
    """The council's admissions on its live arrangements."""
    return admissions_in(group, arrangement__council=council, arrangement__status=rules.Status.LIVE)


def admission_for_update(*, pk) -> Admission:
    """An admission locked for a change that counts its places (block contract vacancies)."""
    return Admission.objects.select_for_update().get(pk=pk)


def block_admission(*, council, pk) -> Admission | None:
    return Admission.objects.filter(
        arrangement__council=council, arrangement__mechanism="block_contract", pk=pk
    ).first()


def suspension_reasons(*, admission_ids) -> dict[int, str]:
    """Why each admission was last suspended: the reason of its latest move to suspended."""
    found: dict[int, str] = {}
    for n in range(0, len(admission_ids), 900):
        for admission_id, reason in (
            AdmissionStatusChange.objects.filter(
                admission_id__in=admission_ids[n : n + 900], to_status=ADMISSION.state("suspended")
            )
            .order_by("changed_at", "id")
            .values_list("admission_id", "reason")
        ):
            found[admission_id] = reason
    return found


def cqc_locations_of(*, provider_ids) -> dict[int, set[str]]:
    """The CQC location ids each provider gave in its applications."""
    from .models import Application

    found: dict[int, set[str]] = {}
    rows = Application.objects.filter(provider_id__in=set(provider_ids)).exclude(cqc_location_id="")
    for provider, location in rows.values_list("provider_id", "cqc_location_id"):
        found.setdefault(provider, set()).add(location)
    return found
