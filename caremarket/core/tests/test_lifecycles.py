"""Lifecycles live in the domain: each model's choices are its table's states, and no page or service compares a
status with a string of its own."""

import re
from pathlib import Path

import pytest
from django.apps import apps

from caremarket.domain import lifecycles

ROOT = Path(__file__).resolve().parents[3]
LIFECYCLE_MODELS = [
    ("arrangements", "Arrangement"),
    ("arrangements", "Application"),
    ("arrangements", "Admission"),
    ("brokerage", "CareRequest"),
    ("brokerage", "Referral"),
    ("brokerage", "Competition"),
    ("brokerage", "Offer"),
    ("brokerage", "Placement"),
    ("finance", "PaymentRun"),
    ("quality", "MonitoringVisit"),
    ("quality", "ActionPlan"),
    ("quality", "PlanAction"),
    ("quality", "Complaint"),
]
# a status compared with a literal: `status == "x"`, `status in ("x", …)`, `status="x"`, `status__in=["x", …]`
COMPARED = re.compile(r"""(?<![a-z_])status(?:__in)?\s*(?:==|!=|=|\bin\b|\bnot in\b)\s*[\[\{\(]?\s*["']([a-z-]+)["']""")
# records whose status is set once, not a lifecycle: a delivery upload (accepted or rejected), an invitation
NOT_LIFECYCLES = {"upload.status", "invitation.status"}


@pytest.mark.parametrize(("app", "name"), LIFECYCLE_MODELS)
def test_each_models_choices_are_its_lifecycles_states(app, name):
    model = apps.get_model(app, name)
    lifecycle = model.LIFECYCLE
    assert lifecycle in lifecycles.LIFECYCLES
    assert [value for value, _ in model._meta.get_field("status").choices] == list(lifecycle.states)


def test_no_status_string_is_compared_outside_the_domain():
    states = {state for lifecycle in lifecycles.LIFECYCLES for state in lifecycle.states}
    found = []
    for path in sorted((ROOT / "caremarket").rglob("*")):
        if path.suffix not in {".py", ".html"} or any(
            part in {"domain", "migrations", "tests", "demo"} for part in path.relative_to(ROOT).parts
        ):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if any(name in line for name in NOT_LIFECYCLES):
                continue
            for match in COMPARED.finditer(line):
                if match.group(1) in states:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], "compare statuses through domain/lifecycles.py:\n" + "\n".join(found)
