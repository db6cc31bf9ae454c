#!/bin/sh
# SPDX-License-Identifier: MIT
# Golden text output of every subcommand against a platform with constant
# values (fixture.json), and exit codes of usage errors.
. "$(dirname "$0")/lib.sh"

start_platform f --config "$STLM_SRCDIR/tests/cli/fixture.json"
P=$(uri f)
S() { "$STLM" --platform "$P" "$@"; }
# watch: the elapsed-time column varies; show it as T
wnorm() { sed -E 's/^ +[0-9]+\.[0-9]{9}/           T.TTT/; s/^[0-9]+\.[0-9]{9},/T,/' "$T/out" >"$T/w" && mv "$T/w" "$T/out"; }

expect_rc 0 help "$STLM" help && golden help
expect_rc 0 --help "$STLM" --help && golden help
expect_rc 0 "list --help" "$STLM" list --help && golden list-help
expect_rc 0 info S info && golden info
expect_rc 0 list S list && golden list
expect_rc 0 "list filters" S list --group 0 'soc_*' && golden list-group
expect_rc 0 "list component" S list -C peripheral.2 && golden list-component
expect_rc 0 "list by id" S list 0x300 256 && golden list-ids
expect_rc 0 "show" S show soc_temp && golden show
expect_rc 0 "read, nothing enabled" S read && golden read-empty
expect_rc 0 "enable" S enable -t soc_temp 0x101 257 --group 1 && golden enable
expect_rc 0 "enable all" S enable --all && golden enable-all
expect_rc 0 "list enabled" S list --enabled && golden list-enabled
expect_rc 0 "config show" S config && golden config-off
expect_rc 0 "config set" S config --on -i 10ms --mode on_demand && golden config-on
sleep 0.1
expect_rc 0 "read" S read && golden read
expect_rc 0 "read DEs" S read soc_freq 0x201 board_volt && golden read-some
expect_rc 0 "read csv" S read --csv && golden read-csv
expect_rc 0 "show enabled" S show soc_power && golden show-enabled
expect_rc 0 "watch" S watch -n 2 -i 20 && wnorm && golden watch
expect_rc 0 "watch rate" S watch -n 2 -i 20 --rate io_bytes 0x201 && wnorm && golden watch-rate
expect_rc 0 "watch csv" S watch -n 1 -i 20 --csv soc_temp io_bytes && wnorm && golden watch-csv
expect_rc 0 "disable" S disable soc_temp --group 1 && golden disable
expect_rc 0 "config off" S config --off && golden config-stop
expect_rc 0 "reset" S reset && golden reset
expect_rc 0 "list after reset" S list --enabled && golden list-after-reset

# exit codes and one-line usage errors
expect_rc 2 "no command" "$STLM"
expect_rc 2 "unknown command" "$STLM" frobnicate
grep -q "Try 'stlm --help'" "$T/err" || fail "unknown command: no Try line"
expect_rc 2 "prefix is not a command" "$STLM" inf
expect_rc 2 "bad option" S list --frob
grep -q "Try 'stlm list --help'" "$T/err" || fail "bad option: no Try line"
expect_rc 2 "show needs a DE" S show
expect_rc 2 "show takes one DE" S show 1 2
expect_rc 2 "bad interval" S watch -i 0
expect_rc 2 "enable needs targets" S enable
expect_rc 2 "config bad mode" S config --mode sometimes
expect_rc 1 "unknown DE" S show nosuch
grep -q "unknown DE 'nosuch'" "$T/err" || fail "unknown DE: message"
expect_rc 1 "unknown id" S read 0x999
expect_rc 1 "unsupported interval" S config -i 3ms
expect_rc 0 "--version" "$STLM" --version
grep -q '^stlm ' "$T/out" || fail "--version output"
for cmd in info list show read watch enable disable config reset catalog help; do
	expect_rc 0 "$cmd --help" "$STLM" "$cmd" --help
	grep -q "^Usage: stlm .* $cmd " "$T/out" || fail "$cmd --help: no usage line"
done
finish
