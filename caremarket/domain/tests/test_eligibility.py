from caremarket.domain.eligibility import (
    AGE,
    NEED_LEVEL,
    NO_CAPACITY,
    NO_TRANSPORT,
    NOT_ADMITTED,
    NOT_REGISTERED,
    SUSPENDED,
    AdmissionFact,
    Market,
    Need,
    ProviderFact,
    assess,
)


def fact(provider, **overrides):
    base = {
        "provider": provider,
        "service_types": frozenset({"day-services"}),
        "areas": frozenset({"north"}),
        "need_levels": frozenset({"expected", "enhanced"}),
        "offers_transport": True,
    }
    return AdmissionFact(**{**base, **overrides})


def verdicts(need, facts, providers=(), everyone=()):
    result = assess(need, Market.build(facts, providers), all_providers=everyone)
    return {v.provider: v for v in result}


NEED = Need("day-services", "north", "enhanced", needs_transport=True, age=30)


def test_eligible_and_every_reason_for_the_rest():
    result = verdicts(
        NEED,
        [
            fact("ok"),
            fact("suspended", status="suspended"),
            fact("no-bus", offers_transport=False),
            fact("children-only", age_min=0, age_max=18),
            fact("expected-only", need_levels=frozenset({"expected"})),
            fact("full"),
            fact("elsewhere", areas=frozenset({"south"})),
        ],
        providers=[ProviderFact("full", has_capacity=False)],
        everyone=["ok", "suspended", "no-bus", "children-only", "expected-only", "full", "elsewhere", "stranger"],
    )
    assert result["ok"].eligible and result["ok"].explain() == "eligible"
    assert result["suspended"].reasons == (SUSPENDED,)
    assert result["no-bus"].reasons == (NO_TRANSPORT,)
    assert result["children-only"].reasons == (AGE,)
    assert result["expected-only"].reasons == (NEED_LEVEL,)
    assert result["full"].reasons == (NO_CAPACITY,)
    assert result["elsewhere"].reasons == (NOT_ADMITTED,)
    assert result["stranger"].reasons == (NOT_ADMITTED,)
    assert "does not offer transport" in result["no-bus"].explain()


def test_transport_only_matters_when_assessed_as_needed():
    need = Need("day-services", "north", "expected", needs_transport=False)
    assert verdicts(need, [fact("no-bus", offers_transport=False)])["no-bus"].eligible


def test_registration_only_for_regulated_services():
    providers = [ProviderFact("unregistered", registered=False)]
    regulated = Need("home-care", "north", regulated=True)
    facts = [fact("unregistered", service_types=frozenset({"home-care"}), need_levels=frozenset())]
    assert verdicts(regulated, facts, providers)["unregistered"].reasons == (NOT_REGISTERED,)
    plain = Need("home-care", "north", regulated=False)
    assert verdicts(plain, facts, providers)["unregistered"].eligible


def test_whole_lot_admissions_cover_every_area_and_best_admission_wins():
    facts = [
        fact("wide", areas=frozenset()),
        fact("two", status="suspended"),
        fact("two", areas=frozenset({"north", "south"}), admission_id=7),
    ]
    result = verdicts(NEED, facts)
    assert result["wide"].eligible
    assert result["two"].eligible and result["two"].admission_id == 7
    ordered = assess(NEED, Market.build(facts + [fact("zz", status="suspended")], []))
    assert [v.eligible for v in ordered] == [True, True, False]
