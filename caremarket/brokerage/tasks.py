from datetime import timedelta

from django.tasks import task

from caremarket.core.scheduling import periodic


@periodic(every=timedelta(minutes=1))
@task()
def time_out_referrals() -> int:
    from . import sourcing

    return sourcing.referrals_time_out()


@periodic(every=timedelta(minutes=1))
@task()
def close_competitions() -> int:
    from . import competitions

    return competitions.competitions_close()


@periodic(every=timedelta(minutes=5))
@task()
def remind_deadlines() -> int:
    from . import sourcing

    return sourcing.deadlines_remind()


@periodic(every=timedelta(minutes=15))
@task()
def escalate_unsourced() -> int:
    from . import services

    return services.requests_escalate()
