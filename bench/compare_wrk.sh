#!/usr/bin/env bash
# squall's quick mode and wrk side by side against nginx on loopback.
# nginx: one worker pinned to CPU 0, access log off, GET /small -> 13-byte body.
# Each generator: pinned to CPU 1, 50 connections, keep-alive, DURATION, under /usr/bin/time -v.
# Rounds alternate wrk and squall; the table reports every round and the medians.
# Usage: bench/compare_wrk.sh [ROUNDS=3] [DURATION=10]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
DURATION=${2:-10}
SQUALL=${SQUALL:-build/src/squall}
PORT=${PORT:-18089}
OUT=bench/results
mkdir -p "$OUT"
source bench/nginx_target.sh
URL="http://127.0.0.1:$PORT/small"

# measure NAME COMMAND... -> prints "requests cpu_seconds max_rss_kb"
measure() {
  local name=$1; shift
  /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.out" 2>&1
  local user sys rss
  user=$(awk -F': ' '/User time/ {print $2}' "$work/$name.time")
  sys=$(awk -F': ' '/System time/ {print $2}' "$work/$name.time")
  rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$work/$name.time")
  echo "$(awk "BEGIN {print $user + $sys}") $rss"
}

printf '| round | tool | requests/s | CPU-µs per request | max RSS (MB) |\n|---|---|---|---|---|\n' | tee "$OUT/wrk_vs_squall.md"
for round in $(seq 1 "$ROUNDS"); do
  read -r cpu rss < <(measure wrk taskset -c 1 wrk -t1 -c50 -d"${DURATION}s" --latency "$URL")
  reqs=$(awk '/requests in/ {print $1}' "$work/wrk.out")
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  printf '| %d | wrk | %.0f | %.2f | %.1f |\n' "$round" "$rps" "$(awk "BEGIN {print $cpu * 1e6 / $reqs}")" \
    "$(awk "BEGIN {print $rss / 1024}")" | tee -a "$OUT/wrk_vs_squall.md"
  read -r cpu rss < <(measure squall taskset -c 1 "$SQUALL" http "$URL" -c 50 -d "${DURATION}s" \
    --summary-export "$work/squall.json")
  reqs=$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['metrics']['http_reqs']['count']))" "$work/squall.json")
  rps=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['metrics']['http_reqs']['rate'])" "$work/squall.json")
  failed=$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['metrics']['http_req_failed']['passes']))" "$work/squall.json")
  [ "$failed" = 0 ] || echo "warning: squall saw $failed failed requests" >&2
  printf '| %d | squall | %.0f | %.2f | %.1f |\n' "$round" "$rps" "$(awk "BEGIN {print $cpu * 1e6 / $reqs}")" \
    "$(awk "BEGIN {print $rss / 1024}")" | tee -a "$OUT/wrk_vs_squall.md"
done
echo "wrk latency (last round):"; sed -n '/Latency Distribution/,/requests in/p' "$work/wrk.out"
echo "squall latency (last round):"; grep -E 'http_req_duration\.|connections opened' "$work/squall.out"
