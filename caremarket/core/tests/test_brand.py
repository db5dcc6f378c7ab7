"""Pages are in the installation's own brand on GOV.UK Frontend: no crown, no GOV.UK logotype, crest or typeface,
which belong to GOV.UK alone."""

from django.conf import settings

from caremarket.domain.roles import Role

VENDOR = settings.BASE_DIR / "caremarket" / "static" / "vendor" / "govuk"


def test_pages_carry_the_brand_and_no_crown(client, council, make_user, login):
    for page in (client.get("/account/sign-in/"), login(make_user(council, Role.BROKER)).get("/")):
        html = page.content.decode()
        assert page.status_code == 200
        for mark in ("govuk-header__logo", "govuk-logo", "govuk-crest", "govuk-footer__copyright-logo", "GOV.UK"):
            assert mark not in html, mark
        assert f'class="cm-brand-bar__name">{settings.CAREMARKET_BRAND_NAME}<' in html
        assert "caremarket/favicon.svg" in html and "govuk-icon" not in html


def test_the_stylesheet_names_no_gov_uk_typeface_and_no_fonts_are_shipped():
    css = (VENDOR / "govuk-frontend.min.css").read_text()
    assert "GDS Transport" not in css and "font-family:arial,sans-serif" in css
    assert not (VENDOR / "assets").exists()
