from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from caremarket.accounts import services as accounts
from caremarket.arrangements import admissions, applications, selectors, services
from caremarket.arrangements.models import Admission, Application
from caremarket.core.errors import ServiceError
from caremarket.domain.roles import OrganisationKind, Role
from caremarket.reference import services as reference

from .conftest import fps_data


@pytest.fixture
def setup(council, council_admin, make_user, reference_data):
    arrangement = services.arrangement_create(council=council, actor=council_admin, **fps_data(price_basis="day"))
    services.lot_create(
        arrangement=arrangement,
        actor=council_admin,
        title="Building based",
        service_types=["building-based"],
        areas=["north", "south"],
    )
    insurance = applications.question_create(
        arrangement=arrangement,
        actor=council_admin,
        kind="pass-fail",
        text="Do you hold public liability insurance of £5m?",
        asks_expiry=True,
    )
    safeguarding = applications.question_create(
        arrangement=arrangement, actor=council_admin, kind="pass-fail", text="Do you have a safeguarding policy?"
    )
    q1 = applications.question_create(
        arrangement=arrangement,
        actor=council_admin,
        kind="scored",
        text="How will you offer a purposeful day?",
        weight=Decimal(60),
        max_score=5,
    )
    q2 = applications.question_create(
        arrangement=arrangement,
        actor=council_admin,
        kind="scored",
        text="How will you keep people safe?",
        weight=Decimal(40),
        max_score=5,
    )
    services.arrangement_transition(
        arrangement=arrangement, actor=council_admin, to_status="open", closes_at=timezone.now() + timedelta(days=20)
    )
    providers = [
        accounts.organisation_create(kind=OrganisationKind.PROVIDER, name=n) for n in ("Ash", "Birch", "Cedar")
    ]
    admins = [make_user(p, Role.PROVIDER_ADMIN) for p in providers]
    commissioner = make_user(council, Role.COMMISSIONER)
    evaluator = make_user(council, Role.QUALITY_OFFICER)
    return {
        "arrangement": arrangement,
        "questions": (insurance, safeguarding, q1, q2),
        "providers": providers,
        "admins": admins,
        "commissioner": commissioner,
        "evaluator": evaluator,
    }


def apply(setup, index, *, price="55.00", meets=True, areas=("north",)):
    arrangement, (insurance, safeguarding, q1, q2) = setup["arrangement"], setup["questions"]
    provider, admin = setup["providers"][index], setup["admins"][index]
    application = applications.application_start(arrangement=arrangement, provider=provider, actor=admin)
    applications.application_save(
        application=application,
        actor=admin,
        lots=[arrangement.lots.get().pk],
        areas=list(areas),
        answers={
            insurance.pk: {"meets": meets, "expires_on": date.today() + timedelta(days=200)},
            safeguarding.pk: {"meets": True},
            q1.pk: {"response": "Gardening, art, trips."},
            q2.pk: {"response": "Trained staff, DBS checks."},
        },
        prices={"all": Decimal(price)},
        offers_transport=True,
    )
    return applications.application_submit(application=application, actor=admin)


def agree(setup, application, s1, s2):
    _, _, q1, q2 = setup["questions"]
    for question, score in ((q1, s1), (q2, s2)):
        applications.score_record(application=application, question=question, evaluator=setup["evaluator"], score=score)
        applications.score_moderate(
            application=application, question=question, moderator=setup["commissioner"], score=score
        )


def test_submission_locks_and_timestamps(setup):
    application = apply(setup, 0)
    assert application.status == "submitted" and application.submitted_at is not None
    with pytest.raises(ServiceError, match="is locked"):
        applications.application_save(application=application, actor=setup["admins"][0], lots=[])


def test_bad_input_on_the_application(setup):
    arrangement, admin = setup["arrangement"], setup["admins"][0]
    application = applications.application_start(arrangement=arrangement, provider=setup["providers"][0], actor=admin)
    with pytest.raises(ServiceError, match="more than £0"):
        applications.application_save(
            application=application, actor=admin, lots=[arrangement.lots.get().pk], prices={"all": Decimal("0")}
        )
    with pytest.raises(ServiceError, match="not in the lots you chose"):
        applications.application_save(application=application, actor=admin, lots=[], areas=["north"])
    with pytest.raises(ServiceError) as exc:
        applications.application_submit(application=application, actor=admin)
    assert {"lots", "price_all"} <= set(exc.value.errors)
    assert Application.objects.get(pk=application.pk).status == "draft"


def test_closed_arrangement_refuses_applications(setup):
    services.windows_close_due(now=timezone.now() + timedelta(days=21))
    with pytest.raises(ServiceError, match="only while an application window is open"):
        applications.application_start(
            arrangement=setup["arrangement"], provider=setup["providers"][0], actor=setup["admins"][0]
        )


def test_scores_on_the_scale_and_moderated_changes_need_a_reason(setup):
    application = apply(setup, 0)
    _, _, q1, _ = setup["questions"]
    with pytest.raises(ServiceError, match="from 0 to 5"):
        applications.score_record(application=application, question=q1, evaluator=setup["evaluator"], score=6)
    applications.score_moderate(application=application, question=q1, moderator=setup["commissioner"], score=3)
    with pytest.raises(ServiceError, match="give the reason for changing it"):
        applications.score_moderate(application=application, question=q1, moderator=setup["commissioner"], score=4)
    applications.score_moderate(
        application=application,
        question=q1,
        moderator=setup["commissioner"],
        score=4,
        reason="Second evaluator's evidence on trips",
    )
    assert selectors.current_moderated(application)[q1.pk].score == 4


def test_quality_first_price_next_decision_and_admissions(setup):
    good, weak, failed = apply(setup, 0, price="60.00"), apply(setup, 1, price="40.00"), apply(setup, 2, meets=False)
    agree(setup, good, 4, 4)  # 80
    agree(setup, weak, 2, 2)  # 40: below the threshold of 50, so price not evaluated
    agree(setup, failed, 5, 5)
    results = applications.evaluate_arrangement(setup["arrangement"])
    assert results[good.pk].price_score == Decimal("100.00") and results[weak.pk].price_score is None
    assert results[failed.pk].passed_pass_fail is False
    with pytest.raises(ServiceError, match="cannot be admitted"):
        applications.application_decide(application=weak, actor=setup["commissioner"], outcome="admit", reasons="x")
    decision = applications.application_decide(
        application=good, actor=setup["commissioner"], outcome="admit", reasons="Strong answers on a purposeful day"
    )
    assert (decision.quality_score, decision.rank, decision.ranked_out_of) == (Decimal("80.00"), 1, 1)
    made = Admission.objects.filter(application=good)
    assert made.count() == 1 and made.get().price == Decimal("60.00") and made.get().offers_transport
    assert made.get().insurance_expires_on == date.today() + timedelta(days=200)
    applications.application_decide(
        application=weak, actor=setup["commissioner"], outcome="reject", reasons="Below the quality threshold"
    )
    assert Application.objects.get(pk=weak.pk).status == "rejected"


def test_a_provider_withdraws_an_undecided_application_and_may_apply_again(setup, client, council):
    from caremarket.core.models import AuditEvent

    provider, admin = setup["providers"][0], setup["admins"][0]
    submitted = apply(setup, 0)
    with pytest.raises(ServiceError, match="Say why"):
        applications.application_withdraw(application=submitted, actor=admin, reason=" ")
    client.force_login(admin, backend="caremarket.accounts.backends.OrganisationUserBackend")
    page = client.get(f"/applications/{submitted.pk}/")
    assert "Withdraw this application" in page.content.decode()
    done = client.post(f"/applications/{submitted.pk}/withdraw/", {"reason": "We cannot staff the north"})
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "withdrawn"
    # the council that received it reads why in its own log, and still lists it, marked withdrawn
    told = AuditEvent.objects.get(organisation=council, action="application.withdrawn")
    assert told.reason == "We cannot staff the north" and told.before == {"status": "submitted"}
    assert submitted in selectors.application_list_for_council(council=council)
    again = apply(setup, 0)
    assert again.pk != submitted.pk and again.status == "submitted"
    decided = apply(setup, 1)
    agree(setup, decided, 4, 4)
    applications.application_decide(application=decided, actor=setup["commissioner"], outcome="admit", reasons="ok")
    with pytest.raises(ServiceError, match="only one not yet decided can be withdrawn"):
        applications.application_withdraw(application=decided, actor=setup["admins"][1], reason="changed our mind")
    assert "Withdraw this application" not in client.get(f"/applications/{submitted.pk}/").content.decode()
    # by machine, the same
    from caremarket.accounts import services as accounts

    token = accounts.api_token_create(organisation=provider, name="bid system", roles=["provider_admin"], actor=admin)
    by_api = client.post(
        f"/api/v1/applications/{again.pk}/withdrawal",
        {"reason": "merged with another bid"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.secret}",
    )
    assert by_api.status_code == 200 and by_api.json()["status"] == "withdrawn"


def test_providers_never_see_each_others_applications(setup):
    mine, theirs = apply(setup, 0), apply(setup, 1)
    provider = setup["providers"][0]
    assert list(selectors.application_list_for_provider(provider=provider)) == [mine]
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.application_get_for_provider(provider=provider, pk=theirs.pk)


def test_suspension_at_once_and_on_insurance_expiry(setup, council):
    reference.reason_code_create(
        council=council, actor=None, kind="suspension", code="quality-concern", name="Quality concern"
    )
    application = apply(setup, 0, areas=("north", "south"))
    agree(setup, application, 5, 5)
    applications.application_decide(
        application=application, actor=setup["commissioner"], outcome="admit", reasons="Good"
    )
    made = list(Admission.objects.filter(application=application))
    assert len(made) == 2
    with pytest.raises(ServiceError, match="not one of your council's suspension reasons"):
        admissions.admission_suspend(admission=made[0], actor=setup["commissioner"], reason_code="whim")
    admissions.admission_suspend(
        admission=made[0], actor=setup["commissioner"], reason_code="quality-concern", all_of_provider=True
    )
    assert admissions.routable(Admission.objects.filter(application=application)).count() == 0
    for admission in made:
        admission.refresh_from_db()
        admissions.admission_reinstate(admission=admission, actor=setup["commissioner"], reason="Action plan met")
    expired = admissions.admissions_suspend_expired(today=date.today() + timedelta(days=201))
    assert len(expired) == 2 and {a.status for a in expired} == {"suspended"}
    assert expired[0].status_changes.last().reason_code == "insurance-expired"


def test_documents_can_be_confidential(setup):
    arrangement, admin = setup["arrangement"], setup["admins"][0]
    application = applications.application_start(arrangement=arrangement, provider=setup["providers"][0], actor=admin)
    document = applications.document_add(
        application=application,
        actor=admin,
        title="Accounts 2025",
        file=SimpleUploadedFile("accounts.pdf", b"%PDF-1.4"),
        confidential=True,
    )
    assert document.confidential and application.documents.count() == 1
