#!/usr/bin/env bash
# Machine overhead in instructions, which a noisy machine cannot blur: valgrind
# (callgrind) counts the instructions of N and 3N start → PASSWORD_VERIFIER
# steps, and of the same SRP work alone; the per-step difference of the two
# slopes is what the machine adds around the math (process start-up and the
# once-per-process tables cancel out; the last "Collected" line is the bench
# process itself, after any child criterion spawns). Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
export COGNITO_SRP_VECTORS="$(realpath "${COGNITO_SRP_VECTORS:-tests/data/srp.json}")"
N="${1:-5}"
BIN="$(cargo bench --bench machine --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "machine" and m.get("executable"):
        print(m["executable"])')"
count() {
  MACHINE_STEPS_ONLY="$1:$2" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" --bench 2>&1 \
    | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' | tail -n 1
}
m1=$(count machine "$N"); m3=$(count machine $((3 * N)))
s1=$(count srp "$N"); s3=$(count srp $((3 * N)))
python3 - "$N" "$m1" "$m3" "$s1" "$s3" <<'PY'
import sys
n, m1, m3, s1, s3 = map(int, sys.argv[1:])
machine = (m3 - m1) / (2 * n)
srp = (s3 - s1) / (2 * n)
print(f"machine step: {machine:,.0f} instructions; SRP alone: {srp:,.0f}; "
      f"machine overhead: {machine - srp:,.0f} instructions per sign-in")
PY
