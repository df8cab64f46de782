"""Shared by the Python interop tests: run pytest on one file and end with `N passed, M failed`.

`python3 interop/<name>_test.py` runs that file's tests with pytest, then prints one closing
line `<label>: N passed, M failed[, K skipped]` (an expected failure, xfail, counts as skipped
and is named on the line before) and exits non-zero when anything failed.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get(
    "COGNITO_AUTH_BIN", os.path.join(ROOT, "target", "release", "cognito-auth")
)


class _Counter:
    def __init__(self):
        self.passed, self.failed, self.skipped = [], [], []
        self.xfailed = []

    def pytest_runtest_logreport(self, report):
        if report.failed:
            self.failed.append(report.nodeid)
        elif report.skipped:
            if hasattr(report, "wasxfail"):
                self.xfailed.append(report.nodeid)
            else:
                self.skipped.append(report.nodeid)
        elif report.when == "call" and report.passed:
            self.passed.append(report.nodeid)

    def pytest_collectreport(self, report):
        if report.failed:
            self.failed.append(report.nodeid or "collection")


def main(path, label):
    counter = _Counter()
    code = pytest.main(
        [path, "-v", "-p", "no:cacheprovider", "-o", "console_output_style=classic"],
        plugins=[counter],
    )
    failed = sorted(set(counter.failed))
    if code not in (0, 1) and not failed:
        failed = [f"pytest exit code {int(code)}"]
    if not counter.passed and not failed:
        failed = ["no test ran"]
    for name in counter.xfailed:
        print(f"expected failure (known deviation, see the test's reason): {name}")
    for name in failed:
        print(f"FAILED: {name}")
    skipped = len(counter.skipped) + len(counter.xfailed)
    line = f"{label}: {len(counter.passed)} passed, {len(failed)} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line, flush=True)
    sys.exit(1 if failed else 0)


def pool_settings(filename):
    """The interop pool file `filename` (beside this file) as (path, the parsed file, pool id,
    region, first client's id, second client's id, its secret, {user name: password}): the
    first client is public, the second (if any; else None, None) has a secret."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), filename)
    with open(path) as f:
        pool = json.load(f)
    clients = pool["clients"]
    second = clients[1] if len(clients) > 1 else {}
    return (
        path,
        pool,
        pool["pool_id"],
        pool["pool_id"].split("_")[0],
        clients[0]["client_id"],
        second.get("client_id"),
        second.get("client_secret"),
        {u["username"]: u["password"] for u in pool.get("users", [])},
    )

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_first_line(proc, timeout):
    """The first stdout line of `proc`, waiting at most `timeout` seconds."""
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    try:
        if not sel.select(timeout):
            raise TimeoutError(f"no output within {timeout} s")
        return proc.stdout.readline()
    finally:
        sel.close()


def stop(proc, timeout=15):
    """SIGTERM, then wait (bounded); SIGKILL if it does not stop. Returns the exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
            return None
    return proc.returncode


@contextlib.contextmanager
def serve(config, pool_id):
    """`cognito-auth serve --port 0 --config <config>`: yields (process, the JSON line it prints
    first: endpoint, pool_id, ...), stopped (bounded) on exit."""
    proc = subprocess.Popen(
        [BINARY, "serve", "--port", "0", "--config", config],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        info = json.loads(read_first_line(proc, 30))
        assert info["pool_id"] == pool_id, info
        yield proc, info
    finally:
        stop(proc)


def server_fixture(config, pool_id, state):
    """A module-scoped pytest fixture serving `config`: yields serve's JSON line and keeps the
    process in `state["proc"]` (for assert_stops_on_sigterm)."""

    @pytest.fixture(scope="module")
    def server():
        with serve(config, pool_id) as (proc, info):
            state["proc"] = proc
            yield info

    return server

def assert_stops_on_sigterm(proc):
    """`serve` is still running, and exits 0 on SIGTERM within 15 s."""
    assert proc.poll() is None, "serve exited early"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(15) == 0
