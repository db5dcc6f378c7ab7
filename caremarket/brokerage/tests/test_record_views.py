"""Every opening of a person's record is kept for their council, which answers subject access requests from it."""

import pytest

from caremarket.accounts import services as accounts
from caremarket.brokerage.models import PersonRecordView
from caremarket.domain.roles import Role

from .test_placements import _placed


def test_openings_by_page_and_api_on_both_sides_are_kept_for_the_council(
    council, other_council, make_user, login, client, time_machine
):
    placement, broker, providers = _placed(council, make_user)
    person = placement.person
    time_machine.move_to("2030-06-10 12:00")  # the placement has started: the provider now sees who it cares for
    pages = login(broker)
    for url in (f"/brokerage/people/{person.pk}/", f"/brokerage/requests/{placement.request_id}/",
                f"/brokerage/placements/{placement.pk}/"):  # fmt: skip
        assert pages.get(url).status_code == 200
    ash, ash_user = providers["Ash"]
    assert login(ash_user).get(f"/referrals/placements/{placement.pk}/").status_code == 200
    admin = make_user(ash, Role.PROVIDER_ADMIN)
    token = accounts.api_token_create(organisation=ash, name="Rota", roles=["provider_admin"], actor=admin).secret
    client.logout()
    assert client.get(f"/api/v1/placements/{placement.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    seen = list(PersonRecordView.objects.filter(person=person).order_by("id"))
    assert [(v.what, v.via, v.viewer_organisation) for v in seen] == [
        ("person", "page", council),
        (f"care request {placement.request_id}", "page", council),
        (f"placement {placement.pk}", "page", council),
        (f"placement {placement.pk}", "page", ash),
        (f"placement {placement.pk}", "api", ash),
    ]
    assert "API token 'Rota'" in seen[-1].viewer_label and seen[-1].viewer == admin
    with pytest.raises(ValueError):
        seen[0].save()

    council_admin = make_user(council, Role.ORGANISATION_ADMIN)
    page = login(council_admin).get(f"/brokerage/record-views/?person={person.pk}").content.decode()
    assert page.count('<tr class="govuk-table__row">') == 1 + 5 and ash.name in page
    # another council's admin cannot read it, nor a broker at all
    theirs = login(make_user(other_council, Role.ORGANISATION_ADMIN))
    assert (
        "There is no person with this reference"
        in theirs.get(f"/brokerage/record-views/?person={person.pk}").content.decode()
    )
    assert login(broker).get(f"/brokerage/record-views/?person={person.pk}").status_code == 403
