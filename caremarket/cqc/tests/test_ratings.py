"""CQC's published ratings from the real extract (29,459 inspections with its quirks), and what they change: a
provider whose location CQC rates Inadequate goes to the top of the visit queue at once."""

import pytest
from django.core.management import call_command

from caremarket.core.errors import ServiceError
from caremarket.cqc.models import CqcRating
from caremarket.cqc.services import ratings_import
from caremarket.cqc.tests.test_cqc_import import sample
from caremarket.domain.cqc import parse_rating


def test_both_spellings_of_requires_improvement_are_read_and_the_respelling_reported():
    assert parse_rating("Requires Improvement") == ("requires-improvement", True)
    assert parse_rating("Requires improvement") == ("requires-improvement", False)
    assert parse_rating("Not rated") == (None, False)


def test_the_real_extract_imports_once_with_every_rejection_explained(db, capsys):
    path = sample("cqc_inspection_ratings_non_care_homes.csv")
    call_command("import_cqc_ratings", str(path), verbosity=2)
    said = capsys.readouterr().out
    # 114 ratings spelt "Requires Improvement"; 5 reports listed twice; 31 rows with an NHS site code
    assert said.startswith("ratings: 29428 rows read, 31 rejected, 119 repaired")
    assert "is an NHS site code, not the location id of an independent provider" in said
    assert said.count("read as Requires improvement") == 114 and said.count("this later row is kept") == 5
    assert CqcRating.objects.count() == 29_423  # one per location and report date
    call_command("import_cqc_ratings", str(path))  # again: nothing doubled
    assert CqcRating.objects.count() == 29_423


def test_only_installation_staff_import_ratings_and_a_file_of_another_shape_is_refused(db, council, make_user):
    from caremarket.domain.roles import Role

    officer = make_user(council, Role.QUALITY_OFFICER)
    with pytest.raises(ServiceError, match="only installation staff"):
        ratings_import(text="reportdate,overall,locationid\n", file_name="x.csv", actor=officer)
    with pytest.raises(ServiceError, match="no column for the rating"):
        ratings_import(text="reportdate,locationid\n2024-01-01,1-123456789\n", file_name="x.csv", actor=None)


def test_an_inadequate_rating_puts_the_provider_first_in_the_visit_queue(council, provider):
    from caremarket.quality import monitoring
    from tests.factories import ProviderFactory, admit, home_care, live_arrangement

    service, area = home_care(council)
    arrangement, lot = live_arrangement(
        council, reference="HC", mechanism="tiered_framework", service_types=[service], areas=[area]
    )
    admit(arrangement, lot, provider, area=area, application_fields={"cqc_location_id": "1-101665938"})
    other = ProviderFactory(name="Aardvark Care Ltd")
    admit(arrangement, lot, other, area=area)
    ratings_import(
        text="reportdate,overall,locationid\n2023-05-01,Good,1-101665938\n2026-09-14,Inadequate,1-101665938\n",
        file_name="ratings.csv",
        actor=None,
    )
    queue = monitoring.visit_queue(council=council)
    assert queue[0]["priority"].provider == provider.name
    assert queue[0]["priority"].reasons[0] == "CQC rates a location Inadequate"
    assert [r.get_rating_display() for r in queue[0]["cqc"]] == ["Inadequate"]
    assert [r.rating for r in monitoring.cqc_history(provider_id=provider.pk)["1-101665938"]] == ["inadequate", "good"]
