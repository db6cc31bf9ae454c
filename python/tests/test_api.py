# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
"""The stlm module against real emulators: the built-in platform (the
default resolution), a stlm-platform process over unix:, a large platform;
DEs, configuration, snapshots as NumPy views, watch, events, catalogs,
recordings written by the stlm CLI, and the errors."""
import errno
import json
import math
import os
import subprocess
import warnings

import numpy as np
import pytest

import stlm
from conftest import CATALOGS, STLM_BIN, Platform, pid_alive, wait_for


def test_open_default_is_builtin(no_default_platform):
    with pytest.warns(stlm.BuiltinPlatformWarning, match="built-in"):
        s = stlm.open()
    with s:
        assert s.builtin and s.uri.startswith("unix:")
        pid = s.builtin_pid
        assert pid and pid_alive(pid)
        d = s.uri.split("?")[0][len("unix:"):].rsplit("/", 1)[0]
        assert os.path.isdir(d)
        # nothing was enabled: open() enabled every DE, as the CLI does
        snap = s.snapshot()
        assert len(snap) == len(s.des) > 0
        assert snap.valid.mean() > 0.9
        df = snap.to_dataframe()
        assert list(df.columns[:4]) == ["id", "name", "value", "unit"]
        assert df["name"].iloc[0] == s.des[0].name == "cpu.0.freq"
    # closing stops the emulator and removes its directory
    wait_for(lambda: not pid_alive(pid), "built-in emulator gone")
    wait_for(lambda: not os.path.exists(d), "built-in directory removed")


def test_acceptance_one_liner(no_default_platform):
    """The README line, in a fresh interpreter."""
    r = subprocess.run(
        [os.environ.get("STLM_TEST_PYTHON", "/usr/bin/python3"), "-c",
         "import stlm; s = stlm.open(); "
         "print(s.snapshot().to_dataframe().head())"],
        capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "cpu.0.freq" in r.stdout and "[5 rows" in r.stdout
    assert "using the built-in emulated platform" in r.stderr


def test_open_env_platform(platform, monkeypatch):
    monkeypatch.setenv("STLM_PLATFORM", platform.uri)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with stlm.open() as s:
            assert not s.builtin and s.uri == platform.uri
            assert s.catalog_name == "default-soc"
    # an explicit URI beats $STLM_PLATFORM
    monkeypatch.setenv("STLM_PLATFORM", "unix:/nonexistent/sock")
    with stlm.open(platform.uri) as s:
        assert s.uri == platform.uri


def test_des(platform):
    with stlm.open(platform.uri) as s:
        des = s.des
        assert len(des) == s.info["n_des"] > 10
        for d in des:
            assert isinstance(d.id, int) and d.name and d.unit is not None
            assert d.kind in stlm.KINDS and d.component
        t = s.de("cpu.1.temp")
        assert t == s.de(t.id) and t.id == 0x10102
        assert (t.unit, t.kind, t.component, t.component_instance) == \
            ("°C", "gauge", "cpu", 1)
        assert isinstance(t.labels, dict)
        # every catalog label, also keys the exporter has no special case for
        labels = s.de(0x00011004).labels
        assert labels["cluster"] == "0" and labels["persistent"] == "true"
        assert any(d.kind == "counter" for d in des)
        with pytest.raises(AttributeError):
            t.name = "x"


def test_enable_config_snapshot(platform):
    with stlm.open(platform.uri) as s:
        assert not any(d.enabled for d in s.des)
        g0 = s.generation
        s.enable("cpu.1.temp", 0x10101)
        _, ivs = s.intervals()
        s.config(interval=ivs[0] / 1e9)
        assert s.generation > g0
        assert s.collection() == stlm.Collection(True, "on_demand", ivs[0])
        assert s.de("cpu.1.temp").enabled
        snap = s.snapshot()
        assert sorted(snap.ids.tolist()) == [0x10101, 0x10102]
        assert snap.valid.all() and 20 < snap["cpu.1.temp"].value < 120
        assert snap["cpu.1.temp"].unit == "°C"
        assert snap.generation == s.generation
        s.disable("cpu.1.temp")
        assert s.snapshot().ids.tolist() == [0x10101]
        # a selection of DEs, one of them disabled
        sel = s.snapshot([0x10101, 0x10102])
        assert len(sel) == 2
        assert not sel[0x10102].valid
        assert sel[0x10102].flags & stlm.FLAG_DISABLED
        s.config(enabled=False)
        assert not s.collection().enabled


def test_snapshot_is_a_view(platform):
    with stlm.open(platform.uri, no_catalog=True) as s:
        s.enable()
        s.config()
        snap = s.snapshot()
        a = snap.samples
        assert a.dtype == stlm.SAMPLE_DTYPE and a.dtype.itemsize == 40
        assert not a.flags.writeable and not a.flags.owndata
        assert np.shares_memory(snap.values, a)
        assert snap.values.dtype == np.float64
        # the layout is right: every valid value is raw x 10^unit_exp
        # (no catalog: no sign and no scale)
        exp = {d.id: d.unit_exp for d in s.des}
        for i, raw, v, f in zip(snap.ids, snap.raw, snap.values, snap.flags):
            if f & stlm.FLAG_VALID:
                assert math.isclose(v, int(raw) * 10.0 ** exp[int(i)],
                                    rel_tol=1e-9), hex(i)
        # time and generation come with it
        assert snap.time_ns > 0 and snap.mono_ns > 0
        # a view outlives the snapshot object and the session
        values = snap.values
        del snap, a
        first = values.copy()
    assert (values == first).all()
    with pytest.raises(ValueError, match="closed"):
        s.snapshot()


def test_snapshots_are_independent(platform):
    with stlm.open(platform.uri) as s:
        s.enable()
        s.config(interval="1ms")
        a = s.snapshot()
        b = s.snapshot()
        assert not np.shares_memory(a.samples, b.samples)
        cyc = s.de("cpu.0.cycles").id
        wait_for(lambda: s.snapshot()[cyc].raw != a[cyc].raw, "counter moves")
        c = s.snapshot()
        assert c[cyc].raw != a[cyc].raw and a[cyc].raw == a.raw[a._index(cyc)]
        # a dropped snapshot's buffer is reused by the next one (the pool)
        ptr = c.samples.__array_interface__["data"][0]
        del c
        d = s.snapshot()
        assert d.samples.__array_interface__["data"][0] == ptr
        # ... but never while a view of it lives
        v = d.values
        del d
        e = s.snapshot()
        assert not np.shares_memory(e.samples, v)


def test_watch(platform):
    with stlm.open(platform.uri) as s:
        s.enable()
        s.config(interval="1ms")
        snaps = list(s.watch("20ms", count=4))
        assert len(snaps) == 4
        mono = [x.mono_ns for x in snaps]
        assert mono == sorted(mono) and len(set(mono)) == 4
        # paced by the interval (lower bound only: never faster)
        assert mono[-1] - mono[0] >= 3 * 20e6 * 0.9
        assert len(list(s.watch(0.01, des=["cpu.1.temp"], count=2))[1]) == 1
        with pytest.raises(ValueError):
            next(s.watch(0))
        with pytest.raises(ValueError):
            next(s.watch("fast"))


def test_events(platform):
    with stlm.open(platform.uri) as s:
        # notifications carry message-only DEs (no SHMTI line, no
        # FastChannel), as Linux expects: soc.health is one
        health = s.de("soc.health").id
        s.enable("cpu.1.temp", health)
        s.config(interval="10ms", mode="notify")
        got = set()
        for ev in s.events(timeout=10):
            got.add(ev.type)
            if ev.type == "update":
                assert ev.samples.dtype == stlm.SAMPLE_DTYPE
                assert health in ev.samples["id"]
                assert 0x10102 not in ev.samples["id"]
                break
        assert "update" in got
        assert isinstance(s.event_fd, int)


def test_errors(platform, tmp):
    with pytest.raises(stlm.Error) as e:
        stlm.open("bogus:x")
    assert e.value.errno == errno.EINVAL and "scheme" in e.value.strerror
    assert isinstance(e.value, OSError)
    with pytest.raises(stlm.NotFoundError) as e:
        stlm.open("unix:%s/nothing" % tmp)
    assert e.value.errno == errno.ENOENT and "nothing there" in str(e.value)
    assert isinstance(e.value, FileNotFoundError) and not e.value.lost
    with pytest.raises(TypeError):
        stlm.open(42)
    assert stlm.uri_check("bogus:x") and stlm.uri_check(platform.uri) is None
    with stlm.open(platform.uri) as s:
        with pytest.raises(stlm.NotFoundError, match="0xdeadbeef"):
            s.de(0xDEADBEEF)
        with pytest.raises(stlm.NotFoundError, match="no DE named"):
            s.enable("no.such.de")
        with pytest.raises(stlm.Error) as e:
            s.config(interval="3ms")  # not one the platform lists
        assert e.value.errno == errno.ERANGE and "interval" in str(e.value)
        with pytest.raises(ValueError):
            s.config(mode="sometimes")
        with pytest.raises(ValueError):
            s.snapshot([1 << 40])
        with pytest.raises(stlm.NotFoundError):
            s.load_catalog(os.path.join(tmp, "none.json"))
        assert s.state == "ready"
    s.close()  # twice is fine


def test_catalogs(platform, tmp):
    path = os.path.join(CATALOGS, "default-soc.json")
    with stlm.Catalog(path) as c:
        assert c.title == "default-soc" and c.path == path
        e = c.describe(0x10102)
        assert e.name == "cpu.1.temp" and e.kind == "gauge"
        assert len(c) == len(c.entries) > 10
        with pytest.raises(stlm.NotFoundError):
            c.describe(0xDEADBEEF)
    with stlm.open(platform.uri, no_catalog=True) as s:
        assert s.catalog_name is None
        assert s.de(0x10102).name != "cpu.1.temp"
        found = stlm.Catalog.find(CATALOGS, s.info)
        assert found.title == "default-soc"
        assert s.load_catalog(path) > 0
        assert s.catalog_name == "default-soc"
        assert s.de(0x10102).name == "cpu.1.temp"
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as fh:
        fh.write('{"name": "x",\n "des": [}\n')
    with pytest.raises(stlm.Error) as e:
        stlm.Catalog(bad)
    assert e.value.errno == errno.EINVAL and "bad.json:2:" in str(e.value)
    with stlm.open(platform.uri, catalog=path) as s:
        assert s.catalog_name == "default-soc"


def test_recording(platform, tmp):
    rec = os.path.join(tmp, "r.stlmrec")
    subprocess.run([STLM_BIN, "-q", "-p", platform.uri, "record", "-o", rec,
                    "-n", "4", "-i", "20ms", "--enable"],
                   check=True, timeout=60)
    r = stlm.Recording(rec)
    assert len(r) == 4 and not r.problems and r.catalog == "default-soc"
    assert r.platform["vendor"] and len(r.des) == r.platform["n_des"]
    assert r.de(0x10102).name == "cpu.1.temp"
    first = r.records[0]
    assert first.samples.dtype == stlm.SAMPLE_DTYPE and len(first) > 0
    df = r.to_dataframe()
    assert len(df) == sum(len(x) for x in r)
    assert set(df["record"]) == {0, 1, 2, 3}
    # the same numbers as the CLI's decoder
    out = subprocess.run([STLM_BIN, "decode", "--json", rec], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    doc = json.loads(out)
    want = [(x["id"], x["raw"]) for x in doc["records"][1]["samples"]]
    got = list(zip(r.records[1].samples["id"].tolist(),
                   r.records[1].samples["raw"].tolist()))
    assert got == want
    # a damaged record in the middle is skipped, a torn tail reported
    data = bytearray(open(rec, "rb").read())
    data[r.records[1].offset + 40] ^= 0xFF
    bad = os.path.join(tmp, "bad.stlmrec")
    open(bad, "wb").write(bytes(data[:-7]))
    b = stlm.Recording(bad)
    assert len(b) == 2 and [p[0] for p in b.problems] == ["corrupt", "torn"]
    assert b.records[1].offset == r.records[2].offset
    head = b"STLMREC\0\x01\x00\x00\x00" + bytes(4)
    for body, why in ((b"\x64\x00\x00\x00" + bytes(14), "cut short"),
                      (b"\x0a\x00\x00\x00" + bytes(14), "CRC"),
                      (b"", "shorter than a header")):
        open(bad, "wb").write(head + body)
        with pytest.raises(stlm.Error, match=why):
            stlm.Recording(bad)
    with pytest.raises(FileNotFoundError):
        stlm.Recording(os.path.join(tmp, "none"))


def test_large_platform(tmp):
    p = Platform(tmp, "--des", "20000")
    try:
        with stlm.open(p.uri) as s:
            assert len(s.des) == 20000
            s.enable()
            s.config()
            snap = s.snapshot()
            assert len(snap) == 20000 and snap.valid.mean() > 0.9
            assert len(snap.to_dataframe()) == 20000
    finally:
        p.stop()


def test_ctypes_handle(platform):
    """The session pointer is the library's: ctypes calls on it agree."""
    import ctypes
    lib = ctypes.CDLL(libstlm_soname())
    lib.stlm_session_generation.restype = ctypes.c_uint64
    lib.stlm_session_generation.argtypes = [ctypes.c_void_p]
    with stlm.open(platform.uri) as s:
        g = s.generation
        assert lib.stlm_session_generation(s.handle) == g
        s.enable("cpu.1.temp")
        assert lib.stlm_session_generation(s.handle) == s.generation > g


def libstlm_soname():
    """libstlm as the extension loaded it (already mapped: dlopen by name
    finds it)."""
    with open("/proc/self/maps") as fh:
        for line in fh:
            p = line.split()[-1]
            if "/libstlm.so" in p:
                return p
    pytest.fail("libstlm not mapped")


def test_notebook_example(platform):
    """examples/notebook.py runs top to bottom against a platform."""
    from conftest import SRCDIR
    r = subprocess.run(
        [os.environ.get("STLM_TEST_PYTHON", "/usr/bin/python3"),
         os.path.join(SRCDIR, "examples", "notebook.py"), platform.uri],
        capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "catalog default-soc" in r.stdout
    assert "hottest sensor" in r.stdout and "cpu.0.power" in r.stdout


def test_stub_covers_the_api():
    """__init__.pyi declares every public name, and every public method
    and property of the classes users get."""
    import ast
    path = os.path.join(os.path.dirname(stlm.__file__), "__init__.pyi")
    tree = ast.parse(open(path).read())
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            top.add(node.target.id)
        elif isinstance(node, ast.Assign):
            top.update(t.id for t in node.targets)
        if isinstance(node, ast.ClassDef):
            members[node.name] = {
                n.name if not isinstance(n, ast.AnnAssign) else n.target.id
                for n in node.body
                if isinstance(n, (ast.FunctionDef, ast.ClassDef,
                                  ast.AnnAssign))}
    missing = [n for n in stlm.__all__ if n not in top]
    assert not missing, missing
    for cls in (stlm.Session, stlm.Snapshot, stlm.Catalog, stlm.Recording):
        public = {n for n in vars(cls) if not n.startswith("_")}
        assert public <= members[cls.__name__], \
            (cls.__name__, public - members[cls.__name__])
