#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# dist/prometheus/: promtool check rules, promtool test rules (a unit test
# for every alert, firing and not firing), the static checks of
# check-files.py, and a broken rule caught by the unit tests.
. "$STLM_SRCDIR/tests/cli/lib.sh"

PY3=/usr/bin/python3
if ! command -v promtool >/dev/null 2>&1 || ! "$PY3" -c 'import yaml' 2>/dev/null; then
	"$STLM_SRCDIR/scripts/install-deps.sh" prometheus python3-yaml >/dev/null 2>&1
	if ! command -v promtool >/dev/null 2>&1 || ! "$PY3" -c 'import yaml' 2>/dev/null; then
		echo "SKIP: promtool or Debian's python3-yaml not installed (scripts/install-deps.sh)"
		exit 77
	fi
fi
D="$STLM_SRCDIR/dist/prometheus"

if promtool check rules "$D/stlm-rules.yml" >"$T/out" 2>&1; then ok; else
	fail "promtool check rules"; cat "$T/out"; fi
# run from a copy: promtool resolves rule_files next to the test file
cp "$D/stlm-rules.yml" "$D/stlm-rules.test.yml" "$T/"
if (cd "$T" && promtool test rules stlm-rules.test.yml) >"$T/out" 2>&1; then ok; else
	fail "promtool test rules"; head -40 "$T/out"; fi
if "$PY3" "$STLM_SRCDIR/tests/prometheus/check-files.py" "$D" >"$T/out" 2>&1; then ok; else
	fail "check-files.py"; fi
cat "$T/out"

# The unit tests can fail: each alert's threshold moved, one at a time.
for change in 's/stlm_up == 0/stlm_up == 2/' 's/> 10$/> 100/' \
	's/state="invalid"} > 0/state="invalid"} > 5/' \
	's/level="warn"}/level="crit"}/' 's/level="crit"}$/level="warn"}/' \
	's/up{job=~"stlm.\*"} == 0/up{job=~"nope"} == 0/'; do
	sed "$change" "$D/stlm-rules.yml" >"$T/stlm-rules.yml"
	if cmp -s "$D/stlm-rules.yml" "$T/stlm-rules.yml"; then
		fail "mutation $change changed nothing"
		continue
	fi
	if (cd "$T" && promtool test rules stlm-rules.test.yml) >/dev/null 2>&1; then
		fail "promtool test rules passes with $change"
	else
		ok
	fi
done

finish
