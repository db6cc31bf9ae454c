#!/bin/bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# A replay trace named by many DEs is loaded once (docs/platform-format.md,
# "Generators"; docs/SECURITY.md §5): a 1,000,000-sample CSV (about 7 MB)
# behind a repeat block of 2000 DEs and 100 plain DEs (one of them naming
# it through a hard link) keeps the emulator's peak RSS (VmHWM) under
# 160 MiB; loaded per DE it took 8 MB per DE (16 GB: the address-space
# limit below turns that into a refusal instead of exhausting the host).
# Distinct traces beyond 8,000,000 samples in all are refused with a
# clear error.
set -eu
T=$(mktemp -d /tmp/stlm-trace.XXXXXX)
PID=
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
	set +e
	[ -n "$PID" ] && kill "$PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
command -v python3 >/dev/null || { echo "SKIP: python3"; exit 77; }

python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
with open(t + "/big.csv", "w") as f:
    f.write("t,value\n")
    f.write("".join("%d\n" % (100000 + i % 900000) for i in range(1000000)))
des = [{"id": 0x10000 + k, "name": "p%d" % k, "group": "none", "shmti": "none",
        "generator": {"kind": "replay", "file": "link.csv" if k == 0 else "big.csv"}}
       for k in range(100)]
desc = {"name": "traces", "groups": [{"name": "g"}],
        "des": des + [{"repeat": {"count": 2000, "first": 0},
                       "des": [{"id": "0x20000", "name": "r{i}", "group": "none",
                                "shmti": "none",
                                "generator": {"kind": "replay", "file": "big.csv"}}]}]}
import json
json.dump(desc, open(t + "/many.json", "w"))
big = {"name": "toomany", "groups": [{"name": "g"}],
       "des": [{"id": 0x100 + k, "generator": {"kind": "replay", "file": "c%d.csv" % k}}
               for k in range(9)]}
json.dump(big, open(t + "/toomany.json", "w"))
PY
ln "$T/big.csv" "$T/link.csv"
ls -l "$T/big.csv" | awk '{print "trace: " $5 " bytes"}'

# An address-space limit (not under ASan, which reserves terabytes);
# bash -c execs the platform: $! is the platform itself.
LIMIT="ulimit -v 2097152;"
ldd "$STLM_PLATFORM_BIN" 2>/dev/null | grep -q 'libasan\|libtsan' && LIMIT=
bash -c "$LIMIT"' exec "$@"' limited "$STLM_PLATFORM_BIN" -q -c "$T/many.json" \
	--listen "unix:$T/p.sock" --mem "$T/mem" 2> "$T/p.err" &
PID=$!
for _ in $(seq 600); do
	[ -S "$T/p.sock" ] && break
	kill -0 "$PID" 2>/dev/null || fail "platform exited: $(cat "$T/p.err")"
	sleep 0.1
done
[ -S "$T/p.sock" ] || fail "platform did not start in 60 s"
HWM=$(awk '/^VmHWM:/ {print $2}' "/proc/$PID/status")
echo "emulator peak RSS with 2100 DEs on one 1,000,000-sample trace: $HWM kB"
[ "$HWM" -le 163840 ] || fail "peak RSS $HWM kB (bound 160 MiB): the trace is not shared"
"$STLM_BIN" -q --platform "unix:$T/p.sock?mem=$T/mem" list > "$T/list" ||
	fail "list: $(cat "$T/p.err")"
n=$(grep -c '^ *0x' "$T/list" || true)
[ "$n" -ge 2100 ] || fail "list shows $n DEs, expected 2100"
kill "$PID"
wait "$PID" || true
PID=

for k in $(seq 0 8); do cp "$T/big.csv" "$T/c$k.csv"; done
if "$STLM_PLATFORM_BIN" -q -c "$T/toomany.json" --listen "unix:$T/q.sock" \
	2> "$T/q.err"; then
	fail "9 distinct 1,000,000-sample traces accepted"
fi
grep -q "more than 8000000 in all" "$T/q.err" || fail "error: $(cat "$T/q.err")"
echo "ok: one trace over 2100 DEs loaded once ($HWM kB peak); 9,000,000 samples of distinct traces refused: $(head -1 "$T/q.err")"
