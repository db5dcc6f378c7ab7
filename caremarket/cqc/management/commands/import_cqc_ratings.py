from pathlib import Path

from django.core.management.base import BaseCommand

from caremarket.cqc.services import ratings_import

from .import_cqc import run_import


class Command(BaseCommand):
    help = (
        "Import CQC's published inspection ratings (report date, overall rating, location id); reports rejected rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        run_import(self, path, ratings_import, label=lambda r: "ratings", verbosity=options["verbosity"])
