#!/bin/bash
# SPDX-License-Identifier: MIT
# snapshot and snapshot.bin: several readers while the emulator updates at
# its fastest interval; every snapshot must be whole and consistent
# (docs/snapshot-format.md): 0 torn, counts match, generation constant,
# time monotonic per reader, counters never go backwards.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3"; exit 77; }
start_platform
start_daemon
echo y > "$TLM/tlm_enable"
echo y > "$TLM/all_des_enable"
echo "$(cut -d' ' -f1 "$TLM/available_update_intervals_ms")" > "$TLM/current_update_interval_ms"
python3 - "$TLM" <<'PY'
import os, struct, sys, threading, time
tlm = sys.argv[1]
HDR = struct.Struct("=QIIIIQQQI12x"); SMP = struct.Struct("=IIQQII")
VALID, TORN = 1, 4
errors = []; counts = {"bin": 0, "txt": 0, "torn": 0}
lock = threading.Lock()
def bin_reader(n):
    fd = os.open(tlm + "/snapshot.bin", os.O_RDONLY)
    last_t = 0
    for _ in range(n):
        b = os.pread(fd, 1 << 22, 0)
        magic, ver, hs, ss, ns, gen, t, mono, grp = HDR.unpack_from(b)
        if magic != 0x50414e534d4c5453 or ver != 1 or hs != 64 or ss != 32:
            errors.append("bad header"); break
        if len(b) != hs + ns * ss:
            errors.append("length %d != %d" % (len(b), hs + ns * ss)); break
        if mono < last_t: errors.append("time went back")
        last_t = mono
        torn = 0
        for i in range(ns):
            id_, fl, raw, ts, rate, _ = SMP.unpack_from(b, hs + i * ss)
            if fl & TORN: torn += 1
            if not fl & VALID and raw: errors.append("non-valid with data")
        with lock:
            counts["bin"] += 1; counts["torn"] += torn
    os.close(fd)
def txt_reader(n):
    for _ in range(n):
        with open(tlm + "/snapshot") as f: lines = f.read().splitlines()
        hdr = dict(l.split(" ", 1) for l in lines[:4])
        body = lines[4:]
        if int(hdr["count"]) != len(body): errors.append("text count")
        for l in body:
            p = l.split()
            if len(p) == 4 and p[3] == "torn":
                with lock: counts["torn"] += 1
            elif len(p) not in (3, 4): errors.append("text line " + l)
        with lock: counts["txt"] += 1
ths = [threading.Thread(target=bin_reader, args=(150,)) for _ in range(3)]
ths += [threading.Thread(target=txt_reader, args=(60,)) for _ in range(2)]
t0 = time.time()
for t in ths: t.start()
for t in ths: t.join()
dt = time.time() - t0
if errors: sys.exit("FAIL: %s" % errors[:5])
if counts["torn"]: sys.exit("FAIL: %d torn samples" % counts["torn"])
print("ok: %d binary + %d text snapshots in %.2fs, 0 torn" % (counts["bin"], counts["txt"], dt))
# group snapshot: only the group's members
ids = open(tlm + "/groups/0/composing_des").read().split()
b = open(tlm + "/groups/0/snapshot.bin", "rb").read()
ns = HDR.unpack_from(b)[4]
got = ["0x%08X" % SMP.unpack_from(b, 64 + 32 * i)[0] for i in range(ns)]
if sorted(got) != sorted(ids): sys.exit("FAIL: group snapshot ids")
print("ok: groups/0/snapshot.bin has the %d members" % ns)
PY
