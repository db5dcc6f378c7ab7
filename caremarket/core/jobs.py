"""Long work in the worker, with its progress on a page (ADR 0015). A service that takes longer than a person
should wait for is started with `job_start`: it returns at once with a Job whose page refreshes until the work is
done. The work is a plain function `handler(*, job, actor, progress, **args)` that returns the result's message and
link; `progress(done, total)` is written as it goes, outside the work's own transaction, so the page can read it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.apps import apps
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string
from ninja import Field, Schema

from caremarket.domain.lifecycles import JOB

from .audit import describe_actor
from .errors import ServiceError
from .lifecycle import status_move
from .models import Job


def job_start(
    *,
    organisation,
    actor,
    kind: str,
    key: str,
    label: str,
    handler: Callable,
    unit: str = "",
    **args,
) -> Job:
    """Start the work, or find it already running: a second click (or a second officer) starts nothing. Work that
    has not moved for STALE_AFTER (its worker stopped mid-way) is ended as failed and started again."""
    running = Job.objects.filter(kind=kind, key=key, status__in=JOB.group("active")).first()
    if running is not None and not _stale(running):
        return running
    if running is not None:
        running.message = "Stopped without finishing (the worker was restarted); started again."
        running.finished_at = timezone.now()
        status_move(running, "failed", lifecycle=JOB, changed_by=None, also_save=("message", "finished_at"))
    try:
        with transaction.atomic():
            job = Job.objects.create(
                organisation=organisation,
                kind=kind,
                key=key,
                label=label,
                handler=f"{handler.__module__}.{handler.__qualname__}",
                # who started it, as they were: a person, or an API token acting for one (the audit names both)
                args={**args, "_actor": [actor._meta.label, actor.pk] if actor is not None else None},
                unit=unit,
                created_by=describe_actor(actor)[0],
            )
    except IntegrityError:
        return Job.objects.get(kind=kind, key=key, status__in=JOB.group("active"))
    run_job.enqueue(job_id=job.pk)
    job.refresh_from_db()  # a backend that runs it at once (tests, a single process) has already finished it
    return job


# longer than any job takes (a large council's run: about 30 seconds) without a word of progress
STALE_AFTER = timedelta(minutes=30)


def _stale(job: Job) -> bool:
    return (job.progressed_at or job.created_at) < timezone.now() - STALE_AFTER


def _progress(job: Job) -> Callable[[int, int], None]:
    last = {"at": 0.0}

    def progress(done: int, total: int) -> None:
        now = timezone.now().timestamp()
        if done < total and now - last["at"] < 0.5:
            return  # at most twice a second: the page refreshes every two
        last["at"] = now
        Job.objects.filter(pk=job.pk).update(done=done, total=total, progressed_at=timezone.now())

    return progress


@task()
def run_job(*, job_id: int) -> None:
    job = Job.objects.select_related("created_by", "organisation").get(pk=job_id)
    if not JOB.can(job.status, "running"):
        return  # already run (a task delivered twice)
    job.started_at = job.progressed_at = timezone.now()
    status_move(job, "running", lifecycle=JOB, changed_by=None, also_save=("started_at", "progressed_at"))
    args = dict(job.args)
    started_by = args.pop("_actor", None)
    actor = apps.get_model(started_by[0]).objects.get(pk=started_by[1]) if started_by else None
    try:
        message, link = import_string(job.handler)(job=job, actor=actor, progress=_progress(job), **args)
    except ServiceError as exc:
        job.message, job.link = str(exc), job.link
        job.finished_at = timezone.now()
        status_move(job, "failed", lifecycle=JOB, changed_by=None, also_save=("message", "finished_at"))
        return
    except Exception:
        job.message = "Something went wrong: the work was not done and nothing was changed. Try again, or tell us."
        job.finished_at = timezone.now()
        status_move(job, "failed", lifecycle=JOB, changed_by=None, also_save=("message", "finished_at"))
        raise
    job.refresh_from_db(fields=["done", "total"])
    job.message, job.link, job.finished_at = message, link, timezone.now()
    job.done = max(job.done, job.total)
    status_move(job, "done", lifecycle=JOB, changed_by=None, also_save=("message", "link", "finished_at", "done"))


def job_get(*, organisation, pk) -> Job:
    """A job of the person's own organisation, or 404."""
    from django.http import Http404

    job = Job.objects.filter(organisation=organisation, pk=pk).first()
    if job is None:
        raise Http404("No such job")
    return job


class JobOut(Schema):
    """A piece of long work by machine: poll `url` until `status` is done or failed; `link` is the result."""

    id: int
    kind: str
    label: str
    status: str = Field(description="queued, running, done or failed")
    done: int
    total: int
    unit: str
    message: str
    link: str
    url: str = Field(description="This job in the API")
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/api/v1/jobs/{obj.pk}"
