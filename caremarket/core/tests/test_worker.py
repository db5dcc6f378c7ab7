from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from caremarket.core.models import PeriodicTaskState
from caremarket.core.scheduling import REGISTRY, enqueue_due_tasks
from caremarket.core.tasks import send_email

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DB_TASKS)
def test_queued_email_is_sent_by_the_database_worker(transactional_db):
    from django_tasks_db.models import DBTaskResult

    send_email.enqueue(subject="Hello", body="A referral is waiting", to=["provider@example.org"])
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1
    call_command("worker", batch=True, interval=0.1)
    assert [m.subject for m in mail.outbox] == ["Hello"]
    # the batch also ran the periodic work that had fallen due; everything succeeded
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert DBTaskResult.objects.filter(task_path="caremarket.core.tasks.send_email").count() == 1


@override_settings(TASKS=DB_TASKS)
def test_periodic_tasks_are_enqueued_once_when_due(transactional_db):
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    first = enqueue_due_tasks(now)
    assert sorted(first) == sorted(REGISTRY) and first
    assert enqueue_due_tasks(now + timedelta(seconds=30)) == []
    assert DBTaskResult.objects.count() == len(REGISTRY)
    later = enqueue_due_tasks(now + timedelta(days=7, seconds=1))  # the longest interval is a week
    assert sorted(later) == sorted(REGISTRY)
    state = PeriodicTaskState.objects.get(name="caremarket.core.tasks.clear_expired_sessions")
    assert state.next_due_at == now + timedelta(days=8, seconds=1)
