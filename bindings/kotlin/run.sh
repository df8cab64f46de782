#!/usr/bin/env bash
# The Kotlin binding on the JVM, for real: builds the cdylib of cognito-auth-ffi and the
# cognito-auth CLI once, generates the Kotlin with the crate's uniffi-bindgen (library mode),
# compiles it with src/main/kotlin/Journey.kt through Maven (Kotlin compiler, kotlin-stdlib and
# JNA come from Maven Central on the first run, from ~/.m2 after), starts `cognito-auth serve`
# on a free port with pool.json, runs the journey over java.net.http, stops the server.
# Prints `kotlin: N passed, M failed`; exits non-zero on any failure. Needs cargo, JDK 17+, mvn.
#
#   bindings/kotlin/run.sh            # debug build
#   bindings/kotlin/run.sh --release  # or PROFILE=release
#   MVN_FLAGS=-o bindings/kotlin/run.sh   # offline, once ~/.m2 holds the plugins
#   COGNITO_AUTH_CLI=/path/to/cognito-auth bindings/kotlin/run.sh   # a CLI built already
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
profile="${PROFILE:-debug}"
[ "${1:-}" = --release ] && profile=release
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
out="$target/kotlin-jvm"
budget="${KOTLIN_JOURNEY_TIMEOUT:-120}" # seconds for the journey itself

release=()
[ "$profile" = release ] && release=(--release)

# Every step is bounded: the whole script stays well under 6 minutes once cargo and ~/.m2 are warm.
timeout 300 cargo build -q "${release[@]}" -p cognito-auth-ffi --features cli --lib --bin uniffi-bindgen
lib_dir="$target/$profile"
if [ -n "${COGNITO_AUTH_CLI:-}" ]; then
  cli="$COGNITO_AUTH_CLI"
else
  timeout 300 cargo build -q "${release[@]}" -p cognito-auth-cli
  cli="$lib_dir/cognito-auth"
fi
case "$(uname -s)" in
  Darwin) lib="$lib_dir/libcognito_auth_ffi.dylib" ;;
  *) lib="$lib_dir/libcognito_auth_ffi.so" ;;
esac

rm -rf "$out/generated"
mkdir -p "$out/generated"
"$lib_dir/uniffi-bindgen" generate --library "$lib" --language kotlin --no-format \
  --metadata-no-deps --out-dir "$out/generated" >/dev/null
test -s "$out/generated/cognitoauth/cognito_auth_ffi.kt"

# shellcheck disable=SC2086
timeout 240 mvn -B -q -Dstyle.color=never ${MVN_FLAGS:-} -f "$here/pom.xml" -Dbuild.dir="$out" -Dgen.dir="$out/generated" \
  compile dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt"

log="$(mktemp)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -f "$log"
}
trap cleanup EXIT

# `serve` prints one JSON line with the endpoint, then serves until stopped.
"$cli" serve --port 0 --config "$here/pool.json" >"$log" 2>&1 &
server_pid=$!
endpoint=""
for _ in $(seq 1 100); do
  endpoint="$(sed -n 's/.*"endpoint":"\([^"]*\)".*/\1/p' "$log" | head -n 1)"
  [ -n "$endpoint" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$endpoint" ] || { echo "serve did not announce its endpoint" >&2; cat "$log" >&2; exit 1; }
pool_id="$(sed -n 's/.*"pool_id":"\([^"]*\)".*/\1/p' "$log" | head -n 1)"

timeout "$budget" java -Djna.library.path="$lib_dir" \
  -cp "$out/classes:$(cat "$out/classpath.txt")" JourneyKt "$endpoint" "$pool_id"
# Managed login and JwtVerifier (ManagedLoginJourney.kt): prints `kotlin managed login: N passed, M failed`.
timeout "$budget" java -Djna.library.path="$lib_dir" \
  -cp "$out/classes:$(cat "$out/classpath.txt")" ManagedLoginMain "$endpoint" "$pool_id"
