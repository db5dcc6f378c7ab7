from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caremarket.core.errors import ServiceError
from caremarket.directory.services import postcodes_import


class Command(BaseCommand):
    help = (
        "Load postcode centres for the directory's distance search from a CSV with postcode and latitude/longitude "
        "columns (the ONS postcode directory, or an extract such as a council's own); known postcodes are moved."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            made = postcodes_import(path)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{made['added']:,} postcodes added, {made['moved']:,} moved, {made['rejected']:,} rejected")
