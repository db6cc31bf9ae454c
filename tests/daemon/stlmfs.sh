#!/bin/bash
# SPDX-License-Identifier: MIT
# The stlmfs: backend end to end: stlm-platform (constant-valued fixture,
# tests/cli/fixture.json) -> stlmd's FUSE tree -> libstlm through
# stlmfs:MNT/tlm_0 (stlm list/read/enable/config/watch/reset and the
# examples). Values are checked against the fixture's constants and
# against a second client of the same daemon (stlmd:SOCK) reading at the
# same time; a change made through the backend is seen by that client and
# in the tree, and a change made by that client reaches a running stlmfs
# session (its generation moves, the new DE appears). Killing the daemon
# makes a running session fail, not hang.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3"; exit 77; }
start_platform --config "$STLM_SRCDIR/tests/cli/fixture.json"
start_daemon --socket "$T/d.sock"
for _ in $(seq 50); do [ -S "$T/d.sock" ] && break; sleep 0.1; done

FS=(timeout 20 "$STLM_BIN" -q -p "stlmfs:$TLM")
DIRECT=(timeout 20 "$STLM_BIN" -q -p "stlmd:$T/d.sock")
export STLM_CATALOG_PATH="$T/no-catalog"

# jq-like checks with python: pycheck FILE EXPR (d = the JSON document)
pycheck() {
	python3 - "$1" "$2" <<'PY' || fail "$2 ($(head -c 600 "$1"))"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

"${FS[@]}" info --json > "$T/info.json" || fail "info"
pycheck "$T/info.json" 'd["des"] == 7 and d["groups"] == 2 and d["uuid"] == "00000000-0000-4000-8000-0000000C1100" and d["shmti"] == 0'
ok "info through stlmfs: 7 DEs, 2 groups"
"${FS[@]}" list --json > "$T/list.json" || fail "list"
pycheck "$T/list.json" 'd["count"] == 7 and [x["id"] for x in d["des"]] == [0x100, 0x101, 0x102, 0x103, 0x200, 0x201, 0x300]'
ok "list"

# Configuration through the backend lands in the tree and at the daemon.
"${FS[@]}" enable 0x100 0x101 0x300 > /dev/null || fail "enable"
[ "$(cat "$TLM/des/0x00000101/enable")" = Y ] || fail "tree: 0x101 not enabled"
"${FS[@]}" config --on --interval 10ms > /dev/null || fail "config"
[ "$(cat "$TLM/tlm_enable")" = Y ] || fail "tree: tlm_enable"
case "$(cat "$TLM/current_update_interval_ms")" in
"10,-3"|"1,-2") ;;
*) fail "tree: interval $(cat "$TLM/current_update_interval_ms")";;
esac
"${DIRECT[@]}" list --json > "$T/dlist.json" || fail "direct list"
pycheck "$T/dlist.json" 'sorted(x["id"] for x in d["des"] if x["enabled"]) == [0x100, 0x101, 0x300]'
ok "enable/config through stlmfs seen by a direct client"

# Values: the fixture's constants, and the same as the direct client's.
"${FS[@]}" read --json > "$T/read.json" || fail "read"
"${DIRECT[@]}" read --json > "$T/dread.json" || fail "direct read"
pycheck "$T/read.json" '[(s["id"], s["raw"]) for s in d["samples"]] == [(0x100, 45250), (0x101, 1500), (0x300, 3300)] and abs(d["samples"][0]["value"] - 45.25) < 1e-9 and abs(d["samples"][2]["value"] - 3.3) < 1e-9 and all(s["valid"] for s in d["samples"])'
python3 - "$T/read.json" "$T/dread.json" <<'PY' || fail "stlmfs and stlmd values differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if [(s["id"], s["raw"]) for s in a["samples"]] == [(s["id"], s["raw"]) for s in b["samples"]] else 1)
PY
ok "values match the emulator's constants and a direct reader"
"${FS[@]}" read --single --json 0x101 > "$T/single.json" || fail "read --single"
pycheck "$T/single.json" 'd["samples"][0]["raw"] == 1500'
timeout 20 "$STLM_BIN" -q -p "stlmfs:$MNT" read --json 0x300 > "$T/root.json" || fail "mount-root URI"
pycheck "$T/root.json" 'd["samples"][0]["raw"] == 3300'
ok "single sample and the mount-root URI"

# A change by the other client reaches a running stlmfs session.
"${FS[@]}" watch --json -i 100 -n 15 > "$T/watch.json" 2> "$T/watch.err" &
WPID=$!
EXTRA_PIDS="$WPID"
sleep 0.5
"${DIRECT[@]}" enable 0x200 > /dev/null || fail "direct enable"
wait "$WPID" || fail "watch exit $? ($(cat "$T/watch.err"))"
EXTRA_PIDS=
python3 - "$T/watch.json" <<'PY' || fail "watch did not follow the generation"
import json, sys
d = json.load(open(sys.argv[1]))
iv = d["intervals"]
gens = [i["generation"] for i in iv]
ids = [[s["id"] for s in i["samples"]] for i in iv]
assert gens == sorted(gens) and gens[-1] > gens[0], gens
assert 0x200 not in ids[0] and 0x200 in ids[-1], ids
first = next(k for k, x in enumerate(ids) if 0x200 in x)
assert gens[first] > gens[0]
PY
ok "a direct client's enable moved the stlmfs session's generation"

# The other way: disable through the backend, seen by the direct client.
"${FS[@]}" disable 0x101 > /dev/null || fail "disable"
"${DIRECT[@]}" list --json > "$T/dlist2.json" || fail "direct list 2"
pycheck "$T/dlist2.json" 'sorted(x["id"] for x in d["des"] if x["enabled"]) == [0x100, 0x200, 0x300]'
ok "disable through stlmfs seen by a direct client"

# The examples through the backend.
timeout 20 "$STLM_EXAMPLES_DIR/read-snapshot" "stlmfs:$TLM" > "$T/ex.out" || fail "read-snapshot"
grep -q '^0x00000102 soc_freq *ok 1.8e+09 Hz' "$T/ex.out" || fail "read-snapshot output: $(head -3 "$T/ex.out")"
if timeout 20 "$STLM_EXAMPLES_DIR/watch-de" "stlmfs:$TLM" 0x100 1 > /dev/null 2> "$T/wd.err"; then
	fail "watch-de: notifications over STLMFS"
fi
grep -q "not supported" "$T/wd.err" || fail "watch-de error: $(cat "$T/wd.err")"
ok "examples: read-snapshot reads, watch-de reports no notifications"

# Telemetry off: the bulk file refuses to open, samples are disabled.
"${FS[@]}" config --off > /dev/null || fail "config --off"
# No value could be read: exit 1, the samples and the error in one document.
"${FS[@]}" read --json > "$T/off.json" 2>/dev/null && fail "read while off: exit 0 without a value"
pycheck "$T/off.json" 'd["samples"] and all(not s["valid"] and "disabled" in s["flags"] for s in d["samples"]) and d["error"]["exit_code"] == 1'
ok "telemetry off: every sample disabled, exit 1"

# Reset through the backend.
"${FS[@]}" reset > /dev/null || fail "reset"
[ "$(cat "$TLM/des/0x00000100/enable")" = N ] || fail "reset: 0x100 still enabled"
"${DIRECT[@]}" list --json > "$T/dlist3.json" || fail "direct list 3"
pycheck "$T/dlist3.json" 'not any(x["enabled"] for x in d["des"])'
ok "reset"

# The daemon dies under a running session: errors, no hang.
"${FS[@]}" enable --all > /dev/null || fail "enable --all"
"${FS[@]}" config --on > /dev/null || fail "config --on"
"${FS[@]}" watch -i 100 -n 200 > /dev/null 2> "$T/dead.err" &
WPID=$!
EXTRA_PIDS="$WPID"
sleep 0.5
kill -9 "$PID_DAEMON"
wait "$PID_DAEMON" 2>/dev/null || true
PID_DAEMON=
rc=0
wait "$WPID" || rc=$?
EXTRA_PIDS=
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "watch after the daemon died: exit $rc"
ok "daemon killed: the session failed with: $(head -1 "$T/dead.err")"
rc=0
timeout 20 "$STLM_BIN" -q -p "stlmfs:$TLM" info > /dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "open on a dead mount: exit $rc"
ok "open on a dead mount fails"
