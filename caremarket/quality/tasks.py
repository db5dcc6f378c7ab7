"""The quality timers, run by the worker every hour: closed comment windows go for sign-off; overdue action plans,
complaints and re-audits are told to the people who must act."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from caremarket.core.scheduling import periodic


@periodic(every=timedelta(hours=1))
@task()
def quality_timers() -> dict:
    from . import services

    return services.quality_timers()


@periodic(every=timedelta(hours=24))
@task()
def schedule_reviews() -> int:
    from . import reviewing as reviews

    return reviews.schedule_reviews()


@periodic(every=timedelta(hours=1))
@task()
def refresh_scorecards() -> int:
    from . import scorecards

    return scorecards.scorecards_refresh()
