"""Background work run by the database-backed worker (`caremarket worker`)."""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import send_mail
from django.core.management import call_command
from django.tasks import task

from .scheduling import periodic


@task()
def send_email(*, subject: str, body: str, to: list[str], html_body: str | None = None) -> int:
    return send_mail(subject, body, None, to, html_message=html_body)


@periodic(every=timedelta(hours=24))
@task()
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@periodic(every=timedelta(hours=24))
@task()
def prune_finished_task_results() -> None:
    call_command("prune_db_task_results", min_age_days=30, verbosity=0)
