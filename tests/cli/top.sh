#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
# stlm top in a real terminal: tmux on a private socket runs it in a
# 120x40 pane; keys go in with send-keys and the screen comes back with
# capture-pane. Covered: the built-in platform (UTF-8 sparkline), unix:
# (ASCII), stlmd: and stlmfs: (root with /dev/fuse), filter, sort,
# collapse, pause, interval, detail view, resize, quit by key, SIGTERM and
# Ctrl-C, the terminal state (stty -g in the pane before and after), the
# platform's configuration unchanged after quit and put back after the E
# key. --once / --batch / --json frames without a terminal. Every wait is
# bounded (polling, no timing assertions).
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux missing (Debian package tmux)"; exit 77; }

SOCK="stlm-top-$$"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
top_cleanup() {
	tm kill-server 2>/dev/null
	cleanup
}
trap top_cleanup EXIT

# run_top NAME ENV CMD...: start CMD in a new 120x40 session; the pane
# writes its stty state before and after, the exit status, and its pid.
run_top() {
	name=$1
	envs=$2
	shift 2
	# a name used again starts clean (wait_exit waits for a new .rc)
	rm -f "$T/$name.rc" "$T/$name.rc.tmp" "$T/$name.before" "$T/$name.after" "$T/$name.pid"
	printf '%s ' "$@" >"$T/$name.cmd"
	tm new-session -d -s "$name" -x 120 -y 40 \
		"stty -g >'$T/$name.before'; echo \$\$ >'$T/$name.pid'; env $envs sh -c 'exec \"\$0\" \"\$@\"' $(cat "$T/$name.cmd") 2>'$T/$name.err'; echo \$? >'$T/$name.rc.tmp'; stty -g >'$T/$name.after'; mv '$T/$name.rc.tmp' '$T/$name.rc'; sleep 60" ||
		fail "$name: tmux new-session"
}

# wait_pane NAME ERE: until the screen matches (at most ~30 s)
wait_pane() {
	for _ in $(seq 300); do
		tm capture-pane -p -t "$1" >"$T/$1.screen" 2>/dev/null
		grep -Eq -- "$2" "$T/$1.screen" && return 0
		sleep 0.1
	done
	fail "$1: the screen never showed /$2/:"
	cat "$T/$1.screen"
	return 1
}

# wait_gone NAME ERE: until the screen no longer matches
wait_gone() {
	for _ in $(seq 300); do
		tm capture-pane -p -t "$1" >"$T/$1.screen" 2>/dev/null
		grep -Eq -- "$2" "$T/$1.screen" || return 0
		sleep 0.1
	done
	fail "$1: the screen still shows /$2/"
	return 1
}

# wait_exit NAME: until the pane's command ended; checks rc and stty
wait_exit() {
	for _ in $(seq 300); do
		[ -s "$T/$1.rc" ] && break
		sleep 0.1
	done
	[ -s "$T/$1.rc" ] || { fail "$1: top did not end"; return 1; }
	[ "$(cat "$T/$1.rc")" = "${2:-0}" ] ||
		fail "$1: exit status $(cat "$T/$1.rc"), want ${2:-0} ($(cat "$T/$1.err"))"
	cmp -s "$T/$1.before" "$T/$1.after" ||
		fail "$1: terminal state not restored: $(cat "$T/$1.before") -> $(cat "$T/$1.after")"
	tm kill-session -t "$1" 2>/dev/null
	ok
}

# The pid of top in the pane (the shell's child).
top_pid() {
	sh_pid=$(cat "$T/$1.pid")
	for _ in $(seq 100); do
		p=$(cat "/proc/$sh_pid/task/$sh_pid/children" 2>/dev/null | tr -d ' ')
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}

# The platform's configuration as stlm sees it: enabled DEs + collection.
config_of() {
	"$STLM" -q -p "$1" list --enabled --no-header 2>/dev/null | awk '{print $1}' >"$2"
	"$STLM" -q -p "$1" config --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
d.pop("generation", None)
print(json.dumps(d, sort_keys=True))' >>"$2"
}

# ---------------------------------------------------------------- built-in
run_top b "LC_ALL=C.UTF-8" "$STLM" top -i 200ms
wait_pane b "stlm top +built-in platform" &&
	wait_pane b "cpu\.0\.freq +[0-9.]+ [MG]Hz" &&
	wait_pane b "NAME +VALUE +RATE +MIN +MAX +MEAN +HISTORY" && ok
# a UTF-8 sparkline once a few samples are in
wait_pane b "cpu\.0\.power .*[▁▂▃▄▅▆▇█]{3}" && ok
# filter by glob
tm send-keys -t b / C-u "cpu.1.*" Enter
wait_pane b "filter 'cpu\.1\.\*'" && wait_pane b "cpu\.1\.freq" &&
	wait_gone b "cpu\.0\.freq" && ok
# sort cycles through id, name, value, rate
tm send-keys -t b s
wait_pane b "sort name" && ok
tm send-keys -t b s
wait_pane b "sort value" && ok
# collapse the selected component (the first row), expand it again
tm send-keys -t b Home c
wait_pane b "▸ cpu\.1 \(12\)" && wait_gone b "cpu\.1\.freq" && ok
tm send-keys -t b c
wait_pane b "▾ cpu\.1 \(12\)" && wait_pane b "cpu\.1\.freq" && ok
# pause and resume
tm send-keys -t b p
wait_pane b "PAUSED" && ok
tm send-keys -t b p
wait_gone b "PAUSED" && ok
# the interval doubles with +
tm send-keys -t b +
wait_pane b "interval 400ms" && ok
# detail view of the DE under the cursor
tm send-keys -t b Down Enter
wait_pane b "Firmware name:" && wait_pane b "Component: +cpu\.1" && ok
tm send-keys -t b x
wait_gone b "Firmware name:" && ok
# resize: a narrow terminal drops the statistics, a wide one shows them
tm resize-window -t b -x 70 -y 20
wait_gone b "MEAN" && wait_pane b "NAME +VALUE +RATE" && ok
# (characters, not bytes: the sparkline is UTF-8)
python3 -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > 70 for l in open(sys.argv[1], encoding="utf-8")))' "$T/b.screen" ||
	fail "resize: lines wider than 70 columns"
# the sparkline shrinks with the width but stays
grep -q "cpu\.1\.freq .*[▁▂▃▄▅▆▇█]" "$T/b.screen" || fail "resize: no sparkline at 70 columns"
tm resize-window -t b -x 120 -y 40
wait_pane b "MIN +MAX +MEAN" && ok
tm send-keys -t b q
wait_exit b

# ---------------------------------------------------------------- unix:
start_platform p
P=$(uri p)
config_of "$P" "$T/conf.before"
[ -s "$T/conf.before" ] || fail "unix: no configuration read"
run_top u "LC_ALL=C" "$STLM" -p "$P" top -i 100ms
wait_pane u "stlm top +unix:" && wait_pane u "<disabled>" && ok
# ASCII: no block characters in the C locale
sleep 0.5
tm capture-pane -p -t u >"$T/u.screen"
grep -q "[▁▂▃▄▅▆▇█▸▾]" "$T/u.screen" && fail "unix: non-ASCII in the C locale"
ok
# quit by SIGTERM: configuration untouched, terminal restored
kill -TERM "$(top_pid u)" 2>/dev/null || fail "unix: no top process"
wait_exit u
config_of "$P" "$T/conf.after"
cmp -s "$T/conf.before" "$T/conf.after" ||
	fail "unix: top changed the configuration: $(diff "$T/conf.before" "$T/conf.after")"
ok

# the E key enables and starts collection; q puts it back
run_top e "LC_ALL=C" "$STLM" -p "$P" top -i 100ms
wait_pane e "<disabled>" && tm send-keys -t e E
wait_pane e "enabled all DEs" && wait_pane e "[0-9] (mW|W|MHz|GHz|C)" && ok
config_of "$P" "$T/conf.during"
cmp -s "$T/conf.before" "$T/conf.during" && fail "E: nothing changed on the platform"
tm send-keys -t e q
wait_exit e
grep -q "the configuration E changed is put back" "$T/e.err" || fail "E then q: no notice ($(cat "$T/e.err"))"
config_of "$P" "$T/conf.after"
cmp -s "$T/conf.before" "$T/conf.after" ||
	fail "E then q: configuration not put back: $(diff "$T/conf.before" "$T/conf.after")"
ok
# ... and Ctrl-C (SIGINT from the terminal) puts it back too
run_top i "LC_ALL=C" "$STLM" -p "$P" top -i 100ms
wait_pane i "<disabled>" && tm send-keys -t i E
wait_pane i "enabled all DEs" && tm send-keys -t i C-c
wait_exit i
config_of "$P" "$T/conf.after"
cmp -s "$T/conf.before" "$T/conf.after" ||
	fail "E then Ctrl-C: configuration not put back"
ok
# SIGHUP (the terminal went away) puts it back too
run_top hup "LC_ALL=C" "$STLM" -p "$P" top -i 100ms
wait_pane hup "<disabled>" && tm send-keys -t hup E
wait_pane hup "enabled all DEs" && kill -HUP "$(top_pid hup)"
wait_exit hup
config_of "$P" "$T/conf.after"
cmp -s "$T/conf.before" "$T/conf.after" || fail "E then SIGHUP: configuration not put back"
ok

# the platform dies under top: it says so and goes on until q
run_top d "LC_ALL=C" "$STLM" -p "$P" top -i 100ms
wait_pane d "<disabled>"
stop_platform p
wait_pane d "unreachable" && ok
tm send-keys -t d q
wait_exit d

# ---------------------------------------------------------------- frames
expect_rc 0 "top --once" "$STLM" -q top --once -i 50ms &&
	{ grep -q "cpu.0.freq" "$T/out" || fail "--once: no cpu.0.freq"; } &&
	{ grep -q "$(printf '\033')" "$T/out" && fail "--once: escape codes"; ok; }
[ "$(grep -c "^stlm top" "$T/out")" = 1 ] || fail "--once: not one frame"
expect_rc 0 "top --batch -n 2" "$STLM" -q top --batch -n 2 -i 50ms "cpu.2.*" &&
	[ "$(grep -c "^stlm top" "$T/out")" = 2 ] && ok ||
	fail "--batch -n 2: want 2 frames"
grep -q "cpu.0" "$T/out" && fail "--batch with a glob shows other DEs"
expect_rc 0 "top --once --json" "$STLM" -q top --once --json -i 50ms --sort value cluster.0.temp "cpu.0.*" &&
	json_check top-json 'len(d["des"]) == 13 and all(x["problem"] is None for x in d["des"]) and any(x["rate"] is not None for x in d["des"])'
expect_rc 2 "top --json without --once" "$STLM" -q top --json
expect_rc 2 "top without a terminal" "$STLM" -q top
expect_rc 2 "top --sort bad" "$STLM" -q top --once --sort size
expect_rc 1 "top unknown DE" "$STLM" -q top --once cpu.0.frq &&
	{ grep -q "did you mean 'cpu.0.freq'" "$T/err" || fail "top: no suggestion"; }

# ------------------------------------- tcp:, shm: and a large platform
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$STLM_PLATFORM_BIN" --quiet --listen "tcp:127.0.0.1:$PORT" --listen "shm:$T/shm" 2>"$T/ts.log" &
PIDS="$PIDS $!"
for _ in $(seq 100); do
	"$STLM" -q -p "tcp:127.0.0.1:$PORT" info >/dev/null 2>&1 && break
	sleep 0.1
done
for u in "tcp:127.0.0.1:$PORT?mem=$T/shm/mem" "shm:$T/shm"; do
	"$STLM" -q -p "$u" enable "cpu.0.*" >/dev/null && "$STLM" -q -p "$u" config --on >/dev/null ||
		fail "$u: set-up"
	expect_rc 0 "$u top --once" "$STLM" -q -p "$u" top --once -i 50ms "cpu.0.*" &&
		{ grep -q "^stlm top  $u" "$T/out" && grep -Eq "cpu\.0\.power +[0-9.]+ m?W" "$T/out" ||
			fail "$u: $(head -5 "$T/out")"; }
done
start_platform big --des 20000
for _ in $(seq 100); do "$STLM" -q -p "$(uri big)" info >/dev/null 2>&1 && break; sleep 0.1; done
expect_rc 0 "top --once 20000 DEs" timeout 120 "$STLM" -q -p "$(uri big)" top --once -i 50ms &&
	[ "$(grep -c "<disabled>" "$T/out")" = 20000 ] && grep -q "^DEs 20000 of 20000" "$T/out" && ok ||
	fail "large platform: $(grep -c "<disabled>" "$T/out") rows"
stop_platform big

# ------------------------------------------------- an unprivileged user
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 0755 "$T"
	mkdir -m 1777 "$T/nobody"
	run_top n "LC_ALL=C.UTF-8 TMPDIR=$T/nobody HOME=$T/nobody" setpriv --reuid 65534 --regid 65534 --clear-groups "$STLM" top -i 200ms
	wait_pane n "stlm top +built-in platform" && wait_pane n "cpu\.0\.freq +[0-9.]+ [MG]Hz" && ok
	tm send-keys -t n / C-u temp Enter
	wait_pane n "filter 'temp'" && wait_gone n "cpu\.0\.freq" && ok
	tm send-keys -t n q
	wait_exit n
	[ -z "$(ls -A "$T/nobody")" ] || fail "unprivileged: the built-in platform's files stayed: $(ls -A "$T/nobody")"
else
	echo "SKIP part: unprivileged user (needs root and setpriv)"
fi

# ------------------------------------------------- stlmd: and stlmfs:
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && [ -n "${STLMD_BIN:-}" ]; then
	start_platform f --config "$STLM_SRCDIR/tests/cli/fixture.json"
	mkdir -p "$T/mnt"
	"$STLMD_BIN" -f --platform "$(uri f)" --mount "$T/mnt" --socket "$T/d.sock" 2>"$T/stlmd.log" &
	PIDS="$PIDS $!"
	for _ in $(seq 100); do
		[ -S "$T/d.sock" ] && [ -e "$T/mnt/tlm_0/version" ] && break
		sleep 0.1
	done
	"$STLM" -q -p "stlmd:$T/d.sock" enable --all >/dev/null &&
		"$STLM" -q -p "stlmd:$T/d.sock" config --on >/dev/null ||
		fail "stlmd: set-up"
	for u in "stlmd:$T/d.sock" "stlmfs:$T/mnt/tlm_0"; do
		config_of "$u" "$T/fconf.before"
		run_top s "LC_ALL=C.UTF-8" "$STLM" -p "$u" top -i 100ms
		wait_pane s "stlm top +$(echo "$u" | cut -c1-6)" &&
			wait_pane s "[0-9] (°C|mW|W|V)" && ok
		tm send-keys -t s / C-u "*temp*" Enter
		wait_pane s "filter '\*temp\*'" && ok
		tm resize-window -t s -x 80 -y 24
		wait_gone s "MEAN" && ok
		tm send-keys -t s q
		wait_exit s
		config_of "$u" "$T/fconf.after"
		cmp -s "$T/fconf.before" "$T/fconf.after" || fail "$u: configuration changed"
		expect_rc 0 "$u top --once" "$STLM" -q -p "$u" top --once -i 50ms
	done
	fusermount3 -u "$T/mnt" 2>/dev/null || umount -l "$T/mnt" 2>/dev/null
else
	echo "SKIP part: stlmd: and stlmfs: (need root and /dev/fuse)"
fi
finish
