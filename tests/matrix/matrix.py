#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
"""The user-path matrix: every stlm subcommand that reads or lists, over
every way to reach a platform, with the catalog found automatically,
absent and given explicitly, as root and as an unprivileged user.

Theory of operation
-------------------
A column is one way to reach a platform. Every column but the built-in
one has its own stlm-platform process (same --seed, default description,
so the same DEs everywhere); stlmd: and stlmfs: share one stlmd that owns
its own emulator (stlmfs: reads that stlmd's FUSE tree). Before the rows
run, root enables every DE and starts collection through the column's own
URI (the built-in platform does that itself per process).

A row is one user command (ROWS). A cell is column x catalog mode x user
x row, run as one process under `timeout -s KILL`. Catalog modes:

  auto      STLM_CATALOG_PATH names the source tree's catalogs/ (what the
            demo and an installed system do), no -c
  absent    STLM_CATALOG_PATH names an empty directory, no -c
  explicit  -c catalogs/default-soc.json, STLM_CATALOG_PATH empty
  noenv     no STLM_CATALOG_PATH at all: the catalog must be found from
            the build tree (next to the program) or the data directory;
            only `info --json` runs in this mode

Users: root, and uid/gid 65534 (setpriv) when the test runs as root. The
unprivileged user reaches unix: (the socket and memory file are opened to
it), tcp:, stlmd: and stlmfs:; shm: (0700 directory) and raw: (a rawfs
mount without allow_other) stay private: there every command must fail
cleanly, naming what failed.

Invariants of every cell (each check has a name, see `check` below):

  bound      the process ends within its bound (not killed)
  exit       the exit status the row expects (1, not 0, when nothing
             could be read; never a crash or a usage error)
  json       --json output is exactly one JSON document
  blame      a failure says what failed: stderr is non-empty, starts with
             "stlm: " and is not a bare strerror text
  sanitizer  no sanitizer report on stderr
  <row's own checks>  (catalog applied, values valid, ...)

and across cells:

  same-des     list --json gives the same ids, names, units, kinds and
               groups on every column (per catalog mode)
  same-values  the constant-valued DEs read the same raw value and the
               same scaled value on every column; the signed battery
               current the same sign and scale
  unchanged    the unprivileged user's commands left root's view of the
               platform unchanged (DEs enabled, collection, interval) and
               stlmd still serves; the same for every watch row (watch
               restores the interval it changed)

Known failures whose fix lies outside the CLI commands are listed in
XFAIL with their issue item: a matching problem is reported as XFAIL and
does not fail the test; an entry that matched nothing although some of
its cells ran is an unexpected pass (XPASS) and fails the test, so the
list stays honest.

Usage: matrix.py [-j N] [--column NAME]... [--keep] [-v]
Environment: STLM, STLM_PLATFORM_BIN, STLMD_BIN, STLM_SRCDIR,
STLM_DATADIR (the configured data directory), STLM_CHARDEV_SHIM (the
chardev: column's test shim; the column skips without it).
"""
import argparse
import concurrent.futures
import fnmatch
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

STLM = os.environ.get("STLM")
PLATFORM = os.environ.get("STLM_PLATFORM_BIN")
STLMD = os.environ.get("STLMD_BIN")
CHARDEV_SHIM = os.environ.get("STLM_CHARDEV_SHIM")
SRCDIR = os.environ.get("STLM_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
DATADIR = os.environ.get("STLM_DATADIR", "/usr/local/share/stlm")
CATALOG = os.path.join(SRCDIR, "catalogs", "default-soc.json")
STLMD_DEFAULT_SOCKET = "/run/stlm/stlmd.sock"
NOBODY = 65534

BOUND_S = 15.0            # one command, any column (stlmfs: reads files)
SETUP_BOUND_S = 20.0
# Constant-valued DEs of the default description (platform/default-soc.json)
CONST_DES = (0x17006, 0x19000)
# Signed DEs that vary (battery current, 32 bits, catalog "signed", "bits"):
# compared as (sign, scale against the sign-extended raw value), which an
# STLMFS tree without the catalog's data size gets wrong (a 64-bit word)
SIGNED_DES = {0x19101: 32}
GLOB = "cpu.*.temp"
GLOB_MATCHES = 10         # cpu.0.temp .. cpu.9.temp with the catalog
# DEs read only by message (no SHMTI line, no FastChannel): no value until
# a single sample is asked for (read -s), so "unreachable" in a plain read
MESSAGE_ONLY = (0x17F00, 0x17F01, 0x17F02)
SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:")
# stderr that is nothing but an errno text names neither what failed nor why
BARE = re.compile(r"^(stlm: )?(Invalid argument|Input/output error|Operation not permitted|"
                  r"Permission denied|No such file or directory|Connection refused|"
                  r"Protocol error|Unknown error.*)\s*$")


# --------------------------------------------------------------------------
# Known failures outside the CLI commands: (column, catalog, user, row,
# check) glob patterns, the issue item, and a condition (None = always).
XFAIL = [
    # every entry removed with its fix: items 3 and 5 (catalogs found and
    # applied over stlmfs:), 7 (export --textfile), 10 (a local permission
    # error is not the platform's DENIED)
]


def match(value, pattern):
    return any(fnmatch.fnmatchcase(value, p) for p in pattern.split("|"))


# --------------------------------------------------------------------------
# Helpers

def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(pred, seconds, proc=None):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.05)
    return pred()


def mounted(path):
    path = os.path.realpath(path)
    try:
        with open("/proc/mounts") as f:
            return any(line.split()[1] == path for line in f)
    except OSError:
        return False


class Result:
    def __init__(self, rc, out, err, elapsed, killed):
        self.rc, self.out, self.err, self.elapsed, self.killed = rc, out, err, elapsed, killed

    def json(self):
        return json.loads(self.out)


class Problem:
    def __init__(self, cell, check, text):
        self.cell, self.check, self.text = cell, check, text
        self.xfail = None

    def key(self):
        return self.cell + (self.check,)

    def __str__(self):
        return "%-8s %-8s %-6s %-22s %-11s %s" % (self.cell + (self.check, self.text))


# --------------------------------------------------------------------------
# Columns

class Column:
    """One way to reach a platform."""

    name = None
    uri = None
    private = False      # unreachable for the unprivileged user (must fail cleanly)
    persistent = True    # configuration survives the process (not built-in)
    skip = None

    def __init__(self, run):
        self.run = run
        self.dir = os.path.join(run.dir, self.name)
        os.makedirs(self.dir)
        os.chmod(self.dir, 0o755)
        self.procs = []

    def start(self):
        pass

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    def platform(self, *listen, mem=None):
        args = [PLATFORM, "--quiet", "--seed", "1"]
        for uri in listen:
            args += ["--listen", uri]
        if mem:
            args += ["--mem", mem]
        log = open(os.path.join(self.dir, "platform.log"), "wb")
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        self.procs.append(p)
        return p

    def setup(self):
        """Root configures the platform: every DE enabled, collection on."""
        for cmd in (["enable", "--all"], ["config", "--on"]):
            r = self.run.stlm(self, "auto", "root", ["-q"] + cmd, bound=SETUP_BOUND_S)
            if r.rc != 0:
                raise RuntimeError("%s: stlm %s: exit %d: %s" % (self.name, " ".join(cmd),
                                                                 r.rc, r.err.strip()))

    def global_args(self):
        return ["-p", self.uri] if self.uri else []

    def extra_env(self):
        return {}


class Builtin(Column):
    name = "builtin"
    persistent = False

    def __init__(self, run):
        super().__init__(run)
        if os.path.exists(STLMD_DEFAULT_SOCKET):
            self.skip = "a stlmd socket exists at %s: the default resolution would use it" % \
                STLMD_DEFAULT_SOCKET

    def setup(self):
        pass


class Unix(Column):
    name = "unix"

    def start(self):
        sock, mem = os.path.join(self.dir, "p.sock"), os.path.join(self.dir, "p.mem")
        p = self.platform("unix:" + sock, mem=mem)
        if not wait_for(lambda: os.path.exists(sock), 10, p):
            raise RuntimeError("%s: platform did not start" % self.name)
        # reachable for the unprivileged user (0755 socket: owner only)
        os.chmod(sock, 0o666)
        os.chmod(mem, 0o644)
        self.uri = self.uri_of(sock, mem)

    def uri_of(self, sock, mem):
        return "unix:%s?mem=%s" % (sock, mem)


class UnixNoMem(Unix):
    name = "unix-nomem"

    def uri_of(self, sock, mem):
        return "unix:" + sock


class Tcp(Column):
    name = "tcp"

    def start(self):
        for _ in range(5):
            port = free_port()
            p = self.platform("tcp:127.0.0.1:%d" % port)
            time.sleep(0.2)
            if p.poll() is None:
                self.uri = "tcp:127.0.0.1:%d" % port
                return
            self.procs.remove(p)
        raise RuntimeError("tcp: platform did not start (ports busy?)")


class Shm(Column):
    name = "shm"
    private = True

    def start(self):
        d = os.path.join(self.dir, "shm")
        p = self.platform("shm:" + d)
        if not wait_for(lambda: os.path.exists(os.path.join(d, "mem")), 10, p):
            raise RuntimeError("shm: platform did not start")
        time.sleep(0.1)
        self.uri = "shm:" + d


def fuse_skip():
    if not os.path.exists("/dev/fuse"):
        return "no /dev/fuse"
    if os.geteuid() != 0:
        return "needs root (FUSE allow_other)"
    return None


class Daemon:
    """One stlmd owning its own emulator, with its socket and tree."""

    def __init__(self, col):
        self.col = col
        self.sock = os.path.join(col.dir, "d.sock")
        self.mnt = os.path.join(col.dir, "mnt")
        self.p = None

    def start(self):
        psock, mem = os.path.join(self.col.dir, "p.sock"), os.path.join(self.col.dir, "p.mem")
        os.makedirs(self.mnt)
        os.chmod(self.mnt, 0o755)
        pl = self.col.platform("unix:" + psock, mem=mem)
        if not wait_for(lambda: os.path.exists(psock), 10, pl):
            raise RuntimeError("stlmd: its platform did not start")
        log = open(os.path.join(self.col.dir, "stlmd.log"), "wb")
        self.p = subprocess.Popen([STLMD, "-f", "--platform", "unix:%s?mem=%s" % (psock, mem),
                                   "--mount", self.mnt, "--socket", self.sock],
                                  stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        self.col.procs.append(self.p)
        ok = wait_for(lambda: os.path.exists(os.path.join(self.mnt, "tlm_0", "version"))
                      and os.path.exists(self.sock), 15, self.p)
        if not ok:
            raise RuntimeError("stlmd did not start (see %s/stlmd.log)" % self.col.dir)

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        if mounted(self.mnt):
            subprocess.run(["umount", "-l", self.mnt], stderr=subprocess.DEVNULL)


class Stlmd(Column):
    name = "stlmd"

    def __init__(self, run):
        super().__init__(run)
        self.skip = fuse_skip() or (None if STLMD else "stlmd not built")

    def start(self):
        self.daemon = Daemon(self)
        self.daemon.start()
        self.uri = "stlmd:" + self.daemon.sock

    def stop(self):
        if getattr(self, "daemon", None):
            self.daemon.stop()
        super().stop()

    def serves(self):
        return self.daemon.p.poll() is None


class Stlmfs(Column):
    """stlmfs: over the stlmd column's own tree (same daemon)."""
    name = "stlmfs"

    def __init__(self, run):
        super().__init__(run)
        self.skip = fuse_skip() or (None if STLMD else "stlmd not built")

    def start(self):
        d = self.run.columns_by_name.get("stlmd")
        if not d or d.skip or not getattr(d, "daemon", None):
            raise RuntimeError("stlmfs: needs the stlmd column")
        self.daemon = d.daemon
        self.uri = "stlmfs:" + os.path.join(self.daemon.mnt, "tlm_0")

    def setup(self):
        pass        # configured through the stlmd column

    def serves(self):
        return self.daemon.p.poll() is None

    def stop(self):
        pass


class Raw(Column):
    name = "raw"
    private = True

    def __init__(self, run):
        super().__init__(run)
        self.skip = fuse_skip()

    def start(self):
        self.mnt = os.path.join(self.dir, "rawfs")
        os.makedirs(self.mnt)
        mem = os.path.join(self.dir, "p.mem")
        p = self.platform("rawfs:" + self.mnt, mem=mem)
        if not wait_for(lambda: os.path.exists(os.path.join(self.mnt, "raw", "message")), 10, p):
            raise RuntimeError("raw: the rawfs mount did not appear")
        self.uri = "raw:%s?mem=%s" % (self.mnt, mem)

    def stop(self):
        super().stop()
        if mounted(self.mnt):
            subprocess.run(["umount", "-l", self.mnt], stderr=subprocess.DEVNULL)


class Chardev(Unix):
    """chardev: on a device file served by the MODEL of the kernel driver
    (tests/chardev/model.c) through the test-only LD_PRELOAD shim, backed
    by this column's own emulator over unix:. The device file is 0644:
    the unprivileged user opens it read-only (reading works)."""
    name = "chardev"

    def __init__(self, run):
        super().__init__(run)
        if not CHARDEV_SHIM or not os.path.exists(CHARDEV_SHIM):
            self.skip = "the chardev test shim is not built"

    def start(self):
        super().start()
        self.platform_uri = self.uri
        self.dev = os.path.join(self.dir, "tlm_0")
        open(self.dev, "w").close()
        os.chmod(self.dev, 0o644)
        self.uri = "chardev:" + self.dev

    def extra_env(self):
        asan = os.environ.get("ASAN_OPTIONS")
        return {"LD_PRELOAD": CHARDEV_SHIM, "STLM_TEST_CHARDEV_PATH": self.dev,
                "STLM_TEST_CHARDEV_PLATFORM": self.platform_uri,
                "ASAN_OPTIONS": (asan + ":" if asan else "") + "verify_asan_link_order=0"}


COLUMNS = [Builtin, Unix, UnixNoMem, Tcp, Shm, Stlmd, Stlmfs, Raw, Chardev]
# columns whose values live in a memory file the URI does not name
NO_MEMORY = ("unix-nomem", "tcp")


# --------------------------------------------------------------------------
# Rows: name -> (argv(cell), checks(cell, result) -> [(check, text)])

class Cell:
    def __init__(self, run, col, cat, user, row):
        self.run, self.col, self.cat, self.user, self.row = run, col, cat, user, row
        self.key = (col.name, cat, user, row)
        self.tag = re.sub(r"[^A-Za-z0-9]+", "-", "%s-%s-%s-%s" % self.key)
        self.outdir = run.outdir[user]

    def path(self, suffix):
        return os.path.join(self.outdir, self.tag + suffix)

    def catalog_expected(self):
        return self.cat != "absent"


def ck_catalog_info(c, r):
    d = r.json()
    name = d.get("catalog")
    if c.catalog_expected() and name != "default-soc":
        return [("catalog", "info: catalog %r, expected default-soc" % name)]
    if not c.catalog_expected() and name is not None:
        return [("catalog", "info: catalog %r applied although none is on the path" % name)]
    return []


def ck_info_text(c, r):
    if "DEs:" not in r.out:
        return [("output", "no 'DEs:' line")]
    return []


def ck_list_text(c, r):
    n = len([l for l in r.out.splitlines() if l.startswith("0x")])
    return [] if n == 351 else [("output", "%d DE lines, expected 351" % n)]


def ck_list_json(c, r):
    d = r.json()
    if d.get("count") != 351 or len(d.get("des", [])) != 351:
        return [("output", "count %r, expected 351" % d.get("count"))]
    c.run.note_list(c, d["des"])
    probs = []
    if c.catalog_expected() and not any(x.get("name") == "cpu.0.temp" for x in d["des"]):
        probs.append(("catalog", "list: no catalog names (cpu.0.temp missing)"))
    if c.col.persistent and not all(x.get("enabled") for x in d["des"]):
        probs.append(("output", "not every DE enabled after root's enable --all"))
    return probs


def ck_glob(c, r):
    n = len([l for l in r.out.splitlines() if l.startswith("0x")])
    if c.catalog_expected():
        if n != GLOB_MATCHES:
            return [("catalog", "list %s: %d rows, expected %d" % (GLOB, n, GLOB_MATCHES))]
        return []
    if GLOB not in r.err:
        return [("glob", "nothing matched but stderr does not say so: %r" % r.err.strip()[:200])]
    return []


def ck_show(c, r):
    if "0x00017006" not in r.out:
        return [("output", "show: no id line")]
    return []


def ck_read_text(c, r):
    if c.col.name in NO_MEMORY:
        return []
    bad = [l.split()[0] for l in r.out.splitlines()
           if l.startswith("0x") and ("(unreachable)" in l or "(disabled)" in l)]
    bad = [i for i in bad if int(i, 16) not in MESSAGE_ONLY]
    if bad:
        return [("values", "read: DEs without a value: %s" % " ".join(bad[:5]))]
    return []


def signed_view(x, bits):
    """A varying signed sample as (sign, scale): the same on every column
    that sign-extends the raw value from its data size and scales it."""
    raw, value = x.get("raw"), x.get("value")
    if not isinstance(raw, int) or not isinstance(value, (int, float)):
        return ("no value", raw, value)
    raw &= (1 << bits) - 1
    sx = raw - (1 << bits) if raw >> (bits - 1) else raw
    if sx == 0:
        return ("zero", value == 0)
    # read as signed (catalog) or as unsigned (no catalog): either way the
    # same on every column of one catalog mode
    return ("negative", "%.6g" % (value / sx)) if value < 0 else \
        ("positive", "%.6g" % (value / raw))


def ck_read_json(c, r):
    d = r.json()
    s = d.get("samples", [])
    valid = [x for x in s if x.get("valid")]
    if c.col.name in NO_MEMORY:
        return []       # exit status and message checked by expect_rc / ck_nomem
    vals = {x["id"]: (x.get("raw"), x.get("value")) for x in s if x["id"] in CONST_DES}
    vals.update({x["id"]: signed_view(x, SIGNED_DES[x["id"]]) for x in s
                 if x["id"] in SIGNED_DES and x.get("valid")})
    c.run.note_values(c, vals)
    if len(s) != 351:
        return [("values", "read --json: %d samples, expected 351" % len(s))]
    bad = [x["id"] for x in s if not x.get("valid") and x["id"] not in MESSAGE_ONLY]
    if bad:
        return [("values", "read --json: %d of %d valid (invalid: %s)" %
                 (len(valid), len(s), ", ".join("0x%x" % i for i in bad[:5])))]
    return []


def ck_nomem(c, r):
    if c.col.name not in NO_MEMORY:
        return []
    if "mem=" not in r.err:
        return [("nomem", "no line saying the values need the memory file (?mem=): %r" %
                 r.err.strip()[:200])]
    return []


def ck_read_csv(c, r):
    lines = r.out.splitlines()
    if not lines or not lines[0].startswith("id,name,value,unit,"):
        return [("output", "read --csv: header %r" % (lines[0] if lines else ""))]
    if c.col.name not in NO_MEMORY and len(lines) != 352:
        return [("output", "read --csv: %d lines" % len(lines))]
    return []


def ck_watch_json(c, r):
    if c.col.name in NO_MEMORY:
        return []
    d = r.json()
    iv = d.get("intervals", [])
    if len(iv) != 2:
        return [("output", "watch --json: %d intervals, expected 2" % len(iv))]
    vals = [s.get("value") for i in iv for s in i["samples"] if s["id"] == 0x17006]
    if c.col.name not in NO_MEMORY and (len(vals) != 2 or None in vals):
        return [("values", "watch --json: soc_volt %r" % vals)]
    return []


def ck_watch_text(c, r):
    if c.col.name not in NO_MEMORY and len(r.out.splitlines()) < 2:
        return [("output", "watch: no rows")]
    return []


def ck_record(c, r):
    rec = c.path(".rec")
    probs = []
    d = c.run.stlm(c.col, c.cat, c.user, ["decode", "--strict", "--json", rec], uri=False)
    probs += c.run.invariants(c, d, "decode", want_json=True)
    if d.rc != 0:
        return probs + [("decode", "decode --strict: exit %d: %s" % (d.rc, d.err.strip()[:200]))]
    doc = d.json()
    recs = doc.get("records", [])
    if len(recs) < 2:
        probs.append(("decode", "%d records" % len(recs)))
    v = [s for x in recs for s in x.get("samples", []) if s.get("id") == 0x17006]
    if not v or not all(s.get("valid") for s in v):
        probs.append(("decode", "soc_volt not valid in every record: %s" % json.dumps(v)[:200]))
    return probs


def ck_catalog_show(c, r):
    want = "default-soc" if c.catalog_expected() else None
    d = r.json()
    if d.get("catalog") != want:
        return [("catalog", "catalog show: %r, expected %r" % (d.get("catalog"), want))]
    return []


def ck_export(c, r):
    try:
        with open(c.path(".prom"), encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        return [("output", "no textfile: %s" % e)]
    if "stlm_up 1" not in text:
        return [("output", "textfile without stlm_up 1")]
    if not c.col.persistent or c.col.name in NO_MEMORY:
        return []       # nothing enabled (built-in) or nothing readable
    if c.catalog_expected() and 'name="cpu.0.temp"' not in text:
        return [("catalog", "textfile: no catalog names (cpu.0.temp)")]
    if c.col.name not in NO_MEMORY and 'stlm_samples{state="valid"} 0' in text:
        return [("values", "textfile: no valid sample")]
    return []


# row name: (argv builder, checks, json output?, expected exit status)
# expected exit: a number, or a function of the cell
def rc_glob(c):
    return 0 if c.catalog_expected() else 1


def rc_read(c):
    return 1 if c.col.name in NO_MEMORY else 0


ROWS = {
    "info": (lambda c: ["info"], [ck_info_text], False, 0),
    "info --json": (lambda c: ["info", "--json"], [ck_catalog_info], True, 0),
    "list": (lambda c: ["list"], [ck_list_text], False, 0),
    "list --json": (lambda c: ["list", "--json"], [ck_list_json], True, 0),
    "list glob": (lambda c: ["list", GLOB], [ck_glob], False, rc_glob),
    "show": (lambda c: ["show", "0x17006"], [ck_show], False, 0),
    "read": (lambda c: ["read"], [ck_read_text, ck_nomem], False, rc_read),
    "read --json": (lambda c: ["read", "--json"], [ck_read_json, ck_nomem], True, rc_read),
    "read --csv": (lambda c: ["read", "--csv"], [ck_read_csv, ck_nomem], False, rc_read),
    "watch": (lambda c: ["watch", "-n", "2", "-i", "200", "0x17006", "0x19000"],
              [ck_watch_text, ck_nomem], False, rc_read),
    "watch --json": (lambda c: ["watch", "--json", "-n", "2", "-i", "200"],
                     [ck_watch_json, ck_nomem], True, rc_read),
    "record": (lambda c: ["record", "-q", "-o", c.path(".rec"), "-d", "450ms", "-i", "100ms",
                          "0x17006", "0x19000"],
               [ck_record], False, rc_read),
    "catalog show": (lambda c: ["catalog", "show", "--json"], [ck_catalog_show], True, 0),
    "export": (lambda c: ["export", "--textfile", c.path(".prom")], [ck_export], False, rc_read),
}
# rows that change the interval while they run: checked to restore it
RESTORES = ("watch", "watch --json")
CATALOGS = ("auto", "absent", "explicit")


# --------------------------------------------------------------------------
# The run

class Run:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="stlm-matrix.")
        os.chmod(self.dir, 0o755)
        self.problems = []
        self.ran = set()            # cell keys that ran
        self.skipped = []
        self.lock = threading.Lock()
        self.lists = {}             # (cat) -> {column: projection}
        self.values = {}            # (cat) -> {column: {id: (raw, value)}}
        self.users = ["root"]
        if os.geteuid() == 0 and shutil.which("setpriv"):
            self.users.append("nobody")
        else:
            print("SKIP: the unprivileged half (needs root and setpriv)")
        self.outdir = {}
        for u in ("root", "nobody"):
            d = os.path.join(self.dir, "out-" + u)
            os.makedirs(d)
            os.chmod(d, 0o777)
            self.outdir[u] = d
        self.tmp = os.path.join(self.dir, "tmp")
        os.makedirs(self.tmp)
        os.chmod(self.tmp, 0o1777)
        self.empty = os.path.join(self.dir, "no-catalogs")
        os.makedirs(self.empty)
        os.chmod(self.empty, 0o755)
        self.columns = []
        self.columns_by_name = {}

    # ---- processes
    def env(self, cat):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8",
               "STLM_STLMFS_ROOT": os.path.join(self.dir, "no-stlmfs"),
               "STLM_CHARDEV_ROOT": os.path.join(self.dir, "no-chardev"), "TMPDIR": self.tmp,
               "HOME": self.tmp}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        if cat == "auto":
            env["STLM_CATALOG_PATH"] = os.path.join(SRCDIR, "catalogs")
        elif cat in ("absent", "explicit"):
            env["STLM_CATALOG_PATH"] = self.empty
        return env

    def stlm(self, col, cat, user, argv, bound=BOUND_S, uri=True):
        cmd = ["timeout", "-s", "KILL", str(bound)]
        if user == "nobody":
            cmd += ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"]
        cmd += [STLM]
        if uri:
            cmd += col.global_args()
            if cat == "explicit":
                cmd += ["-c", CATALOG]
        cmd += argv
        env = self.env(cat)
        if col:
            env.update(col.extra_env())
        t0 = time.monotonic()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                           cwd=self.tmp, stdin=subprocess.DEVNULL)
        el = time.monotonic() - t0
        if self.args.verbose:
            print("  [%5.2fs rc %d] %s" % (el, p.returncode, " ".join(cmd[4:])), flush=True)
        return Result(p.returncode, p.stdout.decode("utf-8", "replace"),
                      p.stderr.decode("utf-8", "replace"), el, p.returncode in (-9, 137))

    # ---- cross-cell records
    def note_list(self, c, des):
        if c.user != "root":
            return
        proj = sorted((x["id"], x.get("name"), x.get("unit"), x.get("kind"), x.get("group"),
                       x.get("component"), x.get("component_instance")) for x in des)
        with self.lock:
            self.lists.setdefault(c.cat, {})[c.col.name] = proj

    def note_values(self, c, vals):
        if c.user != "root":
            return
        with self.lock:
            self.values.setdefault(c.cat, {})[c.col.name] = vals

    def problem(self, cellkey, check, text):
        with self.lock:
            self.problems.append(Problem(cellkey, check, text))

    # ---- invariants
    def invariants(self, c, r, what, want_json):
        probs = []
        if r.killed:
            probs.append(("bound", "%s: killed after %.0f s" % (what, BOUND_S)))
            return probs
        if SANITIZER.search(r.err):
            probs.append(("sanitizer", "%s: %s" % (what, r.err.strip()[:300])))
        if r.rc != 0:
            err = r.err.strip()
            if not err:
                probs.append(("blame", "%s: exit %d with nothing on stderr" % (what, r.rc)))
            elif BARE.match(err.splitlines()[-1]) or not err.startswith("stlm"):
                probs.append(("blame", "%s: does not say what failed: %r" % (what, err[:200])))
        if want_json and r.out.strip():
            try:
                json.loads(r.out)
            except ValueError as e:
                probs.append(("json", "%s: not one JSON document (%s): %r" % (what, e, r.out[:120])))
        elif want_json and r.rc == 0:
            probs.append(("json", "%s: nothing on stdout" % what))
        return probs

    def run_cell(self, col, cat, user, row):
        c = Cell(self, col, cat, user, row)
        argv_f, checks, want_json, want_rc = ROWS[row]
        before = None
        if row in RESTORES and col.persistent and user == "root":
            before = self.config_state(col)
        r = self.stlm(col, cat, user, argv_f(c))
        with self.lock:
            self.ran.add(c.key)
        probs = self.invariants(c, r, row, want_json)
        unreachable = user == "nobody" and col.private
        if unreachable:
            if r.rc != 1:
                probs.append(("exit", "private column: exit %d, expected 1" % r.rc))
            elif "ermission" not in r.err:
                probs.append(("blame", "private column: the error does not say permission "
                              "denied: %r" % r.err.strip()[:200]))
        elif not r.killed:
            rc = want_rc(c) if callable(want_rc) else want_rc
            if r.rc != rc:
                probs.append(("exit", "exit %d, expected %d: %s" % (r.rc, rc, r.err.strip()[:240])))
            if r.rc == 0 or (r.rc == rc and row != "record"):
                for ck in checks:
                    try:
                        probs += ck(c, r)
                    except (ValueError, KeyError, TypeError, AttributeError) as e:
                        probs.append(("output", "%s: %s: %r" % (ck.__name__, e, r.out[:160])))
        if before is not None:
            after = self.config_state(col)
            if after != before:
                probs.append(("unchanged", "%s left the platform changed: %s -> %s" %
                              (row, before, after)))
        for check, text in probs:
            self.problem(c.key, check, text)

    def config_state(self, col):
        """Root's view: collection and interval, and the enabled DEs."""
        r = self.stlm(col, "absent", "root", ["config", "--json"])
        s = self.stlm(col, "absent", "root", ["list", "--json", "--enabled"])
        try:
            cfg = r.json()
            en = s.json()
            return (cfg["collection"]["enabled"], cfg["collection"]["mode"],
                    cfg["collection"]["interval_ns"], en["count"])
        except (ValueError, KeyError, TypeError):
            return ("unreadable", r.rc, r.err.strip()[:100], s.rc)

    def run_column(self, col):
        rows = [r for r in ROWS if not self.args.row or r in self.args.row]
        for user in self.users:
            before = self.config_state(col) if col.persistent and user == "nobody" else None
            for cat in CATALOGS:
                for row in rows:
                    self.run_cell(col, cat, user, row)
            self.run_cell(col, "noenv", user, "info --json")
            if before is not None:
                after = self.config_state(col)
                if after != before:
                    self.problem((col.name, "*", user, "after"), "unchanged",
                                 "root's view changed: %s -> %s" % (before, after))
                if isinstance(col, (Stlmd, Stlmfs)) and not col.serves():
                    self.problem((col.name, "*", user, "after"), "unchanged", "stlmd died")

    # ---- cross-column comparisons
    def compare(self):
        for kind, table in (("same-des", self.lists), ("same-values", self.values)):
            for cat, cols in table.items():
                base = "builtin" if "builtin" in cols else (sorted(cols)[0] if cols else None)
                for name, v in cols.items():
                    if name == base or v == cols[base]:
                        continue
                    if kind == "same-des":
                        diff = [(a, b) for a, b in zip(cols[base], v) if a != b][:2]
                        text = "differs from %s: %s" % (base, diff or "count")
                    else:
                        text = "constant DEs %s, %s reads %s" % (v, base, cols[base])
                    row = "list --json" if kind == "same-des" else "read --json"
                    self.problem((name, cat, "root", row), kind, text)

    # ---- main
    def main(self):
        wanted = self.args.column
        for cls in COLUMNS:
            if wanted and cls.name not in wanted and not (cls.name == "stlmd" and "stlmfs" in wanted):
                continue
            col = cls(self)
            self.columns.append(col)
            self.columns_by_name[col.name] = col
        t0 = time.monotonic()
        try:
            for col in self.columns:
                if col.skip:
                    print("SKIP column %s: %s" % (col.name, col.skip))
                    continue
                col.start()
                col.setup()
            active = [c for c in self.columns if not c.skip]
            if wanted:
                active = [c for c in active if c.name in wanted]
            # stlmd: and stlmfs: share one daemon and its platform: one
            # after the other, or each would see the other's changes
            groups, shared = [], []
            for c in active:
                if isinstance(c, (Stlmd, Stlmfs)):
                    shared.append(c)
                else:
                    groups.append([c])
            if shared:
                groups.insert(0, shared)

            def run_group(cols):
                for c in cols:
                    self.run_column(c)
            with concurrent.futures.ThreadPoolExecutor(self.args.jobs) as ex:
                for f in [ex.submit(run_group, g) for g in groups]:
                    f.result()
            self.compare()
        finally:
            for col in reversed(self.columns):
                try:
                    col.stop()
                except Exception as e:      # keep cleaning up
                    print("cleanup %s: %s" % (col.name, e))
        return self.report(time.monotonic() - t0)

    def report(self, elapsed):
        used = set()
        failed = []
        for p in self.problems:
            for i, x in enumerate(XFAIL):
                cond = x[6]
                if cond is not None and not cond():
                    continue
                if all(match(a, b) for a, b in zip(p.key(), x[:5])):
                    p.xfail = x[5]
                    used.add(i)
                    break
            if p.xfail:
                print("XFAIL %s\n      (%s)" % (p, p.xfail))
            else:
                failed.append(p)
        xpass = []
        for i, x in enumerate(XFAIL):
            cond = x[6]
            if i in used or (cond is not None and not cond()):
                continue
            if any(all(match(a, b) for a, b in zip(k, x[:4])) for k in self.ran):
                xpass.append(x)
        for p in failed:
            print("FAIL  %s" % p)
        for x in xpass:
            print("XPASS %s: no cell %s fails '%s' any more: remove it from XFAIL" %
                  (x[5], "/".join(x[:4]), x[4]))
        print("%d cells in %.1f s: %d problems, %d expected (XFAIL), %d unexpected passes" %
              (len(self.ran), elapsed, len(failed), len(self.problems) - len(failed), len(xpass)))
        if self.args.keep:
            print("kept %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        return 1 if failed or xpass else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-j", "--jobs", type=int, default=3)
    ap.add_argument("--column", action="append", help="only this column (repeatable)")
    ap.add_argument("--row", action="append", help="only this row (repeatable)")
    ap.add_argument("--keep", action="store_true", help="keep the directory")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if not STLM or not PLATFORM or not os.access(STLM, os.X_OK):
        print("SKIP: STLM and STLM_PLATFORM_BIN must name the binaries")
        return 77
    if not shutil.which("timeout"):
        print("SKIP: timeout(1) missing")
        return 77
    run = Run(args)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit(1))
    return run.main()


if __name__ == "__main__":
    sys.exit(main())
