# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# Static checks of dist/prometheus/: every alert of the rules has a
# promtool unit test where it fires and one where it does not, every
# recording rule a promql_expr_test; the dashboard is a Grafana dashboard
# whose panels all take their data source from the "datasource" template
# variable and carry a query. Usage: check-files.py DIR (Debian's python3,
# python3-yaml).
import json
import sys

import yaml

d = sys.argv[1]
errors = []
rules = yaml.safe_load(open(d + "/stlm-rules.yml"))
tests = yaml.safe_load(open(d + "/stlm-rules.test.yml"))

alerts, records = [], []
for g in rules["groups"]:
    for r in g["rules"]:
        (alerts if "alert" in r else records).append(r.get("alert") or r["record"])
        for k in ("expr",):
            if not r.get(k):
                errors.append("rule %s: no %s" % (r, k))
        if "alert" in r:
            for k in ("summary", "description"):
                if not r.get("annotations", {}).get(k):
                    errors.append("alert %s: no %s annotation" % (r["alert"], k))
            if r.get("labels", {}).get("severity") not in ("warning", "critical"):
                errors.append("alert %s: severity warning or critical" % r["alert"])
if tests.get("rule_files") != ["stlm-rules.yml"]:
    errors.append("the test file must test stlm-rules.yml")
fires, silent, tested = set(), set(), set()
for t in tests["tests"]:
    for a in t.get("alert_rule_test", []):
        (fires if a.get("exp_alerts") else silent).add(a["alertname"])
    for e in t.get("promql_expr_test", []):
        tested.add(e["expr"])
for a in alerts:
    if a not in fires:
        errors.append("alert %s: no promtool test where it fires" % a)
    if a not in silent:
        errors.append("alert %s: no promtool test where it does not fire" % a)
for a in (fires | silent) - set(alerts):
    errors.append("test of an unknown alert %s" % a)
for r in records:
    if r not in tested:
        errors.append("recording rule %s: no promql_expr_test" % r)

dash = json.load(open(d + "/stlm-dashboard.json"))
tv = {v["name"]: v for v in dash["templating"]["list"]}
if tv.get("datasource", {}).get("type") != "datasource" or \
        tv["datasource"].get("query") != "prometheus":
    errors.append("dashboard: no 'datasource' variable of type datasource (prometheus)")
for name, v in tv.items():
    if v["type"] == "query" and v.get("datasource", {}).get("uid") != "${datasource}":
        errors.append("dashboard: variable %s does not use ${datasource}" % name)
ids, n_queries = set(), 0
for p in dash["panels"]:
    if p["id"] in ids:
        errors.append("dashboard: panel id %d twice" % p["id"])
    ids.add(p["id"])
    g = p["gridPos"]
    if g["x"] < 0 or g["w"] <= 0 or g["x"] + g["w"] > 24:
        errors.append("dashboard: panel %s outside the 24 columns" % p["title"])
    if p["type"] == "row":
        continue
    if p.get("datasource", {}).get("uid") != "${datasource}":
        errors.append("dashboard: panel %s does not use ${datasource}" % p["title"])
    refs = [t["refId"] for t in p.get("targets", [])]
    if not refs or len(set(refs)) != len(refs):
        errors.append("dashboard: panel %s: no targets or duplicate refIds" % p["title"])
    for t in p.get("targets", []):
        if not t.get("expr") or t.get("datasource", {}).get("uid") != "${datasource}":
            errors.append("dashboard: panel %s target %s" % (p["title"], t["refId"]))
        n_queries += 1
titles = " ".join(p["title"].lower() for p in dash["panels"])
for want in ("temperature", "power", "frequenc", "counter", "stlm_up", "snapshot age", "samples"):
    if want not in titles:
        errors.append("dashboard: no panel about %s" % want)
for e in errors:
    print("FAIL:", e)
print("%d alerts, %d recording rules, %d dashboard queries checked" %
      (len(alerts), len(records), n_queries))
sys.exit(1 if errors else 0)
