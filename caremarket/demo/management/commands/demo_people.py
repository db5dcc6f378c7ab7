from django.core.management.base import BaseCommand

from caremarket.demo.builder import DEMO_PASSWORD, demo_people


class Command(BaseCommand):
    help = "List every demo person by organisation, with their roles: each signs in with the demo password."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", default="", help="Only organisations whose name contains this")

    def handle(self, *args, **options):
        self.stdout.write(f"Every demo person signs in with the password {DEMO_PASSWORD}")
        for organisation, people in demo_people(options["organisation"]):
            self.stdout.write(f"\n{organisation.name} ({organisation.get_kind_display().lower()})")
            for email, roles in people:
                self.stdout.write(f"  {email:<48} {roles}")
