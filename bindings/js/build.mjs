// Builds the WebAssembly module and its JS glue from the Rust crate bindings/cognito-auth-wasm:
//   pkg/node/  wasm-bindgen --target nodejs (loaded synchronously: no init call in Node)
//   pkg/web/   wasm-bindgen --target web    (browsers and bundlers: `await init()` once)
//   pkg/full/{node,web}/  the crate with its `full` feature (typed account calls, managed
//              login, JwtVerifier), for the `cognito-auth/full` entry
// Installs what is missing: the wasm32-unknown-unknown target (rustup) and wasm-bindgen-cli at
// exactly the version the crate pins. Shrinks the .wasm with wasm-opt from the `binaryen` npm
// package when it is installed. Prints the sizes.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const crate = join(root, 'bindings', 'cognito-auth-wasm');
const run = (cmd, args, opts = {}) => {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
};
const output = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};

// The wasm-bindgen version the crate pins (`wasm-bindgen = "=X"`).
const pinned = /^wasm-bindgen\s*=\s*"=([^"]+)"/m.exec(readFileSync(join(crate, 'Cargo.toml'), 'utf8'))[1];

const targets = output('rustup', ['target', 'list', '--installed']) ?? '';
if (!targets.split('\n').includes('wasm32-unknown-unknown')) run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);

const bindgenVersion = output('wasm-bindgen', ['--version']);
if (!bindgenVersion || !bindgenVersion.includes(pinned)) {
  // --locked first, as published; if the registry lacks one of its locked dependencies, let
  // cargo resolve them anew (still wasm-bindgen-cli =pinned).
  try {
    run('cargo', ['install', 'wasm-bindgen-cli', '--version', `=${pinned}`, '--locked']);
  } catch {
    run('cargo', ['install', 'wasm-bindgen-cli', '--version', `=${pinned}`]);
  }
}

// Release builds: profile `wasm-release` (workspace Cargo.toml: opt-level z, LTO, panic=abort,
// stripped, the SRP arithmetic crates at 3). getrandom's wasm_js cfg and the 32-bit limbs
// (`cpubits="32"`) come from .cargo/config.toml. Two modules: the package's main one (sign-in,
// refresh, devices, the generic call), and the same crate with its `full` feature for
// `cognito-auth/full`, so the module every page loads carries no RSA and no per-operation parsers.
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const cargoWasm = join(targetDir, 'wasm32-unknown-unknown', 'wasm-release', 'cognito_auth_wasm.wasm');

let wasmOpt = null;
try {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('binaryen/package.json')), 'bin', 'wasm-opt');
  if (existsSync(bin)) wasmOpt = bin;
} catch { /* binaryen not installed: no wasm-opt pass */ }

// The standard library rebuilt for size (what the Rust WebAssembly size guides do): cargo's
// build-std with std's `optimize_for_size` feature, panics compiled to a bare trap
// (`-Cpanic=immediate-abort`: on wasm a panic is a trap without a message anyway, and the crates
// deny panicking code) and no panic locations; −64 KiB of the sign-in module. These are unstable
// options, enabled on the stable toolchain by RUSTC_BOOTSTRAP=1 and needing the rust-src
// component. `COGNITO_AUTH_WASM_STD=prebuilt`, or a toolchain that refuses them, builds against
// the prebuilt std instead, and the build says so.
const installed = output('rustup', ['component', 'list', '--installed']) ?? '';
let rebuildStd = process.env.COGNITO_AUTH_WASM_STD !== 'prebuilt';
if (rebuildStd && !installed.split('\n').some((c) => c.startsWith('rust-src'))) {
  try { run('rustup', ['component', 'add', 'rust-src']); } catch { rebuildStd = false; }
}
const sizeFlags = ['-Zbuild-std=std,panic_abort', '-Zbuild-std-features=optimize_for_size',
  '--config', 'target.wasm32-unknown-unknown.rustflags=["-Zunstable-options","-Cpanic=immediate-abort","-Zlocation-detail=none"]'];

function cargoBuild(features) {
  const args = ['build', '-p', 'cognito-auth-wasm', '--lib', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm-release',
    ...(features ? ['--features', features] : [])];
  if (rebuildStd) {
    try {
      run('cargo', [...args, ...sizeFlags], { env: { ...process.env, RUSTC_BOOTSTRAP: '1' } });
      return;
    } catch {
      rebuildStd = false;
      console.warn('warning: this toolchain cannot rebuild std for size; building against the prebuilt std (a larger module)');
    }
  }
  run('cargo', args);
}

function buildModule({ features, outName, dir }) {
  cargoBuild(features);
  const raw = statSync(cargoWasm).size;
  for (const target of ['nodejs', 'web']) {
    const out = join(dir, target === 'nodejs' ? 'node' : 'web');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    run('wasm-bindgen', ['--target', target, '--out-dir', out, '--out-name', outName,
      '--remove-name-section', '--remove-producers-section', cargoWasm]);
    const file = join(out, `${outName}_bg.wasm`);
    if (wasmOpt) {
      // -Oz until nothing shrinks (the arithmetic runs as fast as after -O3); the bulk-memory /
      // sign-ext / nontrapping-float features rustc emits by default. The module's own memory
      // starts zeroed and Rust never uses its first KiB (the stack ends at 1 MiB, data above):
      // --zero-filled-memory --low-memory-unused let wasm-opt drop zero data and fold
      // addresses (−2.8 KiB; --gufa and -O3 first measured no gain or a loss).
      run(wasmOpt, ['-Oz', '--converge', '--zero-filled-memory', '--low-memory-unused', '--enable-bulk-memory', '--enable-sign-ext', '--enable-nontrapping-float-to-int',
        '--enable-mutable-globals', '--enable-multivalue', '--enable-reference-types', file, '-o', file]);
    }
    // The Node glue is CommonJS inside an ESM package.
    if (target === 'nodejs') writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');
  }
  const bytes = readFileSync(join(dir, 'web', `${outName}_bg.wasm`));
  return { raw, wasm: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const main = buildModule({ outName: 'cognito_auth_wasm', dir: join(here, 'pkg') });
const full = buildModule({ features: 'full', outName: 'cognito_auth_full', dir: join(here, 'pkg', 'full') });
const sizes = { ...main, wasmOpt: Boolean(wasmOpt), stdRebuilt: rebuildStd, full };
writeFileSync(join(here, 'pkg', 'sizes.json'), `${JSON.stringify(sizes)}\n`);
const kib = (n) => (n / 1024).toFixed(1);
for (const [name, s] of [['wasm', main], ['full wasm', full]]) {
  console.log(`${name}: ${kib(s.wasm)} KiB (${kib(s.gzip)} KiB gzipped)` +
    `${wasmOpt ? ', after wasm-opt -Oz' : ''}${rebuildStd ? ', std rebuilt for size' : ', prebuilt std'}; cargo output ${kib(s.raw)} KiB`);
}
