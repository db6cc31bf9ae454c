#!/bin/bash
# SPDX-License-Identifier: MIT
# A platform built from an ASTL spec, read through stlmd's tree by the
# stlmfs: backend, shows the spec's names: stlm-platform --astl-spec FILE
# -> stlmd (FUSE, STLMFS v4 layout) -> stlm -p stlmfs:MNT/tlm_0 with the
# spec as its catalog (given with --catalog, and found by the platform's
# UUID on the catalog path). Always with the committed fixture spec
# (tests/data/astl-platform/gen1.json); with Arm's Phoenix SCP spec too
# when the ASTL data set is present ($STLM_ASTL_DATASET, default
# ../shared/datasets/astl next to the source tree).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3"; exit 77; }
DATASET="${STLM_ASTL_DATASET:-$STLM_SRCDIR/../shared/datasets/astl}"
export STLM_CATALOG_PATH="$T/no-catalog"
FS=(timeout 60 "$STLM_BIN" -q -p "stlmfs:$TLM")

pycheck() {
	python3 - "$1" "$2" <<'PY' || fail "$2 ($(head -c 600 "$1"))"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

# --- the committed fixture spec -------------------------------------------
SPEC="$STLM_SRCDIR/tests/data/astl-platform/gen1.json"
start_platform --astl-spec "$SPEC" --seed 7
mkdir -p "$T/cat"
cp "$SPEC" "$T/cat/"
# stlmd finds the spec by the platform's UUID too: its by-name/ view.
STLM_CATALOG_PATH="$T/cat" start_daemon --socket "$T/d.sock"
for _ in $(seq 50); do [ -S "$T/d.sock" ] && break; sleep 0.1; done
[ -L "$TLM/by-name/CORE/1/CORE_MPID" ] ||
	fail "stlmd by-name: $(ls -R "$TLM/by-name" 2>&1 | head -5)"
[ "$(readlink "$TLM/by-name/CORE/1/CORE_MPID")" = "../../../des/0x00010111" ] ||
	fail "by-name link: $(readlink "$TLM/by-name/CORE/1/CORE_MPID")"
ok "stlmd names the tree from the spec (by-name/CORE/1/CORE_MPID)"
"${FS[@]}" info --json > "$T/info.json" || fail "info"
pycheck "$T/info.json" 'd["uuid"] == "53544C4D-4153-544C-8000-000000000001"'
ok "the tree carries the spec's UUID"

"${FS[@]}" -c "$SPEC" list --json > "$T/list.json" || fail "list --catalog"
pycheck "$T/list.json" '"CORE.1.CORE_MPID" in [x["name"] for x in d["des"]] and all(not x["name"].startswith("0x") for x in d["des"])'
ok "stlmfs: list names every DE from the spec (--catalog)"

STLM_CATALOG_PATH="$T/cat" "${FS[@]}" list > "$T/list.txt" || fail "list path"
grep -q "CORE.1.CORE_MPID" "$T/list.txt" || fail "autoload: $(head -3 "$T/list.txt")"
ok "stlmfs: the spec is found by UUID on the catalog path"

# Values through the tree are the emulator's: enable, read by name, and
# compare with a direct reader of the same platform.
"${FS[@]}" -c "$SPEC" enable --all > /dev/null || fail "enable --all"
"${FS[@]}" config --on --interval 10ms > /dev/null || fail "config"
sleep 0.3
"${FS[@]}" -c "$SPEC" read --json CORE.0.CORE_MPID CORE.1.CORE_MPID > "$T/r.json" || fail "read by name"
timeout 20 "$STLM_BIN" -q -p "stlmd:$T/d.sock" read --json 0x111 0x10111 > "$T/d.json" || fail "read through the daemon's socket"
python3 - "$T/r.json" "$T/d.json" <<'PY' || fail "values differ: $(cat "$T/r.json")"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ra = [(s["id"], s["raw"], s["valid"]) for s in a["samples"]]
rb = [(s["id"], s["raw"], s["valid"]) for s in b["samples"]]
sys.exit(0 if ra == rb and all(v for _, _, v in ra) else 1)
PY
ok "named reads through stlmfs: equal the socket reader's (constant MPIDs)"
stop_daemon
stop_platform

# --- Arm's Phoenix SCP spec -------------------------------------------------
if [ -f "$DATASET/phoenix/scp.json" ]; then
	start_platform --astl-spec "$DATASET/phoenix/scp.json"
	start_daemon
	"${FS[@]}" -c "$DATASET/phoenix/scp.json" list --json > "$T/px.json" ||
		fail "Phoenix list"
	pycheck "$T/px.json" 'd["count"] == 412 and {"PSS.0.CURRENT_TEMPERATURE", "PSS.5.MAX_TEMPERATURE"} <= {x["name"] for x in d["des"]}'
	ok "Phoenix SCP through stlmd's tree: 412 DEs with the spec's names"
	STLM_CATALOG_PATH="$DATASET" "${FS[@]}" list > "$T/px.txt" ||
		fail "Phoenix list (index)"
	grep -q "^0x0000e441  PSS.0.CURRENT_TEMPERATURE " "$T/px.txt" ||
		fail "Phoenix via repometa.json: $(head -3 "$T/px.txt")"
	ok "Phoenix SCP: the spec found through repometa.json by UUID"
	"${FS[@]}" -c "$DATASET/phoenix/scp.json" enable PSS.0.CURRENT_TEMPERATURE > /dev/null ||
		fail "enable by name"
	"${FS[@]}" config --on --interval 10ms > /dev/null || fail "config"
	sleep 0.3
	"${FS[@]}" -c "$DATASET/phoenix/scp.json" read --json PSS.0.CURRENT_TEMPERATURE > "$T/pr.json" ||
		fail "Phoenix read"
	pycheck "$T/pr.json" 'd["samples"][0]["valid"] and 40 <= d["samples"][0]["value"] <= 75'
	ok "Phoenix SCP: PSS.0.CURRENT_TEMPERATURE reads a plausible temperature"
	stop_daemon
	stop_platform
else
	echo "SKIP: ASTL data set not found at $DATASET (Phoenix checks)"
fi
echo "all ASTL loop checks passed"
