#!/usr/bin/env bash
# Constant-time check, deterministic: valgrind (callgrind) counts the instructions
# executed inside the functions that handle SRP secrets for nine different secrets
# with the same public inputs (examples/ct_probe.rs; three of them give a premaster
# secret S with leading zero bytes, so a short padHex(S) goes through the key
# derivation). Any branch, loop bound or early exit that depends on a secret changes
# a count; the check requires one count for all secrets, in two builds: the default
# release profile and the same with fat LTO and one codegen unit (what an
# application built with LTO ships). It does not see secret-dependent memory
# addresses (the code has none by design: table entries are read by full scans).
# Needs valgrind.
#
# Two counts per secret, each from its own run, because callgrind's
# --toggle-collect flips collection on entry and exit, so a toggled function
# called inside another one would switch collection off:
#   pow_g              g^a and g^x (the comb; its public tables are built in the first call)
#   derive_from_parts  g^x, B − k·g^x, a + u·x, S and the key from S (HKDF over padHex(S))
# It fails closed: a count that is missing, not a number or below its floor (a
# toggled function inlined away measures nothing), a valgrind or probe failure,
# or two different counts.
set -euo pipefail
cd "$(dirname "$0")/.."

CASES=(0 1 2 3 4 5 6 7 8)
# About half the counts of this code (20.1 M and 26.8 M instructions, x86_64).
declare -A FLOOR=([pow_g]=10000000 [derive_from_parts]=13000000)
declare -A TOGGLE=(
  [pow_g]='cognito_auth::srp::comb::pow_g*'
  [derive_from_parts]='cognito_auth::srp::client::SrpClient::derive_from_parts*'
)

target="$(realpath -m "${CARGO_TARGET_DIR:-target}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
  echo "constant time: FAILED: $*" >&2
  exit 1
}

# Runs valgrind from an empty directory with an empty HOME and no VALGRIND_OPTS, so
# no .valgrindrc or environment option (-q, another --toggle-collect, ...) changes
# what is measured; the count is read from callgrind's output file, not its messages.
count() { # BIN CASE FUNCTION
  local out="$work/callgrind.out" log="$work/log" n
  rm -f "$out"
  (cd "$work" && env -u VALGRIND_OPTS HOME="$work" valgrind --tool=callgrind \
    --callgrind-out-file="$out" "--toggle-collect=${TOGGLE[$3]}" "$1" "$2") >"$log" 2>&1 ||
    { cat "$log" >&2; fail "valgrind or ct_probe $2 failed"; }
  grep -qx "case $2: derived;.*" "$log" || { cat "$log" >&2; fail "ct_probe $2 did not finish"; }
  [ -s "$out" ] || fail "no callgrind output for case $2"
  n="$(sed -n 's/^summary: *//p' "$out")"
  [[ "$n" =~ ^[0-9]+$ ]] || fail "case $2, $3: no instruction count (got '$n')"
  [ "$n" -ge "${FLOOR[$3]}" ] ||
    fail "case $2, $3: $n instructions, below the floor ${FLOOR[$3]} (inlined away?)"
  echo "$n"
}

check_build() { # NAME BIN
  local name="$1" bin="$2" fn case n line
  [ -x "$bin" ] || fail "$name: no $bin"
  for case in "${CASES[@]}"; do
    (cd "$work" && env -u VALGRIND_OPTS "$bin" "$case") | sed "s/^/$name: /"
  done
  for fn in pow_g derive_from_parts; do
    local counts=()
    line="$name: $fn:"
    for case in "${CASES[@]}"; do
      n="$(count "$bin" "$case" "$fn")" || exit 1
      counts+=("$n")
      line+=" $n"
    done
    echo "$line"
    [ "$(printf '%s\n' "${counts[@]}" | sort -u | wc -l)" = 1 ] ||
      fail "$name: $fn: the count depends on the secret"
    [ "${#counts[@]}" = "${#CASES[@]}" ] || fail "$name: $fn: missing counts"
    RESULT+=("$name $fn ${counts[0]}")
  done
}

RESULT=()
cargo build --release --quiet --example ct_probe
check_build release "$target/release/examples/ct_probe"
CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
  cargo build --release --quiet --example ct_probe --target-dir "$target/ct-lto"
check_build release+lto "$target/ct-lto/release/examples/ct_probe"

[ "${#RESULT[@]}" = 4 ] || fail "expected 4 measurements, got ${#RESULT[@]}"
echo "constant time: ok, one count for each of ${#CASES[@]} secrets: $(
  IFS=,
  echo "${RESULT[*]}" | sed 's/,/; /g'
)"
