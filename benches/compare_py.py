#!/usr/bin/env python3
"""GMP (gmpy2 powmod, not constant-time) and pycognito timings of the SRP
client step, on the same PASSWORD_VERIFIER case as benches/compare.rs.

Usage: compare_py.py VECTORS.json OUT.json

Each timing is the median of per-call thread CPU times (time.thread_time_ns,
the clock the criterion benches use) over interleaved rounds (every round
runs each workload once in turn, so machine noise is shared). Writes
{name: median_ns} to OUT.json. Needs `pip install gmpy2 pycognito`.
"""
import base64
import hashlib
import hmac
import json
import statistics
import sys
import time

import gmpy2

ROUNDS = int(__import__("os").environ.get("COMPARE_ROUNDS", "40"))


def pad(n):
    h = format(int(n), "x")
    if len(h) % 2:
        h = "0" + h
    if h[0] in "89abcdef":
        h = "00" + h
    return bytes.fromhex(h)


def load(path):
    doc = json.load(open(path))
    c = doc["password_verifier"][0]
    return {
        "n": gmpy2.mpz(int(doc["group"]["n"], 16)),
        "a": int(c["a"], 16),
        "pool_id": c["pool_id"],
        "pool": c["pool_id"].split("_", 1)[1],
        "user": c["user_id_for_srp"],
        "password": c["password"],
        "salt": c["salt"],
        "srp_b": c["srp_b"],
        "secret_block": c["secret_block"],
        "timestamp": c["timestamp"],
        "signature": c.get("password_claim_signature") or c.get("signature"),
    }


def gmp_step(c, a):
    """A, u, x, g^x, S, HKDF, HMAC with gmpy2.powmod (peers' formulas)."""
    n = c["n"]
    a = gmpy2.mpz(a)
    big_a = gmpy2.powmod(2, a, n)
    k = int.from_bytes(hashlib.sha256(pad(n) + pad(2)).digest(), "big")
    b = gmpy2.mpz(int(c["srp_b"], 16))
    u = int.from_bytes(hashlib.sha256(pad(big_a) + pad(b)).digest(), "big")
    inner = hashlib.sha256(f"{c['pool']}{c['user']}:{c['password']}".encode()).digest()
    x = int.from_bytes(hashlib.sha256(pad(int(c["salt"], 16)) + inner).digest(), "big")
    gx = gmpy2.powmod(2, x, n)
    base = (b % n - k * gx) % n
    s = gmpy2.powmod(base, a + u * x, n)
    prk = hmac.new(pad(u), pad(s), hashlib.sha256).digest()
    key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
    msg = (
        c["pool"].encode()
        + c["user"].encode()
        + base64.standard_b64decode(c["secret_block"])
        + c["timestamp"].encode()
    )
    return base64.standard_b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()


def pycognito_step(c):
    from pycognito.aws_srp import AWSSRP

    # client=object(): no boto3 client is built; AWSSRP draws a 128-byte a and
    # computes A in __init__, then u, x, S, HKDF and the HMAC in process_challenge.
    srp = AWSSRP(c["user"], c["password"], c["pool_id"], "client-id", client=object())
    params = {
        "USER_ID_FOR_SRP": c["user"],
        "SALT": c["salt"],
        "SRP_B": c["srp_b"],
        "SECRET_BLOCK": c["secret_block"],
        "USERNAME": c["user"],
    }
    return srp.process_challenge(params, {"USERNAME": c["user"]})


def main():
    c = load(sys.argv[1])
    a256 = int.from_bytes(bytes([0x5A] * 32), "big")
    a1024 = c["a"]
    n = c["n"]
    sig = gmp_step(c, a1024)
    if c["signature"] and sig != c["signature"]:
        sys.exit(f"gmp step disagrees with the vector: {sig} != {c['signature']}")
    big_a = gmpy2.powmod(2, a1024, n)
    s_base = gmpy2.mpz(int(c["srp_b"], 16)) % n
    s_exp = gmpy2.mpz(a1024) + (gmpy2.mpz(1) << 511) + 12345
    work = {
        "gmp_full_step_a1024": lambda: gmp_step(c, a1024),
        "gmp_full_step_a256": lambda: gmp_step(c, a256),
        "gmp_g_pow_a1024": lambda: gmpy2.powmod(2, a1024, n),
        "gmp_g_pow_a256": lambda: gmpy2.powmod(2, a256, n),
        "gmp_s_pow_1025bit": lambda: gmpy2.powmod(s_base, s_exp, n),
        "pycognito_a1024": lambda: pycognito_step(c),
    }
    del big_a
    inner = {"pycognito_a1024": 1}
    samples = {k: [] for k in work}
    for f in work.values():  # warm-up
        f()
    for _ in range(ROUNDS):
        for name, f in work.items():
            reps = inner.get(name, 10)
            t0 = time.thread_time_ns()
            for _ in range(reps):
                f()
            samples[name].append((time.thread_time_ns() - t0) / reps)
    out = {k: statistics.median(v) for k, v in samples.items()}
    out["_versions"] = {
        "python": sys.version.split()[0],
        "gmpy2": gmpy2.version(),
        "gmp": gmpy2.mp_version(),
    }
    json.dump(out, open(sys.argv[2], "w"), indent=1)
    for k, v in out.items():
        if not k.startswith("_"):
            print(f"{k}: {v / 1e6:.3f} ms")


if __name__ == "__main__":
    main()
