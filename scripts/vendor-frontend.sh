#!/usr/bin/env bash
# Vendors GOV.UK Frontend and HTMX into caremarket/static so nothing is fetched at run time.
# The GOV.UK Frontend version matches the one govuk-frontend-jinja supports.
set -euo pipefail
GOVUK_FRONTEND=6.3.0
HTMX=2.0.8
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "govuk-frontend@$GOVUK_FRONTEND" "htmx.org@$HTMX" >/dev/null
mkdir govuk htmx
tar xzf "govuk-frontend-$GOVUK_FRONTEND.tgz" -C govuk
tar xzf "htmx.org-$HTMX.tgz" -C htmx
dest="$root/caremarket/static/vendor"
rm -rf "$dest" && mkdir -p "$dest/govuk" "$dest/htmx"
cp -r govuk/package/dist/govuk/assets "$dest/govuk/assets"
cp govuk/package/dist/govuk/govuk-frontend.min.js "$dest/govuk/"
# The stylesheet points at /assets/; serve fonts and images from the static path instead.
sed 's#url(/assets/#url(/static/vendor/govuk/assets/#g' govuk/package/dist/govuk/govuk-frontend.min.css >"$dest/govuk/govuk-frontend.min.css"
cp govuk/package/package.json "$dest/govuk/package.json"  # licence: MIT, named in package.json
cp htmx/package/dist/htmx.min.js "$dest/htmx/"
cp htmx/package/LICENSE "$dest/htmx/LICENSE"
printf 'govuk-frontend %s\nhtmx.org %s\n' "$GOVUK_FRONTEND" "$HTMX" >"$dest/VERSIONS"
echo "vendored into $dest"
