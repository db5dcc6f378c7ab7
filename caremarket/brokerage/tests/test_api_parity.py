"""A council's case management system does by machine what brokers and team leaders do in the browser: approve,
cancel, vary, hospital stays, endings, a provider's failure, blocks, no award, continuity and settings."""

from decimal import Decimal

from caremarket.arrangements.models import Admission
from caremarket.brokerage.models import CareRequest, Placement
from caremarket.domain.roles import Role

from .factories import market
from .test_api import call, token_for  # noqa: F401 - the fixture
from .test_placements import _placed


def test_placements_change_and_a_failed_provider_is_handled_by_machine(council, make_user, token_for, client):  # noqa: F811
    placement, broker, providers = _placed(council, make_user)
    token = token_for(council, Role.BROKER)
    base = f"/placements/{placement.pk}"
    varied = call(
        client,
        "post",
        f"{base}/variations",
        token,
        {"starts_on": "2030-07-01", "reason": "More help", "hours_per_week": "12"},
    )
    assert varied.status_code == 201 and Decimal(varied.json()["hours_per_week"]) == 12
    overlap = call(
        client, "post", f"{base}/variations", token, {"starts_on": "2030-06-20", "reason": "x", "hours_per_week": "9"}
    )
    assert overlap.status_code == 409
    assert [t["starts_on"] for t in call(client, "get", f"{base}/terms", token).json()] == ["2030-06-10", "2030-07-01"]
    admitted = call(client, "post", f"{base}/hospital-stays", token, {"admitted_on": "2030-07-10"})
    assert admitted.status_code == 201 and Placement.objects.get(pk=placement.pk).status == "suspended"
    discharged = call(client, "post", f"{base}/hospital-stays/discharge", token, {"discharged_on": "2030-07-20"})
    assert discharged.json()["discharged_on"] == "2030-07-20"
    ash, ash_user = providers["Ash"]
    provider_token = token_for(ash, Role.PROVIDER_STAFF)
    assert len(call(client, "get", f"{base}/hospital-stays", provider_token).json()) == 1
    assert (
        call(
            client, "post", f"{base}/end", provider_token, {"ended_on": "2030-08-01", "reason_code": "died"}
        ).status_code
        == 403
    )
    failed = call(
        client,
        "post",
        "/provider-failures",
        token,
        {"provider_id": ash.pk, "reason_code": "provider-failed", "ends_on": "2030-09-01"},
    )
    assert failed.status_code == 201, failed.content
    [again] = failed.json()
    assert again["status"] == "sourcing" and Admission.objects.get(provider=ash).status == "suspended"
    ended = call(client, "post", f"{base}/end", token, {"ended_on": "2030-08-01", "reason_code": "died"})
    assert ended.status_code == 409  # it ended with the provider's failure


def test_approval_cancellation_spot_providers_and_settings_by_machine(council, make_user, token_for, client):  # noqa: F811
    request, providers, broker, arrangement = market(council, make_user)
    CareRequest.objects.filter(pk=request.pk).update(status="awaiting-approval", requires_approval=True)
    leader = token_for(council, Role.TEAM_LEADER)
    approved = call(client, "post", f"/care-requests/{request.pk}/approval", leader, {"note": "Agreed"})
    assert approved.status_code == 200 and approved.json()["status"] == "sourcing"
    broker_token = token_for(council, Role.BROKER)
    assert call(client, "post", f"/care-requests/{request.pk}/approval", broker_token, {}).status_code == 403
    names = {
        p["name"]: p["on_arrangements"] for p in call(client, "get", "/spot-purchase/providers", broker_token).json()
    }
    assert names["Ash"] is True
    refused = call(client, "post", f"/care-requests/{request.pk}/cancel", broker_token, {"reason": ""})
    assert refused.status_code == 400
    cancelled = call(client, "post", f"/care-requests/{request.pk}/cancel", broker_token, {"reason": "Moved away"})
    assert cancelled.json()["status"] == "cancelled"
    assert (
        call(client, "put", "/brokerage/settings", broker_token, {"escalate_unsourced_after_hours": 8}).status_code
        == 403
    )
    changed = call(client, "put", "/brokerage/settings", leader, {"escalate_unsourced_after_hours": 8})
    assert changed.json() == {"escalate_unsourced_after_hours": 8, "provider_access_days": 90}


def test_block_vacancy_by_machine(council, make_user, token_for, client):  # noqa: F811
    request, providers, broker, arrangement = market(
        council, make_user, mechanism="block_contract", providers=("Ash",), block_places=1
    )
    token = token_for(council, Role.BROKER)
    [vacancy] = call(client, "get", f"/care-requests/{request.pk}/block-vacancies", token).json()
    assert vacancy["vacancies"] == 1
    placed = call(
        client, "post", f"/care-requests/{request.pk}/block-placement", token, {"admission_id": vacancy["admission_id"]}
    )
    assert placed.status_code == 201 and placed.json()["route"] == "block"
