from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caremarket.core.errors import ServiceError
from caremarket.cqc.services import ratings_import


class Command(BaseCommand):
    help = (
        "Import CQC's published inspection ratings (report date, overall rating, location id); reports rejected rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            record = ratings_import(text=path.read_text(encoding="utf-8-sig"), file_name=path.name, actor=None)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"ratings: {record.rows_read} rows read, {record.rows_rejected} rejected, {record.rows_repaired} repaired"
        )
        for row in record.rejected:
            self.stdout.write(f"  rejected row {row['row']} ({row['column']}): {row['reason']}")
        if options["verbosity"] > 1:
            for row in record.repaired:
                self.stdout.write(f"  repaired row {row['row']} ({row['column']}): {row['reason']}")
