#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
# One command line: the option table that stlm prints from its own option
# tables (stlm help --options-table) gives each short option one meaning
# across all subcommands and covers every subcommand of 'stlm help
# --json'; global options work after the subcommand; old spellings still
# work with a notice; durations take us/ms/s/m/h; "did you mean" for
# subcommands, options and DE names; globs wherever DEs are named. The
# progress line appears on a terminal (a pty) and never on a pipe or
# with -q.
. "$(dirname "$0")/lib.sh"

start_platform p
P=$(uri p)
for _ in $(seq 100); do "$STLM" -q -p "$P" info >/dev/null 2>&1 && break; sleep 0.1; done

# ------------------------------------------------------------ the table
expect_rc 0 "help --options-table" "$STLM" help --options-table
cp "$T/out" "$T/table"
"$STLM" help --json >"$T/cmds.json" || fail "help --json"
python3 - "$T/table" "$T/cmds.json" <<'PY' || fail "options table"
import json, sys
meaning, bad = {}, []
cmds = {c["name"] for c in json.load(open(sys.argv[2]))["commands"]}
seen = set()
for line in open(sys.argv[1], encoding="utf-8"):
    cmd, short, long = line.rstrip("\n").split("\t")
    seen.add(cmd)
    if short == "-" or long.startswith("(deprecated"):
        continue
    letter = short.split()[0]
    if meaning.setdefault(letter, long) != long:
        bad.append(f"{letter}: {meaning[letter]} and {long} ({cmd})")
if bad:
    print("short options with two meanings:", *bad, sep="\n  ")
    sys.exit(1)
missing = cmds - seen
if missing:
    print("commands missing from the table:", missing)
    sys.exit(1)
# the global options are in it, and top's
need = {("*", "-p ARG", "--platform"), ("*", "-c ARG", "--catalog"),
        ("top", "-i ARG", "--interval"), ("record", "-D ARG", "--duration"),
        ("watch", "-d", "--delta")}
rows = {tuple(l.rstrip("\n").split("\t")) for l in open(sys.argv[1])}
if not need <= rows:
    print("rows missing:", need - rows)
    sys.exit(1)
PY
ok
# the table in stlm(1) says the same as the code
python3 - "$T/table" "$STLM_SRCDIR/man/stlm.1" <<'PY' || fail "stlm(1) option table out of date"
import re, sys
code = {}
for line in open(sys.argv[1]):
    cmd, short, long = line.rstrip("\n").split("\t")
    if short != "-" and not long.startswith("(deprecated"):
        code[short.split()[0]] = long
man = open(sys.argv[2], encoding="utf-8").read()
m = re.search(r"\.SH SHORT OPTIONS\n(.*?)\n\.SH", man, re.S)
if not m:
    print("no SHORT OPTIONS section")
    sys.exit(1)
doc = dict(re.findall(r"\\fB\\-(\w)\\fR\t\\fB\\-\\-([\w-]+)", m.group(1)))
want = {k[1]: v[2:] for k, v in code.items()}
if doc != want:
    print("man:", sorted(doc.items()))
    print("code:", sorted(want.items()))
    sys.exit(1)
PY
ok

# ------------------------------------------- global options afterwards
expect_rc 0 "read -p after the command" "$STLM" read -q -p "$P" -e --json 0x10000 &&
	json_check read-p 'd["samples"][0]["id"] == 0x10000'
expect_rc 0 "list --platform= after" "$STLM" list --platform="$P" -q --no-header 0x10000
expect_rc 0 "info -c after" "$STLM" info -q -p "$P" -c "$STLM_SRCDIR/catalogs" --json

# ------------------------------------------------------ old spellings
expect_rc 0 "list -i (old)" "$STLM" -p "$P" list -i 0x10000 --no-header &&
	{ grep -q "deprecated.*--id" "$T/err" || fail "list -i: no notice"; } &&
	{ grep -q "^0x00010000" "$T/out" || fail "list -i: wrong DE"; }
expect_rc 0 "list -c COMPONENT (old)" "$STLM" -p "$P" list -c cpu --no-header &&
	{ grep -q "taken as -C/--component" "$T/err" || fail "list -c: no notice"; }
n_old=$(wc -l <"$T/out")
expect_rc 0 "list -C" "$STLM" -q -p "$P" list -C cpu --no-header
[ "$(wc -l <"$T/out")" = "$n_old" ] && [ "$n_old" -gt 0 ] || fail "list -C and old -c differ"
expect_rc 0 "list -q -e (old) quiet" "$STLM" -q -p "$P" list -e
[ -s "$T/err" ] && fail "-q still printed the notice"
expect_rc 0 "record -d (old)" "$STLM" -p "$P" record -q -o "$T/old.rec" -i 20ms -d 0.1 -E 0x10000
expect_rc 0 "record -d notice" "$STLM" -p "$P" record -f -o "$T/old.rec" -i 20ms -d 0.1 0x10000
grep -q "deprecated.*-D/--duration" "$T/err" || fail "record -d: no notice"

# ------------------------------------------------------------ durations
expect_rc 0 "record -i 1m -n 1" "$STLM" -q -p "$P" record -f -o "$T/m.rec" -i 1m -n 1 0x10000
expect_rc 0 "record -D 1h" "$STLM" -q -p "$P" record -f -o "$T/m.rec" -D 1h 0x10000 -- true
expect_rc 0 "record -i 500us -n 2" "$STLM" -q -p "$P" record -f -o "$T/m.rec" -i 500us -n 2 0x10000
expect_rc 2 "watch -i 2h (over an hour)" "$STLM" -q -p "$P" watch -i 2h
expect_rc 2 "watch -i 1x" "$STLM" -q -p "$P" watch -i 1x
expect_rc 2 "watch -i -1s" "$STLM" -q -p "$P" watch -i -1s

# -------------------------------------------------------- did you mean
expect_rc 2 "unknown command" "$STLM" wacth
grep -q "did you mean 'watch'" "$T/err" || fail "no suggestion for wacth"
expect_rc 2 "help unknown command" "$STLM" help recrod
grep -q "did you mean 'record'" "$T/err" || fail "no suggestion for help recrod"
expect_rc 2 "unknown long option" "$STLM" watch --intervl 1s
grep -q "did you mean '--interval'" "$T/err" || fail "no suggestion for --intervl"
expect_rc 2 "unknown global option" "$STLM" --jsno info
grep -q "did you mean '--json'" "$T/err" || fail "no suggestion for --jsno"
expect_rc 2 "far from everything" "$STLM" frobnicate
grep -q "did you mean" "$T/err" && fail "a suggestion for frobnicate"
expect_rc 1 "unknown DE" "$STLM" -q -p "$P" read cpu.0.fraq
grep -q "did you mean 'cpu.0.freq'" "$T/err" || fail "no suggestion for cpu.0.fraq"
expect_rc 2 "missing argument" "$STLM" -q watch -i
grep -q "'-i' (--interval) needs an argument" "$T/err" || fail "missing argument: $(cat "$T/err")"

# ------------------------------------------------------------- globs
expect_rc 0 "record with a glob" "$STLM" -q -p "$P" record -f -e -o "$T/g.rec" -i 20ms -n 2 "cpu.0.*"
expect_rc 0 "decode" "$STLM" -q decode --json "$T/g.rec"
json_check record-glob 'len({s["id"] for r in d["records"] for s in r["samples"]}) == 12' 2>/dev/null ||
	{ "$STLM" -q decode "$T/g.rec" | grep -c "cpu\.0\." | grep -qx 24 || fail "record glob: not the 12 cpu.0 DEs"; }
expect_rc 0 "read with a glob" "$STLM" -q -p "$P" read -e --csv --no-header "cpu.1.*"
[ "$(wc -l <"$T/out")" = 12 ] || fail "read glob: $(wc -l <"$T/out") rows"
expect_rc 1 "glob without match" "$STLM" -q -p "$P" read "nothing.*"
grep -q "no DE name matches 'nothing.\*'" "$T/err" || fail "glob without match: $(cat "$T/err")"
expect_rc 0 "disable with a glob" "$STLM" -q -p "$P" disable "cpu.0.*"
expect_rc 1 "list --enabled" "$STLM" -q -p "$P" list --enabled --no-header "cpu.0.*"
grep -q "no DE name matches 'cpu.0.\*' with the other filters" "$T/err" ||
	fail "disable glob left cpu.0 DEs enabled: $(cat "$T/out")"

# ------------------------------------------------- progress on a pty
start_platform big --des 20000
B=$(uri big)
for _ in $(seq 100); do "$STLM" -q -p "$B" info >/dev/null 2>&1 && break; sleep 0.1; done
# pty_run OUT CMD...: CMD with stdin/stdout/stderr on a pty; everything
# it printed goes to OUT.
pty_run() {
	out=$1
	shift
	timeout 120 python3 - "$out" "$@" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
data = b""
while True:
    try:
        d = os.read(fd, 65536)
    except OSError:
        break
    if not d:
        break
    data += d
_, st = os.waitpid(pid, 0)
open(sys.argv[1], "wb").write(data)
sys.exit(os.waitstatus_to_exitcode(st))
PY
}
STLM_PROGRESS_DELAY_MS=0 pty_run "$T/pty.out" "$STLM" -p "$B" enable --all || fail "enable --all on a pty"
grep -aq "enable \[[#-]*\] [0-9]*/20000 " "$T/pty.out" ||
	fail "no progress line for enable --all on a terminal: $(head -c 300 "$T/pty.out")"
ok
# stderr a pipe: no progress, no escape codes
"$STLM" -p "$B" disable --all 2>"$T/pipe.err" >/dev/null || fail "disable --all"
STLM_PROGRESS_DELAY_MS=0 "$STLM" -p "$B" enable --all 2>"$T/pipe.err" >/dev/null || fail "enable --all (pipe)"
grep -aq "$(printf '\033')\|enable \[" "$T/pipe.err" && fail "progress on a pipe"
ok
# -q on a terminal: none either
"$STLM" -q -p "$B" disable --all >/dev/null 2>&1
STLM_PROGRESS_DELAY_MS=0 pty_run "$T/pty-q.out" "$STLM" -q -p "$B" enable --all || fail "enable -q on a pty"
grep -aq "enable \[" "$T/pty-q.out" && fail "progress with -q"
ok
# record and report: a line with the count
"$STLM" -q -p "$B" config --on >/dev/null || fail "config --on"
# (the line appears at once: no test depends on how fast this machine is)
export STLM_PROGRESS_DELAY_MS=0
pty_run "$T/pty-rec.out" "$STLM" -p "$B" record -o "$T/big.rec" -i 10ms -n 100 ||
	fail "record on a pty"
grep -aq "record \[[#-]*\] [0-9]*/100 " "$T/pty-rec.out" ||
	fail "no progress line for record: $(tail -c 300 "$T/pty-rec.out")"
"$STLM" -p "$B" record -o "$T/big2.rec" -i 10ms -n 50 2>"$T/pipe.err" >/dev/null
grep -aq "record \[" "$T/pipe.err" && fail "record progress on a pipe"
pty_run "$T/pty-rep.out" "$STLM" report "$T/big.rec" || fail "report on a pty"
grep -aq "report \[[#-]*\] [0-9.]*[kM]*B/[0-9.]*MB " "$T/pty-rep.out" ||
	fail "no progress line for report: $(head -c 300 "$T/pty-rep.out")"
ok
finish
