#!/usr/bin/env bash
# An Artillery YAML flow on squall and on Artillery (npm), and squall's quick
# mode, against nginx on loopback. nginx: one worker on CPU 0, GET /small ->
# 13 bytes. Each generator on CPU 1 under /usr/bin/time -v. The flow: 50
# virtual users, each looping GET /small; squall's VUs loop longer than
# Artillery's so each run lasts a few seconds. Reports CPU-µs per request.
# Usage: bench/compare_artillery.sh [ARTILLERY_BIN]   (default: npx artillery)
set -euo pipefail
cd "$(dirname "$0")/.."
SQUALL=${SQUALL:-build/src/squall}
ARTILLERY=${1:-}
PORT=${PORT:-18088}
source bench/nginx_target.sh

flow() {  # flow LOOPS -> YAML
  cat <<YAML
config:
  target: http://127.0.0.1:$PORT
  phases: [{duration: 1, arrivalCount: 50}]
  http: {pool: 50}
scenarios:
  - flow:
      - loop:
          - get: {url: /small}
        count: $1
YAML
}
flow 4000 > "$work/squall.yml"
flow "${ARTILLERY_LOOPS:-400}" > "$work/artillery.yml"

# cpu_us_per_request NAME REQUESTS -> prints CPU-µs per request and max RSS (MB)
report() {
  local name=$1 requests=$2
  awk -F': ' -v n="$requests" -v name="$name" '
    /User time/ {cpu += $2} /System time/ {cpu += $2} /Maximum resident/ {rss = $2}
    END {printf "| %s | %d | %.1f | %.1f |\n", name, n, cpu * 1e6 / n, rss / 1024}' "$work/$name.time"
}

printf '| generator | requests | CPU-µs per request | max RSS (MB) |\n|---|---|---|---|\n'
/usr/bin/time -v -o "$work/squall-yaml.time" taskset -c 1 "$SQUALL" run "$work/squall.yml" -q -o "$work/squall-report.json"
report squall-yaml "$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['aggregate']['counters']['http.requests']))" "$work/squall-report.json")"
/usr/bin/time -v -o "$work/squall-http.time" taskset -c 1 "$SQUALL" http "http://127.0.0.1:$PORT/small" -c 50 -n 200000 \
  --summary-export "$work/squall-http.json" > /dev/null 2>&1
report squall-http "$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['metrics']['http_reqs']['count']))" "$work/squall-http.json")"
if [ -n "$ARTILLERY" ] || command -v npx >/dev/null; then
  /usr/bin/time -v -o "$work/artillery.time" taskset -c 1 ${ARTILLERY:-npx artillery} run "$work/artillery.yml" \
    -o "$work/artillery-report.json" > "$work/artillery.out" 2>&1 || { tail -5 "$work/artillery.out"; exit 1; }
  report artillery "$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['aggregate']['counters']['http.requests']))" "$work/artillery-report.json")"
fi
