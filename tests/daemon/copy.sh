#!/bin/bash
# SPDX-License-Identifier: MIT
# The tree's large files copied the ways users copy files: cp(1) (which
# stops at lseek(SEEK_HOLE) and pads to the size fstat gave), Python's
# shutil.copyfile (sendfile(2), through the page cache up to the size),
# tail -c (seeks from the size), dd and cat. Every copy must be whole:
# snapshot.bin exactly its header's length, texts with every line, and
# nothing padded. Also as an unprivileged user, and for a group's files.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: setpriv"; exit 77; }
# an interpreter every uid may run (not one under root's home)
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
# 2000 DEs: every bulk file is well past one page (4096 bytes)
start_platform --des 2000
start_daemon
echo y > "$TLM/tlm_enable"
echo y > "$TLM/all_des_enable"
N=$(wc -l < "$TLM/des_bulk_read")
[ "$N" -ge 1000 ] || fail "only $N DEs in des_bulk_read"

# check_copy KIND FILE: the file is a whole copy of a KIND text
check_copy() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
kind, path = sys.argv[1], sys.argv[2]
b = open(path, "rb").read()
if kind == "bin":
    magic, ver, hs, ss, ns = struct.unpack_from("=QIIII", b)
    if magic != 0x50414e534d4c5453:
        sys.exit("%s: not a snapshot.bin (%d bytes)" % (path, len(b)))
    if len(b) != hs + ns * ss:
        sys.exit("%s: %d bytes, the header says %d" % (path, len(b), hs + ns * ss))
    sys.exit(0)
if b"\0" in b:
    sys.exit("%s: NUL bytes (padded copy?)" % path)
if not b.endswith(b"\n"):
    sys.exit("%s: cut short (%d bytes, no final newline)" % (path, len(b)))
lines = b.decode().splitlines()
if kind == "snapshot":
    hdr = dict(l.split(" ", 1) for l in lines[:4])
    if int(hdr["count"]) != len(lines) - 4:
        sys.exit("%s: count %s, %d lines" % (path, hdr["count"], len(lines) - 4))
elif kind == "bulk":
    if len(lines) < 2:
        sys.exit("%s: %d lines" % (path, len(lines)))
    for l in lines:
        if len(l.split()) != 3:
            sys.exit("%s: line %r" % (path, l))
PY
}

# copy_all AS FILE KIND: every way of copying FILE, run as AS (root or an
# unprivileged uid), each checked
copy_all() {
	local as=$1 f=$2 kind=$3 run=()
	[ "$as" = root ] || run=(setpriv --reuid="$as" --regid="$as" --clear-groups)
	local d
	d=$(mktemp -d "$T/copy.XXXXXX")
	chmod 777 "$d"
	"${run[@]}" cp "$f" "$d/cp" || fail "cp $f as $as"
	"${run[@]}" "$PY" -c 'import shutil, sys; shutil.copyfile(sys.argv[1], sys.argv[2])' \
		"$f" "$d/shutil" || fail "shutil.copyfile $f as $as"
	"${run[@]}" dd if="$f" of="$d/dd" bs=1k status=none || fail "dd $f as $as"
	"${run[@]}" cat "$f" > "$d/cat" || fail "cat $f as $as"
	for c in cp shutil dd cat; do
		check_copy "$kind" "$d/$c" || fail "$c of $f as $as"
	done
	# tail -c seeks from the size: the last bytes of a whole text
	local t
	t=$("${run[@]}" tail -c 1 "$f" | od -An -c | tr -d ' ')
	if [ "$kind" = bin ]; then
		[ -n "$t" ] || fail "tail -c 1 $f as $as: nothing"
	else
		[ "$t" = '\n' ] || fail "tail -c 1 $f as $as: '$t', not the final newline"
	fi
	ok "$f as $as: cp, shutil.copyfile, dd, cat, tail -c whole ($(wc -c < "$d/cp") bytes)"
}

for as in root 65534; do
	copy_all "$as" "$TLM/snapshot.bin" bin
	copy_all "$as" "$TLM/snapshot" snapshot
	copy_all "$as" "$TLM/des_bulk_read" bulk
done
copy_all root "$TLM/groups/0/snapshot.bin" bin
copy_all root "$TLM/groups/0/des_bulk_read" bulk

# the size: right after an open it is that open's text; an open fd asks
# with its own text (lseek SEEK_END)
python3 - "$TLM" <<'PY'
import os, struct, sys
tlm = sys.argv[1]
fd = os.open(tlm + "/snapshot.bin", os.O_RDONLY)
st = os.fstat(fd).st_size
end = os.lseek(fd, 0, os.SEEK_END)
b = os.pread(fd, 1 << 22, 0)
os.close(fd)
hs, ss, ns = struct.unpack_from("=III", b, 12)
if not (st == end == len(b) == hs + ns * ss):
    sys.exit("FAIL: fstat %d, SEEK_END %d, read %d, header %d" % (st, end, len(b), hs + ns * ss))
fd = os.open(tlm + "/snapshot", os.O_RDONLY)
end = os.lseek(fd, 0, os.SEEK_END)
t = os.pread(fd, 1 << 22, 0)
os.close(fd)
if end != len(t):
    sys.exit("FAIL: snapshot: SEEK_END %d, the text read is %d bytes" % (end, len(t)))
print("ok: fstat, SEEK_END and the text read agree (%d, %d bytes)" % (st, end))
PY

# files that fit a page keep the size sysfs gives
[ "$(stat -c %s "$TLM/version")" = 4096 ] || fail "version: size $(stat -c %s "$TLM/version")"
ok "small files still report 4096"
