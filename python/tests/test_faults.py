# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
"""The platform dying midway, signals during watch(), an unprivileged
user: real processes, bounded waits, every process ended by pid."""
import errno
import os
import signal
import subprocess
import sys
import textwrap

import pytest

import stlm
from conftest import Platform, nobody_cmd, pid_alive, wait_for

PY = os.environ.get("STLM_TEST_PYTHON", sys.executable)


def test_platform_dies_midway(platform):
    with stlm.open(platform.uri) as s:
        s.enable()
        s.config(interval="1ms")
        before = s.snapshot()
        assert len(before) > 0
        platform.kill()
        with pytest.raises(stlm.PlatformLostError) as e:
            for _ in range(50):  # the loss shows at the next command
                s.snapshot()
                s.collection()
        assert e.value.lost and isinstance(e.value, ConnectionError)
        assert s.state == "lost" and s.lost_errno != 0
        # sticky: every later call fails the same way
        with pytest.raises(stlm.PlatformLostError):
            s.enable("cpu.1.temp")
        # what was read before stays readable
        assert len(before.values) == len(before)


def test_watch_platform_dies(platform):
    with stlm.open(platform.uri) as s:
        s.enable()
        s.config(interval="1ms")
        n = 0
        with pytest.raises(stlm.PlatformLostError):
            for snap in s.watch("10ms", count=500):
                n += 1
                if n == 3:
                    platform.kill()
        assert 3 <= n < 500


WATCHER = textwrap.dedent("""
    import sys, stlm, warnings
    warnings.simplefilter("ignore")
    s = stlm.open(sys.argv[1] if len(sys.argv) > 1 else None)
    print("pid", s.builtin_pid, s.uri, flush=True)
    try:
        for snap in s.watch("20ms"):
            print("snap", len(snap), flush=True)
    except KeyboardInterrupt:
        s.close()
        print("interrupted", flush=True)
""")


def start_watcher(args, env=None, prefix=()):
    p = subprocess.Popen(list(prefix) + [PY, "-c", WATCHER] + list(args),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env)
    head = p.stdout.readline().split()
    if not head or head[0] != "pid":
        p.kill()
        pytest.fail("watcher did not start: %s" % p.stderr.read())
    assert p.stdout.readline().startswith("snap")
    return p, head


def builtin_env(no_default_platform):
    env = dict(os.environ)
    env.pop("STLM_PLATFORM", None)
    env["STLM_STLMFS_ROOT"] = no_default_platform
    return env


def test_sigint_during_watch(no_default_platform):
    p, head = start_watcher([], builtin_env(no_default_platform))
    pid, d = int(head[1]), head[2][5:].split("?")[0].rsplit("/", 1)[0]
    os.kill(p.pid, signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert out.rstrip().endswith("interrupted")
    wait_for(lambda: not pid_alive(pid), "emulator stopped")
    assert not os.path.exists(d)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_fatal_signal_during_watch(no_default_platform, sig):
    """Whatever kills the program, its built-in platform goes too."""
    p, head = start_watcher([], builtin_env(no_default_platform))
    pid, d = int(head[1]), head[2][5:].split("?")[0].rsplit("/", 1)[0]
    os.kill(p.pid, sig)
    p.communicate(timeout=60)
    assert p.returncode == -sig
    wait_for(lambda: not pid_alive(pid), "emulator stopped")
    wait_for(lambda: not os.path.exists(d), "directory removed")


def test_sigint_during_watch_unix(platform):
    p, _ = start_watcher([platform.uri])
    os.kill(p.pid, signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0 and out.rstrip().endswith("interrupted"), err
    assert platform.proc.poll() is None  # someone else's platform lives on


def test_unprivileged_user(no_default_platform, tmp, platform):
    prefix = nobody_cmd()
    env = builtin_env(no_default_platform)
    env["TMPDIR"] = tmp  # 0755 root: not writable by nobody
    os.chmod(tmp, 0o1777)
    code = textwrap.dedent("""
        import errno, os, sys, stlm, warnings
        warnings.simplefilter("ignore")
        assert os.getuid() == 65534
        with stlm.open() as s:          # the built-in platform, as nobody
            s.enable("cpu.1.temp")
            v = s.snapshot()["cpu.1.temp"]
            assert v.valid and 20 < v.value < 120, v
        try:
            stlm.open(sys.argv[1])       # root's socket, mode 0755
        except stlm.PermissionDeniedError as e:
            assert e.errno in (errno.EACCES, errno.EPERM), e
            print("refused", e.strerror)
        else:
            raise SystemExit("root's platform socket opened as nobody")
    """)
    os.chmod(platform.sock, 0o755)
    r = subprocess.run(prefix + [PY, "-c", code, platform.uri], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "refused" in r.stdout
    assert not [f for f in os.listdir(tmp) if f.startswith("stlm-py-")]
