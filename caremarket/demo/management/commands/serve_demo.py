"""Starts the web server and the background worker together, and stops both on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from .demo_data import print_sign_ins


class Command(BaseCommand):
    help = "Run the demo: web server on http://127.0.0.1:8000 and the background worker."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr: str, **options):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        manage = [sys.executable, "-m", "caremarket"]
        processes = [
            subprocess.Popen([*manage, "runserver", addr, "--noreload"], env=env),  # noqa: S603 (fixed argv)
            subprocess.Popen([*manage, "worker"], env=env),  # noqa: S603 (fixed argv)
        ]
        time.sleep(1.5)
        self.stdout.write(f"\nCaremarket is running at http://{addr}/  (Ctrl-C stops the server and the worker)")
        print_sign_ins(self.stdout)
        self.stdout.write(f"Emails are written to {env.get('CAREMARKET_VAR_DIR', 'var')}/emails\n")

        def stop(*_):
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()

        interrupted = []

        def on_signal(signum, frame):
            interrupted.append(signum)

        # Ctrl-C reaches the whole process group; wait for the children to stop rather than dying first.
        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        while not interrupted and all(process.poll() is None for process in processes):
            time.sleep(0.5)
        if interrupted:
            self.stdout.write("\nStopping the server and the worker...")
        else:
            self.stderr.write("A demo process stopped unexpectedly; stopping the other.")
        stop()
        self.stdout.write("Stopped.")
