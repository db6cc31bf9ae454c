#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
# stlm report by DE kind: a counter is reported as its rate (UNIT/s,
# checked against python3 over `stlm decode --json`: consecutive values
# over consecutive record times, a fall being a gap), a state by its time
# in each state (with the catalog's names) and drawn as steps; a gauge
# keeps its mean.
#
# Environment (tests/cli-report/meson.build): STLM, STLM_PLATFORM_BIN,
# STLM_SRCDIR.
. "$STLM_SRCDIR/tests/cli/lib.sh"

start_platform p
P=$(uri p)
expect_rc 0 "record counter, states and a gauge" "$STLM" -p "$P" record \
	-o "$T/k.rec" -i 20ms -n 12 --enable cpu.0.cycles cpu.0.idle_state \
	cluster.0.opp cpu.0.temp
expect_rc 0 "decode --json" "$STLM" decode --json "$T/k.rec"
cp "$T/out" "$T/dec.json"
expect_rc 0 "report --json" "$STLM" report --clock host --json \
	--interval-csv "$T/iv.csv" --wide-csv "$T/wide.csv" \
	--summary-csv "$T/sum.csv" --svg "$T/k.svg" "$T/k.rec"
cp "$T/out" "$T/rep.json"

# The counter: rates, from the decoded records (host clock: mono_ns).
python3 - "$T/dec.json" "$T/rep.json" <<'PY' || fail "report: counter rates"
import json, sys
dec = json.load(open(sys.argv[1]))
rep = json.load(open(sys.argv[2]))
pts = [(r["mono_ns"] / 1e3, s["value"]) for r in dec["records"]
       for s in r["samples"] if s["name"] == "cpu.0.cycles" and s["valid"]]
want, gaps = [], 0
for (t0, v0), (t1, v1) in zip(pts, pts[1:]):
    if v1 < v0:
        gaps += 1
    elif t1 > t0:
        want.append((v1 - v0) / ((t1 - t0) / 1e6))
s = [x for x in rep["series"] if x["name"] == "cpu.0.cycles"][0]
ok = (s["kind"] == "counter" and s["rate"] is True and s["unit"] == "cycles/s"
      and s["count"] == len(want) and s["gaps"] == gaps and len(want) >= 8
      and abs(s["max"] - max(want)) <= 1e-6 * max(want) + 1e-9
      and abs(s["mean"] - sum(want) / len(want)) <= 1e-6 * abs(s["mean"]) + 1e-9)
if not ok:
    print("  series:", {k: v for k, v in s.items() if k != "histogram"})
    print("  expected:", want, "gaps", gaps)
sys.exit(0 if ok else 1)
PY
grep -q '^timestamp_us,rate (cycles/s)$' "$T/iv.csv" || fail "interval CSV: the counter's column says rate"
head -1 "$T/wide.csv" | grep -q 'cpu.0.cycles rate (cycles/s)' || fail "wide CSV: the counter's header says rate"
grep -q 'rate of CPU . cycles executed (cycles/s)' "$T/sum.csv" || fail "summary CSV: rate of ... (cycles/s)"

# The states: time in each state, sums to the span; no mean.
python3 - "$T/dec.json" "$T/rep.json" <<'PY' || fail "report: time in state"
import json, sys
dec = json.load(open(sys.argv[1]))
rep = json.load(open(sys.argv[2]))
bad = []
for name in ("cpu.0.idle_state", "cluster.0.opp"):
    pts = [(r["mono_ns"] / 1e3, s["value"]) for r in dec["records"]
           for s in r["samples"] if s["name"] == name and s["valid"]]
    want = {}
    for (t0, v0), (t1, _) in zip(pts, pts[1:]):
        want[v0] = want.get(v0, 0) + (t1 - t0) / 1e6
    s = [x for x in rep["series"] if x["name"] == name][0]
    got = {x["value"]: x["seconds"] for x in s["time_in_state"]}
    names = all(x["state"] for x in s["time_in_state"])
    if (s["kind"] != "state" or s["mean"] is not None or not names
            or set(got) != set(want)
            or any(abs(got[k] - want[k]) > 1e-6 for k in want)
            or abs(sum(x["fraction"] for x in s["time_in_state"]) - 1) > 1e-9):
        bad.append((name, s.get("time_in_state"), want))
print("\n".join("  %s: got %s, expected %s" % b for b in bad))
sys.exit(1 if bad else 0)
PY
grep -q '^Time in State$' "$T/sum.csv" || fail "summary CSV: time in state section"
grep -q '^cluster.0.opp,OPP[0-5],[0-5],' "$T/sum.csv" || fail "summary CSV: state names"

# SVG: states as steps (H then V), other series as lines.
python3 - "$T/k.svg" <<'PY' || fail "SVG: states drawn as steps"
import re, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
paths = {p.get("data-name"): p.get("d") for p in root.iter("{http://www.w3.org/2000/svg}path")
         if p.get("data-name")}
st = paths["cpu.0.idle_state"]
ok = re.fullmatch(r"M\S+ \S+( H\S+ V\S+)+", st) is not None
ok = ok and " L" in paths["cpu.0.temp"] and " H" not in paths["cpu.0.temp"]
if not ok:
    print("  state path:", st[:200])
sys.exit(0 if ok else 1)
PY
if command -v gnuplot >/dev/null 2>&1; then
	# gnuplot draws the states 'with steps'
	expect_rc 0 "report --png with states" "$STLM" report --png "$T/k.png" "$T/k.rec"
	[ -s "$T/k.png" ] || fail "report --png: no image"
fi

# The table: rates and time in state said.
expect_rc 0 "report table" "$STLM" report --clock host "$T/k.rec"
grep -q '^cpu.0.cycles  *cycles/s ' "$T/out" || fail "table: counter unit cycles/s"
grep -q 'Counters are shown as rates' "$T/out" || fail "table: rates said"
grep -q '^Time in state: cpu.0.idle_state$' "$T/out" || fail "table: time in state"
grep -q '^cluster.0.opp  .* - .* - ' "$T/out" || fail "table: no mean for a state"
finish
