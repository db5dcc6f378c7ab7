"""The market's months kept current by the worker: approved runs summed once, placements counted again."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from caremarket.core.scheduling import periodic


@periodic(every=timedelta(hours=1))
@task()
def refresh_market() -> dict:
    from django.utils import timezone

    from . import summaries, unmet

    today = timezone.localdate()
    return {**summaries.market_refresh(today=today), **unmet.needs_refresh(today=today)}
