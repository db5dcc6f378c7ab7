"""A council's (or provider's) own logo in the header: re-drawn as a PNG on upload, anything else refused."""

import io

from PIL import Image

from caremarket.accounts import services
from caremarket.domain.roles import Role


def _png(width=300, height=100, fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (0, 90, 112)).save(out, format=fmt)
    return out.getvalue()


def test_an_admin_uploads_a_logo_and_every_page_shows_it(council, make_user, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = make_user(council, Role.ORGANISATION_ADMIN)
    client.force_login(admin)
    saved = client.post(
        "/account/logo/", {"action": "upload", "logo": SimpleUploadedFile("logo.jpg", _png(fmt="JPEG"))}
    )
    assert saved.status_code == 302
    council.refresh_from_db()
    assert council.logo_width == 120  # 300 x 100 shown 40 pixels high
    image = client.get(f"/account/logos/{council.pk}.png")
    assert image["Content-Type"] == "image/png" and bytes(image.content).startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(image.content)).size == (240, 80)  # drawn again, twice the header's height
    home = client.get("/").content.decode()
    assert f'src="/account/logos/{council.pk}.png?v=' in home and 'class="cm-brand-bar__logo"' in home
    client.post("/account/logo/", {"action": "remove"})
    assert "cm-brand-bar__logo" not in client.get("/").content.decode()
    assert client.get(f"/account/logos/{council.pk}.png").status_code == 404


def test_what_is_not_a_png_or_jpeg_is_refused_and_nothing_kept(council, make_user, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = make_user(council, Role.ORGANISATION_ADMIN)
    client.force_login(admin)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    page = client.post("/account/logo/", {"action": "upload", "logo": SimpleUploadedFile("logo.svg", svg)})
    assert page.status_code == 400 and "not an image that can be read" in page.content.decode()
    gif = client.post("/account/logo/", {"action": "upload", "logo": SimpleUploadedFile("l.gif", _png(fmt="GIF"))})
    assert "must be a PNG or JPEG" in gif.content.decode()
    council.refresh_from_db()
    assert council.logo_width == 0


def test_only_an_admin_sets_the_logo(council, make_user, client):
    broker = make_user(council, Role.BROKER)
    client.force_login(broker)
    assert client.get("/account/logo/").status_code == 403
    services.organisation_logo_set(organisation=council, actor=None, content=_png())
    assert client.get(f"/account/logos/{council.pk}.png").status_code == 200
