#!/bin/bash
# SPDX-License-Identifier: MIT
# stlm and stlmd on chardev:PATH as separate processes: the device file
# PATH is served by the MODEL of the driver (tests/chardev/model.c) through
# a test-only LD_PRELOAD shim, backed by stlm-platform (the constant-valued
# fixture tests/cli/fixture.json) over unix:. stlm info/list/read/watch/
# enable/config/record/reset; the CLI's default resolution of
# $STLM_CHARDEV_ROOT/tlm_<N>; -EOPNOTSUPP for notification mode; an
# unknown ABI refused; an unprivileged user refused (EPERM) or reading
# only (read-only group, changes EROFS); SIGINT to a running watch; a
# platform of 20000 DEs; the platform dying under a running watch; and
# stlmd --platform chardev:PATH serving its FUSE tree (read back through
# stlmfs:) and socket.
. "$STLM_SRCDIR/tests/cli/lib.sh"
SHIM=${STLM_CHARDEV_SHIM:?}
[ -f "$SHIM" ] || { echo "SKIP: shim not built"; exit 77; }
chmod 755 "$T"

start_platform p --config "$STLM_SRCDIR/tests/cli/fixture.json"
chmod 666 "$T/p.sock"
mkdir -p "$T/dev"
chmod 755 "$T/dev"
DEV=$T/dev/tlm_0
: >"$DEV"
chmod 666 "$DEV"
export LD_PRELOAD=$SHIM STLM_TEST_CHARDEV_PATH=$DEV
STLM_TEST_CHARDEV_PLATFORM=$(uri p)
export STLM_TEST_CHARDEV_PLATFORM
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export STLM_CATALOG_PATH="$T/no-catalog"
C=(timeout 30 "$STLM" -q -p "chardev:$DEV")

expect_rc 0 "info" "${C[@]}" info --json
json_check info 'd["platform"] == "chardev:'"$DEV"'" and d["interface"] == "chardev ABI 1 features 0x3b" and d["des"] == 7 and d["uuid"] == "00000000-0000-4000-8000-0000000C1100" and d["vendor"] == "chardev"'
expect_rc 0 "info text" "${C[@]}" info
grep -q "^Interface: *chardev ABI 1 features 0x3b$" "$T/out" || fail "info text: no Interface line"
expect_rc 0 "list" "${C[@]}" list --json
json_check list 'd["count"] == 7 and sorted(x["id"] for x in d["des"]) == [0x100, 0x101, 0x102, 0x103, 0x200, 0x201, 0x300]'

expect_rc 0 "enable" "${C[@]}" enable 0x100 0x300 soc_power
expect_rc 0 "config on" "${C[@]}" config --on -i 10ms
expect_rc 0 "config show" "${C[@]}" config --json
json_check config 'json.dumps(d).find("10") >= 0 and "true" in json.dumps(d).lower()'
expect_rc 0 "read" "${C[@]}" read --json
json_check read '{s["id"]: s["raw"] for s in d["samples"] if s["valid"]} == {0x100: 45250, 0x101: 1500, 0x300: 3300}'
expect_rc 0 "read one" "${C[@]}" read --json board_volt
json_check read-one 'len(d["samples"]) == 1 and abs(d["samples"][0]["value"] - 3.3) < 1e-9'
expect_rc 0 "watch" "${C[@]}" watch -n 2 -i 100ms 0x100
grep -q "45.25" "$T/out" || fail "watch: no 45.25 in $(head -c 300 "$T/out")"
expect_rc 0 "record" "${C[@]}" record -o "$T/r.rec" -n 3 -i 50ms
[ -s "$T/r.rec" ] || fail "record: empty recording"
expect_rc 0 "replay" timeout 30 "$STLM" -q replay --json "$T/r.rec"
json_check replay 'len(d["intervals"]) == 3 and all(x["samples"][0]["value"] == 45.25 and x["samples"][0]["valid"] for x in d["intervals"] if x["samples"] and x["samples"][0]["id"] == 0x100)' 
expect_rc 0 "group enable" "${C[@]}" enable --group 1
expect_rc 0 "read group" "${C[@]}" read --json io_bytes
json_check read-group 'd["samples"][0]["raw"] == 123456 and d["samples"][0]["valid"]'

# Default resolution: every $STLM_CHARDEV_ROOT/tlm_<N>, lowest N first,
# before the built-in platform: tlm_1 is no telemetry device (a plain
# file: ENOTTY), tlm_2 is the model's, tlm_10 is never tried.
mkdir -p "$T/dev2"
: >"$T/dev2/tlm_1"
: >"$T/dev2/tlm_10"
: >"$T/dev2/tlm_2"
chmod 666 "$T/dev2/tlm_2"
STLM_CHARDEV_ROOT="$T/dev2" STLM_TEST_CHARDEV_PATH="$T/dev2/tlm_2" \
	expect_rc 0 "default resolution" timeout 30 "$STLM" info --json
json_check default-resolution 'd["platform"] == "chardev:'"$T/dev2/tlm_2"'" and d["interface"].startswith("chardev ABI 1")'
grep -q "^stlm: using the kernel telemetry device chardev:$T/dev2/tlm_2$" "$T/err" ||
	fail "default resolution: notice: $(cat "$T/err")"
# None usable: the built-in platform, saying why.
rm -f "$T/dev2/tlm_2"
STLM_CHARDEV_ROOT="$T/dev2" expect_rc 0 "no usable device" timeout 30 "$STLM" info --json
json_check no-usable 'd["builtin"] is True'
grep -q "telemetry device $T/dev2/tlm_10 not usable" "$T/err" ||
	fail "no usable device: reason: $(cat "$T/err")"

# What the ABI cannot serve.
expect_rc 1 "notify mode" "${C[@]}" config -m notify
grep -qi "not supported" "$T/err" || fail "notify: $(cat "$T/err")"

# An ABI we do not know: refused, naming both versions.
STLM_TEST_CHARDEV_OPTS=abi=2 expect_rc 1 "abi 2" "${C[@]}" info
grep -q "ABI version 2" "$T/err" && grep -q "ABI version 1" "$T/err" ||
	fail "abi 2: $(cat "$T/err")"

# Reset: everything off.
expect_rc 0 "reset" "${C[@]}" reset
expect_rc 0 "info after reset" "${C[@]}" info --json
json_check after-reset 'd["des_enabled"] == 0'

# Unprivileged: no access at all, then the read group only.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	U=(setpriv --reuid 65534 --regid 65534 --clear-groups)
	chmod 600 "$DEV"
	expect_rc 1 "nobody, no access" "${U[@]}" "${C[@]}" info
	grep -qi "permission denied" "$T/err" || fail "nobody: $(cat "$T/err")"
	chmod 644 "$DEV"
	expect_rc 0 "nobody, read-only" "${U[@]}" "${C[@]}" info --json
	json_check nobody-ro 'd["interface"].endswith("read-only")'
	expect_rc 1 "nobody, enable" "${U[@]}" "${C[@]}" enable 0x100
	grep -q "write access" "$T/err" || fail "nobody enable: $(cat "$T/err")"
	chmod 666 "$DEV"
else
	echo "note: not root or no setpriv: unprivileged checks skipped"
fi

# SIGINT to a running watch: it ends, and the platform takes the next agent.
"$STLM" -q -p "chardev:$DEV" watch -i 100ms -e 0x100 >"$T/w.out" 2>"$T/w.err" &
W=$!
sleep 0.5
kill -INT "$W"
for _ in $(seq 100); do kill -0 "$W" 2>/dev/null || break; sleep 0.1; done
kill -0 "$W" 2>/dev/null && { kill -9 "$W"; fail "watch ignored SIGINT"; }
wait "$W" 2>/dev/null
expect_rc 0 "after SIGINT" "${C[@]}" info --json

# stlmd on the device: the STLMFS tree and the socket.
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ]; then
	mkdir -p "$T/mnt"
	"$STLMD_BIN" -f --platform "chardev:$DEV" --mount "$T/mnt" \
		--socket "$T/d.sock" 2>"$T/d.err" &
	D=$!
	PIDS="$PIDS $D"
	for _ in $(seq 100); do
		[ -e "$T/mnt/tlm_0/version" ] && [ -S "$T/d.sock" ] && break
		kill -0 "$D" 2>/dev/null || break
		sleep 0.05
	done
	if [ -e "$T/mnt/tlm_0/version" ]; then
		ok
		(
			unset LD_PRELOAD
			FAILS=0
			expect_rc 0 "stlmd: enable via socket" timeout 30 "$STLM" -q -p "stlmd:$T/d.sock" enable 0x100 0x102
			expect_rc 0 "stlmd: collection on" timeout 30 "$STLM" -q -p "stlmd:$T/d.sock" config --on
			expect_rc 0 "stlmfs: read the tree" timeout 30 "$STLM" -q -p "stlmfs:$T/mnt/tlm_0" read --json
			json_check stlmfs-read '{s["id"]: s["raw"] for s in d["samples"] if s["valid"]} == {0x100: 45250, 0x102: 1800000000}'
			expect_rc 0 "stlmd: info" timeout 30 "$STLM" -q -p "stlmd:$T/d.sock" info --json
			json_check stlmd-info 'd["des"] == 7 and d["des_enabled"] == 2'
			[ "$FAILS" -eq 0 ]
		) || fail "stlmd on chardev"
		grep -q . "$T/mnt/tlm_0/des_bulk_read" 2>/dev/null ||
			fail "stlmd: des_bulk_read empty"
		kill "$D"
		wait "$D" 2>/dev/null
		grep -q " $T/mnt " /proc/mounts && { umount -l "$T/mnt"; fail "stlmd: still mounted"; }
	else
		fail "stlmd on chardev did not mount: $(cat "$T/d.err")"
	fi
else
	echo "note: not root or no /dev/fuse: stlmd checks skipped"
fi

# A large platform: 20000 DEs through one bulk read per snapshot.
start_platform big -n 20000
(
	FAILS=0
	STLM_TEST_CHARDEV_PLATFORM=$(uri big)
	export STLM_TEST_CHARDEV_PLATFORM
	expect_rc 0 "large: enable all" "${C[@]}" enable --all
	expect_rc 0 "large: on" "${C[@]}" config --on
	expect_rc 0 "large: read" "${C[@]}" read --json
	json_check large-read 'len(d["samples"]) == 20000 and all(s["valid"] for s in d["samples"])'
	[ "$FAILS" -eq 0 ]
) || fail "large platform"
stop_platform big

# The platform dies under a running watch: watch ends with an error.
"$STLM" -q -p "chardev:$DEV" watch -i 100ms -e 0x100 >"$T/w.out" 2>"$T/w.err" &
W=$!
sleep 0.5
stop_platform p
for _ in $(seq 100); do kill -0 "$W" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$W" 2>/dev/null; then
	kill -9 "$W"
	fail "watch hangs after the platform died"
else
	wait "$W"
	rc=$?
	[ "$rc" -ne 0 ] && ok || fail "watch exit $rc after the platform died"
fi
finish
