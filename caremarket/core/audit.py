"""Writing the audit log. Services call `audit_record` inside their transaction, so a change and its
record are saved together or not at all."""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models

from .models import AuditEvent


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    request_id: str = ""


request_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "caremarket_audit_request", default=None
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a model instance, as JSON, for the before/after of an audit record."""
    # a password is never recorded; a file's bytes (a logo) are recorded by the action that changes them
    names = fields or [
        field.attname
        for field in instance._meta.concrete_fields
        if field.attname != "password" and not isinstance(field, models.BinaryField)
    ]
    return {name: _jsonable(getattr(instance, name)) for name in names}


def describe_actor(actor: Any) -> tuple[Any, str]:
    """(user or None, label) for a person, an API token or the system itself."""
    from django.contrib.auth import get_user_model

    if actor is None:
        return None, "System"
    person = getattr(actor, "owner", None)
    if person is not None:
        # an API token acts as its person: the record names them and the token they used
        return person, f"{person.full_name} <{person.email}> by API token '{actor.name}' ({actor.prefix})"
    if isinstance(actor, get_user_model()):
        return actor, f"{actor.full_name} <{actor.email}>"
    raise TypeError(f"Unknown actor {actor!r}")


def audit_record(
    *,
    actor: Any,
    organisation: Any,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    also: Any = (),
    label: str | None = None,
    anonymous: bool = False,
) -> AuditEvent:
    """One record in `organisation`'s log, and the same in the log of every organisation in `also`: an event one
    organisation causes in another's work (a provider declines a council's referral) is in both logs.
    `label` replaces the target's name and `anonymous` hides who acted (sealed offers)."""
    user, actor_label = describe_actor(actor)
    if anonymous:
        user, actor_label = None, "A bidder"
    context = request_context.get() or RequestContext()
    others = [also] if isinstance(also, models.Model) else list(also or ())
    seen: set[int] = set()
    first = None
    for org in [organisation, *others]:
        if org is not None and org.pk in seen or (org is None and first is not None):
            continue
        seen.add(org.pk if org is not None else None)
        event = AuditEvent.objects.create(
            organisation=org,
            actor=user,
            actor_label=actor_label,
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            object_repr=_label(target, label),
            before=_jsonable(before) if before is not None else None,
            after=_jsonable(after) if after is not None else None,
            reason=reason,
            ip_address=context.ip_address,
            request_id=context.request_id,
        )
        first = first or event
    return first


def _label(target, label: str | None) -> str:
    """What the record is called in the log: a model's `audit_label` where it names a person (a reference, not
    personal data), otherwise its name."""
    if target is None:
        return ""
    if label is None:
        label = getattr(target, "audit_label", None) or str(target)
    return label[:300]


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, so an update's record says what changed."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def changes_save(
    instance: models.Model,
    *,
    actor: Any,
    organisation: Any,
    changes: dict[str, Any],
    action: str | None = None,
    reason: str = "",
    also: Any = (),
) -> dict[str, Any]:
    """Change fields of a record and audit them: only the fields that really changed are saved and recorded (with
    their values before and after); nothing changed, nothing saved or recorded. Returns the changed fields' new
    values. Runs in the caller's transaction."""
    before = snapshot(instance, list(_attnames(instance, changes)))
    for field, value in changes.items():
        setattr(instance, field, value)
    before, after = changed_fields(before, snapshot(instance, list(before)))
    if after:
        instance.save(update_fields=list(after))
        audit_record(
            actor=actor,
            organisation=organisation,
            action=action or f"{instance._meta.model_name}.updated",
            target=instance,
            before=before,
            after=after,
            reason=reason,
            also=also,
        )
    return after


def _attnames(instance: models.Model, changes: dict[str, Any]):
    for field in changes:
        yield instance._meta.get_field(field).attname
