#!/usr/bin/env bash
# bindings/js end to end, bounded in time: build the package (wasm32 target, rust-src and
# wasm-bindgen-cli installed if missing), the size bounds (test/size.test.mjs), the Node test, the
# install into an empty project (test/install.test.mjs), the browser test (headless Chromium from
# Debian) against `cognito-auth serve`, and the bench in quick mode. Each prints
# `<name>: N passed, M failed`; any failure fails the script at the end.
set -uo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"
status=0
step() { local limit="$1"; shift; timeout --kill-after=10 "$limit" "$@" || { echo "FAILED ($?): $*"; status=1; }; }

step 300 cargo build --release -q -p cognito-auth-cli --manifest-path "$root/Cargo.toml"
step 120 npm ci --no-audit --no-fund --loglevel=error
step 900 npm run -s build
step 10 node test/size.test.mjs
step 180 node test/node.test.mjs
step 180 node test/install.test.mjs
if [ ! -x /usr/bin/chromium ]; then
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get install -y -q chromium >/dev/null 2>&1 || { $sudo_ apt-get update -q >/dev/null && $sudo_ apt-get install -y -q chromium >/dev/null; }
fi
step 120 node test/browser.test.mjs
step 180 node bench/bench.mjs --quick
exit $status
