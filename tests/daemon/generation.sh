#!/bin/bash
# SPDX-License-Identifier: MIT
# generation: first read at once, then blocks until a change; poll().
. "$(dirname "$0")/lib.sh"
start_platform
start_daemon
command -v python3 >/dev/null || { echo "SKIP: python3"; exit 77; }
python3 - "$TLM" <<'PY'
import os, select, sys, threading, time
tlm = sys.argv[1]
def gen_fd():
    return os.open(tlm + "/generation", os.O_RDONLY)
fd = gen_fd()
t0 = time.time(); g0 = int(os.read(fd, 64)); assert time.time() - t0 < 0.5
# consumed text: next read blocks until someone writes
def writer():
    time.sleep(0.5)
    with open(tlm + "/tlm_enable", "w") as f: f.write("y")
threading.Thread(target=writer).start()
t0 = time.time(); g1 = int(os.read(fd, 64)); dt = time.time() - t0
assert g1 != g0 and dt >= 0.4, (g0, g1, dt)
print("ok: blocking read woke after %.2fs: %d -> %d" % (dt, g0, g1))
# poll: not readable now; readable after a change. The write may still
# have a second step in flight (the platform's answer bumping the session
# generation after the write returned, seen on a loaded machine): those
# are read off first, bounded, and each must be a newer generation; then
# nothing may be readable without a change.
p = select.poll(); p.register(fd, select.POLLIN)
for _ in range(5):
    if p.poll(300) == []:
        break
    g = int(os.read(fd, 64)); assert g > g1, (g1, g); g1 = g
    print("note: a later step of the same change: %d" % g1)
assert p.poll(300) == [], "readable without a change"
with open(tlm + "/tlm_enable", "w") as f: f.write("n")
ev = p.poll(2000)
assert ev and ev[0][1] & select.POLLIN, ev
g2 = int(os.read(fd, 64)); assert g2 != g1
print("ok: poll reported the change: %d" % g2)
# O_NONBLOCK: EAGAIN once consumed
nb = os.open(tlm + "/generation", os.O_RDONLY | os.O_NONBLOCK)
os.read(nb, 64)
try:
    os.read(nb, 64); raise SystemExit("FAIL: nonblocking read did not fail")
except BlockingIOError:
    print("ok: O_NONBLOCK gives EAGAIN")
os.close(nb); os.close(fd)
PY
