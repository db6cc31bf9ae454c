#!/bin/bash
# SPDX-License-Identifier: MIT
# The client socket beside a mounted tree: libstlm programs on stlmd:PATH
# read, configure and receive notifications (the tree's event pump
# forwards them), and the stlm CLI works through the daemon.
. "$(dirname "$0")/lib.sh"
start_platform
start_daemon --socket "$T/d.sock"
[ -S "$T/d.sock" ] || fail "no socket"
export STLM_CATALOG_PATH="$STLM_SRCDIR/catalogs"

# the CLI through the daemon: configure, then read; the tree agrees
"$STLM_BIN" -q --platform "stlmd:$T/d.sock" enable cpu.1.temp >/dev/null ||
	fail "enable through the socket"
"$STLM_BIN" -q --platform "stlmd:$T/d.sock" config --on --interval 10ms \
	>/dev/null || fail "config through the socket"
sleep 0.1
[ "$(cat "$TLM/des/0x00010102/enable")" = Y ] || fail "tree does not see it"
out=$("$STLM_BIN" -q --platform "stlmd:$T/d.sock" read --json cpu.1.temp) ||
	fail "read through the socket"
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["samples"][0]; assert s["name"]=="cpu.1.temp" and s["valid"] and 40 < s["value"] < 80, d' ||
	fail "read: $out"
ok "CLI through stlmd: configures and reads; the tree agrees"

# notifications reach a socket subscriber while the tree is mounted (a
# message-only DE: only those are notified, docs/platform-format.md)
out=$(timeout 20 "$STLM_EXAMPLES_DIR/watch-de" "stlmd:$T/d.sock" soc.health 3) ||
	fail "watch-de through stlmd: exit $? ($out)"
[ "$(echo "$out" | grep -c '^soc.health ')" = 3 ] || fail "watch-de: $out"
ok "notifications forwarded to socket subscribers"

stop_daemon
[ ! -e "$T/d.sock" ] || fail "socket left behind"
ok "socket removed on SIGTERM"
