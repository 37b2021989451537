#!/usr/bin/env python3
"""Scores the planner on the labelled task set against a running ProcOS: top-1 accuracy and latency.
   Usage: bench/planner/score.py [base-url]   (token from dist/conf/api-token; drop procos.tools.template
   into dist/tools first: the set includes text.wordcount)"""
import json, os, sys, time, urllib.request
here = os.path.dirname(os.path.abspath(__file__))
base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
token = open(os.path.join(here, "../../dist/conf/api-token")).read().strip()
tasks = json.load(open(os.path.join(here, "labelled-tasks.json")))
hits, millis = 0, []
for t in tasks:
    body = json.dumps({"task": {"name": t["name"], "documentation": t["documentation"]}}).encode()
    req = urllib.request.Request(base + "/api/tde/decide", data=body,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    d = json.load(urllib.request.urlopen(req))
    millis.append(d["millis"])
    if d["tool"] == t["tool"]:
        hits += 1
    else:
        print("miss: %-45s expected %-15s got %-15s %s" % (t["name"][:45], t["tool"], d["tool"], d["rationale"][:90]))
millis.sort()
print("top-1: %d / %d = %.1f%%   decision p50 %.1f ms (server side, %s)" % (hits, len(tasks), 100.0 * hits / len(tasks),
      millis[len(millis) // 2], d["planner"]))
