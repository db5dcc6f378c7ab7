import json
import os
from datetime import date
from pathlib import Path

import pytest

from caremarket.domain.cqc import DirectoryFormatError, parse_check_date, parse_directory, repair_council_code

# The shared data sits beside the repository (as in CI), unless CAREMARKET_SHARED_DATA says where.
DATA = Path(os.environ.get("CAREMARKET_SHARED_DATA", Path(__file__).resolve().parents[3].parent / "shared" / "data"))


def shared(path: str) -> Path:
    file = DATA / path
    if not file.exists():
        pytest.fail(f"{file} is missing: the shared data folder must sit beside the repository")
    return file


def council_codes() -> set[str]:
    districts = json.loads(shared("geo/ons_local_authority_districts.json").read_text())
    codes = districts.keys() if isinstance(districts, dict) else [d.get("code") for d in districts]
    return {c for c in codes if c}


PREAMBLE = "CQC Locations data\n\nThis data was produced on 16 September 2026\n\n"
HEADER_2024 = (
    "Name,Also known as,Address,Postcode,Phone number,Service's website (if available),Service types,"
    "Date of latest check,Specialisms/services,Provider name,Local authority,Region,Location URL,"
    "CQC Location ID (for office use only),CQC Provider ID (for office use only)\n"
)


def test_the_2024_form():
    text = (
        PREAMBLE
        + HEADER_2024
        + (
            'Meadow View,,"1 Lane, Sale",m33 7xx,0161,,Homecare agencies|Supported living,2025-03-02,Dementia,'
            "Meadowsweet Care Ltd,Trafford,North West,https://example.org,1-123456789,1-987654321\n"
            "Broken,,x,NOPE,0,,Homecare agencies,2025-03-02,,P,Trafford,North West,u,1-1234567890,1-1\n"
        )
    )
    report = parse_directory(text)
    assert report.form == "cqc-2024"
    [location] = report.locations
    assert (location.location_id, location.postcode, location.last_check) == (
        "1-123456789",
        "M33 7XX",
        date(2025, 3, 2),
    )
    assert location.service_types == ("Homecare agencies", "Supported living")
    assert location.provider_name == "Meadowsweet Care Ltd" and location.row == 6
    assert [(r.row, r.column) for r in report.rejected] == [(7, "postcode")]


def test_the_2020_form():
    header = HEADER_2024.replace("Local authority", "Local Authority").replace(
        "CQC Location ID (for office use only)", "CQC Location (for office use only"
    )
    text = (
        PREAMBLE
        + header
        + ("Oak House,,Addr,WA15 6SQ,0,,Residential homes,31/05/2023 - 12:00,,Oak Ltd,Trafford,NW,u,1-466088203,1-2\n")
    )
    report = parse_directory(text)
    assert report.form == "cqc-2020"
    assert report.locations[0].last_check == date(2023, 5, 31)
    assert report.locations[0].local_authority == "Trafford"


def test_trafford_extract_with_location_ids():
    report = parse_directory(shared("cqc/trafford_care_homes.csv").read_text(), known_council_codes=council_codes())
    assert report.form == "extract-with-ids"
    assert len(report.locations) + len({r.row for r in report.rejected}) == 56
    assert len(report.locations) == 56
    assert all(loc.council_code == "E08000009" for loc in report.locations)
    assert len(report.repaired) == 56
    first = report.locations[0]
    assert (first.location_id, first.last_check) == ("1-466088203", date(2023, 5, 31))


def test_greater_manchester_sample_repairs_and_reports_short_council_codes():
    report = parse_directory(shared("cqc/gm_care_homes_2019.csv").read_text(), known_council_codes=council_codes())
    assert report.form == "extract-without-ids"
    assert len(report.repaired) == 503
    assert "'E0800005' was a digit short: read as E08000005" in {r.reason for r in report.repaired}
    assert len(report.locations) + len({r.row for r in report.rejected}) == 559
    assert {loc.council_code for loc in report.locations} <= council_codes()


def test_unknown_council_codes_and_bad_ids_are_rejected_with_reasons():
    text = "name,cqc_id,type,postcode,area_code,inspection_date\nA,1-123456789,x,M1 1AA,E0899999,2024-01-01\n"
    text += "B,XYZ,x,M1 1AA,E08000009,2024-01-01\nC,1-123456789,x,M1 1AA,E08000009,soon\n"
    report = parse_directory(text, known_council_codes={"E08000009"})
    assert [(r.row, r.column) for r in report.rejected] == [(2, "council_code"), (3, "location_id"), (4, "last_check")]
    assert report.locations == []


def test_not_a_directory():
    with pytest.raises(DirectoryFormatError, match="No header row"):
        parse_directory("just,some,csv\n1,2,3\n")


def test_helpers():
    assert repair_council_code("e0800005") == ("E08000005", True)
    assert repair_council_code("E08000009") == ("E08000009", False)
    assert parse_check_date("NA") is None
