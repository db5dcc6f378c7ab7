"""The background worker: runs queued tasks (django-tasks-db) and enqueues periodic tasks as they fall due."""

from __future__ import annotations

import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections

from caremarket.core.scheduling import enqueue_due_tasks

logger = logging.getLogger("caremarket.worker")


class Command(BaseCommand):
    help = "Run the background worker: queued tasks, deadlines, windows closing, emails and periodic work."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of the queue.")
        parser.add_argument(
            "--schedule-interval",
            type=float,
            default=15.0,
            help="Seconds between checks for periodic work that has fallen due.",
        )
        parser.add_argument(
            "--batch", action="store_true", help="Enqueue due periodic work, run everything queued, then exit."
        )

    def handle(self, *args, interval: float, schedule_interval: float, batch: bool, **options):
        if batch:
            enqueue_due_tasks()
            call_command("db_worker", batch=True, interval=interval, startup_delay=False, verbosity=0)
            return
        stop = threading.Event()

        def schedule_loop():
            while not stop.is_set():
                try:
                    close_old_connections()
                    for name in enqueue_due_tasks():
                        logger.info("Enqueued periodic task %s", name)
                except Exception:  # keep the scheduler alive; the error is logged with its traceback
                    logger.exception("Scheduling periodic work failed")
                finally:
                    connections.close_all()
                stop.wait(schedule_interval)

        scheduler = threading.Thread(target=schedule_loop, name="caremarket-scheduler", daemon=True)
        scheduler.start()
        try:
            # No autoreload: the scheduler thread lives in this process, and a reloader would start it twice.
            call_command(
                "db_worker", interval=interval, startup_delay=False, reload=False, verbosity=options["verbosity"]
            )
        finally:
            stop.set()
            scheduler.join(timeout=5)
