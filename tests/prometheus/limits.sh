#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# Catalog limits through stlm export (docs/prometheus.md): the default
# catalog's temperatures get stlm_de_limit{level="warn"|"crit"} series
# with exactly the labels of their value series, in both exposition
# formats; filters and the absence of a catalog drop them; a limit of a
# DE whose catalog unit is fahrenheit is converted to celsius with its
# value; the same series over tcp: and shm:, through stlmd's socket and
# its tree (also as an unprivileged user); a catalog with bad limits is refused with a clear
# message.
. "$STLM_SRCDIR/tests/cli/lib.sh"

if ! command -v promtool >/dev/null 2>&1; then
	"$STLM_SRCDIR/scripts/install-deps.sh" prometheus >/dev/null 2>&1
	command -v promtool >/dev/null 2>&1 ||
		{ echo "SKIP: promtool not installed (scripts/install-deps.sh prometheus)"; exit 77; }
fi

# check_limits FILE WANT_LIMITED: every stlm_de_limit series has a value
# series of the same id with the same labels (plus level), every level
# once; WANT_LIMITED ids have limits; prints "id level value" lines.
cat >"$T/limits.py" <<'PY'
import re, sys
line_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$')
values, limits, fams = {}, {}, []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("# TYPE "):
        fams.append(line.split()[2])
    m = line_re.match(line)
    if not m:
        continue
    name, labels, v = m.groups()
    lab = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', labels))
    if name == "stlm_de_limit":
        level = lab.pop("level")
        key = (lab["id"], level)
        if key in limits:
            sys.exit("limit %s twice" % (key,))
        limits[key] = (lab, float(v))
    elif name not in ("stlm_de_info",) and "id" in lab:
        values[lab["id"]] = (name, lab)
if "stlm_de_limit" in fams and fams[-1] != "stlm_de_limit":
    sys.exit("stlm_de_limit is not the last family")
for (i, level), (lab, v) in sorted(limits.items()):
    if level not in ("warn", "crit"):
        sys.exit("bad level " + level)
    if i not in values:
        sys.exit("limit of %s without a value series" % i)
    if values[i][1] != lab:
        sys.exit("labels differ for %s: %s vs %s" % (i, lab, values[i][1]))
    print(i, level, "%g" % v, values[i][0])
PY

start_platform p
P=$(uri p)
expect_rc 0 "enable all" "$STLM" -q -p "$P" enable --all
expect_rc 0 "config on" "$STLM" -q -p "$P" config --on -i 100ms

# --- the default catalog: every temperature, both levels ---------------
expect_rc 0 "export textfile" "$STLM" -q -p "$P" export --textfile "$T/all.prom"
if promtool check metrics <"$T/all.prom" >"$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then ok; else
	fail "promtool check metrics"; head -5 "$T/lint"; fi
if python3 "$T/limits.py" "$T/all.prom" >"$T/lim"; then ok; else fail "limits: $(tail -1 "$T/lim")"; fi
temps=$(grep -c '^stlm_[a-z_]*_celsius{' "$T/all.prom")
lims=$(wc -l <"$T/lim")
[ "$temps" -ge 20 ] || fail "only $temps temperature series"
[ "$lims" -eq $((temps * 2)) ] || fail "$lims limit series for $temps temperatures"
[ "$(grep -c ' celsius$' "$T/lim")" -eq 0 ] || true
grep -qx '0x00010002 warn 90 stlm_cpu_temp_celsius' "$T/lim" || fail "cpu.0.temp warn 90: $(grep 0x00010002 "$T/lim")"
grep -qx '0x00010002 crit 100 stlm_cpu_temp_celsius' "$T/lim" || fail "cpu.0.temp crit 100"
grep -qx '0x00019102 crit 60 stlm_battery_temp_celsius' "$T/lim" || fail "battery.temp crit 60"
grep -q '^stlm_de_limit{id="0x00010002",component="cpu",instance="0",cluster="0",core="0",soc="stlm-default",level="warn"} 90$' "$T/all.prom" ||
	fail "cpu.0.temp limit line: $(grep '^stlm_de_limit{id="0x00010002"' "$T/all.prom")"
[ "$(grep -c '^# TYPE stlm_de_limit gauge$' "$T/all.prom")" -eq 1 ] || fail "one TYPE line for stlm_de_limit"
grep -q '_celsius' "$T/lim" && ok
# no limits on anything but the temperatures
grep -v '_celsius$' "$T/lim" | grep -q . && fail "limits on non-temperatures: $(grep -v '_celsius$' "$T/lim" | head -2)"

# --- filters: limits follow the exported DEs --------------------------
expect_rc 0 "export cpu.0.*" "$STLM" -q -p "$P" export --include 'cpu.0.*' --textfile "$T/cpu0.prom"
[ "$(grep -c '^stlm_de_limit{' "$T/cpu0.prom")" -eq 2 ] || fail "cpu.0.*: $(grep -c '^stlm_de_limit{' "$T/cpu0.prom") limit series"
expect_rc 0 "export cpu.0.power" "$STLM" -q -p "$P" export --include 'cpu.0.power' --textfile "$T/pw.prom"
grep -q 'stlm_de_limit' "$T/pw.prom" && fail "cpu.0.power: a stlm_de_limit family"
expect_rc 0 "export --exclude temps" "$STLM" -q -p "$P" export --exclude '*temp*' --textfile "$T/nt.prom"
grep -q 'stlm_de_limit' "$T/nt.prom" && fail "temperatures excluded: a stlm_de_limit family"

# --- OpenMetrics over HTTP --------------------------------------------
EPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$STLM" -q -p "$P" export --listen "127.0.0.1:$EPORT" 2>"$T/export.log" &
PID_exp=$!
PIDS="$PIDS $PID_exp"
got=""
for _ in $(seq 100); do
	got=$(python3 - "http://127.0.0.1:$EPORT/metrics" "$T/om.txt" <<'PY' 2>/dev/null
import sys, urllib.request
req = urllib.request.Request(sys.argv[1])
req.add_header("Accept", "application/openmetrics-text;version=1.0.0")
with urllib.request.urlopen(req, timeout=5) as r:
    open(sys.argv[2], "wb").write(r.read())
print("ok")
PY
)
	[ "$got" = ok ] && break
	sleep 0.1
done
[ "$got" = ok ] || fail "GET /metrics (OpenMetrics)"
grep -qx '# TYPE stlm_de_limit gauge' "$T/om.txt" || fail "openmetrics: TYPE stlm_de_limit"
[ "$(tail -n 1 "$T/om.txt")" = "# EOF" ] || fail "openmetrics: # EOF last"
if python3 "$T/limits.py" "$T/om.txt" >"$T/omlim"; then ok; else fail "openmetrics limits: $(tail -1 "$T/omlim")"; fi
[ "$(wc -l <"$T/omlim")" -eq "$lims" ] || fail "openmetrics: $(wc -l <"$T/omlim") limit series, text format $lims"
kill "$PID_exp"; wait "$PID_exp" 2>/dev/null

# --- no catalog: no limits --------------------------------------------
mkdir "$T/empty"
STLM_CATALOG_PATH="$T/empty" "$STLM" -q -p "$P" export --textfile "$T/nocat.prom" 2>"$T/err" ||
	fail "export without a catalog"
grep -q '^stlm_de_value{' "$T/nocat.prom" || fail "no catalog: no DE values"
grep -q 'stlm_de_limit' "$T/nocat.prom" && fail "no catalog: a stlm_de_limit family"

# --- a catalog in fahrenheit: limits converted with the value ----------
mkdir "$T/fcat"
python3 - "$STLM_SRCDIR/catalogs/default-soc.json" "$T/fcat/f.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def walk(des):
    for e in des:
        if "des" in e:
            walk(e["des"])
        elif e.get("name") == "cpu.{i}.temp" and e["id"] == "0x00010002":
            # the firmware's degrees, read as fahrenheit: limits in F
            e["unit"] = "fahrenheit"
            e["limits"] = {"warn": 194, "crit": 212}
            # a label value the exposition escapes, with a brace
            e["labels"]["rail"] = 'x} "y" \\z'

walk(d["des"])
json.dump(d, open(sys.argv[2], "w"))
PY
STLM_CATALOG_PATH="$T/fcat" "$STLM" -q -p "$P" export --include 'cpu.0.temp' --textfile "$T/f.prom" 2>"$T/err" ||
	fail "export with the fahrenheit catalog: $(cat "$T/err")"
if python3 "$T/limits.py" "$T/f.prom" >"$T/flim"; then ok; else fail "fahrenheit limits: $(tail -1 "$T/flim")"; fi
grep -qx '0x00010002 warn 90 stlm_cpu_temp_celsius' "$T/flim" || fail "194 F is not 90 C: $(cat "$T/flim")"
grep -qx '0x00010002 crit 100 stlm_cpu_temp_celsius' "$T/flim" || fail "212 F is not 100 C"
grep -q '^stlm_de_limit{.*,rail="x} \\"y\\" \\\\z",.*level="crit"} 100$' "$T/f.prom" ||
	fail "escaped label: $(grep '^stlm_de_limit' "$T/f.prom" | head -1)"

# --- the other transports of the direct backend: tcp:, shm: -----------
sort "$T/lim" >"$T/lim.direct"
TPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir "$T/shm"
"$STLM_PLATFORM_BIN" --quiet --listen "tcp:127.0.0.1:$TPORT" --mem "$T/tcp.mem" \
	--listen "shm:$T/shm" 2>"$T/p2.log" &
PID_p2=$!
PIDS="$PIDS $PID_p2"
for u in "tcp:127.0.0.1:$TPORT?mem=$T/tcp.mem" "shm:$T/shm"; do
	up=no
	for _ in $(seq 100); do
		"$STLM" -q -p "$u" enable --all >/dev/null 2>&1 && { up=yes; break; }
		sleep 0.05
	done
	[ "$up" = yes ] || { fail "$u: enable --all"; continue; }
	expect_rc 0 "$u: config on" "$STLM" -q -p "$u" config --on -i 100ms
	expect_rc 0 "$u: export" "$STLM" -q -p "$u" export --textfile "$T/t.prom"
	if python3 "$T/limits.py" "$T/t.prom" | sort >"$T/lim.t" && cmp -s "$T/lim.direct" "$T/lim.t"; then ok; else
		fail "$u: other limit series than over unix:"
		diff "$T/lim.direct" "$T/lim.t" | head -5
	fi
done
kill "$PID_p2"
wait "$PID_p2" 2>/dev/null

# --- through stlmd: its client socket, its tree, an unprivileged user ---
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && [ -x "${STLMD_BIN:-}" ] &&
	command -v setpriv >/dev/null 2>&1; then
	mkdir "$T/mnt" "$T/u"
	chmod 755 "$T"
	chmod 777 "$T/u"
	"$STLMD_BIN" -f --platform "$P" --mount "$T/mnt" --socket "$T/d.sock" \
		-o umask=022 2>"$T/stlmd.log" &
	PID_d=$!
	PIDS="$PID_d $PIDS"	# first: it unmounts before the platform goes
	for _ in $(seq 100); do
		[ -e "$T/mnt/tlm_0/version" ] && [ -S "$T/d.sock" ] && break
		sleep 0.05
	done
	[ -e "$T/mnt/tlm_0/version" ] || { fail "stlmd did not mount"; tail -3 "$T/stlmd.log"; }
	for u in "stlmd:$T/d.sock" "stlmfs:$T/mnt/tlm_0" "uid 65534 stlmfs:$T/mnt/tlm_0"; do
		case $u in
		uid*)	set -- setpriv --reuid 65534 --regid 65534 --clear-groups \
				timeout 20 "$STLM" -q -p "${u#uid 65534 }" ;;
		*)	set -- timeout 20 "$STLM" -q -p "$u" ;;
		esac
		rm -f "$T/u/d.prom"
		if ! "$@" export --textfile "$T/u/d.prom" 2>"$T/err"; then
			fail "$u: export: $(head -2 "$T/err")"
			continue
		fi
		if python3 "$T/limits.py" "$T/u/d.prom" | sort >"$T/lim.d"; then ok; else
			fail "$u: limits"; fi
		if cmp -s "$T/lim.direct" "$T/lim.d"; then ok; else
			fail "$u: other limit series than the direct platform"
			diff "$T/lim.direct" "$T/lim.d" | head -5
		fi
	done
	kill "$PID_d"
	wait "$PID_d" 2>/dev/null
	grep -q " $T/mnt " /proc/mounts && { fail "stlmd left its mount"; umount -l "$T/mnt"; }
else
	echo "note: stlmd: / stlmfs: part skipped (needs root, /dev/fuse, setpriv)"
fi

# --- bad limits: a clear error ----------------------------------------
python3 - "$STLM_SRCDIR/catalogs/default-soc.json" "$T/bad.json" <<'PY'
import sys
t = open(sys.argv[1]).read().replace('"limits": {"warn": 50, "crit": 60}', '"limits": {"warn": 70, "crit": 60}', 1)
open(sys.argv[2], "w").write(t)
PY
expect_rc 1 "catalog check: warn above crit" "$STLM" catalog --offline check "$T/bad.json" ||
	cat "$T/out" "$T/err" | head -5
grep -q 'bad.json:[0-9]*:[0-9]*: des\[[0-9]*\]\.limits\.warn: warn 70 is above crit 60' "$T/out" "$T/err" ||
	fail "catalog check: message: $(cat "$T/out" "$T/err" | head -3)"

finish
