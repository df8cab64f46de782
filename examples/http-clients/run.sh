#!/usr/bin/env bash
# Runs the HTTP-client examples against `cognito-auth serve` (pool.json: two users with TOTP
# MFA, devices remembered on the user's word) and prints `examples: N passed, M failed`.
#
#   bash examples/http-clients/run.sh [--release]
#
# Builds the CLI and the examples first (the shared target directory, or CARGO_TARGET_DIR).
# Only 127.0.0.1 is contacted. Exits non-zero when any example fails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

profile=debug
build_flags=()
if [ "${1:-}" = --release ]; then
  profile=release
  build_flags=(--release)
fi
cargo build -q "${build_flags[@]}" -p cognito-auth-cli -p cognito-auth-http-clients --bins
bin="${CARGO_TARGET_DIR:-$repo/target}/$profile"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$bin/cognito-auth" serve --port 0 --config "$here/pool.json" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
# The first line on stdout is {"clients": [...], "endpoint": "http://127.0.0.1:PORT/", ...}.
endpoint=""
for _ in $(seq 100); do
  endpoint="$(sed -n '1s/.*"endpoint":"\([^"]*\)".*/\1/p' "$work/serve.out")"
  [ -n "$endpoint" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$endpoint" ]; then
  echo "cognito-auth serve did not start:"; cat "$work/serve.err"
  echo "examples: 0 passed, 1 failed"
  exit 1
fi
echo "cognito-auth serve: $endpoint"

export COGNITO_ENDPOINT="$endpoint" COGNITO_POOL_ID=us-east-1_HttpExample1 \
  COGNITO_CLIENT_ID=httpexampleclient01 COGNITO_PASSWORD=Correct-Horse-9
passed=0
failed=0
# expect NAME ok|fail COMMAND...: runs one example (at most 120 s) and counts it.
expect() {
  local name="$1" want="$2"; shift 2
  local status=0
  timeout 120 "$@" >"$work/out" 2>&1 || status=$?
  sed 's/^/    /' "$work/out"
  if { [ "$want" = ok ] && [ "$status" = 0 ]; } || { [ "$want" = fail ] && [ "$status" != 0 ] && [ "$status" != 124 ]; }; then
    echo "PASS $name"; passed=$((passed + 1))
  else
    echo "FAIL $name (exit status $status, expected $want)"; failed=$((failed + 1))
  fi
}

expect "async_reqwest" ok \
  env COGNITO_USERNAME=async@example.com COGNITO_TOTP_SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP \
  "$bin/async_reqwest" --wrong-code-first
expect "blocking_ureq" ok \
  env COGNITO_USERNAME=blocking@example.com COGNITO_TOTP_SECRET=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU \
  "$bin/blocking_ureq" --wrong-code-first
# Failures exit non-zero: a wrong password, and a pool that is not there.
expect "async_reqwest, wrong password, exits non-zero" fail \
  env COGNITO_USERNAME=async@example.com COGNITO_TOTP_SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP \
  "$bin/async_reqwest" --password Wrong-Horse-9
expect "blocking_ureq, no pool at the endpoint, exits non-zero" fail \
  env COGNITO_USERNAME=blocking@example.com COGNITO_TOTP_SECRET=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU \
  "$bin/blocking_ureq" --endpoint http://127.0.0.1:9/

echo "examples: $passed passed, $failed failed"
[ "$failed" = 0 ]
