from datetime import timedelta

from django.tasks import task

from caremarket.core.scheduling import periodic


@task()
def send_notification_emails(*, notification_ids: list[int]) -> int:
    from . import sending

    return sending.emails_send(notification_ids=notification_ids)


@task()
def deliver_webhooks(*, delivery_ids: list[int]) -> list[str]:
    from . import sending

    return [sending.webhook_attempt(delivery_id=pk) for pk in delivery_ids]


@periodic(every=timedelta(minutes=1))
@task()
def retry_webhooks() -> int:
    from . import sending

    return sending.webhooks_retry_due()


@periodic(every=timedelta(hours=24))
@task()
def send_daily_digests() -> int:
    from . import sending

    return sending.digests_send()
