from decimal import Decimal

import pytest

from caremarket.domain import reference as rules
from caremarket.domain.roles import (
    OrganisationKind,
    Permission,
    Role,
    RoleError,
    check_roles_for_kind,
    parse_role,
    roles_allow,
)


@pytest.mark.parametrize("raw,expected", [("Home Care", "home-care"), ("level_1", "level-1"), ("A1", "a1")])
def test_codes_are_normalised(raw, expected):
    assert rules.normalise_code(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "-leading", "bad!code", "x" * 41])
def test_bad_codes_are_refused_with_the_field(raw):
    with pytest.raises(rules.ReferenceError) as exc:
        rules.normalise_code(raw)
    assert exc.value.field == "code"


@pytest.mark.parametrize("level", [0, 4, -1, "4", "one", None, 1.5, True])
def test_area_level_outside_1_to_3_is_refused(level):
    with pytest.raises(rules.ReferenceError, match="1, 2 or 3"):
        rules.check_area_level(level)


def test_area_levels_1_to_3_pass():
    assert [rules.check_area_level(v) for v in (1, "2", 3)] == [1, 2, 3]


def test_centroid_needs_both_coordinates_in_range():
    rules.check_centroid(Decimal("53.4"), Decimal("-2.3"))
    rules.check_centroid(None, None)
    with pytest.raises(rules.ReferenceError, match="both"):
        rules.check_centroid(Decimal("53.4"), None)
    with pytest.raises(rules.ReferenceError, match="Latitude"):
        rules.check_centroid(Decimal("93"), Decimal("1"))


def test_ons_code_format():
    assert rules.check_ons_code("e08000009") == "E08000009"
    with pytest.raises(rules.ReferenceError):
        rules.check_ons_code("E0800009")


def test_roles_belong_to_a_kind_of_organisation():
    check_roles_for_kind({Role.BROKER}, OrganisationKind.COUNCIL)
    with pytest.raises(RoleError, match="provider cannot hold"):
        check_roles_for_kind({Role.BROKER}, OrganisationKind.PROVIDER)
    with pytest.raises(RoleError, match="at least one"):
        check_roles_for_kind(set(), OrganisationKind.COUNCIL)
    with pytest.raises(RoleError, match="not a role"):
        parse_role("superuser")


def test_permissions_come_from_roles():
    assert roles_allow({Role.ORGANISATION_ADMIN}, Permission.REFERENCE_MANAGE)
    assert not roles_allow({Role.BROKER}, Permission.REFERENCE_MANAGE)
    assert roles_allow({Role.BROKER}, Permission.REFERENCE_READ)
    assert not roles_allow({Role.PROVIDER_ADMIN}, Permission.REFERENCE_READ)
