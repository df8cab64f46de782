#!/usr/bin/env bash
# Constant-time check, deterministic: valgrind (callgrind) counts the instructions
# executed inside the functions that handle SRP secrets (g^a and g^x by the comb,
# and everything from x to the key) for six different secrets with the same
# public inputs (examples/ct_probe.rs). Any branch, loop bound or early exit that
# depends on a secret changes the count; the check requires one count for all.
# It does not see secret-dependent memory addresses (the code has none by design:
# table entries are read by full scans). Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --example ct_probe
BIN="${CARGO_TARGET_DIR:-target}/release/examples/ct_probe"
counts=()
for case in 0 1 2 3 4 5; do
  out="$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    '--toggle-collect=cognito_auth::srp::comb::pow_g*' \
    '--toggle-collect=cognito_auth::srp::client::SrpClient::derive_from_parts*' \
    "$BIN" "$case" 2>&1)"
  n="$(printf '%s\n' "$out" | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' | tail -n 1)"
  printf '%s\n' "$out" | grep -E '^case ' || true
  echo "case $case: $n instructions in the secret-handling functions"
  counts+=("$n")
done
distinct="$(printf '%s\n' "${counts[@]}" | sort -u | wc -l)"
if [ "$distinct" != 1 ] || [ "${counts[0]}" -lt 1000000 ]; then
  echo "constant time: FAILED (${counts[*]})"
  exit 1
fi
echo "constant time: ok, ${counts[0]} instructions for each of ${#counts[@]} secrets"
