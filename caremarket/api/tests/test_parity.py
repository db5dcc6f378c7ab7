"""The API does what the browser does: every state-changing browser action has an API route.

The browser's state-changing actions are found by reading every view's source (a view that reads POST data or
files, or accepts only POST), with the `action` values it dispatches on. Each must be listed here with the API
operations that do the same, or as kept to the browser with the reason. A new page that changes state fails
this test until its API route exists."""

from __future__ import annotations

import inspect
import re

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# (url name, action) -> the API operations that do the same; action None: the view's only POST.
PARITY: dict[tuple[str, str | None], list[str]] = {
    ("accounts:user-create", None): ["POST /api/v1/organisation/invitations"],
    ("accounts:logo", "upload"): ["POST /api/v1/organisation/logo"],
    ("quality:referral-stop", "stop"): ["POST /api/v1/providers/{provider_id}/referral-stop"],
    ("quality:referral-stop", "resume"): ["POST /api/v1/providers/{provider_id}/referral-stop/lifting"],
    ("quality:visit-plan", None): ["POST /api/v1/monitoring-visits"],
    ("quality:framework-upload", None): ["POST /api/v1/quality-framework/versions"],
    ("quality:visit-act", None): [
        "POST /api/v1/monitoring-visits/{visit_id}/comments/{comment_id}/answer",
        "POST /api/v1/monitoring-visits/{visit_id}/sending-back",
        "POST /api/v1/monitoring-visits/{visit_id}/cancellation",
        "POST /api/v1/monitoring-visits/{visit_id}/versions",
    ],
    ("quality:visit-act", "save"): ["POST /api/v1/monitoring-visits/{visit_id}/findings"],
    ("quality:visit-act", "share"): ["POST /api/v1/monitoring-visits/{visit_id}/sharing"],
    ("quality:visit-act", "sign-off"): ["POST /api/v1/monitoring-visits/{visit_id}/sign-off"],
    ("quality:report-act", "comment"): ["POST /api/v1/monitoring-reports/{visit_id}/comments"],
    ("quality:report-act", "no-more-comments"): ["POST /api/v1/monitoring-reports/{visit_id}/comments-done"],
    ("quality:report-act", "plan"): [
        "POST /api/v1/monitoring-reports/{visit_id}/action-plan",
        "POST /api/v1/monitoring-reports/{visit_id}/actions/{action_id}",
    ],
    ("quality:complaint-new", None): ["POST /api/v1/complaints"],
    ("quality:surveys", None): ["POST /api/v1/surveys"],
    ("quality:scorecards", None): ["POST /api/v1/scorecards/calculation"],
    ("insight:history", None): ["POST /api/v1/insight/history"],
    ("insight:position", None): ["POST /api/v1/insight/market-position/{service_type_id}/publication"],
    ("insight:history-withdraw", None): ["POST /api/v1/insight/history/{history_id}/withdrawal"],
    ("directory-manage:change", None): [
        "POST /api/v1/directory/changes/{change_id}/approval",
        "POST /api/v1/directory/changes/{change_id}/return",
    ],
    ("directory-manage:feed-check", None): ["POST /api/v1/directory/feed-checks"],
    ("directory:service", None): ["POST /api/v1/directory/services/{service_id}/enquiries"],
    ("provider-directory:edit", None): ["POST /api/v1/directory/listings/{listing_id}/changes"],
    ("provider-directory:profile", None): ["PUT /api/v1/directory/profile"],
    ("quality:scorecard", None): ["POST /api/v1/scorecards/calculation"],
    ("quality:survey", None): ["POST /api/v1/surveys/{survey_id}/responses"],
    ("quality:outcomes", None): ["POST /api/v1/placements/{placement_id}/outcome-measures"],
    ("referrals:placement-visits", None): ["POST /api/v1/placements/{placement_id}/visit-plans"],
    ("quality:review-schedule", None): ["PUT /api/v1/review-schedules/{service_type}"],
    ("quality:review-act", None): ["POST /api/v1/reviews/{review_id}/record"],
    ("quality:review-act", "ask"): ["POST /api/v1/reviews/{review_id}/ask-now"],
    ("quality:complaint-act", None): ["POST /api/v1/complaints/{complaint_id}/closure"],
    ("quality:complaint-act", "acknowledge"): ["POST /api/v1/complaints/{complaint_id}/acknowledgement"],
    ("accounts:logo", "remove"): ["POST /api/v1/organisation/logo/removal"],
    ("accounts:invitation-withdraw", None): ["POST /api/v1/organisation/invitations/{invitation_id}/withdrawal"],
    ("accounts:user-roles", None): ["PUT /api/v1/organisation/people/{user_id}/roles"],
    ("accounts:user-deactivate", None): ["POST /api/v1/organisation/people/{user_id}/deactivation"],
    ("reference:create", None): [
        "POST /api/v1/reference/service-types",
        "POST /api/v1/reference/areas",
        "POST /api/v1/reference/need-levels",
        "POST /api/v1/reference/reason-codes",
    ],
    ("reference:edit", None): [
        "PUT /api/v1/reference/service-types/{service_type_id}",
        "PUT /api/v1/reference/areas/{area_id}",
        "PUT /api/v1/reference/need-levels/{need_level_id}",
        "PUT /api/v1/reference/reason-codes/{reason_code_id}",
    ],
    ("arrangements:create", None): ["POST /api/v1/arrangements"],
    ("arrangements:edit", None): ["PATCH /api/v1/arrangements/{arrangement_id}"],
    ("arrangements:status", None): ["POST /api/v1/arrangements/{arrangement_id}/transitions"],
    ("arrangements:lot-create", None): ["POST /api/v1/arrangements/{arrangement_id}/lots"],
    ("arrangements:window-create", None): ["POST /api/v1/arrangements/{arrangement_id}/windows"],
    ("arrangements:question-create", None): ["POST /api/v1/arrangements/{arrangement_id}/questions"],
    ("arrangements:document-add", None): ["POST /api/v1/arrangements/{arrangement_id}/documents"],
    ("arrangements:application", "score"): [
        "POST /api/v1/arrangements/{arrangement_id}/applications/{application_id}/scores"
    ],
    ("arrangements:application", "moderate"): [
        "POST /api/v1/arrangements/{arrangement_id}/applications/{application_id}/moderated-scores"
    ],
    ("arrangements:application", "decide"): [
        "POST /api/v1/arrangements/{arrangement_id}/applications/{application_id}/decision"
    ],
    ("arrangements:award-compute", None): ["POST /api/v1/arrangements/{arrangement_id}/award-runs"],
    ("arrangements:suspend", None): ["POST /api/v1/admissions/{admission_id}/suspension"],
    ("arrangements:admission-change", "reinstate"): ["POST /api/v1/admissions/{admission_id}/reinstatement"],
    ("arrangements:admission-change", "remove"): ["POST /api/v1/admissions/{admission_id}/removal"],
    ("applications:start", None): ["POST /api/v1/opportunities/{arrangement_id}/applications"],
    ("applications:start", "submit"): [
        "POST /api/v1/opportunities/{arrangement_id}/applications",
        "POST /api/v1/applications/{application_id}/submit",
    ],
    ("applications:edit", None): ["PUT /api/v1/applications/{application_id}"],
    ("applications:edit", "submit"): ["POST /api/v1/applications/{application_id}/submit"],
    ("applications:document-add", None): ["POST /api/v1/applications/{application_id}/documents"],
    ("applications:withdraw", None): ["POST /api/v1/applications/{application_id}/withdrawal"],
    ("applications:admission-capacity", None): ["PUT /api/v1/admissions/{admission_id}/capacity"],
    ("brokerage:person-create", None): ["POST /api/v1/people"],
    ("brokerage:request-create", None): ["POST /api/v1/care-requests"],
    ("brokerage:request", None): ["POST /api/v1/care-requests/{request_id}/approval"],
    ("brokerage:request-source", None): ["POST /api/v1/care-requests/{request_id}/sourcing"],
    ("brokerage:request-compete", None): ["POST /api/v1/care-requests/{request_id}/competitions"],
    ("brokerage:request-cancel", None): ["POST /api/v1/care-requests/{request_id}/cancel"],
    ("brokerage:request-owner", "take"): ["POST /api/v1/care-requests/{request_id}/take"],
    ("brokerage:request-owner", "take-over"): ["POST /api/v1/care-requests/{request_id}/take"],
    ("brokerage:request-owner", "release"): ["POST /api/v1/care-requests/{request_id}/release"],
    ("brokerage:request-spot", None): [
        "GET /api/v1/spot-purchase/providers",
        "POST /api/v1/care-requests/{request_id}/spot-purchase",
    ],
    ("brokerage:request-in-house", None): [
        "GET /api/v1/in-house-services",
        "POST /api/v1/care-requests/{request_id}/in-house-placement",
    ],
    ("brokerage:request-block", None): [
        "GET /api/v1/care-requests/{request_id}/block-vacancies",
        "POST /api/v1/care-requests/{request_id}/block-placement",
    ],
    ("brokerage:competition-score", None): ["POST /api/v1/competitions/{competition_id}/scores"],
    ("brokerage:competition-award", None): ["POST /api/v1/competitions/{competition_id}/award"],
    ("brokerage:competition-no-award", None): ["POST /api/v1/competitions/{competition_id}/no-award"],
    ("brokerage:provider-failure", None): ["POST /api/v1/provider-failures"],
    ("brokerage:carry-over", None): ["POST /api/v1/arrangements/{arrangement_id}/carry-over"],
    ("brokerage:placement-vary", None): ["POST /api/v1/placements/{placement_id}/variations"],
    ("brokerage:placement-hospital", "admit"): ["POST /api/v1/placements/{placement_id}/hospital-stays"],
    ("brokerage:placement-hospital", "discharge"): ["POST /api/v1/placements/{placement_id}/hospital-stays/discharge"],
    ("brokerage:placement-end", None): ["POST /api/v1/placements/{placement_id}/end"],
    ("brokerage:settings", None): ["PUT /api/v1/brokerage/settings"],
    ("referrals:detail", "accept"): ["POST /api/v1/referrals/{referral_id}/accept"],
    ("referrals:detail", "decline"): ["POST /api/v1/referrals/{referral_id}/decline"],
    ("referrals:competition", "offer"): ["POST /api/v1/competitions/{competition_id}/offers"],
    ("referrals:competition", "withdraw"): ["POST /api/v1/offers/{offer_id}/withdraw"],
    ("finance:rate-create", None): ["POST /api/v1/rates"],
    ("finance:rates-uplift", None): ["POST /api/v1/rates/uplift"],
    ("finance:rate", None): ["POST /api/v1/rates/{rate_id}/supersede"],
    ("finance:cost-of-care", "save"): ["POST /api/v1/cost-of-care"],
    ("finance:rules", None): ["POST /api/v1/payment-rules"],
    ("finance:rules", "block"): ["POST /api/v1/hours-blocks"],
    ("finance:contributions", None): ["POST /api/v1/contributions"],
    ("finance:contributions", "route"): ["PUT /api/v1/placements/{placement_id}/funding-route"],
    ("finance:runs", None): ["POST /api/v1/payment-runs"],
    ("finance:run", "calculate"): ["POST /api/v1/payment-runs/{run_id}/calculation"],
    ("finance:run-step", None): [
        "POST /api/v1/payment-runs/{run_id}/approval",
        "POST /api/v1/payment-runs/{run_id}/payment",
    ],
    ("finance:holds", None): ["POST /api/v1/holds"],
    ("finance:ledger-codes", "supplier"): ["PUT /api/v1/ledger-codes/suppliers/{provider_id}"],
    ("finance:ledger-codes", "centre"): ["PUT /api/v1/ledger-codes/cost-centres"],
    ("finance:hold-release", None): ["POST /api/v1/holds/{hold_id}/release"],
    ("delivery:index", "record"): ["POST /api/v1/delivery-records"],
    ("delivery:index", "upload"): ["POST /api/v1/delivery-uploads"],
    ("notifications:read-all", None): ["POST /api/v1/notifications/read-all"],
    ("notifications:email", None): ["PUT /api/v1/notifications/email-preferences"],
    ("notifications:webhooks", None): ["POST /api/v1/webhooks"],
    ("notifications:webhook", None): ["POST /api/v1/webhooks/{subscription_id}/deactivation"],
}

# What the browser reads and a machine needs too: checked the same way.
READS = [
    "GET /api/v1/surveys",
    "GET /api/v1/surveys/{survey_id}/results",
    "GET /api/v1/placements/{placement_id}/outcome-measures",
    "GET /api/v1/placements/{placement_id}/visit-plans",
    "GET /api/v1/monitoring-visits",
    "GET /api/v1/monitoring-visits/queue",
    "GET /api/v1/monitoring-visits/{visit_id}",
    "GET /api/v1/monitoring-reports",
    "GET /api/v1/monitoring-reports/{visit_id}",
    "GET /api/v1/complaints",
    "GET /api/v1/scorecards",
    "GET /api/v1/insight/spend",
    "GET /api/v1/insight/spend/{provider_id}/{year}",
    "GET /api/v1/insight/history",
    "GET /api/v1/insight/forecast",
    "GET /api/v1/insight/reports",
    "GET /api/v1/insight/market",
    "GET /api/v1/insight/market-position/{service_type_id}",
    "GET /api/v1/insight/unit-costs",
    "GET /api/v1/directory/listings",
    "GET /api/v1/directory/listings/{listing_id}",
    "GET /api/v1/directory/changes",
    "GET /api/v1/directory/enquiries",
    "GET /api/v1/directory/enquiries/{enquiry_id}",
    "GET /api/v1/directory/feed-checks/{check_id}",
    "GET /api/v1/reviews",
    "GET /api/v1/quality-framework",
    "GET /api/v1/delivery-records",
    "GET /api/v1/payment-runs/{run_id}/reconciliation",
    "GET /api/v1/ledger-codes",
    "GET /api/v1/payment-runs/{run_id}/lines",
    "GET /api/v1/payment-runs/{run_id}/payments.{fmt}",
    "GET /api/v1/payment-runs/{run_id}/remittances",
    "GET /api/v1/holds",
    "GET /api/v1/notifications",
    "GET /api/v1/to-do",
    "GET /api/v1/people/{person_id}/record-views",
    "POST /api/v1/notifications/{notification_id}/read",
    "GET /api/v1/notifications/email-preferences",
    "GET /api/v1/webhooks",
    "GET /api/v1/webhooks/{subscription_id}/deliveries",
    "GET /api/v1/payment-rules",
    "GET /api/v1/hours-blocks",
    "GET /api/v1/contributions",
    "GET /api/v1/cost-of-care",
    "GET /api/v1/placements/{placement_id}/rate",
    "GET /api/v1/placements/{placement_id}/hospital-stays",
    "GET /api/v1/placements/{placement_id}/terms",
    "GET /api/v1/rates/{rate_id}",
    "GET /api/v1/rates/{rate_id}/history",
]

# Kept to the browser, and why.
BROWSER_ONLY = {
    ("accounts:sign-in", None): "a person's session; machines authenticate with tokens",
    ("accounts:sign-out", None): "a person's session",
    ("accounts:keep-alive", None): "a person's session, renewed from the timeout warning",
    ("accounts:invitation-accept", None): "the invitee, from the link in their email, choosing their own password",
    ("accounts:token-create", None): "a token is made by a person signed in; a token never makes another token",
    ("accounts:token-revoke", None): "made and revoked by a person signed in, like the token itself",
    ("cqc:index", None): "the CQC directory is installation data shared by every council, not one council's",
}

POSTED = re.compile(
    r"request\.POST|request\.FILES|bound\(request\)|bound_files\(request\)|require_POST|request\.method\s*!?=="
)
ACTION = re.compile(r'(?:action\s*==\s*|action\s+in\s+\{|\.get\("action"\)\s*==\s*)"([a-z-]+)"')


def _views(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            namespace = f"{prefix}{p.namespace}:" if p.namespace else prefix
            if str(p.pattern).startswith(("api/", "installation-admin")):
                continue
            yield from _views(p.url_patterns, namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}", p.callback


def _source(view) -> str:
    """A view's source with its decorators, and that of the module's own helpers it calls (`_page(...)`)."""
    source = inspect.getsource(view)
    module = inspect.getmodule(view)
    for helper in sorted(set(re.findall(r"\b(_[a-z][a-z_]*)\(", source))):
        found = getattr(module, helper, None)
        if inspect.isfunction(found):
            source += inspect.getsource(found)
    return source


def _browser_actions() -> set[tuple[str, str | None]]:
    found = set()
    for name, callback in _views(get_resolver().url_patterns):
        view = inspect.unwrap(callback)
        source = _source(view)
        if not POSTED.search(source):
            continue
        actions = set(ACTION.findall(source))
        found.add((name, None))
        found |= {(name, a) for a in actions}
    return found


def _api_operations() -> set[str]:
    spec = Client().get("/api/v1/openapi.json").json()
    return {f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops}


def test_every_state_changing_browser_action_has_an_api_route(db):
    actions = _browser_actions()
    listed = set(PARITY) | set(BROWSER_ONLY)
    # views whose actions are dispatched by a table (runs) or by state (hospital) list them by hand
    by_view = {name for name, _ in actions}
    unlisted = sorted(
        (
            (name, action)
            for name, action in actions
            if (name, action) not in listed and not (action is None and any(n == name for n, _ in listed))
        ),
        key=str,
    )
    assert unlisted == [], f"browser actions with no API route and no reason to be browser-only: {unlisted}"
    stale = sorted((key for key in listed if key[0] not in by_view), key=str)
    assert stale == [], f"listed but no longer a state-changing browser action: {stale}"
    operations = _api_operations()
    missing = sorted({op for ops in PARITY.values() for op in ops} - operations)
    missing += sorted(set(READS) - operations)
    assert missing == [], f"API operations named here but not in /api/v1/openapi.json: {missing}"


def test_the_browser_action_finder_sees_posts_and_actions():
    # the finder must be able to fail: it sees the delivery page's two actions and the runs' create form
    actions = _browser_actions()
    assert {("delivery:index", "record"), ("delivery:index", "upload"), ("finance:runs", None)} <= actions
    assert ("brokerage:queue", None) not in actions  # a page that only reads
