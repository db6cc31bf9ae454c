#!/bin/sh
# SPDX-License-Identifier: MIT
# ASTL description files: `stlm catalog check` against a real stlm-platform
# described by a native platform file whose DE ids and UUID follow
# tests/data/astl/gen1.json over two targets, with 3 DEs missing, 2 extra
# and 2 unit/exponent mismatches; names in `stlm list` / `stlm read`;
# offline checks, errors and exit statuses; and, when the real Arm files
# are present ($STLM_ASTL_DATASET, else ../shared/datasets/astl beside the
# source tree), the Phoenix findings.
. "$(dirname "$0")/lib.sh"

A="$STLM_SRCDIR/tests/data/astl"
start_platform g --config "$A/platform/gen1-soc.json"
P=$(uri g)

# has PATTERN: a line of $T/out contains the fixed string
has() {
	if grep -qF -- "$1" "$T/out"; then ok; else fail "output lacks: $1"; fi
}
# count_lines PATTERN N
count_lines() {
	n=$(grep -cF -- "$1" "$T/out")
	if [ "$n" -eq "$2" ]; then ok; else fail "'$1': $n lines, expected $2"; fi
}

# --- against the platform ---------------------------------------------
expect_rc 1 "check gen1" "$STLM" -p "$P" catalog check "$A/gen1.json"
count_lines "missing: " 3
has "missing: 0x0003e443 PSS.3.MAX_TEMPERATURE is named by the file but the platform has no such DE"
has "missing: 0x0004011d CORE.4.FREQUENCY"
has "missing: 0x00011603 PMIC-VR.1.RAIL_INPUT_CURRENT"
count_lines "extra: " 2
has "extra: 0x00aa0001 extra_a is on the platform but not named by the file"
has "extra: 0x00aa0002 extra_b"
has "duplicate id 0x0000e56d: PSS_BMU.0.READ_BANDWIDTH (layout[6].members[0]) repeats PSS_BMU.0.READ_BANDWIDTH (layout[5].members[0])"
has "duplicate id 0x0001e56d"
has "register FREQUENCY_BIN6 declared twice: layout[3].members[1] (0x0125) and [2] (0x0126)"
has "duplicate name CORE.5.FREQUENCY_BIN6"
has 'unit "Celcius" -> celsius (misspelt; 3 DEs per target)'
has 'unit "MHz" -> hertz, exponent +6'
has 'unit "Ampere" -> amps (not recognised by ASTL'
has 'unit "bits" -> bits'
has 'unit mismatch: 0x0000e441 PSS.0.CURRENT_TEMPERATURE: file "Celcius" = celsius x 10^-3, platform celsius x 10^0'
has 'unit mismatch: 0x0001011d CORE.1.FREQUENCY: file "MHz" = hertz x 10^6, platform watts x 10^6'
has 'formula refused: declaration: metrics.core-frequency.formula "value / 1000"'
has "40 DE slots, 38 distinct ids, 2 targets, 2 HEADER lines; platform 5A3C0E11-7B2D-4C6E-9F10-A1B2C3D40001: 35 present, 3 missing, 2 extra, 2 unit mismatches"
if grep -qF "uuid mismatch" "$T/out"; then fail "gen1: no uuid mismatch expected"; else ok; fi

expect_rc 1 "check gen1 --json" "$STLM" -p "$P" catalog check --json "$A/gen1.json" &&
	json_check astl-json '(lambda f: f["format"] == "astl" and f["targets"] == 2 and f["slots"] == 40 and f["distinct_ids"] == 38 and f["present"] == 35 and f["missing"] == 3 and f["extra"] == 2 and f["uuid_match"] is True and sorted(x["id"] for x in f["findings"] if x["type"] == "missing") == [0x00011603, 0x0003e443, 0x0004011d] and [x["id"] for x in f["findings"] if x["type"] == "extra"] == [0x00aa0001, 0x00aa0002] and sum(1 for x in f["findings"] if x["type"] == "unit_mismatch") == 2 and d["findings"] == f["finding_count"])(d["files"][0])'

# the index directory: gen1 compared, gen2 (another UUID) file-only
expect_rc 1 "check index dir" "$STLM" -p "$P" catalog check "$A"
has "gen1.json: 40 DE slots"
has "gen2.json: 14 DE slots, 14 distinct ids, 1 target, 0 HEADER lines; not this platform's spec"
if grep -qF "uuid mismatch" "$T/out"; then fail "index: one spec matches"; else ok; fi

# a spec for another platform: UUID mismatch
expect_rc 1 "check gen2" "$STLM" -p "$P" catalog check "$A/gen2.json"
has "uuid mismatch: the platform's DE implementation UUID is 5A3C0E11-7B2D-4C6E-9F10-A1B2C3D40001, the file's 5A3C0E11-7B2D-4C6E-9F10-A1B2C3D5EE00/14"

# --- offline -------------------------------------------------------------
expect_rc 0 "check clean offline" "$STLM" catalog check --offline "$A/clean.json"
has "clean.json: 4 DE slots, 4 distinct ids, 1 target, 0 HEADER lines; offline: file-only; 0 findings"
expect_rc 1 "check gen2 offline" "$STLM" catalog check --offline "$A/gen2.json"
has 'unit "kHz" -> hertz, exponent +3'
has 'offline: file-only; 4 findings'
expect_rc 2 "check malformed" "$STLM" catalog check --offline "$A/bad/base-id.json"
grep -qF "bad/base-id.json: layout[0].members[0].base_de_id: 0x0001E441: the upper 16 bits hold the instance and must be 0" "$T/err" && ok ||
	fail "malformed: message on stderr"
expect_rc 2 "check malformed json" "$STLM" catalog check --offline --json "$A/bad/type.json" &&
	json_check astl-bad '"unknown type" in d["error"]["message"] and d["error"]["exit_code"] == 2'
expect_rc 2 "check lookup alone" "$STLM" catalog check --offline "$A/platform_lookup.json"
grep -qF "no catalog by itself" "$T/err" && ok || fail "lookup alone: message"
# a native catalog still checks as before (offline: parsed only)
expect_rc 0 "check native offline" "$STLM" catalog check --offline "$STLM_SRCDIR/catalogs/default-soc.json"
has "ok, "

# --- names in list / read -------------------------------------------------
export STLM_CATALOG_PATH="$A"
expect_rc 0 "list names" "$STLM" -q -p "$P" list --json &&
	json_check astl-list 'd["count"] == 37 and {x["name"] for x in d["des"]} >= {"PSS.3.CURRENT_TEMPERATURE", "CORE.5.FREQUENCY_BIN6", "CORE.5.FREQUENCY_BIN6@0x00050126", "PMIC-VR.1.RAIL_INPUT_POWER", "PSS_BMU.3.READ_BANDWIDTH", "extra_a"}'
expect_rc 0 "list glob" "$STLM" -q -p "$P" list 'PSS.*.CURRENT_TEMPERATURE'
count_lines "CURRENT_TEMPERATURE" 4
expect_rc 0 "read names" "$STLM" -q -p "$P" read --enable --json PSS.2.CURRENT_TEMPERATURE PMIC-VR.0.RAIL_INPUT_POWER &&
	json_check astl-read 'd["samples"][0]["name"] == "PSS.2.CURRENT_TEMPERATURE" and d["samples"][0]["id"] == 0x0002e441 and abs(d["samples"][0]["value"] - 42.065) < 1e-9 and abs(d["samples"][1]["value"] - 4000.7) < 1e-6'
# the file's exponent (-3) wins over the descriptor's (0); check still tells
expect_rc 0 "read spec exponent" "$STLM" -q -p "$P" read --enable --json PSS.0.CURRENT_TEMPERATURE &&
	json_check astl-exp 'abs(d["samples"][0]["value"] - 40.065) < 1e-9'
expect_rc 0 "catalog show" "$STLM" -q -p "$P" catalog show --json &&
	json_check astl-show 'd["catalog"] == "astl:gen1" and d["des_described"] == 35'
unset STLM_CATALOG_PATH

# --- the real Phoenix files -----------------------------------------------
DS="${STLM_ASTL_DATASET:-$STLM_SRCDIR/../shared/datasets/astl}"
if [ -f "$DS/phoenix/scp.json" ] && [ -f "$DS/phoenix/lcp_cluster.json" ]; then
	expect_rc 1 "phoenix scp" "$STLM" catalog check --offline "$DS/phoenix/scp.json"
	has "scp.json: 436 DE slots, 412 distinct ids, 1 target, 2 HEADER lines; offline: file-only"
	count_lines "duplicate id 0x" 24
	has "duplicate id 0x0000e56d: PSS_BMU.0.CXS_READ_BANDWIDTH (layout[4].members[0]) repeats PSS_BMU.0.CXS_READ_BANDWIDTH (layout[3].members[0])"
	has 'unit "Celcius" -> celsius (misspelt'
	has 'unit "bits" -> bits (not recognised by ASTL'
	has 'unit "Ampere" -> amps (not recognised by ASTL'
	expect_rc 1 "phoenix lcp" "$STLM" catalog check --offline "$DS/phoenix/lcp_cluster.json"
	has "lcp_cluster.json: 313 DE slots, 313 distinct ids"
	has "register FREQUENCY_BIN6 declared twice: layout[2].members[11] (0x0125) and [12] (0x0126)"
	has 'unit "Hz" -> hertz (not recognised by ASTL'
	count_lines "duplicate id 0x" 0
	expect_rc 1 "phoenix index" "$STLM" catalog check --offline --json "$DS" &&
		json_check phoenix-index 'len(d["files"]) == 2 and {f["slots"] for f in d["files"]} == {436, 313} and all(f["metrics_file"] for f in d["files"])'
else
	echo "NOTE: ASTL dataset not found at $DS; Phoenix assertions skipped"
fi
finish
