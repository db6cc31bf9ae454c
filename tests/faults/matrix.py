#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
"""The fault matrix: every stlm-platform fault kind crossed with every
consumer, with real processes.

Theory of operation
-------------------
One cell = one fault kind x one consumer, in its own directory with its
own emulated platform (tests/faults/platform.json: collection on at boot,
two SHMTIs updated every 10 ms; pass_a and pass_b are equal in every
update pass, temp is constant) serving unix:DIR/p.sock with a 200 ms
command timeout in the URI. The fault is given with --armed-fault, so the
platform starts clean. Every cell runs the same timeline:

  1. healthy: the consumer is started and must report every DE valid;
  2. fault:   SIGUSR2 arms the fault ("gone": the platform is stopped);
              the window starts when the platform acknowledges it (-v:
              "faults armed" on its stderr); observed for FAULT_S s;
  3. cleared: SIGUSR1 clears every fault (reset and flood fire once and
              are over by then; "gone": a new platform is started;
              "reset": the configuration is applied again, see
              RESET_ACTION); observed until every DE is valid again (at
              most RECOVER_S seconds) and stays valid.

Cells outside the grid (EXTRA): "lib-shm" is the library over the shm
transport, "lib-open" a library session opened while the fault is armed.

A consumer is polled (one-shot commands, each bounded by `timeout` and
its elapsed time compared with the bound of the row) or streams
(long-running processes, each line stamped on arrival). Every
observation is reduced to a class:

  valid     every DE valid
  stale     every DE valid but flagged stale
  torn0     pass_a and pass_b (SHMTI 0) flagged, no value; temp valid
  disabled  no DE has a value, and no error is reported
  error     the consumer reported an error (text kept for the checks)

and checked against the row: the classes allowed during the fault, the
class that must be seen during it, the error text that must appear, and
the invariants of every cell: no valid value mixing passes (pass_a ==
pass_b whenever both are valid), no crash (exit status, no sanitizer
report on stderr), no step beyond its bound, recovery, and for record a
recording whose every record decodes (stlm decode --strict) with the
invalid samples flagged.

The table below (CELLS) is the single source of the expectations:
`matrix.py --markdown` prints it as the table of docs/RELIABILITY.md,
and `matrix.py --check-doc FILE` fails when the document differs.

Usage: matrix.py [--consumer NAME]... [--fault NAME]... [-j N]
       [--markdown] [--check-doc FILE] [--explore] [--check-platform]
Environment: STLM, STLM_PLATFORM_BIN, STLMD_BIN, STLM_FAULT_PROBE,
STLM_SRCDIR.
"""
import argparse
import concurrent.futures
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

TIMEOUT_MS = 200          # per-command timeout given in the URI
RETRIES = 3               # the library's default retries
# One command attempt chain: (retries + 1) x timeout, plus process start,
# discovery and (under sanitizers) slack.
CMD_BOUND_S = (RETRIES + 1) * TIMEOUT_MS / 1000.0 + 2.5
HEALTHY_S = 8.0           # time allowed to reach the first valid observation
FAULT_S = 2.0             # fault window
SETTLE_S = 0.6            # part of the fault window not judged for "must"
RECOVER_S = 6.0           # time allowed to be valid again after the clear
POLL_S = 0.12             # pause between one-shot polls

IDS = (0x100, 0x101, 0x200)
SHMTI0 = (0x100, 0x101)

SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:")

# --------------------------------------------------------------------------
# The matrix

FAULTS = [
    # name, spec (armed by SIGUSR2), what it does
    ("delay", "delay:ms=600", "every reply 600 ms late (> the 200 ms timeout)"),
    ("drop", "drop", "no reply to any command"),
    ("status", "status:status=BUSY", "every command answered BUSY"),
    ("length", "length:bytes=-4", "every reply 4 bytes short"),
    ("token", "token", "every reply carries the wrong token"),
    ("reserved", "reserved", "reserved bits set in every reply"),
    ("torn", "torn:shmti=0", "SHMTI 0 left torn after every pass"),
    ("stuck", "stuck:shmti=0", "SHMTI 0 writer hung mid-update"),
    ("reset", "reset:ms=0", "platform reset: every DE disabled, collection off"),
    ("flood", "flood:count=6000", "6000 TELEMETRY_UPDATE notifications at once"),
    ("gone", None, "the platform process stops (SIGTERM) and is started again"),
]
FAULT_SPEC = {f[0]: f[1] for f in FAULTS}

CONSUMERS = [
    ("lib", "library: stlm_snapshot_take() (tests/faults/probe.c)"),
    ("read", "stlm read --json (one process per poll)"),
    ("watch", "stlm watch --csv (one process)"),
    ("record", "stlm record --stream json (one process), then stlm decode --strict"),
    ("tree", "stlmd FUSE tree: des/<id>/value"),
    ("sock", "stlmd client socket: stlm -p stlmd:PATH read --json"),
    ("export", "stlm export: GET /metrics over loopback HTTP"),
]
# Cells outside the grid: the shm transport's notification path.
# "lib-open": the library session is opened while the fault is armed.
EXTRA = [("flood", "lib-shm"), ("torn", "lib-open")]


class Cell:
    """Expected behaviour of one cell.

    during:  classes allowed while the fault is armed
    must:    a class that must be seen in the fault window (FAULT_S)
    err:     a regular expression the error text must match (class error)
    doc:     what the user sees, for the table
    recover: how recovery happens, for the table
    """

    def __init__(self, during, must, doc, recover, err=None, flag=None,
                 action=None, check=None):
        self.during = set(during.split())
        if "valid" in self.during:
            # values that did not change since the previous take (the
            # platform was late with an update, e.g. under load) are
            # still valid values
            self.during.add("stale")
        self.must = must
        self.err = err
        self.doc = doc
        self.recover = recover
        self.flag = flag        # flag every invalid DE must carry
        self.action = action    # reset: how the configuration is re-applied
        self.check = check      # extra check(cellrun, observations) -> problem


CELLS = {}


def cell(fault, consumer, *a, **kw):
    CELLS[(fault, consumer)] = Cell(*a, **kw)


FLOOD_N = 6000
# reset: how the configuration is re-applied (one agent at a time: the
# consumers that hold the channel are stopped first)
RESET_ACTION = {"lib": "restart", "read": "cli", "watch": "restart", "record": "restart",
                "tree": "tree", "sock": "sock", "export": "restart"}


def ev_last(obs):
    """Event counts of the last probe run (its final drain at exit)."""
    evs = [o.ev for o in obs if getattr(o, "ev", None)]
    return evs[-1] if evs else None


def flood_unix(cr, obs):
    ev = ev_last(obs)
    if not ev or ev[0] + ev[1] != FLOOD_N:
        return "events: %s UPDATE + LOST != %d notifications" % (ev, FLOOD_N)
    # The probe drains the queue once a second, so the burst normally
    # overflows it; a slow platform (sanitizers, load) may spread it
    # over two drains: the accounting must be exact either way.
    cr.note("events: %d UPDATE + %d LOST = %d" % (ev[0], ev[1], FLOOD_N))
    return None


def flood_shm(cr, obs):
    ev = ev_last(obs)
    dropped = cr.plat_log.count("dropping the oldest notification")
    if not ev or ev[1] != 0 or ev[0] + dropped != FLOOD_N:
        return "events %s + %d dropped by the platform != %d" % (ev, dropped, FLOOD_N)
    cr.note("events: %d UPDATE, LOST 0, %d dropped by the platform's P2A queue" % (ev[0], dropped))
    return None


# Recovery, for the table
R_STREAM = "same process: the next snapshot after the clear is valid"
R_POLL = "the next command after the clear succeeds"
R_DAEMON = "stlmd probes (CONFIG_GET every 250 ms) and serves again when it answers"
R_DAEMON_RECONNECT = "stlmd reconnects (at most every 200 ms) once the platform is back"
R_SCRAPE = "the next scrape after the clear has `stlm_up 1` and every series"
R_RECONFIG = "needs the configuration again: `stlm enable --all` + `stlm config --on` (here: %s)"

UNAFFECTED = "unaffected (no command is sent while reading shared memory): every value valid"


def export_invalid(n):
    def check(cr, obs):
        late = [o for o in obs if cr.t_arm + SETTLE_S <= o.t < cr.t_clear and o.cls() == "torn0"]
        bad = [o.invalid for o in late if o.invalid != n]
        return "stlm_samples{state=\"invalid\"} %s, expected %d" % (bad[0], n) if bad else None
    return check


# Command faults: every command of every protocol fails while armed.
CMD = {
    # fault: (CLI message, tree errno text, lib errno, what happens)
    "delay": ("did not answer in time", "Input/output error", "ETIMEDOUT",
              "each attempt times out; after 1 + 3 retries"),
    "drop": ("did not answer in time", "Input/output error", "ETIMEDOUT",
             "each attempt times out; after 1 + 3 retries"),
    "token": ("did not answer in time", "Input/output error", "ETIMEDOUT",
              "the reply matches no command (dropped, logged); after 1 + 3 retries"),
    "reserved": ("did not answer in time", "Input/output error", "ETIMEDOUT",
                 "the malformed reply header is dropped (logged); after 1 + 3 retries"),
    "status": ("kept answering BUSY", "Device or resource busy", "EBUSY",
               "BUSY is retried 3 times with a 1, 2, 4 ms back-off, then"),
    "length": ("sent a malformed reply", "Bad message", "EBADMSG",
               "the short reply fails to decode at once:"),
}
for f, (cli, tree, eno, how) in CMD.items():
    cell(f, "lib", "valid", "valid", UNAFFECTED, R_STREAM)
    cell(f, "read", "error", "error",
         "%s exit 1, `error.message` \"cannot open platform '...': %s\" (%s)" % (how, cli.replace("kept", "... kept").replace("sent", "the platform sent").replace("did not", "the platform did not"), eno),
         R_POLL, err=cli)
    cell(f, "watch", "valid", "valid", UNAFFECTED, R_STREAM)
    cell(f, "record", "valid", "valid", UNAFFECTED + "; every record decodes", R_STREAM)
    cell(f, "tree", "error", "error",
         "`des_bulk_read` and `des/<id>/value` fail with %s (%s), never stale values%s" % (
             eno if eno != "ETIMEDOUT" else "EIO", tree,
             "; the timed-out session is kept (not retired), so the channel stays ours" if eno == "ETIMEDOUT" else ""),
         R_DAEMON, err=tree)
    cell(f, "sock", "error", "error",
         "`stlm -p stlmd:PATH read` exits 1: \"%s\"" % (
             "cannot open platform '...': stlmd is running but cannot use its platform now (it keeps retrying)\" (stderr says first that stlmd gets no answer from its platform, since when, the last error) or \"cannot read the collection state: the platform did not answer in time"
             if eno == "ETIMEDOUT" else "cannot read the collection state: ...%s" % cli),
         R_DAEMON, err=cli + ("|stlmd is running but cannot use its platform now" if eno == "ETIMEDOUT" else ""))
    cell(f, "export", "error", "error",
         "`stlm_up 0` and no DE series (each scrape sends CONFIG_GET first; a scrape takes up to (1 + 3) x timeout)",
         R_SCRAPE, err=r"stlm_up 0")

# torn / stuck: SHMTI 0 never has a consistent pass while armed.
for f, why in [("torn", "match_end != match_start after every pass"),
               ("stuck", "match_start stays odd")]:
    # The emulator's torn fault stores match_end after the clean end of
    # the pass: a reader can see that instant as a consistent pass, and
    # then every value of it is valid and from that one pass.
    during = "torn0 valid" if f == "torn" else "torn0"
    txt = "pass_a, pass_b (SHMTI 0: %s) have no value; temp (SHMTI 1) valid" % why
    cell(f, "lib", during, "torn0", txt + ": flag `STLM_SAMPLE_TORN`, after 5 reader attempts", R_STREAM, flag="torn")
    cell(f, "read", during, "torn0", txt + ": `\"valid\": false`, `\"value\": null`, `\"flags\": [\"unreachable\"]` "
         "(a new session cannot place lines in a SHMTI with no consistent pass)", R_POLL, flag="unreachable")
    cell(f, "watch", during, "torn0", txt + ": empty value field in the CSV row", R_STREAM)
    cell(f, "record", during, "torn0", txt + ": stream `\"status\": \"torn\"`, recorded with flag 0x4 and no value; every record decodes", R_STREAM, flag="torn")
    cell(f, "tree", during, "torn0", txt + ": absent from `des_bulk_read`, `des/<id>/value` fails with EPROTO", R_STREAM, err=r"Protocol error")
    cell(f, "sock", during, "torn0", txt + ": as `stlm read` (`\"flags\": [\"torn\"]`)", R_POLL, flag="torn")
    cell(f, "export", during, "torn0", txt + ": their series are absent, `stlm_samples{state=\"invalid\"} 2`, `stlm_up 1`", R_SCRAPE,
         check=export_invalid(2))

# reset: the platform comes back with every DE disabled and collection off.
def reset_events(cr, obs):
    resets = max([o.ev[2] for o in obs if getattr(o, "ev", None)] or [0])
    if resets < 1:
        return "no STLM_EVENT_RESET"
    return None


cell("reset", "lib", "disabled", "disabled",
     "the first take after the reset flags the DEs `STLM_SAMPLE_UNREACHABLE` (lines gone); the session resynchronises by itself "
     "(`STLM_EVENT_RESET`, generation + 1) and later takes hold no sample (nothing enabled)",
     R_RECONFIG % "the probe is restarted after it", check=reset_events)
cell("reset", "read", "disabled", "disabled", "exit 0 with `\"samples\": []` (nothing enabled)", R_RECONFIG % "between two reads")
cell("reset", "watch", "disabled", None, "no more rows (nothing enabled), no stale value", R_RECONFIG % "watch is restarted after it")
cell("reset", "record", "disabled", "disabled",
     "records go on with no sample (nothing enabled); every record decodes", R_RECONFIG % "record is restarted after it")
cell("reset", "tree", "error", "error",
     "`des_bulk_read` fails with EINVAL (telemetry off), `des/<id>/value` with ENODATA", R_RECONFIG.replace(
         "`stlm enable --all` + `stlm config --on`", "`echo y > tlm_enable; echo y > all_des_enable`") % "through the tree",
     err=r"Invalid argument|No data available")
cell("reset", "sock", "disabled", "disabled", "as `stlm read`: `\"samples\": []`", R_RECONFIG % "through the socket")
cell("reset", "export", "disabled", "disabled", "`stlm_up 1`, no DE series, `stlm_samples{state=\"valid\"} 0`",
     R_RECONFIG % "the exporter is restarted after it")
for c in RESET_ACTION:
    CELLS[("reset", c)].action = RESET_ACTION[c]

# flood: 6000 notifications at once.
cell("flood", "lib", "valid", "valid",
     "values unaffected; the events are counted exactly: UPDATE events + the `lost` counts of `STLM_EVENT_LOST` = 6000 "
     "(the queue holds 4096; the probe drains it once a second)",
     R_STREAM, check=flood_unix)
cell("torn", "lib-open", "torn0", "torn0",
     "session opened while SHMTI 0 is torn: its lines cannot be placed, pass_a and pass_b are `STLM_SAMPLE_UNREACHABLE` "
     "with no value; temp valid", "the session re-learns the placements by itself at the first take after a consistent pass",
     flag="unreachable")
cell("flood", "lib-shm", "valid", "valid",
     "shm transport: values unaffected; the platform's 64-entry P2A queue drops the oldest notifications (logged by the platform): "
     "UPDATE events + platform drops = 6000, and the agent gets **no** `STLM_EVENT_LOST` for them",
     R_STREAM, check=flood_shm)
for c in ("read", "watch", "record", "tree", "sock", "export"):
    cell("flood", c, "valid", "valid", "values unaffected, no crash", R_STREAM if c in ("watch", "record", "tree") else R_POLL)

# gone: the platform process stops, then a new one starts.
cell("gone", "lib", "error", "error",
     "`stlm_snapshot_take()` fails with -ECONNRESET (never the last shared-memory values); opens fail with -ENOENT while nothing listens",
     "the application opens a new session; it succeeds once the platform is back", err=r"rc=-(104|2|111)\b")
cell("gone", "read", "error", "error", "exit 1: \"cannot open platform '...': nothing there (no socket or directory)\"", R_POLL,
     err=r"nothing there|connection refused")
cell("gone", "watch", "error", "error", "exit 1: \"stlm: cannot read: the platform went away\"",
     "run it again once the platform is back", err=r"^exit 1: stlm: cannot read: the platform went away$")
cell("gone", "record", "error", "error",
     "exit 1 after 5 failed takes: \"snapshot failed 5 times in a row: the platform went away\"; the records written so far all decode",
     "run it again once the platform is back", err=r"^exit 1: stlm: snapshot failed 5 times in a row: the platform went away$")
cell("gone", "tree", "error", "error", "`des_bulk_read` and `des/<id>/value` fail with EIO; the mount stays",
     R_DAEMON_RECONNECT, err=r"Input/output error")
cell("gone", "sock", "error", "error",
     "`stlm -p stlmd:PATH read` exits 1: \"cannot open platform '...': stlmd is running but cannot use its platform now (it keeps retrying)\" (stderr says first that stlmd has lost its platform, for how long, the last error and when it retries) or \"... the platform went away\"",
     R_DAEMON_RECONNECT, err=r"stlmd is running but cannot use its platform now \(it keeps retrying\)|went away")
cell("gone", "export", "error", "error", "`stlm_up 0`, no DE series",
     "the exporter reopens its session at the next scrape after the failure: `stlm_up 1` as soon as the platform is back",
     err=r"stlm_up 0")


# --------------------------------------------------------------------------
# Environment

def env_bin(name):
    v = os.environ.get(name)
    if not v or not os.access(v, os.X_OK):
        return None
    return v


STLM = env_bin("STLM")
PLATFORM = env_bin("STLM_PLATFORM_BIN")
STLMD = env_bin("STLMD_BIN")
PROBE = env_bin("STLM_FAULT_PROBE")
SRCDIR = os.environ.get("STLM_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURE = os.path.join(SRCDIR, "tests", "faults", "platform.json")


def fuse_ok():
    return os.path.exists("/dev/fuse") and os.geteuid() == 0 and STLMD is not None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Failed(Exception):
    pass


# --------------------------------------------------------------------------
# Observations

class Obs:
    def __init__(self, t, values=None, flags=None, err=None, elapsed=None):
        self.t = t
        self.values = values or {}     # id -> raw (valid only)
        self.flags = flags or {}       # id -> set of flag names (when known)
        self.err = err
        self.elapsed = elapsed

    def cls(self):
        if self.err is not None:
            return "error"
        v = self.values
        if all(i in v for i in IDS):
            if self.flags and all("stale" in self.flags.get(i, ()) for i in IDS):
                return "stale"
            return "valid"
        if 0x200 in v and not any(i in v for i in SHMTI0):
            return "torn0"
        if not v:
            return "disabled"
        return "mixed"

    def __repr__(self):
        if self.err is not None:
            return "error(%s)" % self.err[:80]
        return "%s%s" % (self.cls(), {hex(k): v for k, v in self.values.items()})


FLAG_NAMES = ["valid", "stale", "torn", "disabled", "unreachable", "invalid",
              "timestamp", "fastchannel", "message"]


def flag_set(bits):
    return {n for i, n in enumerate(FLAG_NAMES) if bits & (1 << i)}


class Consumer:
    """Base: start() launches what must run, poll() returns one Obs (for
    one-shot consumers) or None (streaming: observations arrive through
    self.obs), stop() ends everything and returns problems found."""
    streaming = False

    def __init__(self, cellrun):
        self.c = cellrun
        self.obs = []
        self.lock = threading.Lock()

    def add(self, o):
        with self.lock:
            self.obs.append(o)

    stopping = False

    def start(self):
        pass

    def poll(self):
        return None

    def ended(self, name):
        """The stream ended: an error observation unless we stopped it."""
        if self.stopping:
            return
        rc = self.p.wait()
        try:
            txt = open(os.path.join(self.c.dir, name + ".err"), errors="replace").read()
        except OSError:
            txt = ""
        lines = [l for l in txt.splitlines() if l.strip()]
        self.add(Obs(time.monotonic(), err="exit %d: %s" % (rc, lines[-1] if lines else "")))

    def end(self, name):
        """Stop a streaming process; it may have ended by itself (exit 1)."""
        self.stopping = True
        if self.p.poll() is not None:
            rc = self.p.returncode
            probs = [] if rc == 1 else ["%s: ended by itself with exit status %d" % (name, rc)]
        else:
            self.p.send_signal(signal.SIGTERM)
            try:
                rc = self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
                return ["%s: did not end on SIGTERM" % name]
            probs = [] if rc == 0 else ["%s: exit status %d on SIGTERM" % (name, rc)]
        self.th.join(5)
        return probs + self.c.sanitizer(name)

    def stop(self):
        return []


def run_bounded(cmd, bound, env=None):
    t0 = time.monotonic()
    try:
        p = subprocess.run(["timeout", "-k", "2", str(int(bound) + 5)] + cmd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env)
    except OSError as e:
        raise Failed("cannot run %s: %s" % (cmd[0], e))
    return p, time.monotonic() - t0


def read_json_obs(p, elapsed, t0, what):
    """stlm read --json: one document, samples or error."""
    if SANITIZER.search(p.stderr.decode(errors="replace")):
        raise Failed("%s: sanitizer report: %s" % (what, p.stderr.decode(errors="replace")[-800:]))
    if p.returncode not in (0, 1):
        raise Failed("%s: exit status %d (crash or hang): %s" % (what, p.returncode, p.stderr[-300:]))
    try:
        d = json.loads(p.stdout)
    except ValueError:
        raise Failed("%s: not one JSON document: %r" % (what, p.stdout[:200]))
    if p.returncode:
        msg = d.get("error", {}).get("message")
        if not msg:
            raise Failed("%s: exit 1 without error.message" % what)
        return Obs(t0, err=msg, elapsed=elapsed)
    values, flags = {}, {}
    for s in d["samples"]:
        flags[s["id"]] = set(s["flags"])
        if s["valid"]:
            if s["value"] is None or "valid" not in s["flags"]:
                raise Failed("%s: valid sample without value/flag: %s" % (what, s))
            values[s["id"]] = s["raw"]
        elif s["value"] is not None or s["raw"] is not None:
            raise Failed("%s: invalid sample with a value: %s" % (what, s))
    return Obs(t0, values, flags, elapsed=elapsed)


class Lib(Consumer):
    streaming = True

    def start(self):
        self.p = subprocess.Popen([PROBE, self.c.uri, str(int(self.c.total_s * 1000)), "50"],
                                  stdout=subprocess.PIPE, stderr=self.c.errfile("probe"))
        self.th = threading.Thread(target=self.reader, daemon=True)
        self.th.start()

    def reader(self):
        for line in self.p.stdout:
            d = json.loads(line)
            t = d["mono_ns"] / 1e9
            el = d["ms"] / 1000.0
            if d["rc"] < 0:
                self.add(Obs(t, err="%s rc=%d" % (d["op"], d["rc"]), elapsed=el))
            elif d["op"] == "end":
                o = Obs(t)
                o.ev = d["ev"]
                o.end = True
                self.add(o)
            elif d["op"] == "take":
                values, flags = {}, {}
                for i, fl, raw in d["s"]:
                    flags[i] = flag_set(fl)
                    if raw is not None:
                        if not fl & 1:
                            raise Failed("lib: raw reported for an invalid sample")
                        values[i] = raw
                    elif fl & 1:
                        raise Failed("lib: valid sample without raw")
                o = Obs(t, values, flags, elapsed=el)
                o.ev = d["ev"]
                self.add(o)
            else:
                # a successful open is not an observation; its time is bounded
                if el > CMD_BOUND_S:
                    self.c.problem("lib: open took %.2f s" % el)

    def stop(self):
        probs = []
        self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return ["lib: probe did not end (hang)"]
        self.th.join(5)
        if rc != 0:
            probs.append("lib: probe exit status %d" % rc)
        return probs + self.c.sanitizer("probe")


class Read(Consumer):
    def __init__(self, cellrun, uri=None, what="read"):
        super().__init__(cellrun)
        self.uri = uri
        self.what = what

    def poll(self):
        t0 = time.monotonic()
        p, el = run_bounded([STLM, "-q", "-p", self.uri or self.c.uri, "read", "--json"],
                            CMD_BOUND_S)
        return read_json_obs(p, el, t0, self.what)


class Watch(Consumer):
    streaming = True

    def start(self):
        self.p = subprocess.Popen([STLM, "-q", "-p", self.c.uri, "watch", "--csv", "-i", "50"],
                                  stdout=subprocess.PIPE, stderr=self.c.errfile("watch"))
        self.th = threading.Thread(target=self.reader, daemon=True)
        self.th.start()

    def reader(self):
        cur_t, cur = None, {}
        for line in self.p.stdout:
            line = line.decode(errors="replace").rstrip("\n")
            if line.startswith("time_s"):
                continue
            parts = line.split(",")
            if len(parts) < 5:
                continue
            if parts[0] != cur_t and cur_t is not None:
                self.flush(cur)
                cur = {}
            cur_t = parts[0]
            cur[int(parts[1], 16)] = parts[3]
            if len(cur) == len(IDS):
                self.flush(cur)
                cur, cur_t = {}, None
        self.ended("watch")

    def flush(self, cur):
        values = {i: float(v) for i, v in cur.items() if v != ""}
        self.add(Obs(time.monotonic(), values))

    def stop(self):
        return self.end("watch")


class Record(Consumer):
    streaming = True

    def start(self):
        self.file = os.path.join(self.c.dir, "rec%d.stlm" % self.c.n_start)
        self.streamed = []
        self.p = subprocess.Popen([STLM, "-q", "-p", self.c.uri, "record", "-o", self.file,
                                   "-i", "50ms", "--stream", "json"],
                                  stdout=subprocess.PIPE, stderr=self.c.errfile("record"))
        self.th = threading.Thread(target=self.reader, daemon=True)
        self.th.start()

    def reader(self):
        for line in self.p.stdout:
            d = json.loads(line)
            self.streamed.append(d)
            values, flags = {}, {}
            for s in d["samples"]:
                i = s["id"]
                flags[i] = {s["status"]}
                if s["status"] == "ok":
                    values[i] = s["value"]
                elif s["value"] is not None:
                    raise Failed("record: value streamed for a %s sample" % s["status"])
            self.add(Obs(time.monotonic(), values, flags))
        self.ended("record")

    def stop(self):
        probs = self.end("record")
        p, _ = run_bounded([STLM, "decode", "--json", "--strict", self.file], 20)
        if p.returncode != 0:
            return probs + ["record: decode --strict exit %d: %s" % (p.returncode, p.stderr[-300:])]
        d = json.loads(p.stdout)
        recs = d["records"]
        if d["summary"]["corrupt"] or d["summary"]["torn"] or d["problems"]:
            probs.append("record: decode problems %s" % d["problems"][:3])
        if len(recs) != len(self.streamed) or not recs:
            probs.append("record: %d records decoded, %d streamed" % (len(recs), len(self.streamed)))
        bad = 0
        for r, s in zip(recs, self.streamed):
            for a, b in zip(r["samples"], s["samples"]):
                ok = b["status"] == "ok"
                if a["valid"] != ok or (a["value"] is None) == ok:
                    bad += 1
                fl = a["flags"]
                if isinstance(fl, list):
                    fl = 1 if "valid" in fl else 0
                if a["valid"] != bool(fl & 1):
                    bad += 1
        if bad:
            probs.append("record: %d samples decoded differently from the stream" % bad)
        self.c.note("record: %d records, %d with an invalid sample" % (
            len(recs), sum(1 for r in recs if not all(x["valid"] for x in r["samples"]))))
        return probs


class Daemon(Consumer):
    """stlmd with its tree (tree) or its socket (sock)."""

    def __init__(self, cellrun, mode):
        super().__init__(cellrun)
        self.mode = mode
        self.reader = Read(cellrun, "stlmd:" + os.path.join(cellrun.dir, "d.sock"), "sock")

    def start(self):
        self.mnt = os.path.join(self.c.dir, "mnt")
        os.mkdir(self.mnt)
        self.p = subprocess.Popen([STLMD, "-f", "--platform", self.c.uri, "--mount", self.mnt,
                                   "--socket", os.path.join(self.c.dir, "d.sock")],
                                  stdout=subprocess.DEVNULL, stderr=self.c.errfile("stlmd"))
        self.tlm = os.path.join(self.mnt, "tlm_0")
        for _ in range(100):
            if os.path.exists(os.path.join(self.tlm, "version")):
                return
            if self.p.poll() is not None:
                raise Failed("stlmd exited at start: %d" % self.p.returncode)
            time.sleep(0.05)
        raise Failed("stlmd: mount did not appear")

    def poll(self):
        if self.mode == "sock":
            return self.reader.poll()
        t0 = time.monotonic()
        paths = [os.path.join(self.tlm, "des", "0x%08X" % i, "value") for i in IDS]
        p, el = run_bounded(["sh", "-c", 'for f; do if v=$(cat "$f" 2>&1); then echo "ok $v"; '
                             'else echo "err $v"; fi; done', "sh"] + paths, CMD_BOUND_S)
        if p.returncode != 0:
            raise Failed("tree: reading values: exit %d" % p.returncode)
        lines = p.stdout.decode(errors="replace").splitlines()
        single, errs = {}, []
        for i, line in zip(IDS, lines):
            m = re.fullmatch(r"ok (\d+) ([0-9A-F]{16})", line)
            if m:
                single[i] = int(m.group(2), 16)
            elif line.startswith("err "):
                errs.append((i, line[4:]))
            else:
                raise Failed("tree: bad value line %r" % line)
        # des_bulk_read: one consistent read, one line per valid value
        b, el2 = run_bounded(["cat", os.path.join(self.tlm, "des_bulk_read")], CMD_BOUND_S)
        el += el2
        if b.returncode != 0:
            e = b.stderr.decode(errors="replace").strip()
            o = Obs(t0, err="; ".join([e] + [x for _, x in errs]), elapsed=el)
            o.tree_errs = errs
            return o
        values = {}
        for line in b.stdout.decode(errors="replace").splitlines():
            m = re.fullmatch(r"0x([0-9A-F]{8}) (\d+) ([0-9A-F]{16})", line)
            if not m:
                raise Failed("tree: bad des_bulk_read line %r" % line)
            values[int(m.group(1), 16)] = int(m.group(3), 16)
        o = Obs(t0, values, elapsed=el)
        o.tree_errs = errs
        return o

    def stop(self):
        probs = []
        if self.p.poll() is not None:
            probs.append("stlmd died: exit %d" % self.p.returncode)
        else:
            self.p.send_signal(signal.SIGTERM)
            try:
                rc = self.p.wait(timeout=10)
                if rc:
                    probs.append("stlmd: exit status %d on SIGTERM" % rc)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
                probs.append("stlmd: did not end on SIGTERM")
        if any(l.split()[1:2] == [self.mnt] for l in open("/proc/mounts")):
            subprocess.run(["umount", "-l", self.mnt], stderr=subprocess.DEVNULL)
            probs.append("stlmd: still mounted after SIGTERM")
        return probs + self.c.sanitizer("stlmd")


SERIES = re.compile(r'^stlm_\w+\{id="0x([0-9a-f]{8})"[^}]*\} (\S+)$')


class Export(Consumer):
    def start(self):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d/metrics" % self.port
        self.p = subprocess.Popen([STLM, "-q", "-p", self.c.uri, "export", "--listen",
                                   "127.0.0.1:%d" % self.port],
                                  stdout=subprocess.DEVNULL, stderr=self.c.errfile("export"))
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url, timeout=2).read()
                return
            except OSError:
                if self.p.poll() is not None:
                    raise Failed("export exited at start: %d" % self.p.returncode)
                time.sleep(0.05)
        raise Failed("export: /metrics did not come up")

    def poll(self):
        t0 = time.monotonic()
        try:
            body = urllib.request.urlopen(self.url, timeout=CMD_BOUND_S + 5).read().decode()
        except OSError as e:
            raise Failed("export: GET /metrics: %s" % e)
        el = time.monotonic() - t0
        if "\nstlm_up 0\n" in "\n" + body:
            if 'id="' in body:
                raise Failed("export: DE series with stlm_up 0")
            return Obs(t0, err="stlm_up 0", elapsed=el)
        if "\nstlm_up 1\n" not in "\n" + body:
            raise Failed("export: no stlm_up line")
        values = {}
        for line in body.splitlines():
            m = SERIES.match(line)
            if m and not line.startswith("stlm_de_info"):
                values[int(m.group(1), 16)] = float(m.group(2))
        m = re.search(r'^stlm_samples\{state="valid"\} (\d+)$', body, re.M)
        o = Obs(t0, values, elapsed=el)
        if not m or int(m.group(1)) != len(values):
            raise Failed("export: stlm_samples valid=%s with %d series" % (m and m.group(1), len(values)))
        m = re.search(r'^stlm_samples\{state="invalid"\} (\d+)$', body, re.M)
        o.invalid = int(m.group(1)) if m else None
        return o

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return ["export: did not end on SIGTERM"]
        probs = [] if rc == 0 else ["export: exit status %d on SIGTERM" % rc]
        return probs + self.c.sanitizer("export")


def make_consumer(name, cr):
    return {"lib": Lib, "read": Read, "watch": Watch, "record": Record,
            "tree": lambda c: Daemon(c, "tree"), "sock": lambda c: Daemon(c, "sock"),
            "export": Export}[name](cr)


# --------------------------------------------------------------------------
# One cell

class CellRun:
    def __init__(self, fault, consumer, explore=False):
        self.fault = fault
        self.consumer = consumer
        self.exp = CELLS[(fault, consumer)]
        self.explore = explore
        self.problems = []
        self.notes = []
        self.old_obs = []
        self.n_start = 0
        self.total_s = HEALTHY_S + FAULT_S + RECOVER_S + 2
        self.transport = "shm" if consumer.endswith("-shm") else "unix"

    def problem(self, s):
        self.problems.append(s)

    def note(self, s):
        self.notes.append(s)

    def errfile(self, name):
        return open(os.path.join(self.dir, name + ".err"), "ab")

    def sanitizer(self, name):
        path = os.path.join(self.dir, name + ".err")
        try:
            txt = open(path, errors="replace").read()
        except OSError:
            return []
        if SANITIZER.search(txt):
            return ["%s: sanitizer report: %s" % (name, txt[-1500:])]
        return []

    def start_platform(self):
        d = self.dir
        mem = os.path.join(d, "mem")
        if self.transport == "shm":
            listen = "shm:" + os.path.join(d, "shm")
            ready = os.path.join(d, "shm", "mem")
            self.uri = "shm:%s?timeout_ms=%d" % (os.path.join(d, "shm"), TIMEOUT_MS)
            extra = []
        else:
            sock = os.path.join(d, "p.sock")
            listen = "unix:" + sock
            ready = sock
            self.uri = "unix:%s?mem=%s&timeout_ms=%d" % (sock, mem, TIMEOUT_MS)
            extra = ["--mem", mem]
        # -v: "faults armed" / "faults cleared" acknowledge the signals
        cmd = [PLATFORM, "-v", "-c", FIXTURE, "--listen", listen] + extra
        if self.fault in FAULT_SPEC and FAULT_SPEC[self.fault]:
            cmd += ["--armed-fault", FAULT_SPEC[self.fault]]
        self.plat = subprocess.Popen(cmd, stderr=self.errfile("platform"))
        for _ in range(100):
            if os.path.exists(ready):
                return
            if self.plat.poll() is not None:
                break
            time.sleep(0.05)
        raise Failed("platform did not start")

    def stop_platform(self):
        if self.plat.poll() is not None:
            self.problem("platform died: %d" % self.plat.returncode)
            return
        self.plat.send_signal(signal.SIGTERM)
        try:
            self.plat.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.plat.kill()
            self.plat.wait()
            self.problem("platform did not end on SIGTERM")
        if self.plat.returncode != 0:
            self.problem("platform exit status %d" % self.plat.returncode)

    def start_consumer(self):
        self.n_start += 1
        self.cons = make_consumer(self.consumer.split("-")[0], self)
        self.cons.start()

    def stop_consumer(self):
        c, self.cons = self.cons, None
        if c is None:
            return
        try:
            self.problems += c.stop()
        except Failed as e:
            self.problem(str(e))
        except Exception as e:  # keep the cell's verdict
            self.problem("stopping the consumer: %r" % e)
        self.old_obs += c.obs

    def stlm(self, *args):
        p, _ = run_bounded([STLM, "-q"] + list(args), CMD_BOUND_S)
        if p.returncode != 0:
            raise Failed("stlm %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr[-200:]))

    def reconfigure(self, uri):
        """Re-apply the configuration a reset removed (the boot state)."""
        self.stlm("-p", uri, "enable", "--all")
        self.stlm("-p", uri, "config", "--on")

    def run(self):
        with tempfile.TemporaryDirectory(prefix="stlm-fault.") as d:
            self.dir = d
            os.chmod(d, 0o755)
            self.cons = None
            self.plat = None
            try:
                self.start_platform()
                if not self.consumer.endswith("-open"):
                    self.start_consumer()
                self.timeline()
            except Failed as e:
                self.problem(str(e))
            finally:
                self.stop_consumer()
                if self.plat is not None:
                    self.stop_platform()
                self.problems += self.sanitizer("platform")
                self.plat_log = open(os.path.join(d, "platform.err"), errors="replace").read() \
                    if os.path.exists(os.path.join(d, "platform.err")) else ""
        self.judge()
        return self

    def observe_until(self, deadline, stop_when=None):
        """Collect observations until deadline (or stop_when(obs) true)."""
        while time.monotonic() < deadline:
            if self.cons.streaming:
                time.sleep(0.05)
                with self.cons.lock:
                    last = self.cons.obs[-1] if self.cons.obs else None
            else:
                o = self.cons.poll()
                self.cons.add(o)
                last = o
                if o.elapsed is not None and o.elapsed > CMD_BOUND_S:
                    self.problem("%s took %.2f s (bound %.1f s)" % (self.consumer, o.elapsed, CMD_BOUND_S))
                time.sleep(POLL_S)
            if stop_when and last is not None and stop_when(last):
                return True
        return False

    def platform_said(self, text):
        try:
            return open(os.path.join(self.dir, "platform.err"), errors="replace").read().count(text)
        except OSError:
            return 0

    def signal_acked(self, sig, text):
        """Signal the platform and wait (5 s at most) for its acknowledgement."""
        n = self.platform_said(text)
        self.plat.send_signal(sig)
        deadline = time.monotonic() + 5
        while self.platform_said(text) == n:
            if time.monotonic() > deadline:
                raise Failed("the platform did not acknowledge %s" % text)
            time.sleep(0.01)

    def arm(self):
        """Returns when the fault is in force (from the next update pass)."""
        if self.fault == "gone":
            self.stop_platform()
        else:
            self.signal_acked(signal.SIGUSR2, "faults armed")

    def clear(self):
        if self.fault == "gone":
            self.start_platform()
            # a stream that ended on the loss is run again
            p = getattr(self.cons, "p", None)
            if self.cons.streaming and p is not None and p.poll() is not None:
                self.stop_consumer()
                self.start_consumer()
            return
        self.signal_acked(signal.SIGUSR1, "faults cleared")
        if self.fault != "reset":
            return
        # A reset leaves every DE disabled: the owner of the channel
        # re-applies the configuration.
        how = self.exp.action
        if how == "cli":
            self.reconfigure(self.uri)
        elif how == "sock":
            self.reconfigure("stlmd:" + os.path.join(self.dir, "d.sock"))
        elif how == "tree":
            tlm = self.cons.tlm
            p, _ = run_bounded(["sh", "-c", 'echo y > "$1/tlm_enable" && echo y > "$1/all_des_enable"',
                                "sh", tlm], CMD_BOUND_S)
            if p.returncode:
                raise Failed("tree: re-enabling: %s" % p.stderr[-200:])
        elif how == "restart":
            self.stop_consumer()
            self.reconfigure(self.uri)
            self.start_consumer()

    def timeline(self):
        t = time.monotonic()
        if self.cons is None:
            # opened while the fault is armed
            self.arm()
            self.t_arm = time.monotonic()
            time.sleep(0.1)
            self.start_consumer()
        elif not self.observe_until(t + HEALTHY_S, lambda o: o.cls() == "valid"):
            raise Failed("never healthy before the fault: %r" % self.cons.obs[-3:])
        else:
            self.arm()
            self.t_arm = time.monotonic()
        self.observe_until(self.t_arm + FAULT_S)
        self.t_clear = time.monotonic()
        self.clear()
        # valid again, then still valid a little later
        if not self.observe_until(self.t_clear + RECOVER_S, lambda o: o.cls() == "valid" and o.t > self.t_clear):
            self.problem("no recovery within %.1f s of the clear" % RECOVER_S)
            return
        self.t_rec = time.monotonic()
        self.observe_until(self.t_rec + 0.4)

    def judge(self):
        allobs = self.old_obs
        obs = [o for o in allobs if not getattr(o, "end", False)]
        # invariant: no valid value mixing passes. Not after a reset's
        # reconfiguration: DEs enabled one by one while collection is off
        # or between two updates hold lines written at different times.
        for o in obs:
            if self.fault == "reset" and hasattr(self, "t_clear") and o.t >= self.t_clear:
                continue
            if 0x100 in o.values and 0x101 in o.values and o.values[0x100] != o.values[0x101]:
                self.problem("values mixing passes reported valid: %r" % o)
                break
        if not hasattr(self, "t_clear"):
            return
        # started after the arming and ended before the clear
        during = [o for o in obs if self.t_arm <= o.t and o.t + (o.elapsed or 0) < self.t_clear]
        self.seen = sorted({o.cls() for o in during})
        if hasattr(self, "t_rec"):
            after = [o for o in obs if o.t > self.t_rec]
            if after and after[-1].cls() not in ("valid", "stale"):
                self.problem("not valid after recovery: %r" % after[-1])
            self.recovery_s = self.t_rec - self.t_clear
        if self.explore:
            self.note("during: " + " ".join(o.cls() for o in during))
            errs = sorted({o.err for o in during if o.err})
            if errs:
                self.note("errors: %s" % errs[:3])
            self.note("flags: %s" % sorted({f for o in during for v in o.flags.values() for f in v}))
            return
        e = self.exp
        # Arming is asynchronous: from the fault's visible effect (two
        # observations of the must class in a row; a single one can be a
        # slow writer under load), else from SETTLE_S after arming, until
        # the clear, every observation must be allowed.
        start = self.t_arm + SETTLE_S
        for a, b in zip(during, during[1:]):
            if a.cls() == e.must and b.cls() == e.must:
                start = a.t
                break
        late = [o for o in during if o.t >= start]
        bad = [o for o in late if o.cls() not in e.during]
        if bad:
            self.problem("during the fault: %r not in {%s}" % (bad[0], " ".join(sorted(e.during))))
        if e.must and not any(o.cls() == e.must for o in during):
            self.problem("during the fault: never %s (%s)" % (e.must, " ".join(o.cls() for o in during)))
        if e.flag:
            for o in late:
                for i in (SHMTI0 if o.cls() == "torn0" else IDS if o.cls() == "disabled" else ()):
                    if o.flags and e.flag not in o.flags.get(i, ()):
                        self.problem("DE 0x%x not flagged %s: %s" % (i, e.flag, sorted(o.flags.get(i, ()))))
                        break
        if e.err:
            for o in late:
                if o.err is not None and not re.search(e.err, o.err):
                    self.problem("error text %r does not match /%s/" % (o.err, e.err))
                    break
                for _, x in getattr(o, "tree_errs", []):
                    if not re.search(e.err, x):
                        self.problem("tree error %r does not match /%s/" % (x, e.err))
                        break
        if e.check:
            r = e.check(self, allobs)
            if r:
                self.problem(r)


# --------------------------------------------------------------------------
# Markdown

def markdown():
    out = ["| fault | consumer | what is seen while the fault is armed | classes | recovery |",
           "|---|---|---|---|---|"]
    for f, spec, what in FAULTS:
        for c, _ in CONSUMERS:
            e = CELLS[(f, c)]
            cls = " ".join(sorted(e.during))
            if e.must:
                cls += "; must see " + e.must
            if e.err:
                cls += "; error matches `%s`" % e.err.replace("|", "\\|")
            out.append("| `%s` | %s | %s | %s | %s |" % (spec, c, e.doc.replace("|", "\\|"), cls, e.recover))
    return "\n".join(out) + "\n"


BEGIN = "<!-- fault-matrix: generated by tests/faults/matrix.py --markdown; do not edit -->"
END = "<!-- fault-matrix: end -->"


def check_doc(path):
    txt = open(path, encoding="utf-8").read()
    try:
        body = txt.split(BEGIN, 1)[1].split(END, 1)[0]
    except IndexError:
        print("FAIL: %s has no generated matrix block" % path)
        return 1
    if body.strip() != markdown().strip():
        print("FAIL: the matrix in %s differs from tests/faults/matrix.py --markdown" % path)
        import difflib
        for l in difflib.unified_diff(body.strip().splitlines(), markdown().strip().splitlines(),
                                      "doc", "matrix.py", lineterm=""):
            print(l)
        return 1
    print("ok: %s matches the matrix (%d cells)" % (path, len(CELLS)))
    return 0


def check_platform():
    """--armed-fault is checked at start; SIGUSR2 / SIGUSR1 are acknowledged."""
    fails = 0
    with tempfile.TemporaryDirectory(prefix="stlm-fault.") as d:
        sock = os.path.join(d, "p.sock")
        for spec, msg in [("bogus", "unknown fault kind 'bogus'"),
                          ("torn:nope=1", "unknown key 'nope'"),
                          ("length", "length needs bytes=N")]:
            p, _ = run_bounded([PLATFORM, "--listen", "unix:" + sock, "--armed-fault", spec], 10)
            err = p.stderr.decode(errors="replace")
            if p.returncode != 1 or msg not in err:
                print("FAIL: --armed-fault %s: exit %d, %r" % (spec, p.returncode, err))
                fails += 1
            else:
                print("ok: --armed-fault %s refused: %s" % (spec, err.strip()))
        cr = CellRun("drop", "read")
        cr.dir = d
        cr.start_platform()
        try:
            t0 = time.monotonic()
            for _ in range(3):
                cr.arm()
                cr.signal_acked(signal.SIGUSR1, "faults cleared")
            print("ok: 3 x SIGUSR2 / SIGUSR1 acknowledged in %.2f s" % (time.monotonic() - t0))
        except Failed as e:
            print("FAIL: %s" % e)
            fails += 1
        finally:
            cr.stop_platform()
            fails += len(cr.problems)
            for pr in cr.problems:
                print("FAIL: " + pr)
    return 1 if fails else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--consumer", action="append")
    ap.add_argument("--fault", action="append")
    ap.add_argument("-j", type=int, default=4)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--check-doc")
    ap.add_argument("--explore", action="store_true")
    ap.add_argument("--check-platform", action="store_true")
    a = ap.parse_args()
    if a.markdown:
        sys.stdout.write(markdown())
        return 0
    if a.check_doc:
        return check_doc(a.check_doc)
    if not (STLM and PLATFORM and PROBE):
        print("SKIP: binaries missing (STLM, STLM_PLATFORM_BIN, STLM_FAULT_PROBE)")
        return 77
    if a.check_platform:
        return check_platform()
    cons = a.consumer or [c for c, _ in CONSUMERS]
    faults = a.fault or [f for f, _, _ in FAULTS]
    cells = [(f, c) for c in cons for f in faults]
    cells += [(f, c) for f, c in EXTRA if (c in cons or c.split("-")[0] in cons) and f in faults]
    cells = [x for x in dict.fromkeys(cells) if x in CELLS]
    skipped = [x for x in cells if x[1] in ("tree", "sock") and not fuse_ok()]
    cells = [x for x in cells if x not in skipped]
    for f, c in skipped:
        print("SKIP %-8s %-7s (stlmd needs root and /dev/fuse)" % (f, c))
    if not cells:
        return 77
    t0 = time.monotonic()
    fails = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.j) as ex:
        futs = [ex.submit(CellRun(f, c, a.explore).run) for f, c in cells]
        for fu in futs:
            r = fu.result()
            status = "FAIL" if r.problems else "ok"
            fails += bool(r.problems)
            rec = getattr(r, "recovery_s", None)
            print("%-4s %-8s %-7s seen=%s recovery=%s" % (
                status, r.fault, r.consumer, ",".join(getattr(r, "seen", [])) or "-",
                "%.2fs" % rec if rec is not None else "-"))
            for p in r.problems:
                print("     problem: " + p)
            for n in r.notes:
                print("     " + n)
            sys.stdout.flush()
    print("%d cells, %d failed, %d skipped, %.1f s" % (len(cells), fails, len(skipped), time.monotonic() - t0))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
