from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caremarket.core.errors import ServiceError
from caremarket.cqc.services import directory_import


def run_import(command: BaseCommand, path: Path, importer, *, label, verbosity: int) -> None:
    """Read the file, import it, and report the rows read, refused and repaired (each refusal with its reason; the
    repairs too at verbosity 2)."""
    if not path.exists():
        raise CommandError(f"No such file: {path}")
    try:
        record = importer(text=path.read_text(encoding="utf-8-sig"), file_name=path.name, actor=None)
    except ServiceError as exc:
        raise CommandError(str(exc)) from exc
    command.stdout.write(
        f"{label(record)}: {record.rows_read} rows read, {record.rows_rejected} rejected, "
        f"{record.rows_repaired} repaired"
    )
    for row in record.rejected:
        command.stdout.write(f"  rejected row {row['row']} ({row['column']}): {row['reason']}")
    if verbosity > 1:
        for row in record.repaired:
            command.stdout.write(f"  repaired row {row['row']} ({row['column']}): {row['reason']}")


class Command(BaseCommand):
    help = "Import the CQC care directory CSV (2024 or 2020 form, or the open-data extracts); reports rejected rows."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        run_import(self, path, directory_import, label=lambda r: r.form, verbosity=options["verbosity"])
