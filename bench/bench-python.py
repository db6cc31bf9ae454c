#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
"""Python bindings benchmark (one line per figure, bench/bench-util.h):

 - python_snapshot_numpy: ``s.snapshot()`` and its values as a NumPy
   array (``snap.values``), every DE enabled, against the C snapshot
   (``stlm_snapshot_take`` on a reused snapshot, called through ctypes on
   the same session) measured in the same run, rounds alternating,
   medians (goal <= 2x at 50k DEs);
 - python_to_dataframe: ``snap.to_dataframe()`` of the same snapshot,
   against the snapshot itself.

The platform is ``stlm-platform --des N`` on a private unix socket (and
memory file), started and stopped here. Any failure is fatal (exit 1).

Usage: bench-python.py BUILD [N] [RUNS] [BUDGET_MS]
       (defaults 50000, 200, 1000; BUILD/python holds the package)
"""
import ctypes
import os
import shutil
import signal
import stat
import statistics
import subprocess
import sys
import tempfile
import time


def fail(msg):
    print("bench-python: " + msg, file=sys.stderr)
    sys.exit(1)


def figure(name, des, value, unit, base=None, base_value=None):
    if base is None:
        print("BENCH %s %u %.6g %s" % (name, des, value, unit))
    else:
        print("BENCH %s %u %.6g %s vs %s %.6g %s ratio %.4g" % (
            name, des, value, unit, base, base_value, unit,
            value / base_value if base_value > 0 else 0.0))
    sys.stdout.flush()


def libstlm():
    for line in open("/proc/self/maps"):
        p = line.split()[-1]
        if "/libstlm.so" in p:
            lib = ctypes.CDLL(p)
            lib.stlm_snapshot_new.argtypes = [
                ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
            lib.stlm_snapshot_take.argtypes = [ctypes.c_void_p,
                                               ctypes.c_uint]
            lib.stlm_snapshot_free.argtypes = [ctypes.c_void_p]
            return lib
    fail("libstlm is not loaded")


def main():
    if len(sys.argv) < 2:
        fail("usage: bench-python.py BUILD [N] [RUNS] [BUDGET_MS]")
    build = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    budget = float(sys.argv[4]) if len(sys.argv) > 4 else 1000.0
    sys.path.insert(0, os.path.join(build, "python"))
    try:
        import numpy  # noqa: F401
        import stlm
    except ImportError as e:
        fail("cannot import the bindings from %s/python: %s" % (build, e))

    d = tempfile.mkdtemp(prefix="stlm-bench-py-")
    sock, mem = os.path.join(d, "sock"), os.path.join(d, "mem")
    prog = os.path.join(build, "platform", "stlm-platform")
    p = subprocess.Popen([prog, "--listen", "unix:" + sock, "--mem", mem,
                          "-q", "--des", str(n)])
    try:
        deadline = time.monotonic() + 60
        while not (os.path.exists(sock) and
                   stat.S_ISSOCK(os.stat(sock).st_mode)):
            if p.poll() is not None or time.monotonic() > deadline:
                fail("stlm-platform --des %d did not start" % n)
            time.sleep(0.01)
        run(stlm, "unix:%s?mem=%s" % (sock, mem), n, runs, budget)
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)
        shutil.rmtree(d, ignore_errors=True)


def run(stlm, uri, n, runs, budget):
    with stlm.open(uri, no_catalog=True) as s:
        s.enable()
        s.config()
        lib = libstlm()
        csnap = ctypes.c_void_p()
        r = lib.stlm_snapshot_new(ctypes.c_void_p(s.handle),
                                  ctypes.byref(csnap))
        if r < 0:
            fail("stlm_snapshot_new: %d" % r)
        try:
            # warm both paths (first takes allocate)
            for _ in range(3):
                if lib.stlm_snapshot_take(csnap, 0) != n:
                    fail("C snapshot: not %d samples" % n)
                snap = s.snapshot()
                if len(snap.values) != n:
                    fail("Python snapshot: not %d samples" % n)
            del snap
            c_t, py_t = [], []
            t0 = time.monotonic()
            while len(c_t) < 11 or (len(c_t) < runs and
                                    (time.monotonic() - t0) * 1e3 < budget):
                a = time.perf_counter()
                r = lib.stlm_snapshot_take(csnap, 0)
                b = time.perf_counter()
                if r != n:
                    fail("C snapshot: %d" % r)
                c_t.append((b - a) * 1e6)
                a = time.perf_counter()
                snap = s.snapshot()
                v = snap.values
                b = time.perf_counter()
                if len(v) != n:
                    fail("Python snapshot: %d samples" % len(v))
                del v, snap
                py_t.append((b - a) * 1e6)
            c_med = statistics.median(c_t)
            py_med = statistics.median(py_t)
            figure("python_snapshot_numpy", n, py_med, "us",
                   "c_snapshot_take", c_med)
            snap = s.snapshot()
            df_t = []
            t0 = time.monotonic()
            while len(df_t) < 3 or (len(df_t) < 20 and
                                    (time.monotonic() - t0) * 1e3 < budget):
                a = time.perf_counter()
                df = snap.to_dataframe()
                b = time.perf_counter()
                if len(df) != n:
                    fail("DataFrame: %d rows" % len(df))
                df_t.append((b - a) * 1e6)
            figure("python_to_dataframe", n, statistics.median(df_t), "us",
                   "python_snapshot_numpy", py_med)
        finally:
            lib.stlm_snapshot_free(csnap)


if __name__ == "__main__":
    main()
