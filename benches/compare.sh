#!/usr/bin/env bash
# Runs the SRP comparison in one go and writes benches/RESULTS.md:
# criterion benches `compare`, `machine` and `montgomery` (this crate, num-bigint,
# aws-cognito-srp; sign-in machine overhead and allocations; one Montgomery
# multiplication and squaring against crypto-bigint's), then GMP
# (gmpy2) and pycognito timed by compare_py.py on the same inputs.
# Needs: python3 with `pip install gmpy2 pycognito`; m4 for the paired in-process
# GMP ratios (benches/gmp-paired builds GMP); valgrind for the
# instruction count of the machine overhead (skipped without it).
set -euo pipefail
cd "$(dirname "$0")/.."
VECTORS="${COGNITO_SRP_VECTORS:-tests/data/srp.json}"
export COGNITO_SRP_VECTORS="$(realpath "$VECTORS")"
OUT="${1:-benches/RESULTS.md}"
TMP="$(mktemp -d)"
CRIT="${CARGO_TARGET_DIR:-target}/criterion"
rm -rf "$CRIT/compare_full_step" "$CRIT/compare_parts" "$CRIT/machine" "$CRIT/montgomery"
cargo bench --no-run --bench compare --bench machine
cargo bench --no-run --features __fuzzing --bench montgomery
# The Python timings run just before and just after the criterion run; the
# report uses the mean of the two medians, so slow drift in the machine's load
# hits both sides alike.
python3 benches/compare_py.py "$COGNITO_SRP_VECTORS" "$TMP/py1.json"
cargo bench --bench compare -- --noplot
# This crate and GMP 6.3.0 (rug; built from source for this machine) timed pair by pair in
# one process, so the ratios do not drift with the machine (needs m4 to build GMP).
if cargo build --release --quiet --manifest-path benches/gmp-paired/Cargo.toml; then
  benches/gmp-paired/target/release/cognito-auth-gmp-paired "$COGNITO_SRP_VECTORS" 600 \
    | tee "$TMP/gmp_paired.txt"
else
  echo "benches/gmp-paired did not build (m4 missing?): paired GMP ratios skipped" >&2
fi
cargo bench --bench machine -- --noplot 2> >(tee "$TMP/machine.err" >&2)
cargo bench --features __fuzzing --bench montgomery -- --noplot 2> >(tee "$TMP/montgomery.err" >&2)
python3 benches/compare_py.py "$COGNITO_SRP_VECTORS" "$TMP/py2.json"
grep -oE 'machine (allocations|overhead):.*' "$TMP/machine.err" > "$TMP/alloc.txt" || true
grep -oE 'montgomery paired:.*' "$TMP/montgomery.err" >> "$TMP/alloc.txt" || true
if command -v valgrind > /dev/null; then
  bash benches/machine_instructions.sh >> "$TMP/alloc.txt" || true
fi
cat "$TMP/gmp_paired.txt" >> "$TMP/alloc.txt" 2> /dev/null || true
python3 benches/compare_report.py "$CRIT" "$TMP/py1.json,$TMP/py2.json" "$TMP/alloc.txt" "$OUT"
echo "wrote $OUT"
