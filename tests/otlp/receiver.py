#!/usr/bin/env python3
"""An OTLP/HTTP JSON metrics receiver for squall's tests.

  receiver.py PORT SCHEMA.json STATE.json

Listens on 127.0.0.1:PORT for POST /v1/metrics, validates every body against SCHEMA (python3-jsonschema)
and keeps the newest point of every (metric, attributes) series. After each request it rewrites STATE:
  {"requests": N, "invalid": [first errors], "totals": {metric: value summed over series}}
where a Sum or Gauge contributes its asDouble, a Summary its count (as "<metric>.count"), its sum and its
max quantile ("<metric>.max", the largest over series). Runs until killed.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

import jsonschema

PORT, SCHEMA_PATH, STATE_PATH = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(SCHEMA_PATH) as f:
    VALIDATOR = jsonschema.Draft202012Validator(json.load(f))
newest = {}  # (metric, kind, attributes) -> (time, point)
state = {"requests": 0, "invalid": [], "totals": {}}


def record(body):
    for rm in body["resourceMetrics"]:
        for sm in rm["scopeMetrics"]:
            for metric in sm["metrics"]:
                kind = next(k for k in ("sum", "gauge", "summary") if k in metric)
                for point in metric[kind]["dataPoints"]:
                    key = (metric["name"], kind, json.dumps(point.get("attributes", []), sort_keys=True))
                    at = int(point["timeUnixNano"])
                    if key not in newest or newest[key][0] <= at:
                        newest[key] = (at, point)
    totals = {}
    for (name, kind, _), (_, point) in newest.items():
        if kind == "summary":
            totals[name + ".count"] = totals.get(name + ".count", 0) + int(point["count"])
            totals[name + ".sum"] = totals.get(name + ".sum", 0) + point["sum"]
            top = max(q["value"] for q in point["quantileValues"] if q["quantile"] == 1)
            totals[name + ".max"] = max(totals.get(name + ".max", 0), top)
        else:
            totals[name] = totals.get(name, 0) + point["asDouble"]
    state["totals"] = totals


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        state["requests"] += 1
        status = 200
        try:
            if self.path != "/v1/metrics" or self.headers.get("Content-Type") != "application/json":
                raise ValueError(f"path {self.path}, content type {self.headers.get('Content-Type')}")
            parsed = json.loads(body)
            errors = sorted(VALIDATOR.iter_errors(parsed), key=lambda e: list(e.path))
            if errors:
                raise ValueError("; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5]))
            record(parsed)
        except (ValueError, KeyError) as e:
            state["invalid"].append(str(e)[:500])
            status = 400
        tmp = STATE_PATH + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f)
        os.replace(tmp, STATE_PATH)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def do_GET(self):  # readiness
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
