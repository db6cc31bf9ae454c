#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# The real-kernel test (docs/virtio.md): a User-Mode Linux kernel built by
# scripts/build-uml.sh boots with stlm-platform as its SCMI firmware over
# vhost-user (--listen vhost-user:PATH), busybox as init over hostfs.
# Checks the kernel's Base discovery of the emulator and the raw-mode
# exchanges (uml-raw.py: sync, async with the delayed READING_COMPLETE,
# a TELEMETRY_UPDATE notification) byte for byte against a reference
# emulator over unix:. Runs the emulator and the guest as uid 65534 when
# root. Skips (77) when the kernel cannot be built, or when STLM_SKIP_UML
# is set (a CI run short of time).
#
# Usage: uml-test.sh PLATFORM_BIN SRCDIR
set -u
bin=$1
src=$2
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3) || { echo "SKIP: no python3"; exit 77; }

if [ -n "${STLM_SKIP_UML:-}" ]; then
	echo "SKIP: STLM_SKIP_UML is set"
	exit 77
fi
t0=$(date +%s)
"$src/scripts/build-uml.sh"
rc=$?
if [ $rc -eq 77 ]; then
	echo "SKIP: the UML kernel cannot be built here (see above)"
	exit 77
fi
[ $rc -eq 0 ] || { echo "FAIL: scripts/build-uml.sh exited $rc"; exit 1; }
kdir=$("$src/scripts/build-uml.sh" --print-dir) || exit 1
t1=$(date +%s)
echo "kernel ready in $((t1 - t0)) s: $kdir"

# busybox-static's /bin/busybox: the guest root has no shared libraries
busybox=/bin/busybox
if [ ! -x $busybox ] || { command -v ldd >/dev/null 2>&1 &&
			 ldd $busybox >/dev/null 2>&1; }; then
	echo "SKIP: no static /bin/busybox (install busybox-static)"
	exit 77
fi

work=$(mktemp -d /tmp/stlm-uml.XXXXXX)
plat=""
ref=""
cleanup() {
	[ -n "$plat" ] && kill "$plat" 2>/dev/null && wait "$plat" 2>/dev/null
	[ -n "$ref" ] && kill "$ref" 2>/dev/null && wait "$ref" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

root=$work/root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
	 "$root/out" "$work/shm" "$work/uml"
cp "$busybox" "$root/bin/busybox"
# the cache may be in a home the test user cannot read
cp "$kdir/linux" "$kdir/scmi.dtb" "$work/"
"$py" "$src/tests/virtio/uml-raw.py" make "$root/req" || exit 1
cat > "$root/init" <<'EOF'
#!/bin/busybox sh
B=/bin/busybox
$B mount -t proc proc /proc
$B mount -t sysfs sys /sys
$B mount -t debugfs debugfs /sys/kernel/debug
R=/sys/kernel/debug/scmi/0/raw
$B cat /sys/kernel/debug/scmi/0/transport/type > /out/transport-type 2>&1
$B cat /sys/kernel/debug/scmi/0/transport/max_msg_size > /out/max-msg-size 2>&1
# flush anything the kernel's own discovery left
echo 1 > $R/reset 2>/dev/null
while read name file; do
	$B cat /req/$name.bin > $R/$file || echo "write $name failed" >> /out/errors
	$B timeout 10 $B cat $R/$file > /out/$name.reply
	if [ "$file" = message_async ]; then
		$B timeout 10 $B cat $R/$file > /out/$name.delayed
	fi
done < /req/list
$B timeout 10 $B cat $R/notification > /out/notification
$B dmesg > /out/dmesg
echo done > /out/done
$B poweroff -f
EOF
chmod 755 "$root/init"

run=""
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	chown -R 65534:65534 "$work"
	run="setpriv --reuid 65534 --regid 65534 --clear-groups --"
	echo "running the emulator and the guest as uid 65534"
fi

$run "$bin" -c "$src/tests/virtio/platform.json" \
	--listen "vhost-user:$work/scmi.sock" -v 2> "$work/platform.log" &
plat=$!
$run "$bin" -c "$src/tests/virtio/platform.json" \
	--listen "unix:$work/ref.sock" 2> "$work/ref.log" &
ref=$!
for i in $(seq 100); do
	[ -S "$work/scmi.sock" ] && [ -S "$work/ref.sock" ] && break
	sleep 0.1
done

t2=$(date +%s)
# TMPDIR: where UML keeps its memory file (shared with the emulator)
# uml_dir: its pid file directory (default ~/.uml, not the test user's)
HOME=$work TMPDIR=$work/shm timeout 120 $run "$work/linux" mem=64M \
	"uml_dir=$work/uml" \
	"dtb=$work/scmi.dtb" "virtio_uml.device=$work/scmi.sock:32" \
	rootfstype=hostfs "rootflags=$root" rw init=/init con=null \
	> "$work/boot.log" 2>&1 < /dev/null
urc=$?
t3=$(date +%s)
echo "guest ran in $((t3 - t2)) s (exit $urc)"

fail() {
	echo "FAIL: $*"
	echo "--- guest kernel log"; cat "$root/out/dmesg" 2>/dev/null | tail -40
	echo "--- boot log"; tail -20 "$work/boot.log"
	echo "--- platform log"; tail -20 "$work/platform.log"
	exit 1
}

kill -0 "$plat" 2>/dev/null || fail "stlm-platform died"
[ -f "$root/out/done" ] || fail "the guest did not finish its script"
[ ! -s "$root/out/errors" ] || fail "$(cat "$root/out/errors")"
# Base discovery by the kernel's own SCMI stack
grep -q "SCMI Protocol v2.0 'stlm:virtio-test' Firmware version 0x1234" \
	"$root/out/dmesg" || fail "no Base discovery line in the kernel log"
grep -q "Using scmi_virtio_transport" "$root/out/dmesg" ||
	fail "the kernel did not use the virtio transport"
grep -q "not implemented" "$root/out/dmesg" &&
	fail "the kernel found protocol@1b not implemented"
grep -qx "arm,scmi-virtio" "$root/out/transport-type" ||
	fail "transport type: $(cat "$root/out/transport-type")"
echo "ok: Base discovery: $(grep -o "SCMI Protocol.*" "$root/out/dmesg")"
"$py" "$src/tests/virtio/uml-raw.py" check "$work/ref.sock" "$root/out" ||
	fail "raw-mode bytes differ"
kill "$plat"; wait "$plat"; prc=$?
plat=""
[ $prc -eq 0 ] || fail "stlm-platform exited $prc on SIGTERM"
echo "ok: UML guest used stlm-platform as its SCMI firmware"
