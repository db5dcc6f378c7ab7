"""Long work in the worker: one job per thing it works on, a page that refreshes until it is done, a failure that
says why and changes nothing."""

from caremarket.core import jobs
from caremarket.core.errors import ServiceError
from caremarket.core.models import Job
from caremarket.domain.roles import Role

RUN = jobs.run_job.func  # what the worker runs


class Held:
    """The worker, not yet running: what is enqueued waits here."""

    def __init__(self):
        self.queued = []

    def enqueue(self, **kwargs):
        self.queued.append(kwargs)


def _works(*, job, actor, progress, answer):
    progress(1, 2)
    progress(2, 2)
    return f"Done: {answer} for {actor.full_name}", "/somewhere/"


def _refuses(*, job, actor, progress):
    raise ServiceError("The run became approved while it was being calculated: nothing was changed")


def test_a_second_start_while_it_runs_starts_nothing(council, make_user, monkeypatch):
    held = Held()
    monkeypatch.setattr(jobs, "run_job", held)
    officer = make_user(council, Role.FINANCE_OFFICER)
    first = jobs.job_start(
        organisation=council, actor=officer, kind="k", key="thing:1", label="Working", handler=_works, answer=42
    )
    again = jobs.job_start(
        organisation=council, actor=officer, kind="k", key="thing:1", label="Working", handler=_works, answer=42
    )
    assert again.pk == first.pk and len(held.queued) == 1 and Job.objects.count() == 1
    other = jobs.job_start(
        organisation=council, actor=officer, kind="k", key="thing:2", label="Working", handler=_works, answer=1
    )
    assert other.pk != first.pk


def test_a_job_runs_as_who_started_it_and_its_page_stops_refreshing_when_done(council, make_user, client, monkeypatch):
    monkeypatch.setattr(jobs, "run_job", Held())
    officer = make_user(council, Role.FINANCE_OFFICER)
    job = jobs.job_start(
        organisation=council, actor=officer, kind="k", key="thing:1", label="Working", handler=_works, answer=42
    )
    client.force_login(officer)
    waiting = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in waiting and 'hx-trigger="every 2s"' in waiting
    RUN(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.link) == ("done", 2, 2, "/somewhere/")
    assert job.message == f"Done: 42 for {officer.full_name}"
    done = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in done and "See the result" in done
    RUN(job_id=job.pk)  # delivered twice: nothing happens again
    assert Job.objects.get().finished_at == job.finished_at


def test_a_refused_job_says_why_and_another_organisation_cannot_see_it(council, make_user, client, monkeypatch):
    from caremarket.accounts import services as accounts
    from caremarket.domain.roles import OrganisationKind

    monkeypatch.setattr(jobs, "run_job", Held())
    officer = make_user(council, Role.FINANCE_OFFICER)
    job = jobs.job_start(
        organisation=council, actor=officer, kind="k", key="thing:1", label="Working", handler=_refuses
    )
    RUN(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "nothing was changed" in job.message
    stranger = make_user(
        accounts.organisation_create(kind=OrganisationKind.COUNCIL, name="Elsewhere"), Role.FINANCE_OFFICER
    )
    client.force_login(stranger)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404


def test_work_whose_worker_stopped_mid_way_is_ended_and_started_again(council, make_user, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    held = Held()
    monkeypatch.setattr(jobs, "run_job", held)
    officer = make_user(council, Role.FINANCE_OFFICER)
    first = jobs.job_start(
        organisation=council, actor=officer, kind="k", key="thing:1", label="Working", handler=_works, answer=1
    )
    Job.objects.filter(pk=first.pk).update(status="running", created_at=timezone.now() - timedelta(hours=2))
    again = jobs.job_start(
        organisation=council, actor=officer, kind="k", key="thing:1", label="Working", handler=_works, answer=1
    )
    first.refresh_from_db()
    assert again.pk != first.pk and first.status == "failed" and "worker was restarted" in first.message
    assert len(held.queued) == 2
