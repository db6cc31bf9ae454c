#!/bin/sh
# SPDX-License-Identifier: MIT
#
# dist/stlm-arm-telemetry-setup: the group-based set-up for Arm's telemetry
# kernel tree. A real stlmfs mount needs Arm's kernel driver, so this checks
# everything around it: the mount command it would run (dry run), group
# resolution and its error, and "status" on a tree laid out like the kernel's,
# which must flag world-writable files (the chmod 777 recipe) and files of
# another group, and pass a correctly set-up tree.
set -u
SETUP="$STLM_SRCDIR/dist/stlm-arm-telemetry-setup"
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

check() {
	if eval "$2"; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		fail=1
	fi
}

grp=$(id -gn)
gid=$(id -g)

mkdir -p "$tmp/root/tlm_0/des/0x0000A001" "$tmp/root/tlm_0/des/0x0000A002"
echo 7DD87076-9472-8F22-8F80-EB2CF9410000 > "$tmp/root/tlm_0/de_implementation_version"
echo N > "$tmp/root/tlm_0/tlm_enable"
chmod 0664 "$tmp/root/tlm_0/tlm_enable"
chmod 0444 "$tmp/root/tlm_0/de_implementation_version"

out=$("$SETUP" -n -g "$grp" -r "$tmp/root" mount 2>&1); rc=$?
check "dry-run mount exits 0 ($rc)" '[ $rc -eq 0 ]'
check "dry-run mount command uses the group's gid and umask 0002" \
	'[ "$out" = "mount -t stlmfs -o gid=$gid,umask=0002 none $tmp/root" ]'

out=$("$SETUP" -n -g stlm-no-such-group-x -r "$tmp/root" mount 2>&1); rc=$?
check "unknown group is an error (exit 1)" '[ $rc -eq 1 ]'
check "unknown group message names it" \
	'echo "$out" | grep -q "no group .stlm-no-such-group-x."'

out=$("$SETUP" -n -g "$grp" -r "$tmp/none" mount 2>&1); rc=$?
check "missing mount point is an error" \
	'[ $rc -eq 1 ] && echo "$out" | grep -q "module loaded"'

out=$("$SETUP" -g "$grp" -r "$tmp/root" status 2>&1); rc=$?
check "status of a group-owned tree passes ($rc)" '[ $rc -eq 0 ]'
check "status lists the instance with its UUID and DE count" \
	'echo "$out" | grep -q "^tlm_0: uuid 7DD87076-9472-8F22-8F80-EB2CF9410000, 2 DEs$"'

chmod -R a+w "$tmp/root"
out=$("$SETUP" -g "$grp" -r "$tmp/root" status 2>&1); rc=$?
check "status flags a chmod 777 tree (exit 1)" '[ $rc -eq 1 ]'
check "status names the world-writable files" \
	'echo "$out" | grep -q "world-writable" && echo "$out" | grep -q "tlm_enable"'
chmod -R o-w "$tmp/root"

out=$("$SETUP" -g "$grp" -r "$tmp/empty" status 2>&1); rc=$?
check "status without instances is an error" \
	'[ $rc -eq 1 ] && echo "$out" | grep -q "no tlm_<N> instance"'

# The character devices (kernels v5 and later): nodes need root (mknod).
out=$("$SETUP" -g "$grp" -d "$tmp/dev" devices 2>&1); rc=$?
check "devices without nodes is an error" \
	'[ $rc -eq 1 ] && echo "$out" | grep -q "no tlm_<N> device"'
if [ "$(id -u)" = 0 ] && command -v setfacl >/dev/null &&
	mkdir -p "$tmp/dev" && mknod "$tmp/dev/tlm_0" c 1 3 2>/dev/null; then
	chgrp "$grp" "$tmp/dev/tlm_0"
	chmod 0640 "$tmp/dev/tlm_0"
	out=$("$SETUP" -g "$grp" -c "$grp" -d "$tmp/dev" devices 2>&1); rc=$?
	check "devices: a node without the configuration ACL is flagged" \
		'[ $rc -eq 1 ] && echo "$out" | grep -q "may not configure"'
	setfacl -m "g:$grp:rw" "$tmp/dev/tlm_0"
	out=$("$SETUP" -g "$grp" -c "$grp" -d "$tmp/dev" devices 2>&1); rc=$?
	check "devices: the udev rule's result passes ($rc: $out)" '[ $rc -eq 0 ]'
	check "devices lists the node" \
		'echo "$out" | grep -q "^tlm_0: mode 6[0-9]0, group $grp$"'
	chmod 0666 "$tmp/dev/tlm_0"
	out=$("$SETUP" -g "$grp" -c "$grp" -d "$tmp/dev" devices 2>&1); rc=$?
	check "devices: a node others may open is flagged" \
		'[ $rc -eq 1 ] && echo "$out" | grep -q "others may open"'
	rm -f "$tmp/dev/tlm_0"
else
	echo "ok - devices with nodes # SKIP needs root, mknod and setfacl"
fi
# The udev rule names the groups and mode the set-up documents.
rules="$STLM_SRCDIR/dist/udev/60-stlm-arm-telemetry.rules"
check "udev rule: /dev/scmi/tlm_* to group telemetry, 0640, config ACL" \
	'grep -q "GROUP=\"telemetry\", MODE=\"0640\"" "$rules" && grep -q "setfacl -m g:telemetry-config:rw" "$rules"'
check "sysusers: both groups" \
	'grep -q "^g telemetry -" "$STLM_SRCDIR/dist/sysusers.d/stlm.conf" && grep -q "^g telemetry-config -" "$STLM_SRCDIR/dist/sysusers.d/stlm.conf"'

out=$("$SETUP" -r "$tmp/root" frobnicate 2>&1); rc=$?
check "unknown command is a usage error (exit 2)" '[ $rc -eq 2 ]'

exit $fail
