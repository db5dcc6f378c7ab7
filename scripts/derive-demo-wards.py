"""Derives the demo borough's areas (ward name, ONS code, centroid) from ../shared/data/geo/trafford_postcodes.csv.

The output is a small summary (one row per ward), kept in the repository so `make demo` needs no shared data.
"""

import csv
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

root = Path(__file__).resolve().parent.parent
source = root.parent / "shared" / "data" / "geo" / "trafford_postcodes.csv"
target = root / "caremarket" / "core" / "demo" / "mereford_wards.csv"

points = defaultdict(list)
for row in csv.DictReader(source.open()):
    if row["lat"] and row["lon"]:
        points[(row["ward_code"], row["ward_name"])].append((Decimal(row["lat"]), Decimal(row["lon"])))

with target.open("w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["ons_code", "name", "latitude", "longitude", "postcodes"])
    for (code, name), pts in sorted(points.items(), key=lambda item: item[0][1]):
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        writer.writerow([code, name, f"{lat:.6f}", f"{lon:.6f}", len(pts)])
print(f"{len(points)} wards written to {target}", file=sys.stderr)

# Each postcode district (outward code) goes to the ward that holds most of its postcodes.
districts = defaultdict(lambda: defaultdict(int))
for row in csv.DictReader(source.open()):
    districts[row["postcode"].split(" ")[0]][row["ward_name"]] += 1
district_target = target.with_name("mereford_postcode_districts.csv")
with district_target.open("w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["outward_code", "ward", "postcodes"])
    for code, wards in sorted(districts.items()):
        ward, count = max(wards.items(), key=lambda item: (item[1], item[0]))
        writer.writerow([code, ward, count])
print(f"{len(districts)} postcode districts written to {district_target}", file=sys.stderr)
