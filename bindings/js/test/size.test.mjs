// The built modules' sizes (pkg/sizes.json, written by build.mjs) against regression bounds:
// the std rebuilt for size must have been used, and neither module may grow past its bound.
// The goal for the sign-in module (≤ 300 KB, ≤ 120 KB gzipped) is enforced, and bounds
// a few percent above today's sizes (a newer stable Rust may shift them) catch a regression.
// Prints `size: N passed, M failed`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sizes = JSON.parse(readFileSync(join(here, '..', 'pkg', 'sizes.json'), 'utf8'));
const KiB = 1024;
const checks = [
  ['built against the std rebuilt for size', sizes.stdRebuilt === true],
  ['wasm-opt ran', sizes.wasmOpt === true],
  [`sign-in module ${sizes.wasm} B ≤ 300 000 B (the goal)`, sizes.wasm <= 300_000],
  [`sign-in module ${sizes.gzip} B gzipped ≤ 120 000 B (the goal)`, sizes.gzip <= 120_000],
  [`sign-in module ${sizes.wasm} B ≤ 248 KiB`, sizes.wasm <= 248 * KiB],
  [`sign-in module ${sizes.gzip} B gzipped ≤ 105 KiB`, sizes.gzip <= 105 * KiB],
  [`full module ${sizes.full?.wasm} B ≤ 600 KiB`, sizes.full?.wasm <= 600 * KiB],
  [`full module ${sizes.full?.gzip} B gzipped ≤ 232 KiB`, sizes.full?.gzip <= 232 * KiB],
];
let failed = 0;
for (const [name, ok] of checks) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (!ok) failed += 1;
}
console.log(`size: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
