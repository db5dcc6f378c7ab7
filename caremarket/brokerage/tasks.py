from datetime import timedelta

from django.tasks import task

from caremarket.core.scheduling import periodic


@periodic(every=timedelta(minutes=1))
@task()
def time_out_referrals() -> int:
    from . import sourcing

    return sourcing.referrals_time_out()
