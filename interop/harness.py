"""Shared by the Python interop tests: run pytest on one file and end with `N passed, M failed`.

`python3 interop/<name>_test.py` runs that file's tests with pytest, then prints one closing
line `<label>: N passed, M failed[, K skipped]` (an expected failure, xfail, counts as skipped
and is named on the line before) and exits non-zero when anything failed.
"""

import os
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
