from datetime import date
from decimal import Decimal

import pytest

from caremarket.arrangements import services
from caremarket.reference import services as reference


@pytest.fixture
def reference_data(council):
    day = reference.service_type_create(council=council, actor=None, code="building-based", name="Building based")
    community = reference.service_type_create(council=council, actor=None, code="community", name="Community")
    expected = reference.need_level_create(
        council=council, actor=None, service_type=day, code="expected", name="Expected"
    )
    enhanced = reference.need_level_create(
        council=council, actor=None, service_type=day, code="enhanced", name="Enhanced", rank=2
    )
    north = reference.area_create(council=council, actor=None, code="north", name="North", level=1)
    south = reference.area_create(council=council, actor=None, code="south", name="South", level=2)
    return {
        "day": day,
        "community": community,
        "expected": expected,
        "enhanced": enhanced,
        "north": north,
        "south": south,
    }


def fps_data(**overrides):
    data = {
        "reference": "DO-FPS-2026",
        "title": "Day opportunities flexible purchasing system",
        "mechanism": "flexible_framework",
        "regime": "pcr_2015_light_touch",
        "starts_on": date(2024, 4, 1),
        "ends_on": date(2030, 3, 31),
        "max_extension_months": 0,
        "estimated_value": Decimal("4200000.00"),
        "quality_weight": Decimal(60),
        "price_weight": Decimal(40),
        "quality_threshold": Decimal(50),
        "window_every_months": 12,
    }
    return {**data, **overrides}


@pytest.fixture
def fps(council, council_admin, reference_data):
    return services.arrangement_create(council=council, actor=council_admin, **fps_data())
