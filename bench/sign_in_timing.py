"""Times a failed sign-in for an address that signs in and for one that does not, with the production password
hasher (Argon2), so the figures show whether timing tells an attacker which accounts exist.

Usage:   uv run python bench/sign_in_timing.py [--rounds 40]
"""

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from caremarket.accounts import services
    from caremarket.domain.roles import OrganisationKind

    council = services.organisation_create(kind=OrganisationKind.COUNCIL, name="Bench Council")
    services.user_create(
        organisation=council, email="real@bench.example", full_name="Real", roles=["broker"], password="a-real-pw-2026"
    )
    figures = {}
    for label, email in (("an account that exists", "real@bench.example"), ("no such account", "none@bench.example")):
        times = []
        for n in range(args.rounds):
            # a fresh address each time for the unknown one, and the lock reset for the real one, so no lockout
            address = email if "real" in email else f"none{n}@bench.example"
            from caremarket.accounts.models import SignInThrottle

            SignInThrottle.objects.all().delete()
            start = time.perf_counter()
            with contextlib.suppress(services.SignInError):
                services.sign_in_check(email=address, password="wrong-password")
            times.append((time.perf_counter() - start) * 1000)
        figures[label] = statistics.median(times)
        print(f"{label}: median {figures[label]:.1f} ms over {args.rounds} failed sign-ins")
    known, unknown = figures.values()
    print(f"difference: {abs(known - unknown):.1f} ms ({abs(known - unknown) / max(known, unknown) * 100:.0f}%)")


if __name__ == "__main__":
    main()
