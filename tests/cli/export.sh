#!/bin/sh
# SPDX-License-Identifier: MIT
# stlm export: textfile output and filters, /metrics in Prometheus text
# 0.0.4 (promtool check metrics clean) and OpenMetrics 1.0 by content
# negotiation, a real Prometheus scraping it (values compared with stlm read
# on the constant-valued fixture platform), and the platform going away
# (stlm_up 0, no DE series) and coming back (stlm_up 1). Skips (77)
# only when prometheus / promtool are missing and cannot be installed.
. "$(dirname "$0")/lib.sh"

if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
	"$STLM_SRCDIR/scripts/install-deps.sh" prometheus >/dev/null 2>&1
	if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
		echo "SKIP: prometheus / promtool not installed (scripts/install-deps.sh prometheus)"
		exit 77
	fi
fi

# fetch URL OUT [ACCEPT]: GET, body in OUT, Content-Type in OUT.ct
cat >"$T/fetch.py" <<'PY'
import sys, urllib.request
req = urllib.request.Request(sys.argv[1])
if len(sys.argv) > 3:
    req.add_header("Accept", sys.argv[3])
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        body = r.read()
        ct = r.headers.get("Content-Type", "")
except Exception as e:
    print("fetch %s: %s" % (sys.argv[1], e), file=sys.stderr)
    sys.exit(1)
open(sys.argv[2], "wb").write(body)
open(sys.argv[2] + ".ct", "w").write(ct)
PY
fetch() { python3 "$T/fetch.py" "$@"; }

# An exposition: every series once, every family's samples contiguous,
# one TYPE per family.
cat >"$T/series.py" <<'PY'
import sys, re
seen, fams, last = set(), set(), None
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("# TYPE "):
        fam = line.split()[2]
        if fam in fams:
            sys.exit("family %s twice" % fam)
        fams.add(fam)
        continue
    if not line or line.startswith("#"):
        continue
    series = line.rsplit(" ", 1)[0]
    if series in seen:
        sys.exit("duplicate series " + series)
    seen.add(series)
PY

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL: up to 10 s
wait_http() {
	for _ in $(seq 100); do
		fetch "$1" "$T/wait" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

start_platform f --config "$STLM_SRCDIR/tests/cli/fixture.json"
P=$(uri f)
# Configuration is global on the platform and one agent at a time:
# configure and read the reference values before the exporter starts.
expect_rc 0 "enable all" "$STLM" -q -p "$P" enable --all
expect_rc 0 "config on" "$STLM" -q -p "$P" config --on
sleep 0.2
expect_rc 0 "reference read" "$STLM" -q -p "$P" read --json soc_temp io_bytes
REF_TEMP=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["samples"][0]["value"])' "$T/out")
REF_BYTES=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["samples"][1]["value"])' "$T/out")
[ "$REF_TEMP" = "45.25" ] || fail "reference soc_temp: $REF_TEMP"

# --- textfile: written once, atomically, promtool-clean ---------------
expect_rc 0 "textfile" "$STLM" -q -p "$P" export --textfile "$T/node.prom"
[ -e "$T/node.prom.tmp" ] && fail "textfile: PATH.tmp left behind"
if promtool check metrics <"$T/node.prom" >"$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then ok; else
	fail "textfile: promtool check metrics"; head -10 "$T/lint"; fi
grep -qx 'stlm_up 1' "$T/node.prom" || fail "textfile: stlm_up 1"
grep -qx 'stlm_soc_temp_celsius{id="0x00000100",component="soc",instance="0"} 45.25' "$T/node.prom" ||
	fail "textfile: soc temp series"
grep -qx 'stlm_soc_power_watts{id="0x00000101",component="soc",instance="0"} 1.5' "$T/node.prom" ||
	fail "textfile: soc power series"
grep -qx 'stlm_io_bytes_total{id="0x00000200",component="periph",instance="2"} 123456' "$T/node.prom" ||
	fail "textfile: counter with _total"
grep -qx 'stlm_de_events_total{id="0x00000201",unit="count"} 7' "$T/node.prom" ||
	fail "textfile: unnamed DE by id and unit"
grep -q '^stlm_de_info{id="0x00000100",name="soc_temp",component="soc",instance="0",unit="celsius"' "$T/node.prom" ||
	fail "textfile: info metric"
[ "$(grep -c '^stlm_de_info{' "$T/node.prom")" -eq 7 ] || fail "textfile: 7 info series"
grep -qx 'stlm_samples{state="valid"} 7' "$T/node.prom" || fail "textfile: valid count"
if python3 "$T/series.py" "$T/node.prom"; then ok; else fail "textfile: series unique"; fi

# --- filters ----------------------------------------------------------
expect_rc 0 "include/exclude" "$STLM" -q -p "$P" export --textfile "$T/f.prom" \
	--include 'soc_*' --exclude soc_freq --exclude soc_throttle
[ "$(grep -c '^stlm_de_info{' "$T/f.prom")" -eq 2 ] || fail "include/exclude: 2 DEs"
grep -q '^stlm_soc_freq' "$T/f.prom" && fail "exclude: soc_freq exported"
grep -qx 'stlm_samples{state="valid"} 2' "$T/f.prom" || fail "include: counts the exported DEs"
expect_rc 0 "component" "$STLM" -q -p "$P" export --textfile "$T/f.prom" --component board
[ "$(grep -c '^stlm_de_info{' "$T/f.prom")" -eq 1 ] &&
	grep -q '^stlm_board_volt_volts{id="0x00000300"' "$T/f.prom" || fail "component filter"
expect_rc 0 "group" "$STLM" -q -p "$P" export --textfile "$T/f.prom" --group 1
[ "$(grep -c '^stlm_de_info{' "$T/f.prom")" -eq 2 ] || fail "group filter: the io DEs"
expect_rc 2 "bad listen" "$STLM" -q -p "$P" export --listen 127.0.0.1:notaport

# --- HTTP /metrics ----------------------------------------------------
EPORT=$(free_port)
"$STLM" -q -p "$P" export --listen "127.0.0.1:$EPORT" >"$T/export.log" 2>&1 &
PID_export=$!
PIDS="$PIDS $PID_export"
URL="http://127.0.0.1:$EPORT/metrics"
wait_http "$URL" || { fail "exporter did not come up"; cat "$T/export.log"; finish; }
fetch "$URL" "$T/m.txt" || fail "GET /metrics"
grep -q '^text/plain; version=0.0.4' "$T/m.txt.ct" || fail "text: content type $(cat "$T/m.txt.ct")"
if promtool check metrics <"$T/m.txt" >"$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then ok; else
	fail "http: promtool check metrics"; head -10 "$T/lint"; fi
grep -qx 'stlm_soc_temp_celsius{id="0x00000100",component="soc",instance="0"} 45.25' "$T/m.txt" ||
	fail "http: soc temp series"
grep -q '^# EOF' "$T/m.txt" && fail "text format must not end with # EOF"
if python3 "$T/series.py" "$T/m.txt"; then ok; else fail "http: series unique"; fi

fetch "$URL" "$T/om.txt" "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5" ||
	fail "GET /metrics (OpenMetrics)"
grep -q '^application/openmetrics-text; version=1.0.0' "$T/om.txt.ct" || fail "openmetrics: content type"
[ "$(tail -n 1 "$T/om.txt")" = "# EOF" ] || fail "openmetrics: ends with # EOF"
grep -qx '# TYPE stlm_de info' "$T/om.txt" || fail "openmetrics: info family"
grep -qx '# UNIT stlm_soc_temp_celsius celsius' "$T/om.txt" || fail "openmetrics: UNIT"
grep -qx '# TYPE stlm_io_bytes counter' "$T/om.txt" &&
	grep -q '^stlm_io_bytes_total{' "$T/om.txt" || fail "openmetrics: counter family"
if python3 "$T/series.py" "$T/om.txt"; then ok; else fail "openmetrics: series unique"; fi
fetch "http://127.0.0.1:$EPORT/nope" "$T/nf" 2>/dev/null && fail "404 expected for /nope"

# --- a real Prometheus scraping the exporter --------------------------
PPORT=$(free_port)
cat >"$T/prom.yml" <<EOF
global:
  scrape_interval: 500ms
  scrape_timeout: 400ms
scrape_configs:
  - job_name: stlm
    static_configs:
      - targets: ['127.0.0.1:$EPORT']
EOF
prometheus --config.file="$T/prom.yml" --storage.tsdb.path="$T/data" \
	--web.listen-address="127.0.0.1:$PPORT" >"$T/prom.log" 2>&1 &
PID_prom=$!
PIDS="$PIDS $PID_prom"
API="http://127.0.0.1:$PPORT/api/v1/query?query="

# query EXPR: the first result's value, or "none"
query() {
	fetch "$API$1" "$T/q.json" 2>/dev/null || { echo error; return; }
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = d["data"]["result"]
print(r[0]["value"][1] if r else "none")' "$T/q.json"
}

got=none
for _ in $(seq 150); do
	got=$(query 'stlm_soc_temp_celsius')
	case $got in none|error) sleep 0.1 ;; *) break ;; esac
done
if [ "$got" = "$REF_TEMP" ]; then ok; else
	fail "prometheus: stlm_soc_temp_celsius=$got, stlm read says $REF_TEMP"
	tail -5 "$T/prom.log"
fi
got=$(query 'stlm_io_bytes_total')
[ "$got" = "$REF_BYTES" ] || python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) == float(sys.argv[2]) else 1)' "$got" "$REF_BYTES" 2>/dev/null ||
	fail "prometheus: stlm_io_bytes_total=$got, stlm read says $REF_BYTES"
got=$(query 'stlm_up')
[ "$got" = 1 ] || fail "prometheus: stlm_up=$got"
got=$(query 'count(stlm_de_info)')
[ "$got" = 7 ] || fail "prometheus: count(stlm_de_info)=$got"
got=$(query 'up{job="stlm"}')
[ "$got" = 1 ] || fail "prometheus: target up=$got"

# --- the platform goes away -------------------------------------------
stop_platform f
fetch "$URL" "$T/gone.txt" || fail "GET /metrics after the platform died"
grep -qx 'stlm_up 0' "$T/gone.txt" || fail "gone: stlm_up 0"
grep -q 'id=' "$T/gone.txt" && fail "gone: stale DE series"
if promtool check metrics <"$T/gone.txt" >"$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then ok; else
	fail "gone: promtool check metrics"; head -5 "$T/lint"; fi
got=none
for _ in $(seq 100); do
	got=$(query 'stlm_up')
	[ "$got" = 0 ] && break
	sleep 0.1
done
[ "$got" = 0 ] || fail "prometheus: stlm_up after the platform died: $got"
got=$(query 'stlm_soc_temp_celsius')
[ "$got" = none ] || fail "prometheus: stale stlm_soc_temp_celsius=$got"

# ... and comes back: the exporter opens a new session (stlm_up 1; the
# new platform has nothing enabled, so no DE series yet).
start_platform f --config "$STLM_SRCDIR/tests/cli/fixture.json"
got=0
for _ in $(seq 50); do
	if fetch "$URL" "$T/back.txt" 2>/dev/null && grep -qx 'stlm_up 1' "$T/back.txt"; then
		got=1
		break
	fi
	sleep 0.1
done
[ "$got" = 1 ] || fail "back: stlm_up 1 after the platform returned"

# The exporter ends cleanly on SIGTERM.
kill "$PID_export"
wait "$PID_export"
rc=$?
[ "$rc" -eq 0 ] || fail "exporter exit status $rc on SIGTERM"
# --- the default platform without a catalog ----------------------------
# Unnamed gauges and counters side by side (and named families shared by
# both types): every family still has one type, the scrape answers in
# bounded time and SIGTERM ends the exporter.
start_platform d
D=$(uri d)
expect_rc 0 "default: enable all" env STLM_CATALOG_PATH="$T/no-catalogs" "$STLM" -q -p "$D" enable --all
expect_rc 0 "default: config on" env STLM_CATALOG_PATH="$T/no-catalogs" "$STLM" -q -p "$D" config --on
sleep 0.2
if timeout -s KILL 20 env STLM_CATALOG_PATH="$T/no-catalogs" "$STLM" -q -p "$D" export --textfile "$T/d.prom"; then ok; else
	fail "default platform, no catalog: textfile export did not finish"; fi
if promtool check metrics <"$T/d.prom" >"$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then ok; else
	fail "default, no catalog: promtool check metrics"; head -5 "$T/lint"; fi
if python3 "$T/series.py" "$T/d.prom"; then ok; else fail "default, no catalog: series unique"; fi
grep -q '^stlm_de_events_total{' "$T/d.prom" || fail "default, no catalog: unnamed counters"
grep -q '^stlm_de_value{' "$T/d.prom" || fail "default, no catalog: unnamed gauges"
DPORT=$(free_port)
env STLM_CATALOG_PATH="$T/no-catalogs" "$STLM" -q -p "$D" export --listen "127.0.0.1:$DPORT" >"$T/dexp.log" 2>&1 &
PID_dexp=$!
PIDS="$PIDS $PID_dexp"
wait_http "http://127.0.0.1:$DPORT/metrics" || fail "default, no catalog: no answer to a scrape"
fetch "http://127.0.0.1:$DPORT/metrics" "$T/dom.txt" "application/openmetrics-text;version=1.0.0" ||
	fail "default, no catalog: OpenMetrics scrape"
if python3 "$T/series.py" "$T/dom.txt"; then ok; else fail "default, no catalog: OpenMetrics families"; fi
kill "$PID_dexp"
for _ in $(seq 50); do kill -0 "$PID_dexp" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$PID_dexp" 2>/dev/null; then fail "default, no catalog: SIGTERM did not stop the exporter"; else ok; fi
wait "$PID_dexp" 2>/dev/null
stop_platform d

# --- catalog labels on the value series --------------------------------
# Two rails of one name are told apart by the catalog's labels, not only
# by id; the default catalog's cluster/core/soc labels are on the series.
python3 - "$STLM_SRCDIR/catalogs/default-soc.json" "$T/rails.json" <<'PY'
import json, sys
src = json.load(open(sys.argv[1]))
cat = {"format": 1, "name": "rails", "match": src["match"],
       "labels": {"soc": "stlm-default"},
       "des": [{"id": "0x00010001", "name": "rail.0.power", "kind": "gauge",
                "labels": {"rail": "vdd_a", "port": "1", "board": "b-1",
                           "unit": "mw", "zone": "z\\1"}},
               {"id": "0x00010101", "name": "rail.1.power", "kind": "gauge",
                "labels": {"rail": "vdd_b", "port": "2", "core": "1",
                           "soc": "override"}}]}
json.dump(cat, open(sys.argv[2], "w"))
PY
start_platform l
L=$(uri l)
expect_rc 0 "labels: enable" "$STLM" -q -p "$L" enable 0x00010001 0x00010101 0x00010003
expect_rc 0 "labels: config on" "$STLM" -q -p "$L" config --on
sleep 0.2
expect_rc 0 "labels: rails catalog textfile" "$STLM" -q -p "$L" -c "$T/rails.json" export --textfile "$T/rails.prom"
if promtool check metrics <"$T/rails.prom" >"$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then ok; else
	fail "labels: promtool check metrics"; head -5 "$T/lint"; fi
if python3 "$T/series.py" "$T/rails.prom"; then ok; else fail "labels: series unique"; fi
# every catalog label, keys outside the usual ones too (after them, by
# key), "unit" renamed so as not to clash with the series' own label, a
# DE's own label overriding the catalog-wide one of the same key
grep -qF 'stlm_rail_power_watts{id="0x00010001",component="cpu",instance="0",rail="vdd_a",port="1",soc="stlm-default",board="b-1",label_unit="mw",zone="z\\1"} ' "$T/rails.prom" ||
	fail "labels: rail vdd_a and its other labels on its value series"
grep -qF 'stlm_de_info{id="0x00010001",name="rail.0.power",component="cpu",instance="0",unit="watts",kind="gauge",label_rail="vdd_a",label_port="1",label_soc="stlm-default",label_board="b-1",label_unit="mw",label_zone="z\\1"} 1' "$T/rails.prom" ||
	fail "labels: every label on the info series"
grep -q '^stlm_rail_power_watts{id="0x00010101",component="cpu",instance="1",core="1",rail="vdd_b",port="2",soc="override"} ' "$T/rails.prom" ||
	fail "labels: rail vdd_b on its value series, its own soc label"
expect_rc 0 "labels: default catalog textfile" "$STLM" -q -p "$L" export --textfile "$T/lab.prom"
if promtool check metrics <"$T/lab.prom" >"$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then ok; else
	fail "labels: default catalog: promtool check metrics"; head -5 "$T/lint"; fi
grep -q '^stlm_cpu_cycles_total{id="0x00010003",component="cpu",instance="0",cluster="0",core="0",soc="stlm-default"} ' "$T/lab.prom" ||
	fail "labels: cluster/core/soc on the counter series"
stop_platform l

finish
