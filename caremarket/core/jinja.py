"""The Jinja2 environment: project templates first, then GOV.UK Frontend's macros (govuk-frontend-jinja)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, pass_context

from caremarket.domain.money import format_change, format_money, format_quantity
from caremarket.domain.roles import Permission

from .govuk import error_summary_params, field_params
from .permissions import has_permission


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def datetime_format(value, fmt: str = "%-d %B %Y at %H:%M") -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime(fmt)


def date_format(value, fmt: str = "%-d %B %Y") -> str:
    return value.strftime(fmt) if value else ""


def _csp_nonce(request) -> str:
    """The page's Content-Security-Policy nonce, for its own inline script and style."""
    from django.middleware.csp import get_nonce

    nonce = get_nonce(request)
    return str(nonce) if nonce is not None else ""


@pass_context
def page_has_errors(context) -> bool:
    """Whether any form the page was given holds errors, whatever its name: the title then begins "Error:" (the
    GOV.UK pattern), on pages with several forms too."""
    from django import forms

    return any(isinstance(v, forms.BaseForm) and v.is_bound and bool(v.errors) for v in context.get_all().values())


def environment(**options) -> Environment:
    loader = options.pop("loader")
    options["loader"] = ChoiceLoader(
        [loader, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    )
    options.setdefault("extensions", ["jinja2.ext.do"])
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update(
        {
            "url": url,
            "static": static,
            "service_name": settings.CAREMARKET_SERVICE_NAME,
            "brand_name": settings.CAREMARKET_BRAND_NAME,
            "brand_colour": settings.CAREMARKET_BRAND_COLOUR,
            "session_seconds": settings.SESSION_COOKIE_AGE,
            "has_permission": has_permission,
            "Permission": Permission,
            "govuk_field": field_params,
            "govuk_error_summary": error_summary_params,
            "page_has_errors": page_has_errors,
            "get_messages": messages.get_messages,
            "csp_nonce": _csp_nonce,
        }
    )
    env.filters.update(
        {
            "money": format_money,
            "signed_money": format_change,
            "quantity": format_quantity,
            "datetime": datetime_format,
            "date": date_format,
        }
    )
    return env
