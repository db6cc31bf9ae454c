# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
"""Default platform resolution and the built-in emulated platform.

The order is the CLI's (docs/architecture.md, "Programs"): the URI given,
``$STLM_PLATFORM``, a running stlmd at the default socket, the kernel's
STLMFS tree (``$STLM_STLMFS_ROOT``, default ``/sys/fs/arm_telemetry``),
then the built-in emulated platform.

The CLI runs the built-in platform inside its own process through the
emulator library; the bindings use the public API only, so here it is the
``stlm-platform`` program, serving the default SoC on a unix socket in a
private directory. A small shell guard between the two holds the read end
of a pipe: when this process ends, however it ends, the pipe closes and
the guard stops the emulator and removes the directory.
"""
import errno
import os
import shutil
import stat
import subprocess
import tempfile
import time

STLMD_DEFAULT_SOCKET = "/run/stlm/stlmd.sock"
STLMFS_DEFAULT_ROOT = "/sys/fs/arm_telemetry"

try:  # written by meson: where stlm-platform is
    from . import _paths
except ImportError:  # pragma: no cover - a copy of the sources only
    _paths = None

# $1: the emulator, $2: the private directory. Stops the emulator and
# removes the directory once stdin (a pipe from this process) closes.
_GUARD = r'''
"$1" --listen "unix:$2/p.sock" --mem "$2/mem" -q </dev/null &
p=$!
echo "$p" >"$2/pid"
while read -r _; do :; done
kill "$p" 2>/dev/null
wait "$p" 2>/dev/null
rm -rf "$2"
'''


def _stlmfs_present(root):
    """Whether ROOT looks like an STLMFS tree (a version file or tlm_N)."""
    if os.path.exists(os.path.join(root, "version")):
        return True
    try:
        names = os.listdir(root)
    except OSError:
        return False
    return any(n.startswith("tlm_") and n[4:5].isdigit() for n in names)


def platform_program():
    """The stlm-platform program to run as the built-in platform, or None.

    ``$STLM_PLATFORM_PROGRAM``, else the build tree's (when the package is
    imported from the build tree), else the installed one, else ``$PATH``.
    """
    env = os.environ.get("STLM_PLATFORM_PROGRAM")
    if env:
        return env
    cands = []
    if _paths is not None:
        cands += [getattr(_paths, "BUILD_PLATFORM", ""),
                  os.path.join(getattr(_paths, "BINDIR", ""),
                               "stlm-platform")]
    for c in cands:
        if c and os.access(c, os.X_OK):
            return c
    return shutil.which("stlm-platform")


class Builtin:
    """A private stlm-platform process; stop() (or process exit) ends it."""

    def __init__(self, make_error):
        prog = platform_program()
        if not prog:
            raise make_error(
                errno.ENOENT,
                "no platform configured and no stlm-platform program to "
                "run the built-in emulated platform (install stlm-platform "
                "or give a URI)", False)
        tmp = os.environ.get("TMPDIR") or "/tmp"
        self.dir = tempfile.mkdtemp(prefix="stlm-py-", dir=tmp)
        self.uri = "unix:%s/p.sock?mem=%s/mem" % (self.dir, self.dir)
        self.proc = subprocess.Popen(
            ["/bin/sh", "-c", _GUARD, "stlm-guard", prog, self.dir],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            start_new_session=True, close_fds=True)
        sock = os.path.join(self.dir, "p.sock")
        deadline = time.monotonic() + 10
        while True:
            try:
                if stat.S_ISSOCK(os.stat(sock).st_mode):
                    break
            except FileNotFoundError:
                pass
            if self.proc.poll() is not None or not self._emulator_alive() \
                    or time.monotonic() > deadline:
                self.stop()
                raise make_error(
                    errno.EIO, "the built-in platform (%s) did not start"
                    % prog, False)
            time.sleep(0.01)

    def _emulator_alive(self):
        try:
            with open(os.path.join(self.dir, "pid")) as fh:
                pid = int(fh.read())
        except (OSError, ValueError):
            return True  # not written yet
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    @property
    def pid(self):
        """The emulator's process id, or None."""
        try:
            with open(os.path.join(self.dir, "pid")) as fh:
                return int(fh.read())
        except (OSError, ValueError):
            return None

    def stop(self):
        """Stop the emulator and remove its directory (idempotent)."""
        p, self.proc = self.proc, None
        if p is None:
            return
        try:
            p.stdin.close()
        except OSError:
            pass
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def resolve(uri, open_uri, make_error, notice):
    """Open URI, or the first platform of the default order.

    open_uri(uri) opens a session or raises; notice(text) reports a
    fallback. Returns (core session, Builtin or None).
    """
    if not uri:
        uri = os.environ.get("STLM_PLATFORM") or None
    if uri:
        return open_uri(uri), None
    why = "no platform configured"
    try:
        st = os.stat(STLMD_DEFAULT_SOCKET)
    except OSError:
        st = None
    if st is not None and stat.S_ISSOCK(st.st_mode):
        try:
            return open_uri("stlmd:" + STLMD_DEFAULT_SOCKET), None
        except OSError as e:
            why = "stlmd at %s not usable (%s)" % (STLMD_DEFAULT_SOCKET,
                                                   e.strerror)
    root = os.environ.get("STLM_STLMFS_ROOT") or STLMFS_DEFAULT_ROOT
    if _stlmfs_present(root):
        try:
            s = open_uri("stlmfs:" + root)
            notice("%s; using the kernel telemetry tree stlmfs:%s"
                   % (why, root))
            return s, None
        except OSError as e:
            why = "telemetry tree at %s not usable (%s)" % (root, e.strerror)
    notice("%s; using the built-in emulated platform" % why)
    b = Builtin(make_error)
    try:
        return open_uri(b.uri), b
    except BaseException:
        b.stop()
        raise
