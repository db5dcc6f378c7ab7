#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it when missing (Playwright's own download does not work offline).
set -euo pipefail
for candidate in "${CAREMARKET_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  [ -n "$candidate" ] && [ -x "$candidate" ] && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-chromium: installing chromium with apt-get" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "ensure-chromium: Chromium is missing; install Debian's 'chromium' package (browser tests need it)." >&2
exit 1
