# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
"""Fixtures of the Python binding tests: real stlm-platform processes on
private unix sockets, stlmd on a private mount, every process remembered by
pid and ended by pid. Paths come from meson (python/tests/meson.build)."""
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time

import pytest

PLATFORM_BIN = os.environ.get("STLM_PLATFORM_BIN", "stlm-platform")
STLMD_BIN = os.environ.get("STLMD_BIN", "stlmd")
STLM_BIN = os.environ.get("STLM_BIN", "stlm")
SRCDIR = os.environ.get("STLM_SRCDIR",
                        os.path.join(os.path.dirname(__file__), "..", ".."))
CATALOGS = os.path.join(SRCDIR, "catalogs")


def wait_for(pred, what, timeout=20.0, proc=None):
    """Poll pred() until true (bounded); fail with what."""
    deadline = time.monotonic() + timeout
    while not pred():
        if proc is not None and proc.poll() is not None:
            pytest.fail("%s: process exited with %s" % (what, proc.returncode))
        if time.monotonic() > deadline:
            pytest.fail("%s: not within %.0f s" % (what, timeout))
        time.sleep(0.02)


def is_socket(path):
    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except FileNotFoundError:
        return False


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is dead for our purposes
    try:
        with open("/proc/%d/stat" % pid) as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


class Platform:
    """stlm-platform on unix:DIR/sock with its memory file DIR/mem."""

    def __init__(self, tmpdir, *args):
        self.dir = tmpdir
        self.sock = os.path.join(tmpdir, "sock")
        self.mem = os.path.join(tmpdir, "mem")
        self.uri = "unix:%s?mem=%s" % (self.sock, self.mem)
        self.proc = subprocess.Popen(
            [PLATFORM_BIN, "--listen", "unix:" + self.sock, "--mem",
             self.mem, "-q"] + list(args))
        wait_for(lambda: is_socket(self.sock), "stlm-platform start",
                 proc=self.proc)

    def kill(self, sig=signal.SIGKILL):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
        self.proc.wait(timeout=20)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix="stlm-pytest-")
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def platform(tmp):
    p = Platform(tmp)
    yield p
    p.stop()


@pytest.fixture
def no_default_platform(monkeypatch, tmp):
    """No $STLM_PLATFORM and an empty STLMFS root: open() falls back to
    the built-in platform (unless stlmd runs at the default socket)."""
    if is_socket("/run/stlm/stlmd.sock"):
        pytest.skip("an stlmd runs at the default socket")
    monkeypatch.delenv("STLM_PLATFORM", raising=False)
    empty = os.path.join(tmp, "no-stlmfs")
    os.mkdir(empty)
    monkeypatch.setenv("STLM_STLMFS_ROOT", empty)
    monkeypatch.setenv("STLM_CATALOG_PATH", CATALOGS)
    return empty


@pytest.fixture(autouse=True)
def catalog_path(monkeypatch):
    monkeypatch.setenv("STLM_CATALOG_PATH", CATALOGS)


def needs_root_fuse():
    if os.geteuid() != 0:
        pytest.skip("needs root (allow_other, setpriv)")
    if not os.path.exists("/dev/fuse"):
        pytest.skip("no /dev/fuse")


def nobody_cmd():
    """The command prefix that runs as uid 65534, or skip."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to uid 65534")
    sp = shutil.which("setpriv")
    if not sp:
        pytest.skip("no setpriv")
    return [sp, "--reuid=65534", "--regid=65534", "--clear-groups"]
