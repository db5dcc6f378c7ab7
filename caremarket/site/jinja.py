"""The Jinja2 environment of the whole product: core's helpers and filters, with the navigation and the role home
pages that only the composition root knows."""

from __future__ import annotations

from jinja2 import Environment

from caremarket.core.jinja import environment as core_environment

from .navigation import role_home, service_navigation, unread_notifications


def environment(**options) -> Environment:
    env = core_environment(**options)
    env.globals.update(
        {"service_navigation": service_navigation, "role_home": role_home, "unread_notifications": unread_notifications}
    )
    return env
