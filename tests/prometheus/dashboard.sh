#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# The dashboard and the rules against real data: the emulator's default
# SoC with the default catalog, collection on, `stlm export` on loopback,
# a real Prometheus scraping it every second with dist/prometheus's rules
# loaded. Every template variable's query, every panel query (variables
# substituted: one value each, then "All") and every recording rule must
# return data, no rule may report an evaluation error, and the alerts
# follow the platform: StlmInvalidSamples pending (the default SoC has
# message-only DEs without a sample), then StlmPlatformDown pending once
# the platform is killed. Everything bounded; processes ended by pid.
. "$STLM_SRCDIR/tests/cli/lib.sh"

if ! command -v prometheus >/dev/null 2>&1; then
	"$STLM_SRCDIR/scripts/install-deps.sh" prometheus >/dev/null 2>&1
	command -v prometheus >/dev/null 2>&1 ||
		{ echo "SKIP: prometheus not installed (scripts/install-deps.sh prometheus)"; exit 77; }
fi
D="$STLM_SRCDIR/dist/prometheus"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_platform p
P=$(uri p)
expect_rc 0 "enable all" "$STLM" -q -p "$P" enable --all
expect_rc 0 "config on" "$STLM" -q -p "$P" config --on -i 100ms

EPORT=$(free_port)
"$STLM" -q -p "$P" export --listen "127.0.0.1:$EPORT" 2>"$T/export.log" &
PID_exp=$!
PIDS="$PIDS $PID_exp"

PPORT=$(free_port)
cat >"$T/prom.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files:
  - $D/stlm-rules.yml
scrape_configs:
  - job_name: stlm
    static_configs:
      - targets: ['127.0.0.1:$EPORT']
YML
prometheus --config.file="$T/prom.yml" --storage.tsdb.path="$T/data" \
	--web.listen-address="127.0.0.1:$PPORT" >"$T/prom.log" 2>&1 &
PID_prom=$!
PIDS="$PIDS $PID_prom"

# The checker: talks to the Prometheus HTTP API only. Modes:
#   ready:     the target scraped a few times and every rule evaluated
#   dashboard: variables, panel queries, recording rules, rule health
#   alert NAME STATE: ALERTS{alertname=NAME, alertstate=STATE} exists
cat >"$T/check.py" <<'PY'
import json, re, sys, time, urllib.parse, urllib.request

api = "http://127.0.0.1:%s/api/v1/" % sys.argv[1]
mode = sys.argv[2]


def get(path, **params):
    url = api + path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            d = json.load(r)
    except urllib.error.HTTPError as e:
        raise RuntimeError("%s: HTTP %d: %s" % (url, e.code, e.read()[:300]))
    if d.get("status") != "success":
        raise RuntimeError("%s: %s" % (path, d))
    return d["data"]


def query(expr):
    return get("query", query=expr)["result"]


def rules():
    return [r for g in get("rules")["groups"] for r in g["rules"]]


if mode == "ready":
    # enough scrapes for rate() over the dashboard's $__rate_interval, and
    # every rule evaluated at least twice since then
    n = query('count_over_time(stlm_up[1m])')
    if not n or float(n[0]["value"][1]) < 6:
        sys.exit(1)
    rs = rules()
    if not rs or any(r.get("lastEvaluation", "").startswith("0001") for r in rs):
        sys.exit(1)
    sys.exit(0)

if mode == "alert":
    r = query('ALERTS{alertname="%s", alertstate="%s"}' % (sys.argv[3], sys.argv[4]))
    sys.exit(0 if r else 1)

# --- dashboard ---
dash = json.load(open(sys.argv[3]))
fails, checked = [], 0
# Grafana's values for a 1 s scrape interval: $__rate_interval is
# max($__interval + scrape interval, 4 * scrape interval).
builtins = {"__rate_interval": "4s", "__interval": "1s", "__range": "1m"}


def subst(expr, values):
    for k, v in sorted(values.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace("${%s}" % k, v).replace("$" + k, v)
    if "$" in expr:
        raise RuntimeError("unsubstituted variable in " + expr)
    return expr


def regex(v):
    """A value in a PromQL regex string literal, escaped as Grafana does
    for a multi-value variable (regex escape, backslashes doubled)."""
    return re.escape(v).replace("\\", "\\\\")


def label_values(q, values):
    m = re.fullmatch(r'label_values\((.*),\s*(\w+)\)', q.strip())
    if not m:
        raise RuntimeError("unsupported variable query " + q)
    sel, label = subst(m.group(1), values), m.group(2)
    return sorted(get("label/%s/values" % label, **{"match[]": sel}))


for pass_name in ("one value", "all"):
    values = dict(builtins)
    for v in dash["templating"]["list"]:
        if v["type"] == "datasource":
            values[v["name"]] = "prometheus"
            continue
        q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
        try:
            got = label_values(q, values)
        except Exception as e:
            fails.append("%s: variable %s: %s" % (pass_name, v["name"], e))
            got = []
        checked += 1
        if not got:
            fails.append("%s: variable %s: no values for %s" % (pass_name, v["name"], q))
            values[v["name"]] = v.get("allValue") or ".*"
            continue
        # A component type has only some kinds of DEs (cpu: no energy
        # counter), so "component" stays "All" in both passes; job and
        # instance take one value in the first.
        if pass_name == "all" or v["name"] == "component":
            values[v["name"]] = v.get("allValue") or "(%s)" % "|".join(map(regex, got))
        else:
            values[v["name"]] = regex(got[0])
    for p in dash["panels"]:
        for t in p.get("targets", []):
            expr = subst(t["expr"], values)
            checked += 1
            try:
                r = query(expr)
            except Exception as e:
                fails.append("%s: panel '%s' %s: %s" % (pass_name, p["title"], t["refId"], e))
                continue
            if not r:
                fails.append("%s: panel '%s' %s returned no data: %s" % (pass_name, p["title"], t["refId"], expr))

for r in rules():
    if r.get("health") != "ok":
        fails.append("rule %s: health %s: %s" % (r.get("name"), r.get("health"), r.get("lastError")))
    if r["type"] == "recording":
        checked += 1
        if not query(r["name"]):
            fails.append("recording rule %s returned no data" % r["name"])
n_rules = len(rules())
if n_rules < 10:
    fails.append("only %d rules loaded" % n_rules)
for f in fails:
    print("FAIL:", f)
print("%d queries checked, %d rules loaded" % (checked, n_rules))
sys.exit(1 if fails else 0)
PY
check() { python3 "$T/check.py" "$PPORT" "$@"; }

# Bounded waits: 60 s for the scrapes and the rules (a loaded machine
# needs more than the 6 s it takes otherwise), then one check.
ready=no
for _ in $(seq 120); do
	if check ready 2>/dev/null; then ready=yes; break; fi
	sleep 0.5
done
if [ "$ready" = yes ]; then ok; else
	fail "prometheus: no 6 scrapes with all rules evaluated within 60 s"
	tail -5 "$T/prom.log"; tail -5 "$T/export.log"
fi
# A recording rule over rate() needs two evaluations after two scrapes:
# retry the whole check for a bounded time before reporting.
rc=1
for _ in $(seq 20); do
	check dashboard "$D/stlm-dashboard.json" >"$T/dash.out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] && break
	sleep 1
done
if [ "$rc" -ne 0 ] || ! grep -q 'queries checked' "$T/dash.out"; then
	fail "dashboard / rules against real data"
	cat "$T/dash.out"
else
	ok
	tail -1 "$T/dash.out"
fi

# The alerts follow the platform.
got=no
for _ in $(seq 60); do
	check alert StlmInvalidSamples pending 2>/dev/null && { got=yes; break; }
	sleep 0.5
done
[ "$got" = yes ] || fail "StlmInvalidSamples not pending with invalid samples"
check alert StlmPlatformDown pending 2>/dev/null && fail "StlmPlatformDown pending while the platform runs"
check alert StlmTemperatureHigh pending 2>/dev/null && fail "StlmTemperatureHigh pending below the limits"
stop_platform p
got=no
for _ in $(seq 60); do
	check alert StlmPlatformDown pending 2>/dev/null && { got=yes; break; }
	sleep 0.5
done
[ "$got" = yes ] || fail "StlmPlatformDown not pending after the platform died"

finish
