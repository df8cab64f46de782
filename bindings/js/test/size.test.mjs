// The built modules' sizes (pkg/sizes.json, written by build.mjs) against regression bounds:
// the std rebuilt for size must have been used, and neither module may grow past its bound.
// The bounds sit just above today's sizes; the goal for the sign-in module (≤ 300 KB,
// ≤ 120 KB gzipped) is printed, not enforced, until it is met. Prints `size: N passed, M failed`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sizes = JSON.parse(readFileSync(join(here, '..', 'pkg', 'sizes.json'), 'utf8'));
const KiB = 1024;
const checks = [
  ['built against the std rebuilt for size', sizes.stdRebuilt === true],
  ['wasm-opt ran', sizes.wasmOpt === true],
  [`sign-in module ${sizes.wasm} B ≤ 300 KiB`, sizes.wasm <= 300 * KiB],
  [`sign-in module ${sizes.gzip} B gzipped ≤ 130 KiB`, sizes.gzip <= 130 * KiB],
  [`full module ${sizes.full?.wasm} B ≤ 640 KiB`, sizes.full?.wasm <= 640 * KiB],
  [`full module ${sizes.full?.gzip} B gzipped ≤ 245 KiB`, sizes.full?.gzip <= 245 * KiB],
];
let failed = 0;
for (const [name, ok] of checks) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (!ok) failed += 1;
}
const goal = sizes.wasm <= 300_000 && sizes.gzip <= 120_000;
console.log(`goal (≤ 300 000 B, ≤ 120 000 B gzipped): ${goal ? 'met' : 'not met yet'}`);
console.log(`size: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
