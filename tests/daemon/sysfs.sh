#!/bin/bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# The tree behaves as the kernel's sysfs tree where programs rely on it
# (docs/stlmfs.md):
#   1. a kept-open file re-read at offset 0 (pread, lseek(0) + read, as
#      Arm's ASTL does) returns a fresh text each time: a changing DE's
#      value changes; enable files keep reading Y/N and follow writes;
#      reads further on page through the same text;
#   2. current_update_interval_ms reads back in the form
#      available_update_intervals_ms uses, however it was written;
#   3. des_bulk_read with collection off: EINVAL, and the log says why,
#      once until collection is turned on again;
#   4. collection turned off or on by another client (stlmd's socket) is
#      seen by the very next value read, kept-open or fresh, and a DE
#      disabled that way leaves the next snapshot.bin, read by several
#      readers at once (the tree trusts a recent collection state for the
#      current generation and reuses one snapshot: neither may serve
#      stale data).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3"; exit 77; }
start_platform
start_daemon --socket "$T/d.sock" 2>"$T/stlmd.log"

echo y > "$TLM/all_des_enable"
echo y > "$TLM/tlm_enable"
first=$(cut -d' ' -f1 "$TLM/available_update_intervals_ms")
echo "$first" > "$TLM/current_update_interval_ms"

# a DE whose value moves: two bulk reads some intervals apart
b1=$(cat "$TLM/des_bulk_read"); sleep 0.5; b2=$(cat "$TLM/des_bulk_read")
DE=$(join <(echo "$b1" | awk '{print $1, $3}' | sort) \
	  <(echo "$b2" | awk '{print $1, $3}' | sort) | awk '$2 != $3 {print $1; exit}')
[ -n "$DE" ] || fail "no DE value changes over 0.5 s"

python3 - "$TLM/des/$DE/value" "$TLM/des/$DE/enable" <<'PY' || fail "kept-open re-read"
import os, sys, time
value, enable = sys.argv[1], sys.argv[2]
fd = os.open(value, os.O_RDONLY)
seen = set()
for i in range(30):
    if i % 2:
        t = os.pread(fd, 4096, 0)
    else:
        os.lseek(fd, 0, os.SEEK_SET)
        t = os.read(fd, 4096)
    ts, v = t.decode().split()
    assert len(v) == 16 and t.endswith(b"\n"), t
    seen.add(t)
    if len(seen) >= 3:
        break
    time.sleep(0.2)
assert len(seen) >= 3, f"kept-open value stale: {seen}"
# paging: the bytes after offset 0 belong to the text read at offset 0
os.lseek(fd, 0, os.SEEK_SET)
head = os.read(fd, 5)
time.sleep(0.3)
rest = os.read(fd, 4096)
line = (head + rest).decode()
assert len(line.split()) == 2 and line.endswith("\n"), line
os.close(fd)
# enable: Y/N, and a write through another fd is seen at offset 0
fd = os.open(enable, os.O_RDONLY)
assert os.pread(fd, 16, 0) == b"Y\n"
with open(enable, "w") as w:
    w.write("N")
assert os.pread(fd, 16, 0) == b"N\n", os.pread(fd, 16, 0)
with open(enable, "w") as w:
    w.write("Y")
os.lseek(fd, 0, os.SEEK_SET)
assert os.read(fd, 16) == b"Y\n"
os.close(fd)
PY
ok "kept-open value re-read at offset 0 is fresh ($DE); enable reads Y/N"

# every listed interval, written in another spelling of the same value
# (secs * 10, exp - 1; or plain ms), reads back as listed
f=$TLM/current_update_interval_ms
list=$(cat "$TLM/available_update_intervals_ms")
[ "$(cat "$TLM/intervals_discrete")" = Y ] || fail "emulator list not discrete"
for t in $list; do
	s=${t%,*}; e=${t#*,}
	if [ "$e" = -3 ]; then alt=$s; else alt="$((s * 10)),$((e - 1))"; fi
	[ $((s * 10)) -le 65535 ] || continue
	echo "$alt" > "$f"
	[ "$(cat "$f")" = "$t" ] || fail "wrote $alt: read back $(cat "$f"), listed $t"
	# a value not in the list's own spelling: 10x smaller exponent
	echo "$((s * 10)),$((e - 1))" > "$f"
	[ "$(cat "$f")" = "$t" ] || fail "wrote $((s * 10)),$((e - 1)): read back $(cat "$f"), listed $t"
done
case " $list " in *" 50,-3 "*)
	echo 50 > "$f"; [ "$(cat "$f")" = "50,-3" ] || fail "echo 50: $(cat "$f")";;
esac
ok "current_update_interval_ms reads back in the list's form"

# des_bulk_read with collection off: EINVAL, said once
msg="telemetry collection is off"
echo n > "$TLM/tlm_enable"
for _ in 1 2 3; do
	out=$(cat "$TLM/des_bulk_read" 2>&1) && fail "bulk read with collection off"
	case "$out" in *"Invalid argument"*) ;; *) fail "bulk off: '$out'";; esac
done
[ "$(grep -c "$msg" "$T/stlmd.log")" = 1 ] || fail "log: $(cat "$T/stlmd.log")"
echo y > "$TLM/tlm_enable"
cat "$TLM/des_bulk_read" >/dev/null || fail "bulk read with collection on"
echo n > "$TLM/tlm_enable"
cat "$TLM/des_bulk_read" >/dev/null 2>&1 && fail "bulk read with collection off"
cat "$TLM/des_bulk_read" >/dev/null 2>&1 && fail "bulk read with collection off"
[ "$(grep -c "$msg" "$T/stlmd.log")" = 2 ] || fail "log after on/off: $(cat "$T/stlmd.log")"
ok "des_bulk_read with collection off: EINVAL, the log says why once"

echo y > "$TLM/tlm_enable"
S="stlmd:$T/d.sock"
python3 - "$TLM" "$DE" "$STLM_BIN" "$S" <<'PY' || fail "another client's changes"
import errno, os, struct, subprocess, sys, threading
tlm, de, stlm, sock = sys.argv[1:5]
value = f"{tlm}/des/{de}/value"
def cli(*a):
    subprocess.run([stlm, "-q", "--platform", sock, *a], check=True,
                   stdout=subprocess.DEVNULL)
def read_fresh():
    with open(value, "rb") as f:
        return f.read()
def expect_nodata(what, fn):
    try:
        got = fn()
    except OSError as e:
        assert e.errno == errno.ENODATA, (what, e)
        return
    raise AssertionError(f"{what}: read {got!r} with collection off")
fd = os.open(value, os.O_RDONLY)
assert os.pread(fd, 4096, 0)
for _ in range(3):
    cli("config", "--off")
    expect_nodata("kept-open", lambda: os.pread(fd, 4096, 0))
    expect_nodata("fresh open", read_fresh)
    cli("config", "--on")
    assert len(os.pread(fd, 4096, 0).split()) == 2
    assert len(read_fresh().split()) == 2
os.close(fd)

def samples():
    with open(f"{tlm}/snapshot.bin", "rb") as f:
        b = f.read()
    magic, ver, hs, ss, n = struct.unpack_from("<QIIII", b)
    assert magic == 0x50414e534d4c5453 and len(b) == hs + n * ss, len(b)
    return {struct.unpack_from("<I", b, hs + i * ss)[0] for i in range(n)}
ids = samples()
want = int(de, 16)
assert want in ids, "DE not in snapshot.bin"
errors = []
def reader(k):
    try:
        for _ in range(20):
            got = samples()
            assert got == ids, f"reader {k}: {len(got)} samples, {len(ids)} expected"
    except Exception as e:
        errors.append(e)
threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
for t in threads: t.start()
for t in threads: t.join()
assert not errors, errors
cli("disable", de)
got = samples()
assert got == ids - {want}, f"after disable: {len(got)} samples, {len(ids) - 1} expected"
cli("enable", de)
assert samples() == ids, "after enable"
PY
ok "another client's collection and DE changes: seen by the next read; snapshot.bin by concurrent readers"
stop_daemon
