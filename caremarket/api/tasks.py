from datetime import timedelta

from django.tasks import task

from caremarket.core.scheduling import periodic


@periodic(every=timedelta(hours=1))
@task()
def prune_idempotency_keys() -> int:
    from .idempotency import prune

    return prune()
