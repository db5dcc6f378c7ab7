"""Tenancy in the data layer: every tenant-owned model is reached through `for_organisation`.

Views and API handlers never touch `Model.objects` (a test reads their source to prove it); they call
selectors, and selectors start from `Model.objects.for_organisation(organisation)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from caremarket.accounts.models import Organisation


class TenantQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation | None) -> TenantQuerySet:
        if organisation is None:
            return self.none()
        return self.filter(**{self.model.TENANT_FIELD: organisation})


TenantManager = models.Manager.from_queryset(TenantQuerySet)


class TenantModel(models.Model):
    """Abstract base: subclasses name the foreign key to their owning organisation in TENANT_FIELD."""

    TENANT_FIELD = "organisation"

    objects = TenantManager()

    class Meta:
        abstract = True


def get_for_organisation_or_404(queryset, organisation: Organisation | None, **lookup: Any):
    """One record of the organisation's own, or 404: another organisation's records do not exist for you."""
    try:
        if organisation is None:
            raise queryset.model.DoesNotExist
        return queryset.filter(**{queryset.model.TENANT_FIELD: organisation}).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such record in your organisation") from exc
