#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# Runs vhost-test.py (the virtio-scmi device against a test front end and
# hostile front ends) as an unprivileged user (uid 65534) when run as root
# with setpriv, else as the current user.
# Usage: vhost-test.sh PLATFORM_BIN SRCDIR
set -eu
bin=$1
src=$2
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3) || { echo "SKIP: no python3"; exit 77; }
work=$(mktemp -d /tmp/stlm-vhost.XXXXXX)
trap 'rm -rf "$work"' EXIT
run=""
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	chown 65534:65534 "$work"
	run="setpriv --reuid 65534 --regid 65534 --clear-groups --"
	echo "running as uid 65534"
fi
$run "$py" "$src/tests/virtio/vhost-test.py" "$bin" \
	"$src/tests/virtio/platform.json" "$work/run"
