"""What the council's arrangement pages show and offer, worked out from the records and the person's roles: each
page's display state apart from its forms (the views add those) and from the writes (services, applications,
admissions)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from caremarket.core.pages import paginate
from caremarket.core.permissions import has_permission
from caremarket.core.todo import Item, Row
from caremarket.domain import arrangements as rules
from caremarket.domain.lifecycles import APPLICATION
from caremarket.domain.roles import Permission

from . import applications, selectors
from .models import ApplicationWindow


def arrangement_list_page(*, user, council, status: str) -> dict:
    return {
        "arrangements": selectors.arrangement_list(council=council, status=status),
        "status": status,
        "statuses": rules.STATUS_LABELS,
        "can_manage": has_permission(user, Permission.ARRANGEMENTS_MANAGE),
    }


def arrangement_page(*, user, arrangement, now: datetime | None = None) -> dict:
    """The arrangement, whether it takes applications now and if not why, its notices, and what this person may do."""
    now = now or timezone.now()
    mechanism, status = arrangement.mechanism_enum, arrangement.status_enum
    return {
        "arrangement": arrangement,
        "accepts": selectors.accepts_applications(arrangement, now),
        "open_window": selectors.open_window(arrangement, now),
        "why_closed": rules.why_closed(mechanism, status),
        "notices": selectors.notices(arrangement),
        "can_manage": has_permission(user, Permission.ARRANGEMENTS_MANAGE),
        "windowed": mechanism in rules.WINDOWED,
        "ended": status in {rules.Status.EXPIRED, rules.Status.TERMINATED},
        "mechanism_label": rules.MECHANISM_LABELS[mechanism],
        "regime_label": rules.REGIME_LABELS[rules.Regime(arrangement.regime)],
        "status_label": rules.STATUS_LABELS[status],
        "now": now,
        "tasks": setup_tasks(arrangement) if status == rules.Status.DRAFT else [],
    }


def setup_tasks(arrangement) -> list[dict]:
    """What a draft arrangement needs before it opens, as the GOV.UK task list: each task, where it is done, and
    whether it is done. Opening is the last task, and cannot start until there is a lot (services.arrangement_move
    refuses it too)."""
    from django.urls import reverse

    lots = list(arrangement.lots.prefetch_related("service_types", "areas"))
    lots_done = bool(lots) and all(lot.service_types.all() and lot.areas.all() for lot in lots)
    questions = arrangement.questions.count()
    documents = arrangement.documents.count()

    def task(title, href, done, *, hint="", blocked=False, optional=False):
        status = (
            "Completed" if done else ("Cannot start yet" if blocked else ("Optional" if optional else "Incomplete"))
        )
        return {"title": title, "href": None if blocked else href, "hint": hint, "status": status, "done": done}

    pk = arrangement.pk
    tasks = [
        task(
            "Describe the arrangement",
            reverse("arrangements:edit", args=[pk]),
            True,
            hint="Its mechanism, regime, dates, value and evaluation weights",
        ),
        task(
            "Add lots, with their services and areas",
            reverse("arrangements:lot-create", args=[pk]),
            lots_done,
            hint=f"{len(lots)} lots so far" if lots else "At least one",
        ),
        task(
            "Write the selection questionnaire",
            reverse("arrangements:question-create", args=[pk]),
            questions > 0,
            hint=f"{questions} questions so far" if questions else "Pass or fail and scored questions",
        ),
        task(
            "Add the tender documents",
            reverse("arrangements:document-add", args=[pk]),
            documents > 0,
            hint="The specification, the terms, the pricing schedule",
            optional=True,
        ),
    ]
    tasks.append(
        task("Open for applications", reverse("arrangements:status", args=[pk]), False, blocked=not lots,
             hint="Sets the closing date and publishes the notices")
    )  # fmt: skip
    return tasks


def editable_fields(arrangement, names: list[str]) -> list[str]:
    """The fields of the arrangement's form that may still change: all of them until it is live, then only those
    that are not the basis of the procurement."""
    if arrangement.status_enum in {rules.Status.DRAFT, rules.Status.OPEN, rules.Status.EVALUATING}:
        return names
    return [name for name in names if name in rules.EDITABLE_WHEN_LIVE]


def applications_page(*, council, arrangement) -> dict:
    received = selectors.application_list_for_council(council=council, arrangement=arrangement)
    results = applications.evaluate_arrangement(arrangement)
    return {"arrangement": arrangement, "rows": [(a, results.get(a.pk)) for a in received]}


def application_page(*, arrangement, application, scored) -> dict:
    """An application as its evaluators see it: its result so far, each evaluator's scores and the agreed ones, the
    decision, and while it is still being written what it lacks."""
    return {
        "application": application,
        "viewer": "council",
        "arrangement": arrangement,
        "result": applications.evaluate_arrangement(arrangement).get(application.pk),
        "scored": scored,
        "agreed": selectors.current_moderated(application),
        "evaluator_scores": list(application.scores.select_related("evaluator", "question")),
        "decision": getattr(application, "decision", None),
        "missing": applications.missing_for_submission(application)
        if APPLICATION.is_in(application.status, "being_written")
        else {},
    }


def admissions_page(*, request, user, council, arrangement) -> dict:
    page, query = paginate(
        request,
        selectors.admission_list(council=council, arrangement=arrangement).order_by(
            "provider__name", "area__name", "pk"
        ),
    )
    return {
        "arrangement": arrangement,
        "admissions": page.object_list,
        "page": page,
        "query": query,
        "positions": selectors.latest_run(arrangement, "positions"),
        "ranking": selectors.latest_run(arrangement, "ranking"),
        "can_manage": has_permission(user, Permission.ARRANGEMENTS_MANAGE),
        "can_suspend": has_permission(user, Permission.ADMISSIONS_SUSPEND),
    }


# -- the commissioner's home page ----------------------------------------------------------------------------


def commissioner_to_do(*, council, now: datetime | None = None) -> list[Item]:
    """Application windows closing within two weeks, applications to decide, areas a positions run left unfilled."""
    now = now or timezone.now()
    windows = (
        ApplicationWindow.objects.for_organisation(council)
        .filter(closed_at__isnull=True, opens_at__lte=now, closes_at__gt=now, closes_at__lte=now + timedelta(days=14))
        .select_related("arrangement")
        .order_by("closes_at")
    )
    to_decide = (
        selectors.application_list_for_council(council=council)
        .filter(status__in=APPLICATION.group("to_decide"))
        .order_by("submitted_at")
    )
    unfilled = []
    for arrangement in selectors.arrangement_list(council=council, status=rules.Status.LIVE.value):
        run = selectors.latest_run(arrangement, "positions")
        gaps = (run.result or {}).get("unfilled", []) if run else []
        if gaps:
            unfilled.append((arrangement, len(gaps)))
    return [
        Item.of(
            "Application windows closing within two weeks",
            windows,
            lambda w: Row(
                f"{w.arrangement.reference}: {w.arrangement.title}",
                reverse("arrangements:detail", args=[w.arrangement_id]),
                w.closes_at,
                "closes",
            ),
        ),
        Item.of(
            "Applications to evaluate and decide",
            to_decide,
            lambda a: Row(
                f"{a.provider.name} to {a.arrangement.reference}",
                reverse("arrangements:application", args=[a.arrangement_id, a.pk]),
                a.submitted_at,
                "submitted",
            ),
        ),
        Item.of(
            "Live arrangements with unfilled positions",
            unfilled,
            lambda pair: Row(
                f"{pair[0].reference}: {pair[1]} unfilled",
                reverse("arrangements:admissions", args=[pair[0].pk]),
            ),
        ),
    ]


# -- check pages before consequential actions ----------------------------------------------------------------


def suspension_check(*, admission, reason_code: str, reason: str = "", all_of_provider: bool = False) -> dict:
    from caremarket.domain.lifecycles import ADMISSION

    suspended = (
        list(admission.arrangement.admissions.filter(provider=admission.provider).in_group("offerable"))
        if all_of_provider
        else [admission]
    )
    where = [
        a.area.name if a.area_id else f"lot {a.lot.number}" for a in suspended if ADMISSION.can(a.status, "suspended")
    ]
    return {
        "caption": f"{admission.arrangement.reference}: {admission.provider.name}",
        "heading": f"Suspend {len(where)} admission(s) of {admission.provider.name}?",
        "says": [
            "From now no new referral, competition or block vacancy is offered to the provider under these "
            "admissions. Its current placements continue. You can reinstate it with a reason."
        ],
        "listing_heading": "Admissions suspended",
        "listing": where,
        "warning": "The provider is told it is suspended, with the reason, in its audit log.",
        "button": f"Suspend {admission.provider.name}",
        "action": reverse("arrangements:suspend", args=[admission.arrangement_id, admission.pk]),
        "back": reverse("arrangements:admissions", args=[admission.arrangement_id]),
    }


def removal_check(*, admission) -> dict:
    return {
        "caption": f"{admission.arrangement.reference}: {admission.provider.name}",
        "heading": f"Remove {admission.provider.name} from this lot?",
        "says": [
            "Removal is final: the provider is excluded from this admission and no work is offered under it "
            "again. Its current placements continue until they end or are moved.",
        ],
        "rows": [
            ("Lot", f"{admission.lot.number}: {admission.lot.title}"),
            ("Area", admission.area.name if admission.area_id else "Every area of the lot"),
        ],
        "warning": "This cannot be undone; a suspension can.",
        "button": f"Remove {admission.provider.name}",
        "action": reverse("arrangements:admission-change", args=[admission.arrangement_id, admission.pk, "remove"]),
        "back": reverse("arrangements:admissions", args=[admission.arrangement_id]),
    }


def positions_check(*, arrangement) -> dict:
    current = arrangement.admissions.in_group("current").filter(area__isnull=False)
    return {
        "caption": arrangement.reference,
        "heading": "Compute the positions on a live framework?",
        "says": [
            "New positions route work from the moment they are computed: primary and secondary providers in each "
            "area may change, and with them who is offered the next referrals. The previous positions are kept "
            "and can be read."
        ],
        "rows": [
            ("Admissions with an area", str(current.count())),
            ("Providers", str(current.values("provider").distinct().count())),
            ("Areas", str(current.values("area").distinct().count())),
        ],
        "warning": "Referrals already offered are not changed; the next ones follow the new positions.",
        "button": "Compute the positions",
        "action": reverse("arrangements:award-compute", args=[arrangement.pk]),
        "back": reverse("arrangements:admissions", args=[arrangement.pk]),
    }
