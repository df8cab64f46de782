// One PASSWORD_VERIFIER step of client work, each library with its defaults, in one Node process:
// A (with its random a), then from a fixed challenge (SALT, SRP_B, SECRET_BLOCK) the key and the
// PASSWORD_CLAIM_SIGNATURE.
//   cognito-auth (this package): SignIn.start() + handleResponse(challenge) -> the
//     RespondToAuthChallenge request (JSON in and out included);
//   amazon-cognito-identity-js: AuthenticationHelper.getLargeAValue + getPasswordAuthenticationKey
//     + the signature as CognitoUser computes it (@aws-crypto/sha256-js HMAC);
//   Amplify JS v6 (@aws-amplify/auth internals, dist/cjs/providers/cognito/utils/srp):
//     getAuthenticationHelper + getPasswordAuthenticationKey + getSignatureString.
// Rounds interleave the implementations; medians per implementation. `--quick` for CI.
// `--baseline DIR`: also times an earlier build of this package (DIR/node/cognito_auth_wasm.js, a
// copy of an earlier pkg/), interleaved with the rest, for before/after figures from one run.
// Writes BENCH.md (unless --no-write) and prints the table.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const quick = process.argv.includes('--quick');
const baselineAt = process.argv.indexOf('--baseline');
const baselineDir = baselineAt > 0 ? process.argv[baselineAt + 1] : null;
const write = !process.argv.includes('--no-write') && !quick && !baselineDir;

const { PoolConfig, SignIn } = await import('cognito-auth');
const acij = require('amazon-cognito-identity-js');
const AcijBigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
const { Sha256 } = require('@aws-crypto/sha256-js');
const srpDir = join(dirname(require.resolve('@aws-amplify/auth/package.json')), 'dist', 'cjs', 'providers', 'cognito', 'utils', 'srp');
let amplify = null;
try {
  amplify = {
    getAuthenticationHelper: require(join(srpDir, 'getAuthenticationHelper.js')).getAuthenticationHelper,
    getSignatureString: require(join(srpDir, 'getSignatureString.js')).getSignatureString,
    BigInteger: require(join(srpDir, 'BigInteger', 'index.js')).BigInteger,
  };
} catch (e) {
  console.log(`Amplify's SRP helpers are not reachable: ${e.message}`);
}

// ---- the fixed challenge ------------------------------------------------------------------
const N = BigInt('0x' + 'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF');
function modPow(base, exp, mod) {
  let result = 1n; base %= mod;
  for (; exp > 0n; exp >>= 1n) { if (exp & 1n) result = (result * base) % mod; base = (base * base) % mod; }
  return result;
}
const b = BigInt('0x' + randomBytes(32).toString('hex'));
const SRP_B = modPow(2n, b, N).toString(16);
const SALT = randomBytes(16).toString('hex');
const SECRET_BLOCK = randomBytes(1024).toString('base64');
const poolId = 'us-east-1_BenchPool1';
const poolName = 'BenchPool1';
const username = 'bench-user';
const password = 'Correct-Horse-9';
const challengeBody = JSON.stringify({
  ChallengeName: 'PASSWORD_VERIFIER',
  Session: 'bench-session',
  ChallengeParameters: { SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP: username, USERNAME: username },
});
const config = new PoolConfig({ poolId, clientId: 'benchclient0001', endpoint: 'http://127.0.0.1:9/' });
const dateNow = 'Tue Nov 14 22:13:20 UTC 2023';

// ---- one step per implementation ----------------------------------------------------------
const impls = {
  'cognito-auth (this package, wasm)': async () => {
    const signIn = new SignIn(config, username, password);
    signIn.start();
    const step = signIn.handleResponse(200, {}, challengeBody, 1_700_000_000);
    if (step.kind !== 'send' || !step.request.body.includes('PASSWORD_CLAIM_SIGNATURE')) throw new Error('no proof');
    signIn.dispose();
  },
  'amazon-cognito-identity-js 6.3.21 (AuthenticationHelper)': () => new Promise((resolve, reject) => {
    const helper = new acij.AuthenticationHelper(poolName);
    helper.getLargeAValue((errA, A) => {
      if (errA) return reject(errA);
      helper.getPasswordAuthenticationKey(username, password, new AcijBigInteger(SRP_B, 16), new AcijBigInteger(SALT, 16), (err, hkdf) => {
        if (err) return reject(err);
        const message = Buffer.concat([Buffer.from(poolName, 'utf8'), Buffer.from(username, 'utf8'),
          Buffer.from(SECRET_BLOCK, 'base64'), Buffer.from(dateNow, 'utf8')]);
        const hash = new Sha256(hkdf);
        hash.update(message);
        const signature = Buffer.from(hash.digestSync()).toString('base64');
        if (!A || !signature) return reject(new Error('no proof'));
        resolve();
      });
    });
  }),
};
if (baselineDir) {
  const { makeApi } = await import('../src/api.mjs');
  const old = makeApi(require(resolve(baselineDir, 'node', 'cognito_auth_wasm.js')));
  const oldConfig = new old.PoolConfig({ poolId, clientId: 'benchclient0001', endpoint: 'http://127.0.0.1:9/' });
  impls[`cognito-auth baseline (${baselineDir})`] = async () => {
    const signIn = new old.SignIn(oldConfig, username, password);
    signIn.start();
    const step = signIn.handleResponse(200, {}, challengeBody, 1_700_000_000);
    if (step.kind !== 'send' || !step.request.body.includes('PASSWORD_CLAIM_SIGNATURE')) throw new Error('no proof');
    signIn.dispose();
  };
}
if (amplify) {
  impls['Amplify JS v6 (@aws-amplify/auth 6.21.1 SRP helpers)'] = async () => {
    const helper = await amplify.getAuthenticationHelper(poolName);
    const hkdf = await helper.getPasswordAuthenticationKey({
      username, password, serverBValue: new amplify.BigInteger(SRP_B, 16), salt: new amplify.BigInteger(SALT, 16),
    });
    const signature = amplify.getSignatureString({ userPoolName: poolName, username, challengeParameters: { SECRET_BLOCK }, dateNow, hkdf });
    if (!signature) throw new Error('no proof');
  };
}

const names = Object.keys(impls);
const ours = names[0];
const times = Object.fromEntries(names.map((n) => [n, []]));
const rounds = quick ? 5 : 25;
const ourBuilds = (n) => n.startsWith('cognito-auth');
const perRound = (n) => (ourBuilds(n) ? (quick ? 6 : 20) : 1);
for (const name of names) await impls[name](); // warm up
for (let round = 0; round < rounds; round += 1) {
  for (const name of names) {
    for (let i = 0; i < perRound(name); i += 1) {
      const t0 = process.hrtime.bigint();
      await impls[name]();
      times[name].push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
}
const median = (xs) => { const s = [...xs].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const medians = Object.fromEntries(names.map((n) => [n, median(times[n])]));
const lines = [
  '| implementation | samples | median | ratio to cognito-auth |',
  '|---|---:|---:|---:|',
  ...names.map((n) => `| ${n} | ${times[n].length} | ${medians[n].toFixed(2)} ms | ${(medians[n] / medians[ours]).toFixed(1)}× |`),
];
const table = lines.join('\n');
console.log(table);
const slowest = Math.min(...names.filter((n) => !ourBuilds(n)).map((n) => medians[n] / medians[ours]));
console.log(`bench: cognito-auth is ${slowest.toFixed(1)}× faster than the fastest peer (goal ≥ 10×)`);
if (write) {
  let sizes = '';
  try {
    const s = JSON.parse(require('node:fs').readFileSync(join(here, '..', 'pkg', 'sizes.json'), 'utf8'));
    sizes = `\nRelease \`.wasm\` (pkg/web/cognito_auth_wasm_bg.wasm${s.wasmOpt ? ', after wasm-opt -Oz' : ''}): ${(s.wasm / 1024).toFixed(1)} KiB, ${(s.gzip / 1024).toFixed(1)} KiB gzipped (gzip -9); cargo's output before wasm-bindgen: ${(s.raw / 1024).toFixed(1)} KiB.\n`;
    if (s.full) sizes += `The \`cognito-auth/full\` module (pkg/full/web/cognito_auth_full_bg.wasm: typed account calls, managed login, JwtVerifier): ${(s.full.wasm / 1024).toFixed(1)} KiB, ${(s.full.gzip / 1024).toFixed(1)} KiB gzipped.\n`;
  } catch { /* not built */ }
  // The sections after the table (the size and speed history) are kept as they are.
  let history = '';
  try {
    const previous = require('node:fs').readFileSync(join(here, '..', 'BENCH.md'), 'utf8');
    const at = previous.indexOf('\n## ');
    if (at >= 0) history = previous.slice(at);
  } catch { /* first run */ }
  writeFileSync(join(here, '..', 'BENCH.md'), `# Benchmark: one PASSWORD_VERIFIER step in Node

\`node bench/bench.mjs\` (Node ${process.version}, ${process.arch}, shared 2-core machine). One step = the client's
whole work for USER_SRP_AUTH's proof, each library with its defaults: A = g^a (cognito-auth: 256-bit
\`a\`, constant-time; the peers: 1024-bit \`a\`), then from one fixed challenge (SALT, SRP_B,
SECRET_BLOCK) u, x, S, the HKDF key and the PASSWORD_CLAIM_SIGNATURE. cognito-auth is timed through
its public API (\`SignIn.start()\` + \`handleResponse(challenge)\`, JSON included). Rounds interleave
the implementations; medians.

${table}
${sizes}${history}`);
}
