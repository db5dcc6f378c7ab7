from django.core.management.base import BaseCommand

from caremarket.demo.builder import DEMO_PASSWORD, SIGN_INS, DemoBuilder


class Command(BaseCommand):
    help = "Build the fictional demo councils, providers and people. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        created = DemoBuilder().build()
        DemoBuilder.forget_past_emails()
        self.stdout.write(
            f"Demo data ready: {created['organisations']} organisations, {created['users']} people and "
            f"{created['reference']} reference records, {created['arrangements']} arrangements and "
            f"{created['people']} people with care requests created "
            "(0 means they were already there)."
        )
        if created.get("history"):
            self.stdout.write("A year of brokerage history:")
            for key, n in sorted(created["history"].items()):
                self.stdout.write(f"  {key}: {n}")
        if options["verbosity"] >= 1:
            print_sign_ins(self.stdout)


def print_sign_ins(out) -> None:
    out.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})")
    for s in SIGN_INS:
        out.write(f"  {s.role.label:<20} {s.email:<40} {s.organisation}")
    out.write(
        "Every other demo person (a second finance officer, Stourshire, Mereford, every provider) signs in with the "
        "same password: `make demo-people` lists them all by organisation."
    )
