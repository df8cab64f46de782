#!/usr/bin/env bash
# Headless Chromium signs in through `cognito-auth login --no-browser` against `cognito-auth serve`
# (login.test.mjs). Needs Debian's chromium (/usr/bin/chromium, or CHROMIUM) and node; never
# downloads a browser. Bounded: 3 minutes in all. Prints `browser-login: N passed, M failed`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "browser-login: 0 passed, 1 failed (no ${CHROMIUM:-/usr/bin/chromium}: apt-get install -y chromium)"
  exit 1
fi
if [ -z "${COGNITO_AUTH_BIN:-}" ]; then
  (cd "$root" && timeout 600 cargo build -q -p cognito-auth-cli)
  export COGNITO_AUTH_BIN="$root/target/debug/cognito-auth"
fi
cd "$here"
[ -d node_modules/playwright-core ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 120 npm ci --no-audit --no-fund --silent
timeout 180 node login.test.mjs || { rc=$?; [ $rc -eq 124 ] && echo "browser-login: 0 passed, 1 failed (timed out after 180 s)"; exit $rc; }
