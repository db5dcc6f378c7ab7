"""Times a provider's delivery upload of a hostile file: a 300,000-row XLSX (about 5 MB) of bad rows, and a
40,000-row CSV of rows for a placement not theirs. Prints seconds, peak memory and what was stored.

Usage:   uv run python bench/delivery_upload.py
"""

import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from openpyxl import Workbook

    from caremarket.accounts import services
    from caremarket.core.errors import ServiceError
    from caremarket.domain.roles import OrganisationKind
    from caremarket.finance import delivery

    provider = services.organisation_create(kind=OrganisationKind.PROVIDER, name="Bench Care")
    staff = services.user_create(
        organisation=provider, email="s@bench.example", full_name="S", roles=["provider_staff"]
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(delivery.COLUMNS)
    for n in range(300_000):
        sheet.append([n, "2026-13-45", "25:00", "08:00", 9])
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    start = time.perf_counter()
    try:
        delivery.deliveries_upload(provider=provider, actor=staff, file_name="hostile.xlsx", content=content)
        outcome = "accepted?"
    except ServiceError as exc:
        outcome = f"refused: {exc.errors.get('file')}"
    print(f"300,000-row XLSX ({len(content) / 1e6:.1f} MB): {time.perf_counter() - start:.2f} s, {outcome}")
    rows = "placement,date,start,end,carers\n" + "999999,2026-11-02,08:00,08:45,1\n" * 40_000
    start = time.perf_counter()
    upload = delivery.deliveries_upload(provider=provider, actor=staff, file_name="month.csv", content=rows.encode())
    print(
        f"40,000-row CSV of rows for an unknown placement: {time.perf_counter() - start:.2f} s, {upload.status}, "
        f"{upload.error_count} errors, {len(str(upload.errors)) / 1e3:.0f} kB of errors stored"
    )
    print(f"peak memory of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
