#!/bin/sh
# SPDX-License-Identifier: MIT
# stlm record -- COMMAND (stops when it exits, exit status passed on,
# unexecutable commands), record --stream (output during the run), and
# stlm report: statistics checked against python3 over `stlm decode
# --csv` of the same file, histograms, aggregates, interval CSVs, SVG
# (parsed as XML), Perfetto JSON, a still-growing file, --follow, a torn
# tail, --catalog, and PNG when gnuplot is installed.
#
# Environment (tests/cli-report/meson.build): STLM, STLM_PLATFORM_BIN,
# STLM_SRCDIR.
. "$STLM_SRCDIR/tests/cli/lib.sh"

start_platform p
P=$(uri p)
S() { "$STLM" --platform "$P" "$@"; }
DES="cpu.0.temp cpu.1.temp cpu.2.temp cpu.3.temp cpu.0.power cpu.0.freq"

# --- record -- COMMAND ---------------------------------------------------
START=$(date +%s.%N)
expect_rc 3 "record -- sh -c 'sleep 1; exit 3'" S record -o "$T/w.rec" \
	-i 50ms --enable $DES -- sh -c 'echo from-workload; sleep 1; exit 3'
END=$(date +%s.%N)
python3 -c "import sys; sys.exit(0 if float(sys.argv[2]) - float(sys.argv[1]) < 4 else 1)" "$START" "$END" ||
	fail "record -- COMMAND: did not stop when the workload exited"
grep -q from-workload "$T/out" || fail "workload stdout on the terminal"
grep -q "workload exited with status 3" "$T/err" || fail "record: exit status line"
expect_rc 0 "report --json (workload)" "$STLM" report --json "$T/w.rec" &&
	json_check "workload in the report" 'd["workload"]["command"] == "sh -c '"'"'echo from-workload; sleep 1; exit 3'"'"'" and d["workload"]["exit_status"] == 3 and 0.9e6 < d["workload"]["end_host_us"] - d["workload"]["start_host_us"] < 3e6 and 5 <= d["records"] <= 60'

expect_rc 127 "record -- a missing command" S record -o "$T/x.rec" -- "$T/nosuch-command"
grep -q "cannot execute" "$T/err" || fail "missing command: message"
[ -e "$T/x.rec" ] && fail "missing command: a recording was left behind"
expect_rc 126 "record -- a directory" S record -o "$T/x.rec" -- "$T"
[ -e "$T/x.rec" ] && fail "directory: a recording was left behind"
expect_rc 2 "record -- without a command" S record -o "$T/x.rec" --
expect_rc 0 "record --log, -n ends first" S record -o "$T/l.rec" -i 20ms -n 3 \
	--log "$T/wl.log" -- sh -c 'echo logged; sleep 30'
grep -q logged "$T/wl.log" || fail "--log: workload output not in the log"
expect_rc 0 "record -d ends first" S record -o "$T/d.rec" -i 50ms -d 0.5 -- sleep 30
expect_rc 0 "report after -d stopped the workload" "$STLM" report --json "$T/d.rec" &&
	json_check "-d 0.5 with a workload" 'd["workload"]["signal"] == 15 and 3 <= d["records"] <= 12 and 0.4e6 < d["workload"]["end_host_us"] - d["workload"]["start_host_us"] < 2e6'
expect_rc 0 "decode after -n stopped the workload" "$STLM" decode --json "$T/l.rec" &&
	json_check "-n 3 with a workload" 'd["summary"]["records"] == 3'

# SIGINT to stlm goes to the workload; the recording ends cleanly
"$STLM" --platform "$P" record -o "$T/i.rec" -i 20ms cpu.0.temp -- sleep 30 >/dev/null 2>"$T/i.err" &
IPID=$!
PIDS="$PIDS $IPID"
# wait until the workload runs and a few records are written
for _ in $(seq 100); do
	"$STLM" report -q --json "$T/i.rec" 2>/dev/null |
		python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d["records"] >= 3 and d["workload"] else 1)' 2>/dev/null && break
	sleep 0.05
done
kill -INT "$IPID"
wait "$IPID"
IRC=$?
[ "$IRC" -eq 130 ] || fail "SIGINT: exit $IRC, expected 130 (workload killed by SIGINT)"
expect_rc 0 "report after SIGINT" "$STLM" report --json "$T/i.rec" &&
	json_check "SIGINT: workload ended by signal 2" 'd["workload"]["signal"] == 2 and d["records"] >= 3 and not d["incomplete_tail"]'

# --- statistics against python3 over decode --csv ------------------------
"$STLM" decode --csv "$T/w.rec" >"$T/dec.csv" || fail "decode --csv"
expect_rc 0 "report --json --clock host" "$STLM" report --json --clock host \
	--bins 7 "$T/w.rec"
cp "$T/out" "$T/rep.json"
python3 - "$T/dec.csv" "$T/rep.json" <<'PY' || fail "statistics differ from the independent computation"
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
rep = json.load(open(sys.argv[2], encoding="utf-8"))
ser = {s["name"]: s for s in rep["series"] if s["aggregate"] is None}
by = {}
for r in rows:
    by.setdefault(r["name"], []).append(r)
bad = 0
def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
for name, rs in by.items():
    ok = [r for r in rs if "valid" in r["flags"].split("|")]
    t = [int(r["mono_ns"]) / 1000.0 for r in ok]
    v = [float(r["value"]) for r in ok]
    s = ser[name]
    n = len(v)
    mean = sum(v) / n
    span = t[-1] - t[0]
    twa = sum(v[i] * (t[i + 1] - t[i]) for i in range(n - 1)) / span if span > 0 else mean
    exp = {"count": n, "invalid": len(rs) - n, "min": min(v), "max": max(v),
           "mean": mean, "time_weighted_mean": twa, "first_us": t[0], "last_us": t[-1]}
    for k, e in exp.items():
        if not close(s[k], e):
            print("  %s %s: report %r, expected %r" % (name, k, s[k], e)); bad += 1
    h = [0] * 7
    for x in v:
        b = 0 if max(v) == min(v) else min(6, int((x - min(v)) / (max(v) - min(v)) * 7))
        h[b] += 1
    if s["histogram"]["counts"] != h or sum(s["histogram"]["counts"]) != n:
        print("  %s histogram %r, expected %r" % (name, s["histogram"]["counts"], h)); bad += 1
if set(ser) != set(by):
    print("  series", sorted(ser), "decoded", sorted(by)); bad += 1
if rep["clock"] != "host":
    bad += 1
# the time-weighted mean differs from the mean for a varying DE
p = ser["cpu.0.power"]
if not (p["max"] > p["min"] and abs(p["time_weighted_mean"] - p["mean"]) > 1e-9):
    print("  twa == mean for cpu.0.power"); bad += 1
sys.exit(1 if bad else 0)
PY
ok

# platform timestamps by default when every sample has one
expect_rc 0 "report --json (auto clock)" "$STLM" report --json "$T/w.rec" 'cpu.*.temp' &&
	json_check "platform clock" 'd["clock"] == "platform" and [s["name"] for s in d["series"]] == ["cpu.0.temp", "cpu.1.temp", "cpu.2.temp", "cpu.3.temp"] and all(s["count"] + s["repeated"] + s["invalid"] == d["records"] for s in d["series"])'

# --- text table, summary CSV, natural sort --------------------------------
expect_rc 0 "report (table)" "$STLM" report "$T/w.rec"
grep -q "^cpu.0.temp .*°C" "$T/out" || fail "table: a row"
grep -q "^Workload: *sh -c" "$T/out" || fail "table: workload line"
expect_rc 0 "report --csv" "$STLM" report --csv -a max "$T/w.rec"
grep -q "^Tool,stlm " "$T/out" && grep -q "^Platform UUID,2B6D8F3A-5C1E-4E7B-9A41-0D5C1E5A7001" "$T/out" &&
	grep -q "^Kernel," "$T/out" && grep -q "^Metric: cpu.\*.temp - .*(°C)" "$T/out" &&
	grep -q "^Target,Min,Max,Average,Time Weighted Average,Count$" "$T/out" &&
	grep -q "^max(cpu.\*.temp),[0-9.]*,[0-9.]*,[0-9.]*,[0-9.]*,[0-9]*$" "$T/out" ||
	fail "summary CSV: metadata / sections ($(head -3 "$T/out"))"

# natural order: rail 2 is listed before rail 10
expect_rc 0 "record rail 10 and rail 2" S record -o "$T/n.rec" -n 2 -i 20ms --enable pmic.rail.10.voltage pmic.rail.2.voltage
expect_rc 0 "report natural order" "$STLM" report --json "$T/n.rec" &&
	json_check "natural sort" '[s["name"] for s in d["series"]] == ["pmic.rail.2.voltage", "pmic.rail.10.voltage"]'

# --- aggregates -----------------------------------------------------------
expect_rc 0 "report --aggregate max --wide-csv" "$STLM" report -a max -a 'mean:cpu.*.temp' \
	--clock host --wide-csv "$T/wide.csv" --interval-csv "$T/int.csv" --json "$T/w.rec"
cp "$T/out" "$T/agg.json"
python3 - "$T/wide.csv" "$T/agg.json" "$T/int.csv" <<'PY' || fail "aggregates"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
rep = json.load(open(sys.argv[2], encoding="utf-8"))
names = [s["name"] for s in rep["series"]]
assert "max(cpu.*.temp)" in names and "mean(cpu.*.temp)" in names, names
mx = [s for s in rep["series"] if s["name"] == "max(cpu.*.temp)"][0]
assert mx["members"] == 4 and mx["aggregate"] == "max", mx
members = ["cpu.%d.temp (°C)" % i for i in range(4)]
n = 0
for r in rows:
    vals = [float(r[m]) for m in members if r[m] != ""]
    if not vals:
        continue
    assert float(r["max(cpu.*.temp) (°C)"]) == max(vals), r
    assert abs(float(r["mean(cpu.*.temp) (°C)"]) - sum(vals) / len(vals)) < 1e-9, r
    n += 1
assert n == rep["records"] == len(rows), (n, len(rows))
# interval CSV: one "METRIC on NAME" section per series, timestamp_us,value
text = open(sys.argv[3], encoding="utf-8").read().strip().split("\n\n")
assert len(text) == len(names), (len(text), len(names))
for sec, s in zip(text, rep["series"]):
    lines = sec.split("\n")
    assert lines[0] == "%s on %s" % (s["metric"], s["name"]), lines[0]
    assert lines[1] == "timestamp_us,value"
    assert len(lines) - 2 == s["count"]
PY
ok

# --- SVG and Perfetto -----------------------------------------------------
expect_rc 0 "report --svg --svg-dir --perfetto" "$STLM" report -a max --svg "$T/p.svg" \
	--svg-dir "$T/svgs" --perfetto "$T/trace.json" --json "$T/w.rec"
cp "$T/out" "$T/plot.json"
python3 - "$T/p.svg" "$T/svgs" "$T/trace.json" "$T/plot.json" <<'PY' || fail "SVG / Perfetto"
import json, os, sys
import xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
rep = json.load(open(sys.argv[4], encoding="utf-8"))
names = [s["name"] for s in rep["series"]]
root = ET.parse(sys.argv[1]).getroot()
paths = [p for p in root.iter(ns + "path") if p.get("class") == "series"]
assert sorted(p.get("data-name") for p in paths) == sorted(names), [p.get("data-name") for p in paths]
for p in paths:
    s = [x for x in rep["series"] if x["name"] == p.get("data-name")][0]
    assert p.get("d").count("L") == s["count"] - 1
panels = [g for g in root.iter(ns + "g") if g.get("class") == "panel"]
assert len(panels) == len({s["unit"] for s in rep["series"]}), len(panels)
assert any(t.text == "°C" for t in root.iter(ns + "text")), "unit label"
files = sorted(os.listdir(sys.argv[2]))
assert len(files) == len(names), files
for f in files:
    r = ET.parse(os.path.join(sys.argv[2], f)).getroot()
    assert len([p for p in r.iter(ns + "path") if p.get("class") == "series"]) == 1
tr = json.load(open(sys.argv[3], encoding="utf-8"))
ev = tr["traceEvents"]
cnt = [e for e in ev if e["ph"] == "C"]
for s in rep["series"]:
    track = "%s (%s)" % (s["name"], s["unit"]) if s["unit"] else s["name"]
    mine = [e for e in cnt if e["name"] == track]
    assert len(mine) == s["count"], (track, len(mine), s["count"])
    assert abs(min(e["args"]["value"] for e in mine) - s["min"]) < 1e-9
assert all(isinstance(e["ts"], (int, float)) and e["pid"] == 1 for e in cnt)
meta = [e for e in ev if e["ph"] == "M"]
assert any(e["name"] == "process_name" and e["args"]["name"].startswith("stlm") for e in meta)
wl = [e for e in ev if e["ph"] == "X"]
assert len(wl) == 1 and 0.9e6 < wl[0]["dur"] < 3e6 and wl[0]["args"]["exit_status"] == 3, wl
assert min(e["ts"] for e in cnt) <= wl[0]["ts"] <= max(e["ts"] for e in cnt)
PY
ok

# --- PNG through gnuplot ----------------------------------------------------
if command -v gnuplot >/dev/null 2>&1; then
	expect_rc 0 "report --png" "$STLM" report --png "$T/p.png" "$T/w.rec"
	head -c 8 "$T/p.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" ||
		fail "--png: not a PNG file"
else
	echo "note: gnuplot not installed; checking the error only"
	expect_rc 1 "report --png without gnuplot" "$STLM" report --png "$T/p.png" "$T/w.rec"
	grep -q "gnuplot" "$T/err" || fail "--png: message names gnuplot"
fi

# --- streaming while recording, report on a growing file, --follow --------
S record -o "$T/s.rec" -i 100ms -d 4 --stream csv cpu.0.temp >"$T/stream.csv" 2>"$T/s.err" &
SPID=$!
PIDS="$PIDS $SPID"
for _ in $(seq 60); do
	[ "$(wc -l <"$T/stream.csv")" -ge 2 ] && break
	sleep 0.05
done
kill -0 "$SPID" 2>/dev/null || fail "stream: the recorder ended before the check"
[ "$(wc -l <"$T/stream.csv")" -ge 2 ] || fail "stream: no record printed during the run"
head -1 "$T/stream.csv" | grep -q '^timestamp_us,id,name,value,unit,status$' || fail "stream: header"
sed -n 2p "$T/stream.csv" | grep -q '^[0-9]*,0x00010002,cpu.0.temp,[0-9.]*,°C,ok$' || fail "stream: row ($(sed -n 2p "$T/stream.csv"))"
expect_rc 0 "report while recording" "$STLM" report --json "$T/s.rec" &&
	json_check "growing file" 'd["records"] >= 1'
"$STLM" report --follow --json "$T/s.rec" >"$T/follow.json" 2>"$T/follow.err" &
FPID=$!
PIDS="$PIDS $FPID"
sleep 0.3
# --follow may end only once the recorder has: look at it first, then make
# sure the recorder was still running after that look
if ! kill -0 "$FPID" 2>/dev/null && kill -0 "$SPID" 2>/dev/null; then
	fail "--follow ended while the recorder runs"
fi
wait "$SPID" || fail "streaming recorder failed"
for _ in $(seq 60); do
	kill -0 "$FPID" 2>/dev/null || break
	sleep 0.05
done
kill -0 "$FPID" 2>/dev/null && fail "--follow did not end after the recorder"
wait "$FPID" || fail "--follow failed"
"$STLM" decode --json "$T/s.rec" >"$T/sdec.json"
N=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["records"])' "$T/sdec.json")
cp "$T/follow.json" "$T/out"
json_check "--follow saw every record" "d['records'] == $N and d['records'] >= 10"
[ "$(($(wc -l <"$T/stream.csv") - 1))" -eq "$N" ] || fail "stream: one row per record"

S record -o "$T/j.rec" -n 2 -i 20ms --stream json cpu.0.temp -- true >"$T/stream.json" 2>/dev/null
python3 - "$T/stream.json" <<'PY' || fail "stream json"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
kinds = [l.get("event", "record") for l in lines]
assert kinds[0] == "record" and "workload-start" in kinds and kinds[-1] in ("record", "workload-end"), kinds
assert lines[0]["samples"][0]["name"] == "cpu.0.temp"
PY
ok

# --- torn tail ---------------------------------------------------------------
SIZE=$(stat -c %s "$T/s.rec")
head -c $((SIZE - 20)) "$T/s.rec" >"$T/torn.rec"
expect_rc 0 "report a torn tail" "$STLM" report --json "$T/torn.rec" &&
	json_check "torn tail" "d['records'] == $N - 1 and d['incomplete_tail'] is True"
grep -q "incomplete" "$T/err" || fail "torn tail: notice"

# --- --catalog as replay applies it; errors ---------------------------------
STLM_CATALOG_PATH="$T/no-catalogs" S record -o "$T/c.rec" -n 3 -i 20ms 0x10002 0x10102 >/dev/null 2>&1 ||
	fail "record without a catalog"
expect_rc 0 "report without a catalog" "$STLM" report --json "$T/c.rec" &&
	json_check "firmware names" '[s["name"] for s in d["series"]] == ["cpu0_temp", "cpu1_temp"]'
expect_rc 0 "report --catalog" "$STLM" report --json -a max \
	--catalog "$STLM_SRCDIR/catalogs/default-soc.json" "$T/c.rec" &&
	json_check "catalog names and aggregate" '[s["name"] for s in d["series"]] == ["cpu.0.temp", "cpu.1.temp", "max(cpu.*.temp)"] and d["catalog"] == "default-soc"'
expect_rc 1 "report a missing file" "$STLM" report "$T/nosuch.rec"
printf 'junk' >"$T/junk"
expect_rc 1 "report junk" "$STLM" report "$T/junk"
grep -q "not an stlm recording" "$T/err" || fail "junk: message"
expect_rc 2 "report --bins 0" "$STLM" report --bins 0 "$T/w.rec"
expect_rc 2 "report bad --aggregate" "$STLM" report -a median "$T/w.rec"
expect_rc 1 "report --aggregate with no match" "$STLM" report -a 'max:gpu.*' "$T/c.rec"
expect_rc 1 "report a DE that is not there" "$STLM" report "$T/c.rec" 'nosuch*'

finish
