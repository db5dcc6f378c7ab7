"""Exports of approved runs: the payments file for the council's finance system (CSV, XLSX) and a remittance per
provider (CSV, PDF). Amounts are written as pounds with two places, never floats."""

from __future__ import annotations

import io

from caremarket.brokerage.models import reference_of
from caremarket.core.spreadsheets import SafeWriter, append
from caremarket.domain.lifecycles import PAYMENT_RUN

from . import reconciliation

PAYMENT_COLUMNS = [
    "run",
    "period_start",
    "period_end",
    "supplier_code",
    "provider_id",
    "provider",
    "service",
    "cost_centre",
    "account",
    "amount",
    "lines",
    "reference",
]
LINE_COLUMNS = [
    "line",
    "provider_id",
    "provider",
    "request",
    "placement",
    "person_reference",
    "person",
    "kind",
    "day",
    "description",
    "quantity",
    "unit",
    "rate",
    "amount",
    "held",
    "flagged",
    "key",
]
REMITTANCE_COLUMNS = [
    "date",
    "placement",
    "person",
    "kind",
    "description",
    "quantity",
    "unit",
    "rate",
    "amount",
    "payment_reference",
    "payment_date",
]


def _exportable(run) -> None:
    from caremarket.core.errors import ServiceError

    if not PAYMENT_RUN.is_in(run.status, "committed"):
        raise ServiceError("Only an approved run can be exported", status=409)


def payment_rows(run) -> list[list]:
    """One row per provider and service: the council's supplier code, cost centre and account with the amount, so
    the file loads into the ledger; the reference is the one on the provider's remittance."""
    _exportable(run)
    return [
        [
            run.pk,
            run.period_start.isoformat(),
            run.period_end.isoformat(),
            r["supplier_code"],
            r["provider_id"],
            r["provider"],
            r["service"],
            r["cost_centre"],
            r["account"],
            f"{r['amount']:.2f}",
            r["lines"],
            payment_reference(run, r["provider_id"]),
        ]
        for r in reconciliation.booked(run)
    ]


def payment_reference(run, provider_id: int) -> str:
    return f"CM-{run.pk}-{provider_id}"


def line_rows(run, *, flagged_only: bool = False):
    """Every line of a calculated run (or only the flagged ones), people told apart by their reference."""
    if run.calculated_at is None:
        from caremarket.core.errors import ServiceError

        raise ServiceError("Calculate the run first", status=409)
    lines = run.lines.select_related("provider", "person", "placement").order_by(
        "provider__name", "placement_id", "day", "key"
    )
    if flagged_only:
        lines = lines.filter(flagged=True)
    for line in lines.iterator(chunk_size=2000):
        yield [
            line.pk,
            line.provider_id,
            line.provider.name,
            reference_of(line.placement.request_id) if line.placement_id else "",
            line.placement_id or "",
            f"person {line.person_id}" if line.person_id else "",
            str(line.person or ""),
            line.kind,
            line.day.isoformat(),
            line.description,
            f"{line.quantity:.4f}",
            line.unit,
            f"{line.rate:.2f}",
            f"{line.amount:.2f}",
            "yes" if line.held else "no",
            "yes" if line.flagged else "no",
            line.key,
        ]


def lines_csv(run, *, flagged_only: bool = False) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(LINE_COLUMNS)
    writer.writerows(line_rows(run, flagged_only=flagged_only))
    return out.getvalue()


def payments_csv(run) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(PAYMENT_COLUMNS)
    writer.writerows(payment_rows(run))
    return out.getvalue()


def payments_xlsx(run) -> bytes:
    from decimal import Decimal

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = f"Run {run.pk}"
    append(sheet, PAYMENT_COLUMNS)
    amount = PAYMENT_COLUMNS.index("amount")
    for row in payment_rows(run):
        row[amount] = Decimal(row[amount])
        append(sheet, row)
        sheet.cell(row=sheet.max_row, column=amount + 1).number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def remittance_lines(run, provider_id: int, *, for_provider: bool = False) -> list:
    """The provider's payable lines; each carries `person_label`: the person's name, or for the provider once the
    council's period after the placement's end has passed, the person's reference only."""
    from django.utils import timezone

    _exportable(run)
    lines = list(
        run.lines.filter(provider_id=provider_id, held=False, flagged=False)
        .select_related("person", "placement__council")
        .order_by("placement_id", "day", "key")
    )
    today = timezone.localdate()
    for line in lines:
        hidden = for_provider and line.placement is not None and not line.placement.shared_with_provider(today)
        line.person_label = f"person {line.person_id}" if hidden else str(line.person or "")
    return lines


def remittance_csv(run, provider_id: int, *, for_provider: bool = False) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(REMITTANCE_COLUMNS)
    reference, paid = payment_reference(run, provider_id), run.paid_at.date().isoformat() if run.paid_at else ""
    for line in remittance_lines(run, provider_id, for_provider=for_provider):
        writer.writerow(
            [
                line.day.isoformat(),
                line.placement_id or "",
                line.person_label,
                line.kind,
                line.description,
                f"{line.quantity:.4f}",
                line.unit,
                f"{line.rate:.2f}",
                f"{line.amount:.2f}",
                reference,
                paid,
            ]
        )
    return out.getvalue()


def remittance_pdf(run, provider_id: int, provider_name: str, *, for_provider: bool = False) -> bytes:
    from fpdf import FPDF

    lines = remittance_lines(run, provider_id, for_provider=for_provider)
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"Remittance {run.pk} for {provider_name}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, _latin(f"Remittance advice: {run.council.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(
        0,
        6,
        _latin(
            f"To {provider_name}. Payment run {run.pk}, {run.period_start:%-d %B %Y} to {run.period_end:%-d %B %Y}."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    total = sum((line.amount for line in lines), start=type(run.total)("0.00"))
    pdf.cell(0, 6, _latin(f"Total: GBP {total:,.2f} in {len(lines)} lines."), new_x="LMARGIN", new_y="NEXT")
    paid = f"paid on {run.paid_at:%-d %B %Y}" if run.paid_at else f"approved on {run.approved_at:%-d %B %Y}, to be paid"
    pdf.cell(
        0, 6, _latin(f"Payment reference {payment_reference(run, provider_id)}, {paid}."), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 8)
    widths = [20, 18, 40, 70, 18, 22]
    for width, title in zip(widths, ["Date", "Placement", "Person", "What", "Rate", "Amount"], strict=True):
        pdf.cell(width, 6, title, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    for line in lines:
        cells = [
            line.day.isoformat(),
            str(line.placement_id or ""),
            line.person_label[:24],
            line.description[:48],
            f"{line.rate:.2f}",
            f"{line.amount:.2f}",
        ]
        for width, text in zip(widths, cells, strict=True):
            pdf.cell(width, 5, _latin(text), border=1)
        pdf.ln()
    return bytes(pdf.output())


def _latin(text: str) -> str:
    return text.replace("£", "GBP ").encode("latin-1", "replace").decode("latin-1")
