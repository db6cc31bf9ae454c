#!/bin/sh
# SPDX-License-Identifier: MIT
# stlm record / replay / decode end to end: a recording of a live
# platform, kill -9 of the recorder (every complete record intact), a torn
# tail and a corrupted record (skipped with warnings naming the offset),
# a catalog applied at decode time, and the JSON outputs.
#
# Environment (tests/cli-record/meson.build): STLM, STLM_PLATFORM_BIN,
# STLM_SRCDIR.
. "$STLM_SRCDIR/tests/cli/lib.sh"

# No catalog while recording: names must come from --catalog later.
export STLM_CATALOG_PATH="$T/no-catalogs"

start_platform p
P=$(uri p)
S() { "$STLM" --platform "$P" "$@"; }
# python3 over the JSON in $T/out: py EXPR
DEC="$T/dec.json"

# --- a plain recording -------------------------------------------------
expect_rc 0 "record -n 5" S record -o "$T/a.rec" -i 20ms -n 5 --enable \
	0x10000 0x10002 0x10003
grep -q "recorded 5 records" "$T/err" || fail "record: summary line"
expect_rc 1 "record refuses to overwrite" S record -o "$T/a.rec" -n 1
grep -q "exists" "$T/err" || fail "record: exists message"
expect_rc 0 "record --force" S record -o "$T/a.rec" -i 20ms -n 5 --force \
	0x10000 0x10002 0x10003
expect_rc 2 "record without -o" S record -n 1
expect_rc 2 "record -n and -d" S record -o "$T/x.rec" -n 1 -d 1
expect_rc 2 "record bad interval" S record -o "$T/x.rec" -i soon

expect_rc 0 "decode --json" "$STLM" decode --json "$T/a.rec" &&
	json_check "decode" 'd["summary"]["records"] == 5 and d["summary"]["torn"] == 0 and len(d["records"]) == 5 and all(r["n_samples"] == 3 for r in d["records"]) and d["header"]["platform"]["vendor"] == "stlm" and d["header"]["platform"]["uuid"] == "2B6D8F3A-5C1E-4E7B-9A41-0D5C1E5A7001" and d["header"]["catalog"] is None and len(d["des"]) > 300 and [s["valid"] for s in d["records"][4]["samples"]] == [True] * 3 and d["records"][0]["samples"][1]["name"] == "cpu0_temp"'
expect_rc 0 "replay" "$STLM" replay "$T/a.rec"
[ "$(grep -c cpu0_temp "$T/out")" -eq 5 ] || fail "replay: 5 blocks"
grep -q "°C" "$T/out" || fail "replay: units"
[ -s "$T/err" ] && fail "replay: unexpected stderr: $(head -2 "$T/err")"
expect_rc 0 "replay --json" "$STLM" replay --json "$T/a.rec" &&
	json_check "replay" 'len(d["intervals"]) == 5 and d["counters"] == "delta" and d["intervals"][1]["samples"][2]["counter"] == "delta" and d["intervals"][1]["samples"][2]["value"] >= 0 and d["intervals"][0]["samples"][2]["value"] is None and d["skipped"] == 0'
expect_rc 0 "replay --csv" "$STLM" replay --csv --total "$T/a.rec" cpu0_freq
[ "$(wc -l <"$T/out")" -eq 6 ] || fail "replay --csv: header + 5 rows"
head -1 "$T/out" | grep -q '^time_s,id,name,value,unit$' || fail "replay --csv header"
expect_rc 0 "decode --csv" "$STLM" decode --csv "$T/a.rec"
[ "$(wc -l <"$T/out")" -eq 16 ] || fail "decode --csv: header + 15 rows"
expect_rc 0 "decode text" "$STLM" decode "$T/a.rec"
grep -q "^Platform: *stlm / default-soc" "$T/out" || fail "decode: platform line"
grep -q "^5 records, 0 corrupt stretches, 0 torn tails" "$T/out" || fail "decode: summary"
expect_rc 1 "decode unknown DE" "$STLM" decode "$T/a.rec" nosuch
expect_rc 1 "decode a missing file" "$STLM" decode "$T/nosuch.rec"
printf 'not a recording at all' >"$T/junk"
expect_rc 1 "decode junk" "$STLM" decode "$T/junk"
grep -q "not an stlm recording" "$T/err" || fail "decode junk: message"
expect_rc 0 "replay --realtime" "$STLM" replay --realtime "$T/a.rec"
expect_rc 0 "replay --speed 4 -n 2" "$STLM" replay --speed 4 -n 2 "$T/a.rec"
expect_rc 2 "replay --realtime and -i" "$STLM" replay --realtime -i 10 "$T/a.rec"

# --- a catalog applied at decode time ----------------------------------
expect_rc 0 "decode --catalog" "$STLM" decode --json \
	--catalog "$STLM_SRCDIR/catalogs/default-soc.json" "$T/a.rec" &&
	json_check "catalog names" 'd["catalog_applied"]["name"] == "default-soc" and [s["name"] for s in d["records"][0]["samples"]] == ["cpu.0.freq", "cpu.0.temp", "cpu.0.cycles"] and d["records"][0]["samples"][1]["unit"] == "°C"'
expect_rc 0 "decode --catalog DIR" "$STLM" decode \
	--catalog "$STLM_SRCDIR/catalogs" "$T/a.rec"
grep -q "cpu.0.temp" "$T/out" || fail "catalog dir: names"
expect_rc 0 "replay --catalog + filter by catalog name" "$STLM" replay \
	--catalog "$STLM_SRCDIR/catalogs" "$T/a.rec" cpu.0.temp
[ "$(grep -c cpu.0.temp "$T/out")" -eq 5 ] || fail "replay --catalog: names"
cat >"$T/other.json" <<'JSON'
{"format": 1, "name": "other", "match": {"vendor": "someone-else"}, "des": []}
JSON
expect_rc 1 "decode --catalog that does not match" "$STLM" decode \
	--catalog "$T/other.json" "$T/a.rec"
grep -q "does not match" "$T/err" || fail "catalog mismatch: message"

# --- kill -9 while recording -------------------------------------------
# Started directly (not through the S function) so that $! is stlm itself.
"$STLM" --platform "$P" record -o "$T/k.rec" -i 5ms 2>"$T/k.err" &
RPID=$!
PIDS="$PIDS $RPID"
for _ in $(seq 100); do
	[ "$(stat -c %s "$T/k.rec" 2>/dev/null || echo 0)" -gt 60000 ] && break
	sleep 0.05
done
kill -9 "$RPID"
wait "$RPID" 2>/dev/null
expect_rc 0 "decode after kill -9" "$STLM" decode --json "$T/k.rec" &&
	json_check "kill -9: complete records intact" 'd["summary"]["records"] >= 3 and d["summary"]["corrupt"] == 0 and d["summary"]["torn"] <= 1 and all(len(r["samples"]) == r["n_samples"] > 0 for r in d["records"]) and all(s["valid"] for r in d["records"] for s in r["samples"] if "disabled" not in s["flags"])'
cp "$T/out" "$DEC"
N=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["records"])' "$DEC")
expect_rc 0 "replay after kill -9" "$STLM" replay --json "$T/k.rec" &&
	json_check "kill -9 replay" "len(d['intervals']) == $N"

# A torn tail: the last record cut in the middle (what a kill during the
# write() of a large record, or a machine crash, leaves).
SIZE=$(stat -c %s "$T/k.rec")
LAST=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["records"][-1]; print(r["offset"], r["size"])' "$DEC")
set -- $LAST
head -c $(($1 + $2 / 2)) "$T/k.rec" >"$T/torn.rec"
expect_rc 0 "replay a torn tail" "$STLM" replay "$T/torn.rec"
grep -q "warning: torn record at byte offset $1 " "$T/err" || fail "torn tail: warning with the offset ($(cat "$T/err"))"
expect_rc 0 "decode a torn tail" "$STLM" decode --json "$T/torn.rec" &&
	json_check "torn tail" "d['summary']['records'] == $N - 1 and d['summary']['torn'] == 1 and d['problems'][0]['offset'] == $1 and d['problems'][0]['kind'] == 'torn'"
expect_rc 1 "decode --strict a torn tail" "$STLM" decode --strict "$T/torn.rec"

# --- a corrupted record in the middle ----------------------------------
SECOND=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["records"][1]; print(r["offset"], r["size"], d["records"][2]["offset"])' "$DEC")
set -- $SECOND
cp "$T/k.rec" "$T/bad.rec"
# flip one byte inside the second record's first sample
python3 - "$T/bad.rec" $(($1 + 60)) <<'PY'
import sys
p, off = sys.argv[1], int(sys.argv[2])
with open(p, "r+b") as f:
    f.seek(off); b = f.read(1); f.seek(off); f.write(bytes([b[0] ^ 0x20]))
PY
expect_rc 0 "replay with a corrupted record" "$STLM" replay "$T/bad.rec"
grep -q "warning: corrupt record at byte offset $1 (CRC mismatch); skipped $2 bytes to the next record at $3" "$T/err" ||
	fail "corrupt record: warning ($(cat "$T/err"))"
expect_rc 0 "decode with a corrupted record" "$STLM" decode --json "$T/bad.rec" &&
	json_check "corrupt record" "d['summary']['records'] == $N - 1 and d['summary']['corrupt'] == 1 and d['problems'][0]['reason'] == 'CRC mismatch' and d['records'][1]['offset'] == $3"
expect_rc 1 "replay --strict with a corrupted record" "$STLM" replay --strict "$T/bad.rec"

# A header cut short, and a header with a flipped byte.
head -c 100 "$T/a.rec" >"$T/short.rec"
expect_rc 1 "decode a cut header" "$STLM" decode "$T/short.rec"
grep -q "header is incomplete" "$T/err" || fail "cut header: message"
cp "$T/a.rec" "$T/hdr.rec"
python3 - "$T/hdr.rec" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(40); b = f.read(1); f.seek(40); f.write(bytes([b[0] ^ 1]))
PY
expect_rc 1 "decode a corrupt header" "$STLM" decode "$T/hdr.rec"
grep -q "header is corrupt" "$T/err" || fail "corrupt header: message"

# --- SIGINT ends a recording cleanly -----------------------------------
"$STLM" --platform "$P" record -o "$T/i.rec" -i 10ms 2>"$T/i.err" &
RPID=$!
PIDS="$PIDS $RPID"
sleep 0.5
kill -INT "$RPID"
wait "$RPID"
rc=$?
[ "$rc" -eq 0 ] || fail "record after SIGINT: exit $rc"
grep -q "recorded [0-9]* records" "$T/i.err" || fail "SIGINT: summary"
expect_rc 0 "decode after SIGINT" "$STLM" decode --strict "$T/i.rec"

# --- --json of record --------------------------------------------------
expect_rc 0 "record --json" S record --json -o "$T/j.rec" -i 10ms -n 2 0x10000 &&
	json_check "record" 'd["records"] == 2 and d["bytes"] > 0 and d["interrupted"] is False'
expect_rc 0 "record -d" S record -o "$T/d.rec" -i 50ms -d 0.2 0x10000
# 4 ticks (0, 50, 100, 150 ms) fit in 0.2 s; a loaded or sanitized
# machine may miss a late tick, never add one.
grep -Eq "recorded [234] records" "$T/err" || fail "record -d 0.2 -i 50ms: 2-4 records ($(cat "$T/err"))"

# --- state names of a recording made with a catalog --------------------
# The header keeps names and units; replay and decode take the state
# names from the catalog the recording was made with (found again on the
# catalog path), without --catalog.
export STLM_CATALOG_PATH="$STLM_SRCDIR/catalogs"
expect_rc 0 "record with the catalog" S record -o "$T/st.rec" -i 20ms -n 3 \
	--enable cpu.0.idle_state cluster.0.opp
expect_rc 0 "replay: state names" "$STLM" replay --total "$T/st.rec"
[ "$(grep -c 'cluster.0.opp  *OPP[0-5] ([0-5])' "$T/out")" -eq 3 ] ||
	fail "replay: state names of cluster.0.opp ($(tail -1 "$T/out"))"
[ "$(grep -c 'cpu.0.idle_state  *C[0-3] [a-zA-Z ]* ([0-3])' "$T/out")" -eq 3 ] ||
	fail "replay: state names of cpu.0.idle_state"
[ -s "$T/err" ] && fail "replay: unexpected stderr: $(head -2 "$T/err")"
expect_rc 0 "replay --json: state names" "$STLM" replay --json --total "$T/st.rec" &&
	json_check "replay states" 'all(s["state"].startswith("OPP") for i in d["intervals"] for s in i["samples"] if s["name"] == "cluster.0.opp")'
expect_rc 0 "decode --json: state names" "$STLM" decode --json "$T/st.rec" &&
	json_check "decode states" 'd["header"]["catalog"] == "default-soc" and d["catalog_applied"]["state_names_only"] is True and all(s["state"].startswith("OPP") for r in d["records"] for s in r["samples"] if s["name"] == "cluster.0.opp")'
expect_rc 0 "replay: the recording's catalog not found" env STLM_CATALOG_PATH="$T/no-catalogs" "$STLM" replay "$T/st.rec"
grep -q "catalog 'default-soc' of the recording not found" "$T/err" || fail "replay: missing catalog said"
grep -q 'cluster.0.opp  *[0-5]$' "$T/out" || fail "replay without the catalog: numbers"

finish
