#!/bin/sh
# SPDX-License-Identifier: MIT
# --json of every subcommand is one JSON document, in success and failure
# (unknown DE, usage errors, platform gone, faults injected).
. "$(dirname "$0")/lib.sh"

start_platform f --config "$STLM_SRCDIR/tests/cli/fixture.json"
P=$(uri f)
S() { "$STLM" --platform "$P" "$@"; }
isint='isinstance(%s, int) and not isinstance(%s, bool)'

expect_rc 0 "help" "$STLM" --json help && json_check help '"commands" in d and any(c["name"] == "watch" for c in d["commands"])'
expect_rc 0 "info" S info --json && json_check info 'd["des"] == 7 and d["vendor"] == "stlm" and d["collection"]["enabled"] is False and d["intervals"]["ns"][0] == 1000000'
expect_rc 0 "info --pretty" S --pretty info && json_check pretty 'd["groups"] == 2'
expect_rc 0 "list" S list -j && json_check list 'd["count"] == 7 and all(isinstance(x["id"], int) for x in d["des"]) and d["des"][0]["name"] == "soc_temp" and d["des"][5]["name"] is None and d["des"][6]["group"] is None'
expect_rc 0 "show" S show --json 0x200 && json_check show 'd["de"]["id"] == 512 and d["de"]["kind"] == "counter" and d["de"]["unit"] == "B" and d["de"]["value"] is None'
expect_rc 0 "enable" S --json enable -t soc_temp soc_power --group 1 && json_check enable 'd["failed"] == 0 and len(d["results"]) == 3 and all(r["ok"] for r in d["results"])'
expect_rc 0 "config" S config --json --on -i 10ms && json_check config 'd["collection"]["enabled"] is True and d["collection"]["interval_ns"] == 10000000 and d["changed"] is True'
sleep 0.1
expect_rc 0 "read" S read --json && json_check read 'len(d["samples"]) == 4 and all(isinstance(s["id"], int) and isinstance(s["value"], (int, float)) for s in d["samples"]) and d["samples"][0]["value"] == 45.25 and d["samples"][0]["unit"] == "°C"'
expect_rc 0 "read disabled" S read --json soc_freq soc_temp && json_check read-disabled 'd["samples"][0]["value"] is None and d["samples"][0]["valid"] is False and "disabled" in d["samples"][0]["flags"] and d["samples"][1]["value"] == 45.25'
expect_rc 0 "watch" S watch --json -n 2 -i 10 io_bytes soc_power && json_check watch 'len(d["intervals"]) == 2 and d["intervals"][1]["samples"][0]["value"] == 0 and d["intervals"][1]["samples"][0]["counter"] == "delta" and d["intervals"][1]["samples"][1]["value"] == 1.5'
expect_rc 0 "watch rate" S watch --json -n 1 -i 10 --rate io_bytes && json_check watch-rate 'd["counters"] == "rate" and d["intervals"][0]["samples"][0]["unit"] == "B/s"'
expect_rc 0 "disable" S disable --json --all && json_check disable 'd["results"][0]["target"] == "all" and d["failed"] == 0'
expect_rc 0 "reset" S reset --json && json_check reset 'd["reset"] is True and isinstance(d["generation"], int)'
expect_rc 0 "catalog show" S catalog show --json && json_check catalog-show '"catalog" in d'
expect_rc 0 "catalog check" S catalog check --json "$STLM_SRCDIR/catalogs/default-soc.json" && json_check catalog-check 'd["files"][0]["ok"] is True and d["files"][0]["matches"] is False'
printf '{"format": 1, "name": "bad", "des": [' >"$T/bad.json"
expect_rc 1 "catalog check bad" S catalog check --json "$T/bad.json" && json_check catalog-bad '"bad.json" in d["error"]["message"]'

# failures: always one document with "error", and the exit status
expect_rc 1 "unknown DE" S show --json nosuch && json_check unknown-de 'd["error"]["message"] == "unknown DE '"'"'nosuch'"'"'" and d["error"]["exit_code"] == 1'
expect_rc 1 "unknown DE read" S --json read soc_temp nosuch && json_check unknown-de-read '"error" in d'
expect_rc 2 "usage" S --json list --frob && json_check usage 'd["error"]["exit_code"] == 2'
expect_rc 2 "unknown command" "$STLM" --json frobnicate && json_check unknown-cmd '"frobnicate" in d["error"]["message"]'
expect_rc 1 "bad interval value" S config --json -i 3ms && json_check bad-interval '"3ms" in d["error"]["message"]'
for cmd in info list read "show soc_temp" "enable soc_temp" config reset "watch -n 1 -i 10"; do
	# shellcheck disable=SC2086
	expect_rc 1 "no platform: $cmd" "$STLM" --platform "unix:$T/none.sock" --json $cmd &&
		json_check "no platform: $cmd" '"cannot open platform" in d["error"]["message"]'
done

# platform gone: kill it, then every command fails cleanly
stop_platform f
expect_rc 1 "platform gone" S --json info && json_check gone '"error" in d'
expect_rc 1 "platform gone read" S read --json soc_temp && json_check gone-read '"error" in d'

# faults: every command answered BUSY (retries exhausted), or dropped
start_platform busy --config "$STLM_SRCDIR/tests/cli/fixture.json" --fault status:status=BUSY
expect_rc 1 "busy" "$STLM" --platform "$(uri busy)" --json info && json_check busy '"error" in d'
stop_platform busy
start_platform cfgbusy --config "$STLM_SRCDIR/tests/cli/fixture.json" --fault status:status=DENIED,msg=0x8
expect_rc 1 "config denied" "$STLM" --platform "$(uri cfgbusy)" config --json --on && json_check denied '"denied" in d["error"]["message"]'
expect_rc 0 "list still works" "$STLM" --platform "$(uri cfgbusy)" list --json && json_check denied-list 'd["count"] == 7'
stop_platform cfgbusy
start_platform drop --config "$STLM_SRCDIR/tests/cli/fixture.json" --fault drop
expect_rc 1 "dropped" "$STLM" --platform "$(uri drop)?timeout_ms=100" --json list && json_check drop '"error" in d'
finish
