"""The directory's work in the worker: enquiries delivered, listings offered to newly admitted providers, and
enquiries deleted when their kept time is up."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from caremarket.core.scheduling import periodic


@task()
def deliver_enquiry(enquiry_id: int) -> bool:
    from .services import enquiry_deliver

    return enquiry_deliver(enquiry_id)


@periodic(every=timedelta(hours=1))
@task()
def keep_directory() -> dict:
    from . import services

    return {"offered": len(services.listings_offer()), "forgotten": services.enquiries_forget()}
