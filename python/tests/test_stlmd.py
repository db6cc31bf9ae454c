# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
"""Through stlmd: its client socket (stlmd:) and its FUSE tree (stlmfs:),
as root and as an unprivileged client (read-only: configuration refused
with EROFS). Needs root and /dev/fuse."""
import errno
import os
import subprocess
import sys
import textwrap

import pytest

import stlm
from conftest import STLMD_BIN, is_socket, nobody_cmd, needs_root_fuse, \
    wait_for

PY = os.environ.get("STLM_TEST_PYTHON", sys.executable)


@pytest.fixture
def stlmd(platform, tmp):
    needs_root_fuse()
    mnt = os.path.join(tmp, "mnt")
    os.mkdir(mnt)
    sock = os.path.join(tmp, "d.sock")
    p = subprocess.Popen([STLMD_BIN, "-f", "--platform", platform.uri,
                          "--mount", mnt, "--socket", sock])
    try:
        wait_for(lambda: os.path.exists(os.path.join(mnt, "tlm_0",
                                                     "version")),
                 "stlmd mount", proc=p)
        wait_for(lambda: is_socket(sock), "stlmd socket", proc=p)
        yield {"socket": "stlmd:" + sock, "tree": "stlmfs:" + mnt,
               "mnt": mnt, "proc": p, "platform": platform}
    finally:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        subprocess.run(["umount", "-l", mnt], capture_output=True)


def test_socket_configure_and_read(stlmd):
    with stlm.open(stlmd["socket"]) as s:
        assert s.catalog_name == "default-soc"
        s.enable("cpu.1.temp", "cpu.0.cycles")
        s.config(interval="10ms")
        snap = s.snapshot()
        assert sorted(snap.ids.tolist()) == [0x10003, 0x10102]
        t = snap["cpu.1.temp"]
        assert t.valid and 20 < t.value < 120
        df = snap.to_dataframe()
        assert set(df["name"]) == {"cpu.1.temp", "cpu.0.cycles"}
    # the tree agrees with what the socket client configured
    en = os.path.join(stlmd["mnt"], "tlm_0", "des", "0x00010102", "enable")
    assert open(en).read().strip() == "Y"


def test_tree_reads(stlmd):
    with stlm.open(stlmd["socket"]) as s:
        s.enable("cpu.1.temp")
        s.config(interval="10ms")
    with stlm.open(stlmd["tree"]) as s:
        snap = s.snapshot()
        assert 0x10102 in snap and snap[0x10102].valid
        assert len(s.des) == s.info["n_des"]


def test_socket_events(stlmd):
    with stlm.open(stlmd["socket"]) as s:
        # notifications carry message-only DEs, such as soc.health
        health = s.de("soc.health").id
        s.enable("cpu.1.temp", health)
        s.config(interval="10ms", mode="notify")
        for ev in s.events(timeout=20):
            if ev.type == "update":
                assert health in ev.samples["id"]
                break
        else:
            pytest.fail("no update event through stlmd")


def test_daemon_dies(stlmd):
    with stlm.open(stlmd["socket"]) as s:
        s.enable("cpu.1.temp")
        s.snapshot()
        stlmd["proc"].kill()
        stlmd["proc"].wait(timeout=20)
        with pytest.raises(stlm.PlatformLostError):
            for _ in range(50):
                s.snapshot()
                s.collection()
        assert s.state == "lost"


def test_unprivileged_client(stlmd):
    prefix = nobody_cmd()
    code = textwrap.dedent("""
        import errno, sys, stlm
        with stlm.open(sys.argv[1]) as s:
            assert len(s.des) > 0
            s.snapshot()
            try:
                s.enable("cpu.1.temp")
            except stlm.PermissionDeniedError as e:
                assert e.errno == errno.EROFS and not e.lost, e
                print("read-only", e.strerror)
            assert s.state == "ready"
    """)
    r = subprocess.run(prefix + [PY, "-c", code, stlmd["socket"]],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "read-only" in r.stdout


def test_watch_daemon_dies(stlmd):
    """watch() stops with PlatformLostError once stlmd is gone (the take
    itself fails then, as on a lost platform channel)."""
    with stlm.open(stlmd["socket"]) as s:
        s.enable("cpu.1.temp")
        s.config(interval="10ms")
        n = 0
        with pytest.raises(stlm.PlatformLostError) as e:
            for _ in s.watch("10ms", count=1000):
                n += 1
                if n == 2:
                    stlmd["proc"].kill()
                    stlmd["proc"].wait(timeout=20)
        assert e.value.lost and 2 <= n < 1000
