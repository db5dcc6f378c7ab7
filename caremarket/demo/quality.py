"""A year of quality monitoring, made through the services as it would have happened: visits across all four
ratings, a provider rated Requires improvement with its action plan half done, a re-audit due, a draft with the
provider for comment, a report waiting for sign-off, and complaints including one overdue and one safeguarding."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from caremarket.accounts.models import Organisation, User
from caremarket.arrangements.selectors import admissions_on_live
from caremarket.brokerage.models import Placement
from caremarket.domain import surveys
from caremarket.quality import monitoring, services
from caremarket.quality.models import MonitoringVisit
from caremarket.reference.models import ServiceType

LONDON = ZoneInfo("Europe/London")

# Ratings by profile: the rating most questions get, and the exceptions, so that each rolls up as named.
PROFILES = {
    "excellent": ("excellent", {"1.2.1": "good", "5.1.2": "good"}),
    "good": ("good", {"4.1.2": "requires-improvement"}),
    "requires-improvement": (
        "good",
        {"1.1.1": "poor", "2.1.1": "requires-improvement", "3.1.1": "requires-improvement"},
    ),
    "poor": (
        "poor",
        {
            "1.2.2": "good",
            "2.1.2": "requires-improvement",
            "4.1.2": "requires-improvement",
            "5.1.1": "requires-improvement",
        },
    ),
}
EVIDENCE = {
    "excellent": "Strong evidence across the sample; people and families spoke highly of the service",
    "good": "Met the standard in the files sampled and in what people told us",
    "requires-improvement": "Gaps in the files sampled; staff unsure of the process",
    "poor": "Not met: no evidence in the files and staff could not describe the process",
}


def _at(day: date, hour: int = 10):
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=LONDON), tick=False)


def _ratings(visit: MonitoringVisit, profile: str) -> list[services.Rating]:
    usual, exceptions = PROFILES[profile]
    found = []
    for q in services.visit_questions(visit):
        rating = exceptions.get(q.key, usual)
        found.append(services.Rating(q.key, rating, f"{EVIDENCE[rating]} ({q.text.lower()})."))
    return found


class QualityHistory:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.counts: Counter = Counter()

    def visit(self, council, provider, service, officers, *, days_ago: int, profile: str, to: str = "published"):
        """A visit planned `days_ago`, recorded that day, shared and published two and three weeks later."""
        lead, senior = officers
        planned = self.today - timedelta(days=days_ago)
        while planned.weekday() >= 5:
            planned -= timedelta(days=1)
        with _at(planned):
            visit = services.visit_plan(
                council=council,
                actor=lead,
                provider=provider,
                service_type=service,
                planned_for=planned,
                reason="Routine monitoring",
            )
        if to == "planned":
            return visit
        with _at(planned, 15):
            services.visit_record(
                visit=visit,
                council=council,
                actor=lead,
                ratings=_ratings(visit, profile),
                visited_on=planned,
                summary=f"Announced visit to {provider.name}: files sampled, people and staff spoken with.",
            )
        if to == "drafting":
            return visit
        shared = min(planned + timedelta(days=5), self.today)
        with _at(shared):
            services.visit_share(visit=visit, council=council, actor=lead)
        staff = User.objects.filter(organisation=provider).order_by("pk").first()
        if to == "shared":
            with _at(shared, 14):
                services.accuracy_comment(
                    visit=visit,
                    provider=provider,
                    actor=staff,
                    question_key="1.1.1",
                    comment="Our safeguarding log for the quarter was with the registered manager on the day.",
                )
            return visit
        with _at(shared + timedelta(days=14)):
            services.accuracy_done(visit=visit, provider=provider, actor=staff)
        if to == "signing-off":
            return visit
        published = shared + timedelta(days=16)
        with _at(published):
            services.visit_sign_off(visit=visit, council=council, actor=senior)
        self.counts[f"visits published {profile}"] += 1
        return visit

    def action_plan(self, visit, *, done: int, under_way: int) -> None:
        """The provider's plan sent on time; then `done` of its actions finished and `under_way` begun."""
        visit.refresh_from_db()
        plan = visit.action_plan
        staff = User.objects.filter(organisation=visit.provider).order_by("pk").first()
        sent = plan.due_on - timedelta(days=3)
        with _at(sent):
            services.action_plan_submit(
                plan=plan,
                provider=visit.provider,
                actor=staff,
                actions=[
                    services.NewAction(
                        f.question.key,
                        f"Put right: {f.question.text.lower()}",
                        "Registered manager",
                        sent + timedelta(days=60 + 30 * n),
                    )
                    for n, f in enumerate(services.plan_issues(plan))
                ],
            )
        actions = list(plan.actions.all())
        for n, action in enumerate(actions[: done + under_way]):
            with _at(min(sent + timedelta(days=30 * (n + 1)), self.today)):
                services.action_update(
                    action=action,
                    provider=visit.provider,
                    actor=staff,
                    status="done" if n < done else "in-progress",
                    progress="Completed and checked by the manager" if n < done else "Training booked for all staff",
                )
        self.counts["action plans"] += 1

    def complaint(self, council, provider, officer, *, days_ago: int, kind="complaint", ack=None, close=None, **fields):
        received = self.today - timedelta(days=days_ago)
        while received.weekday() >= 5:
            received -= timedelta(days=1)
        with _at(received):
            made = services.complaint_log(
                council=council,
                provider=provider,
                actor=officer,
                organisation=council,
                new=services.NewComplaint(
                    kind=kind,
                    category=fields.pop("category", "missed-or-late-visits"),
                    severity="" if kind == "compliment" else fields.pop("severity", "medium"),
                    safeguarding=fields.pop("safeguarding", False),
                    received_on=received,
                    summary=fields.pop("summary"),
                ),
            )
        if ack is not None:
            with _at(received + timedelta(days=ack)):
                services.complaint_acknowledge(complaint=made, organisation=council, actor=officer)
        if close is not None:
            outcome, response, lessons = close
            with _at(received + timedelta(days=15)):
                services.complaint_close(
                    complaint=made,
                    organisation=council,
                    actor=officer,
                    outcome=outcome,
                    response=response,
                    lessons=lessons,
                )
        self.counts[f"{kind}s"] += 1
        return made


def _officers(council: Organisation) -> tuple[User, User]:
    people = list(User.objects.filter(organisation=council, role_grants__role="quality_officer").order_by("pk"))
    return people[0], people[-1]


def build(rng: random.Random) -> dict[str, int]:
    if MonitoringVisit.objects.exists():
        return {}
    history = QualityHistory(rng, timezone.localdate())
    westmarch = Organisation.objects.get(name="Westmarch County Council")
    stourshire = Organisation.objects.get(name="Stourshire County Council")
    home = ServiceType.objects.get(council=westmarch, code="home-care")
    day = ServiceType.objects.get(council=stourshire, code="day-services")
    first, second = _officers(westmarch)
    providers = [Organisation.objects.get(pk=pk) for pk in monitoring.providers_of(council=westmarch)]
    w = (first, second)
    h = history
    h.visit(westmarch, providers[0], home, w, days_ago=300, profile="excellent")
    h.visit(westmarch, providers[1], home, w, days_ago=270, profile="good")
    h.visit(westmarch, providers[2], home, w, days_ago=120, profile="good")
    ri = h.visit(westmarch, providers[3], home, w, days_ago=75, profile="requires-improvement")
    h.action_plan(ri, done=1, under_way=1)  # half done: one of three finished, one begun
    poor = h.visit(westmarch, providers[4], home, w, days_ago=230, profile="poor")
    h.action_plan(poor, done=99, under_way=0)  # every action done; its re-audit, six months on, is now due
    h.visit(westmarch, providers[5], home, w, days_ago=400, profile="good")  # due again after a year
    h.visit(westmarch, providers[6], home, w, days_ago=8, profile="good", to="shared")
    h.visit(westmarch, providers[7], home, w, days_ago=30, profile="requires-improvement", to="signing-off")
    h.visit(westmarch, providers[8], home, w, days_ago=-6, profile="good", to="planned")
    s = _officers(stourshire)
    day_providers = [
        Organisation.objects.get(pk=pk)
        for pk in dict(
            admissions_on_live(council=stourshire)
            .filter(lot__service_types=day)
            .values_list("provider_id", "provider__name")
        )
    ]
    h.visit(stourshire, day_providers[0], day, s, days_ago=200, profile="good")
    h.visit(stourshire, day_providers[1], day, s, days_ago=90, profile="excellent")

    h.complaint(
        westmarch,
        providers[3],
        first,
        days_ago=160,
        ack=2,
        category="missed-or-late-visits",
        summary="Evening calls missed three times in a fortnight.",
        close=("upheld", "Apologised; the rota now covers the evening run.", "Cover evening runs first."),
    )
    h.complaint(
        westmarch,
        providers[1],
        first,
        days_ago=95,
        ack=1,
        category="staff-conduct",
        summary="A carer was curt with the family.",
        close=("not-upheld", "Spoke with the family and the carer; no further concern.", ""),
    )
    h.complaint(
        westmarch,
        providers[4],
        first,
        days_ago=6,
        ack=1,
        category="quality-of-care",
        severity="high",
        safeguarding=True,
        summary="Unexplained bruising noticed by a district nurse.",
    )
    h.complaint(
        westmarch,
        providers[5],
        first,
        days_ago=20,
        category="communication",
        summary="Nobody answered the office phone at the weekend.",
    )  # not acknowledged: overdue
    h.complaint(
        westmarch,
        providers[1],
        first,
        days_ago=1,
        category="charges",
        summary="The invoice shows visits that were not made.",
    )
    for n, provider in enumerate(providers[:3]):
        h.complaint(
            westmarch,
            provider,
            first,
            days_ago=40 + 30 * n,
            kind="compliment",
            category="quality-of-care",
            summary="The family thanked the carers for their kindness.",
        )
    history.counts["reviews"] = placement_reviews(rng, history.today)
    history.counts["survey responses"] = survey_responses(rng, history.today, westmarch, first, providers[:6])
    history.counts["outcome measures"] = outcome_measures(rng, history.today, westmarch)
    # a year on, the ranked framework is ranked again from the KPIs its providers earned and their prices
    from caremarket.arrangements import admissions
    from caremarket.arrangements.models import Arrangement

    for arrangement in Arrangement.objects.filter(mechanism="ranked_framework", status="live"):
        admissions.ranking_compute(arrangement=arrangement, actor=None)
        history.counts["re-rankings from KPIs"] += 1
    history.counts["CQC ratings"] = cqc_ratings(
        rng, history.today, {providers[4].pk: "Inadequate", providers[3].pk: "Requires improvement"}
    )
    return dict(history.counts)


COMMENTS = ["", "", "The carers are kind but often rushed.", "Mum looks forward to the visits."]


def survey_responses(rng: random.Random, today: date, council, officer, providers) -> int:
    """This year's satisfaction survey of home care, half way through: some providers past the 5 responses their
    results need before they see them, some not yet."""
    from caremarket.quality import surveying

    survey = surveying.survey_create(
        council=council,
        actor=officer,
        title=f"Home care satisfaction survey {today.year}",
        opens_on=today - timedelta(days=45),
        closes_on=today + timedelta(days=45),
    )
    made = 0
    for provider, count, mood in zip(providers, (9, 6, 5, 3, 7, 2), (5, 4, 4, 3, 2, 4), strict=False):
        for n in range(count):
            answers = {code: max(1, min(5, mood + rng.choice([-1, 0, 0, 1]))) for code in surveys.QUESTION_CODES}
            if n % 4 == 3:
                answers.pop("times")  # not every question is answered
            surveying.survey_response_record(
                survey=survey,
                actor=officer,
                provider_id=provider.pk,
                respondent="family" if n % 3 == 2 else "person",
                received_on=today - timedelta(days=rng.randint(0, 44)),
                answers=answers,
                comment=rng.choice(
                    ["", "", "The carers are kind but often rushed.", "Mum looks forward to the visits."]
                ),
            )
            made += 1
    return made


def outcome_measures(rng: random.Random, today: date, council) -> int:
    """Outcome tool scores recorded by providers against the outcomes in the request, three times a year."""
    from caremarket.quality import surveying

    made = 0
    running = Placement.objects.filter(
        council=council, ended_on__isnull=True, start_on__lte=today - timedelta(days=120)
    )
    for placement in running.select_related("request", "provider").order_by("pk")[:24]:
        staff = User.objects.filter(organisation=placement.provider).order_by("pk").first()
        outcomes = surveys.request_outcomes(placement.request.outcomes)
        if staff is None or not outcomes:
            continue
        domain = rng.choice(["Living skills", "Feeling safe", "Social networks"])
        score, last = rng.randint(2, 5), None
        for months_ago in (8, 4, 0):
            measured = max(placement.start_on, today - timedelta(days=30 * months_ago))
            if measured == last:
                continue
            surveying.outcome_measure_record(
                placement=placement,
                actor=staff,
                outcome=outcomes[0],
                tool="Outcomes Star",
                domain=domain,
                scale_min=1,
                scale_max=10,
                score=score,
                measured_on=measured,
            )
            score, last = max(1, min(10, score + rng.choice([-1, 1, 1, 2]))), measured
            made += 1
    return made


def placement_reviews(rng: random.Random, today: date) -> int:
    """Every live placement reviewed by its provider each time it fell due, most on or before the day, a few late,
    some finding needs changed; of the reviews that fell due in the last three weeks, one in three is still to do."""
    from caremarket.quality import reviewing
    from caremarket.quality.models import PlacementReview

    done = 0
    for _ in range(5):  # the cycles of the year: schedule, then review what fell due
        reviewing.schedule_reviews(today)
        due = PlacementReview.objects.in_group("due").filter(due_on__lte=today).select_related("placement__provider")
        for review in due:
            if review.due_on > today - timedelta(days=21) and review.placement_id % 3 == 0:
                continue  # fell due in the last three weeks and not done yet: overdue today
            staff = User.objects.filter(organisation=review.provider_id).order_by("pk").first()
            found = rng.choices(["met", "partly", "not-met"], [8, 3, 1])[0]
            reviewing.review_record(
                review=review,
                provider=review.placement.provider,
                actor=staff,
                outcomes_met=found,
                notes={"met": "Outcomes on track; the person and family are content.",
                       "partly": "Progress with mobility; still needs help in the evenings.",
                       "not-met": "Needs have grown: the morning call is no longer enough."}[found],
                next_step="variation" if found == "not-met" else "none",
                on=min(review.due_on + timedelta(days=rng.choice([-5, -2, 0, 0, 0, 0, 1, 9])), today),
            )  # fmt: skip
            done += 1
    reviewing.schedule_reviews(today)
    return done


def cqc_ratings(rng: random.Random, today: date, latest: dict[int, str]) -> int:
    """CQC's published ratings for the demo providers' locations, in the regulator's own extract form and through
    the real importer: one to three reports each, mostly Good; the latest as `latest` says for some."""
    from caremarket.arrangements.models import Application
    from caremarket.cqc.services import ratings_import

    lines = ['"","reportdate","overall","ownership","locationid"']
    n = 0
    for provider, location in sorted(
        set(Application.objects.exclude(cqc_location_id="").values_list("provider_id", "cqc_location_id"))
    ):
        reports = rng.randint(1, 3)
        for k in range(reports):
            day = today - timedelta(days=200 + 500 * (reports - 1 - k) + rng.randint(0, 60))
            rating = (
                latest.get(provider, "Good")
                if k == reports - 1
                else rng.choice(["Good", "Good", "Requires Improvement"])
            )
            n += 1
            lines.append(f'"{n}",{day:%Y-%m-%d},"{rating}","For-profit","{location}"')
    ratings_import(text="\n".join(lines), file_name="demo-cqc-ratings.csv", actor=None)
    return n
