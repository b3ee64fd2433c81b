#!/usr/bin/env bash
# Locust locustfiles on squall against Locust itself (Debian's python3-locust), side by side against
# nginx on loopback (one worker on CPU 0; every generator on CPU 1 under /usr/bin/time -v).
#   1. The seed locustfile (examples/locust/seed-basic.py) with no wait (wait_time = constant(0)),
#      100 users, 10 s, as HttpUser and as FastHttpUser: CPU-µs per request and requests/s on one core.
#   2. The same users with wait_time = constant(1), 100 and then 1000 users: KB of RSS per user
#      = (RSS at 1000 - RSS at 100) / 900.
# Usage: bench/compare_locust.sh [ROUNDS]   (default 3; medians are reported)
set -euo pipefail
cd "$(dirname "$0")/.."
SQUALL=${SQUALL:-build/src/squall}
ROUNDS=${1:-3}
PORT=${PORT:-18090}
source bench/nginx_target.sh

# The seed's user with its wait replaced; $1: HttpUser or FastHttpUser, $2: the wait_time.
locustfile() {
  sed -e "s/wait_time = between(1, 3).*/wait_time = $2/" -e "s/import HttpUser, task, between/import HttpUser, FastHttpUser, task, between, constant/" \
      -e "s/class APIUser(HttpUser)/class APIUser($1)/" examples/locust/seed-basic.py
}
locustfile HttpUser "constant(0)" > "$work/http.py"
locustfile FastHttpUser "constant(0)" > "$work/fast.py"
locustfile FastHttpUser "constant(1)" > "$work/wait.py"

cpu_seconds() { awk -F': ' '/User time/ {c += $2} /System time/ {c += $2} END {print c}' "$1"; }
rss_kb() { awk -F': ' '/Maximum resident/ {print $2}' "$1"; }
requests() { awk -F',' '$2 == "Aggregated" {print $3}' "$1_stats.csv"; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
# run NAME COMMAND...: CPU-µs per request and requests/s of one 10 s run, appended to $work/NAME.*
run() {
  local name=$1; shift
  /usr/bin/time -v -o "$work/$name.time" taskset -c 1 "$@" -H "http://127.0.0.1:$PORT" -u 100 -r 100 -t 10s \
    --headless --only-summary --csv "$work/$name" > "$work/$name.out" 2>&1 || true
  echo "$(cpu_seconds "$work/$name.time") $(requests "$work/$name")" | awk '{printf "%.1f\n", $1 * 1e6 / $2}' >> "$work/$name.cpu"
  echo "$(requests "$work/$name")" | awk '{printf "%.0f\n", $1 / 10}' >> "$work/$name.rate"
}

for round in $(seq "$ROUNDS"); do
  run squall_http "$SQUALL" locust -f "$work/http.py"
  run squall_fast "$SQUALL" locust -f "$work/fast.py"
  run locust_http locust -f "$work/http.py"
  run locust_fast locust -f "$work/fast.py"
  for users in 100 1000; do
    /usr/bin/time -v -o "$work/wait$users.time" taskset -c 1 "$SQUALL" locust -f "$work/wait.py" \
      -H "http://127.0.0.1:$PORT" -u "$users" -r 1000 -t 10s --only-summary > /dev/null 2>&1
    /usr/bin/time -v -o "$work/lwait$users.time" taskset -c 1 locust -f "$work/wait.py" --headless \
      -H "http://127.0.0.1:$PORT" -u "$users" -r 1000 -t 10s --only-summary > /dev/null 2>&1 || true
  done
  echo "$(rss_kb "$work/wait100.time") $(rss_kb "$work/wait1000.time")" | awk '{printf "%.1f\n", ($2 - $1) / 900}' >> "$work/kb_per_user"
  echo "$(rss_kb "$work/lwait100.time") $(rss_kb "$work/lwait1000.time")" | awk '{printf "%.1f\n", ($2 - $1) / 900}' >> "$work/locust_kb_per_user"
done

printf '| seed locustfile, 100 users, no wait, one core (median of %s rounds) | CPU-µs per request | requests/s |\n|---|---|---|\n' "$ROUNDS"
for name in squall_http squall_fast locust_http locust_fast; do
  printf '| %s | %s | %s |\n' "$name" "$(median < "$work/$name.cpu")" "$(median < "$work/$name.rate")"
done
printf '| KB of RSS per user (1000 vs 100 users, wait 1 s): squall | %s |\n' "$(median < "$work/kb_per_user")"
printf '| the same: Locust FastHttpUser | %s |\n' "$(median < "$work/locust_kb_per_user")"
