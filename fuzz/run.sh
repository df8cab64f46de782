#!/usr/bin/env bash
# Bounded fuzzing for CI: builds every cargo-fuzz target once, then runs each for
# FUZZ_SECONDS (default 20) from its checked-in seeds (fuzz/seeds/<target>, read only; new
# inputs go to a temporary corpus). Fails if any target crashes, leaks, times out or runs out
# of memory; the input that did it is kept in fuzz/artifacts/<target>/ (not committed: add it
# to fuzz/seeds/<target>/regression-<name> once fixed, see fuzz-drivers/tests/seeds.rs).
#
#   FUZZ_SECONDS=60 bash fuzz/run.sh             # longer runs
#   FUZZ_TARGETS="jwt_claims http_date" bash fuzz/run.sh
#   FUZZ_SANITIZER=address bash fuzz/run.sh      # with AddressSanitizer (about half the speed)
#
# No sanitizer by default: cognito-auth and the drivers forbid unsafe code, panics and
# assertion failures are caught without one, and ASan roughly halves the executions per second.
# The exception is `capi`, which calls the C ABI's unsafe code: CI runs it once more with
# FUZZ_TARGETS=capi FUZZ_SANITIZER=address, whose LeakSanitizer also catches a buffer that its
# `*_free` did not release. A sanitizer build has its own target directory (no rebuild
# ping-pong with the plain one), and FUZZ_TARGETS builds only those targets.
#
# Uses nightly when installed, otherwise stable with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs -Z
# flags); installs cargo-fuzz when missing.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${FUZZ_SECONDS:-20}"
sanitizer="${FUZZ_SANITIZER:-none}"
case "$seconds" in '' | *[!0-9]*) echo "FUZZ_SECONDS must be a number of seconds" >&2; exit 2 ;; esac

toolchain=()
if rustup run nightly rustc --version >/dev/null 2>&1; then
  toolchain=(+nightly)
else
  export RUSTC_BOOTSTRAP=1
fi
if ! cargo "${toolchain[@]}" fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

targets="${FUZZ_TARGETS:-$(cargo "${toolchain[@]}" fuzz list)}"
triple="$(rustc "${toolchain[@]}" -vV | sed -n 's/^host: //p')"
echo "fuzz: building $(echo "$targets" | wc -w) targets ($triple)"
target_dir=target
[ "$sanitizer" = none ] || target_dir="target/sanitizer-$sanitizer"
if [ -n "${FUZZ_TARGETS:-}" ]; then
  for target in $targets; do
    cargo "${toolchain[@]}" fuzz build -O -s "$sanitizer" --target-dir "$target_dir" "$target"
  done
else
  cargo "${toolchain[@]}" fuzz build -O -s "$sanitizer" --target-dir "$target_dir"
fi
bin_dir="$target_dir/$triple/release"

corpus_root="$(mktemp -d)"
trap 'rm -rf "$corpus_root"' EXIT
failed=()
for target in $targets; do
  mkdir -p "$corpus_root/$target" "artifacts/$target"
  seeds=()
  [ -d "seeds/$target" ] && seeds=("seeds/$target")
  log="$corpus_root/$target.log"
  status=0
  # The outer timeout bounds a hang in libFuzzer itself; -timeout bounds one input.
  timeout $((seconds + 120)) "$bin_dir/$target" "$corpus_root/$target" "${seeds[@]}" \
    -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="artifacts/$target/" >"$log" 2>&1 || status=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    echo "fuzz: $target FAILED (exit $status)"
    grep -E 'ERROR|panicked|Test unit written|SUMMARY' "$log" | head -20 || true
    tail -40 "$log"
  else
    echo "fuzz: $target ok (${runs:-?} runs in ${seconds}s, corpus $(ls "$corpus_root/$target" | wc -l) new inputs)"
  fi
done

if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all targets ran ${seconds}s without a crash"
