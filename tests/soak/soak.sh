#!/bin/bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# Soak test: a real stlm-platform (tests/soak/soak-platform.json, resetting
# itself every few seconds), stlmd on it (FUSE tree + client socket) and,
# for a bounded time, concurrently:
#   - soak-reader on stlmd:SOCK (library snapshots over the socket),
#   - fuse-reader.py (snapshot.bin, snapshot, des_bulk_read of the tree),
#   - stlm watch through the socket, restarted when it ends,
#   - a configuration changer (CLI through the socket and tree writes:
#     DEs, groups, all, intervals, TELEMETRY_RESET),
#   - a second platform on shm: with its own soak-reader --configure
#     (library snapshots over a direct transport) and its own resets.
# Every snapshot is checked (see soak-reader.c). RSS, open fds and threads
# of stlmd, the platform and the long-lived socket reader are sampled after
# warm-up and near the end; growth must stay within the bounds below.
#
# Duration: STLM_SOAK_SECONDS, else 120 s (45 s in a sanitized build).
set -eu
[ -c /dev/fuse ] || { echo "SKIP: no /dev/fuse"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (FUSE mount)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3"; exit 77; }

SAN=${STLM_SANITIZED:-none}
[ -z "$SAN" ] && SAN=none
if [ -n "${STLM_SOAK_SECONDS:-}" ]; then
	DUR=$STLM_SOAK_SECONDS
elif [ "$SAN" != none ]; then
	DUR=45
else
	DUR=120
fi
[ "$DUR" -ge 20 ] || DUR=20
WARM=$((DUR / 5))
# Bounds (after warm-up -> near the end). Under ASan, freed memory sits
# in the quarantine (256 MiB by default) before it is reused, so RSS
# grows by up to that much without any leak: the bound is the quarantine
# plus 64 MiB there, and leaks are LeakSanitizer's job (every process
# must exit 0 at the end, which it does not with a leak).
if [ "$SAN" != none ]; then RSS_BOUND_KB=$(((256 + 64) * 1024)); else RSS_BOUND_KB=4096; fi
FD_BOUND=4
THREAD_BOUND=4
SRC=$(cd "$(dirname "$0")" && pwd)

T=$(mktemp -d /tmp/stlm-soak.XXXXXX)
MNT=$T/mnt
TLM=$MNT/tlm_0
SOCK=$T/d.sock
URI="unix:$T/p.sock?mem=$T/mem"
PIDS=
PID_DAEMON=
mkdir -p "$MNT" "$T/shm"
fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
	set +e
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	if [ -n "$PID_DAEMON" ]; then
		kill "$PID_DAEMON" 2>/dev/null
		for _ in $(seq 25); do
			kill -0 "$PID_DAEMON" 2>/dev/null || break
			sleep 0.2
		done
		kill -9 "$PID_DAEMON" 2>/dev/null
	fi
	grep -q " $MNT " /proc/mounts && umount -l "$MNT" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

# sample PID -> "rss_kb fds threads"
sample() {
	local rss thr fds
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status")
	thr=$(awk '/^Threads:/ {print $2}' "/proc/$1/status")
	fds=$(ls "/proc/$1/fd" | wc -l)
	echo "$rss $fds $thr"
}

"$STLM_PLATFORM_BIN" -v -c "$SRC/soak-platform.json" --listen "unix:$T/p.sock" \
	--mem "$T/mem" --fault reset:ms=7000,count=-1 2> "$T/platform.log" &
PID_PLAT=$!
PIDS="$PIDS $PID_PLAT"
"$STLM_PLATFORM_BIN" -v -c "$SRC/soak-platform.json" --listen "shm:$T/shm" \
	--fault reset:ms=9000,count=-1 2> "$T/platform2.log" &
PID_PLAT2=$!
PIDS="$PIDS $PID_PLAT2"
for _ in $(seq 100); do [ -S "$T/p.sock" ] && break; sleep 0.05; done
[ -S "$T/p.sock" ] || fail "platform did not start"

"$STLMD_BIN" -f --platform "$URI" --mount "$MNT" --socket "$SOCK" &
PID_DAEMON=$!
for _ in $(seq 100); do
	[ -e "$TLM/version" ] && [ -S "$SOCK" ] && break
	kill -0 "$PID_DAEMON" 2>/dev/null || fail "stlmd exited"
	sleep 0.05
done
[ -e "$TLM/version" ] || fail "mount did not appear"
echo y > "$TLM/all_des_enable"
echo y > "$TLM/tlm_enable"

STLM="$STLM_BIN -q --platform stlmd:$SOCK"
END=$((SECONDS + DUR))

"$STLM_SOAK_READER" --label socket "stlmd:$SOCK" "$DUR" > "$T/r-sock.out" 2> "$T/r-sock.err" &
PID_READER=$!
"$STLM_SOAK_READER" --label socket2 "stlmd:$SOCK" "$((DUR - 5))" > "$T/r-sock2.out" 2> "$T/r-sock2.err" &
PID_READER2=$!
"$STLM_SOAK_READER" --configure --label direct "shm:$T/shm" "$((DUR - 2))" \
	> "$T/r-direct.out" 2> "$T/r-direct.err" &
PID_DIRECT=$!
python3 "$SRC/fuse-reader.py" "$TLM" "$((DUR - 5))" > "$T/fuse.out" 2> "$T/fuse.err" &
PID_FUSE=$!
PIDS="$PIDS $PID_READER $PID_READER2 $PID_DIRECT $PID_FUSE"

# stlm watch through the socket, restarted whenever it stops
(
	while [ $SECONDS -lt $((END - 8)) ]; do
		echo "# run" >> "$T/watch.csv"
		$STLM watch -i 200 -n 10 --total --csv --no-header >> "$T/watch.csv" \
			2>> "$T/watch.err" || echo fail >> "$T/watch.fail"
		echo run >> "$T/watch.runs"
	done
) &
PID_WATCH=$!
PIDS="$PIDS $PID_WATCH"

# configuration changes, through the socket and the tree
(
	set +e
	ivs=$(cat "$TLM/available_update_intervals_ms")
	i=0
	while [ $SECONDS -lt $((END - 8)) ]; do
		case $((i % 8)) in
		0) $STLM enable --all >/dev/null ;;
		1) $STLM disable 0x105 >/dev/null ;;
		2) echo n > "$TLM/groups/1/enable" ;;
		3) $STLM config --on --interval "$(echo $ivs | cut -d' ' -f$((i % 4 + 1)))ms" >/dev/null ;;
		4) echo y > "$TLM/groups/1/enable" ;;
		5) echo y > "$TLM/des/0x00000105/enable" ;;
		6) echo "$(echo $ivs | cut -d' ' -f$((i % 3 + 2)))" > "$TLM/current_update_interval_ms" ;;
		7) if [ $((i % 24)) = 7 ]; then echo 1 > "$TLM/reset"; fi
		   echo y > "$TLM/all_des_enable"; echo y > "$TLM/tlm_enable" ;;
		esac 2>/dev/null
		echo "$i" > "$T/changes"
		i=$((i + 1))
		sleep 0.4
	done
) &
PID_CHANGER=$!
PIDS="$PIDS $PID_CHANGER"

echo "soak: started, ${DUR}s"
sleep "$WARM"
for p in "$PID_DAEMON" "$PID_PLAT" "$PID_READER"; do
	kill -0 "$p" || fail "process $p died during warm-up"
done
S0_D=$(sample "$PID_DAEMON"); S0_P=$(sample "$PID_PLAT"); S0_R=$(sample "$PID_READER")

sleep $((DUR - WARM - 3))
kill -0 "$PID_DAEMON" || fail "stlmd died"
kill -0 "$PID_PLAT" || fail "the platform died"
kill -0 "$PID_READER" || fail "the socket reader ended early"
S1_D=$(sample "$PID_DAEMON"); S1_P=$(sample "$PID_PLAT"); S1_R=$(sample "$PID_READER")

echo "soak: sampled at ${SECONDS}s"
rc=0
for p in "$PID_READER" "$PID_READER2" "$PID_DIRECT" "$PID_FUSE" "$PID_WATCH" "$PID_CHANGER"; do
	wait "$p" || { echo "process $p exit $?" >&2; rc=1; }
done
echo "soak: readers done at ${SECONDS}s"
PIDS="$PID_PLAT $PID_PLAT2"
cat "$T/r-sock.out" "$T/r-sock2.out" "$T/r-direct.out" "$T/fuse.out"
if [ $rc != 0 ]; then
	for f in r-sock r-sock2 r-direct fuse watch; do
		[ -s "$T/$f.err" ] && { echo "--- $f (first lines of stderr)"; head -n 8 "$T/$f.err"; }
	done
	fail "a reader failed"
fi

# stlm watch rows (--total: the raw counter values): same invariant per row
python3 - "$T/watch.csv" <<'PY' || fail "stlm watch output inconsistent"
import sys
rows, run = {}, 0
for ln in open(sys.argv[1]):
    if ln.startswith("# run"):
        run += 1  # each run's time column starts again
        continue
    p = ln.strip().split(",")
    if len(p) < 4 or not p[1].startswith("0x"):
        continue
    rows.setdefault((run, p[0]), []).append((int(p[1], 16), p[3]))
bad = values = 0
for t, items in rows.items():
    low = {}
    for id_, v in items:
        try:
            raw = int(float(v))
        except ValueError:
            continue
        s, k = id_ >> 8, id_ & 0xFF
        if s == 3 or raw != float(v) or raw < 2**40:
            continue
        values += 1
        if raw >> 40 != k or low.setdefault(s, raw & (2**40 - 1)) != raw & (2**40 - 1):
            bad += 1
print("watch: rows %d values %d inconsistent %d" % (len(rows), values, bad))
sys.exit(1 if bad or not rows else 0)
PY
runs=$(wc -l < "$T/watch.runs")
wfail=$(cat "$T/watch.fail" 2>/dev/null | wc -l)
changes=$(cat "$T/changes")

# platform resets survived: count the reset generations stlmd went through
read -r gen < "$TLM/generation"
resets=$(grep -ho 'resets [0-9]*' "$T/r-sock.out" "$T/r-direct.out" | awk '{s += $2} END {print s + 0}')
resets_a=$(grep -c 'fault: platform reset' "$T/platform.log" || true)
resets_b=$(grep -c 'fault: platform reset' "$T/platform2.log" || true)

check_growth() { # NAME "rss fds thr" "rss fds thr"
	set -- "$1" $2 $3
	local name=$1 r0=$2 f0=$3 t0=$4 r1=$5 f1=$6 t1=$7
	echo "$name: RSS ${r0} -> ${r1} kB, fds $f0 -> $f1, threads $t0 -> $t1"
	[ $((r1 - r0)) -le $RSS_BOUND_KB ] || fail "$name RSS grew by $((r1 - r0)) kB (bound $RSS_BOUND_KB)"
	[ $((f1 - f0)) -le $FD_BOUND ] || fail "$name fds grew $f0 -> $f1 (bound +$FD_BOUND)"
	[ $((t1 - t0)) -le $THREAD_BOUND ] || fail "$name threads grew $t0 -> $t1 (bound +$THREAD_BOUND)"
}
echo "soak summary: ${DUR}s (sanitizer: $SAN), configuration changes $changes," \
	"stlm watch runs $runs (failed $wfail), stlmd generation $gen," \
	"platform resets survived: $resets_a (stlmd platform, every 7 s of platform time) +" \
	"$resets_b (direct platform, every 9 s); RESET events seen by the" \
	"socket and direct readers: $resets"
check_growth stlmd "$S0_D" "$S1_D"
check_growth stlm-platform "$S0_P" "$S1_P"
check_growth socket-reader "$S0_R" "$S1_R"
[ "$resets" -gt 0 ] || fail "no platform reset seen"
# The repeating reset fault keeps its period in platform time. The
# TELEMETRY_RESETs written to the tree restart platform A's time (and so
# postpone its next fault); platform B gets none: its count is exact.
[ "$resets_a" -ge 2 ] || fail "only $resets_a platform resets of the stlmd platform"
[ "$resets_b" -ge $((DUR / 9 - 1)) ] || fail "only $resets_b platform resets in ${DUR}s (every 9 s)"
kill -0 "$PID_DAEMON" || fail "stlmd died"
kill "$PID_DAEMON"
wait "$PID_DAEMON" || fail "stlmd exit status $?"
PID_DAEMON=
grep -q " $MNT " /proc/mounts && fail "still mounted after SIGTERM"
echo "ok: soak passed: torn/mixed snapshots 0"
