"""Scheduled work of arrangements: application windows close and reopen on time, by the worker."""

from datetime import timedelta

from django.tasks import task

from caremarket.core.scheduling import periodic
from caremarket.domain.arrangements import Status

from . import services


@periodic(every=timedelta(minutes=1))
@task()
def close_due_windows() -> int:
    return len(services.windows_close_due())


@periodic(every=timedelta(hours=1))
@task()
def open_scheduled_windows() -> int:
    return len(services.windows_open_scheduled())


@periodic(every=timedelta(hours=24))
@task()
def suspend_expired_insurance() -> int:
    from . import admissions

    return len(admissions.admissions_suspend_expired())


@periodic(every=timedelta(hours=24))
@task()
def remind_insurance_expiring() -> int:
    """Remind each provider's admins, 30 days ahead, that an admission will be suspended when insurance expires."""
    from caremarket.accounts.models import User
    from caremarket.core.tasks import send_email

    from . import admissions

    reminders = 0
    by_provider: dict = {}
    for admission in admissions.admissions_expiring(within_days=30).select_related("provider", "arrangement"):
        by_provider.setdefault(admission.provider, set()).add(
            (admission.arrangement.reference, admission.insurance_expires_on)
        )
    for provider, items in by_provider.items():
        to = list(
            User.objects.filter(organisation=provider, is_active=True, role_grants__role="provider_admin").values_list(
                "email", flat=True
            )
        )
        if not to:
            continue
        lines = "\n".join(f"- {ref}: insurance expires on {when:%-d %B %Y}" for ref, when in sorted(items))
        send_email.enqueue(
            subject="Your insurance is about to expire",
            to=to,
            body=(
                f"Dear {provider.name},\n\n"
                "Your admissions will be suspended automatically when your insurance expires:\n"
                f"{lines}\n\nSend the council your renewed insurance before then.\n"
            ),
        )
        reminders += 1
    return reminders


@periodic(every=timedelta(days=1))
@task()
def recompute_rankings() -> int:
    """Ranked frameworks are re-ranked from KPI and price every six months (domain/kpis.RERANK_EVERY_MONTHS), as
    well as on demand; earlier rankings are kept."""
    from django.utils import timezone

    from caremarket.domain.kpis import RERANK_EVERY_MONTHS
    from caremarket.domain.quality import add_months

    from . import admissions, selectors
    from .models import Arrangement

    today = timezone.localdate()
    done = 0
    for arrangement in Arrangement.objects.filter(mechanism="ranked_framework", status=Status.LIVE):
        last = selectors.latest_run(arrangement, "ranking")
        if last is None or add_months(timezone.localdate(last.computed_at), RERANK_EVERY_MONTHS) <= today:
            admissions.ranking_compute(arrangement=arrangement, actor=None)
            done += 1
    return done
