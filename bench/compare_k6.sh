#!/usr/bin/env bash
# k6 JavaScript on squall against nginx on loopback (nginx: one worker on CPU 0, GET /small -> 13
# bytes; every generator on CPU 1 under /usr/bin/time -v), beside wrk and squall's quick mode in
# the same run. k6 itself is not installed here (no network): its figures on this kind of machine
# are in ../shared/PEERS.md (78 CPU-µs per request with 50 VUs, ~230 KB per VU).
#   1. 50 VUs, no sleep, http.get + check, 10 s: CPU-µs per iteration (= per request).
#   2. http.get + check + sleep(1) with 100 and then 1000 VUs, 10 s: KB of RSS per VU
#      = (RSS at 1000 - RSS at 100) / 900.
# Usage: bench/compare_k6.sh [ROUNDS]   (default 3; medians are reported)
set -euo pipefail
cd "$(dirname "$0")/.."
SQUALL=${SQUALL:-build/src/squall}
ROUNDS=${1:-3}
PORT=${PORT:-18089}
source bench/nginx_target.sh
source bench/k6_scripts.sh

cpu_seconds() { awk -F': ' '/User time/ {c += $2} /System time/ {c += $2} END {print c}' "$1"; }
rss_kb() { awk -F': ' '/Maximum resident/ {print $2}' "$1"; }
requests() { python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['metrics']['http_reqs']['count']))" "$1"; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

for round in $(seq "$ROUNDS"); do
  /usr/bin/time -v -o "$work/js.time" taskset -c 1 "$SQUALL" run "$work/no-sleep.js" -u 50 -d 10s -q \
    --summary-export "$work/js.json" > /dev/null 2>&1
  echo "$(cpu_seconds "$work/js.time") $(requests "$work/js.json")" | awk '{printf "%.2f\n", $1 * 1e6 / $2}' >> "$work/js.cpu"
  echo "$(requests "$work/js.json")" | awk '{print $1 / 10}' >> "$work/js.rate"
  /usr/bin/time -v -o "$work/http.time" taskset -c 1 "$SQUALL" http "http://127.0.0.1:$PORT/small" -c 50 -d 10s \
    --summary-export "$work/http.json" > /dev/null 2>&1
  echo "$(cpu_seconds "$work/http.time") $(requests "$work/http.json")" | awk '{printf "%.2f\n", $1 * 1e6 / $2}' >> "$work/http.cpu"
  /usr/bin/time -v -o "$work/wrk.time" taskset -c 1 wrk -t1 -c50 -d10s "http://127.0.0.1:$PORT/small" > "$work/wrk.out"
  wrk_requests=$(awk '/requests in/ {print $1}' "$work/wrk.out")
  echo "$(cpu_seconds "$work/wrk.time") $wrk_requests" | awk '{printf "%.2f\n", $1 * 1e6 / $2}' >> "$work/wrk.cpu"
  for vus in 100 1000; do
    /usr/bin/time -v -o "$work/sleep$vus.time" taskset -c 1 "$SQUALL" run "$work/sleep.js" -u "$vus" -d 10s -q \
      --summary-export "$work/sleep$vus.json" > /dev/null 2>&1
  done
  echo "$(rss_kb "$work/sleep100.time") $(rss_kb "$work/sleep1000.time")" | awk '{printf "%.1f\n", ($2 - $1) / 900}' >> "$work/kb_per_vu"
  echo "$(cpu_seconds "$work/sleep1000.time") $(requests "$work/sleep1000.json")" | awk '{printf "%.1f\n", $1 * 1e6 / $2}' >> "$work/sleep.cpu"
  echo "$(requests "$work/sleep1000.json")" >> "$work/sleep.requests"
done

printf '| measure (median of %s rounds) | value |\n|---|---|\n' "$ROUNDS"
printf '| k6 script, 50 VUs, no sleep: CPU-µs per iteration (1 request + check) | %s |\n' "$(median < "$work/js.cpu")"
printf '| the same: iterations per second | %s |\n' "$(median < "$work/js.rate")"
printf '| squall http -c 50 (native quick mode): CPU-µs per request | %s |\n' "$(median < "$work/http.cpu")"
printf '| wrk -c 50: CPU-µs per request | %s |\n' "$(median < "$work/wrk.cpu")"
printf '| k6 script with sleep(1): KB of RSS per VU (1000 vs 100 VUs) | %s |\n' "$(median < "$work/kb_per_vu")"
printf '| the same at 1000 VUs: CPU-µs per iteration | %s |\n' "$(median < "$work/sleep.cpu")"
printf '| the same at 1000 VUs: requests in 10 s (1000 VUs x ~10 expected) | %s |\n' "$(median < "$work/sleep.requests")"
