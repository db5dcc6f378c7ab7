#!/usr/bin/env bash
# Vendors GOV.UK Frontend and HTMX into caremarket/static so nothing is fetched at run time.
# The GOV.UK Frontend version matches the one govuk-frontend-jinja supports. The stylesheet is compiled from
# GOV.UK Frontend's Sass with Arial instead of the GOV.UK typeface, and the crown's images and fonts are not
# copied: the typeface and the crown belong to GOV.UK alone. No source map is written (none is served).
set -euo pipefail
GOVUK_FRONTEND=6.3.0
HTMX=2.0.8
SASS=1.108.2
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "govuk-frontend@$GOVUK_FRONTEND" "htmx.org@$HTMX" >/dev/null
mkdir govuk htmx
tar xzf "govuk-frontend-$GOVUK_FRONTEND.tgz" -C govuk
tar xzf "htmx.org-$HTMX.tgz" -C htmx
npm install --silent --no-save --no-audit --no-fund "sass@$SASS" >/dev/null
cat >caremarket.scss <<'SCSS'
@use "govuk/package/dist/govuk/index" as govuk with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-assets-path: "/static/vendor/govuk/assets/"
);
SCSS
dest="$root/caremarket/static/vendor"
rm -rf "$dest" && mkdir -p "$dest/govuk" "$dest/htmx"
node_modules/.bin/sass --no-source-map --style=compressed --quiet caremarket.scss "$dest/govuk/govuk-frontend.min.css"
# The footer's crest is GOV.UK's: its image is not shipped, so the stylesheet must not ask for it.
sed -i 's#url("/static/vendor/govuk/assets/images/govuk-crest.svg")#none#g' "$dest/govuk/govuk-frontend.min.css"
if grep -q "GDS Transport\|govuk-crest" "$dest/govuk/govuk-frontend.min.css"; then
  echo "the GOV.UK typeface or crest is still named" >&2
  exit 1
fi
# GOV.UK Frontend's assets are the GOV.UK typeface, the crown, the crest and GOV.UK's icons: none is copied.
# Its source map is not shipped, so the reference to it goes too (collectstatic's manifest would look for it).
sed 's#//\# sourceMappingURL=.*$##' govuk/package/dist/govuk/govuk-frontend.min.js >"$dest/govuk/govuk-frontend.min.js"
cp govuk/package/package.json "$dest/govuk/package.json"  # licence: MIT, named in package.json
cp htmx/package/dist/htmx.min.js "$dest/htmx/"
cp htmx/package/LICENSE "$dest/htmx/LICENSE"
printf 'govuk-frontend %s (compiled with sass %s)\nhtmx.org %s\n' "$GOVUK_FRONTEND" "$SASS" "$HTMX" >"$dest/VERSIONS"
echo "vendored into $dest"
