#!/usr/bin/env bash
# User-space instructions per iteration of the k6 no-sleep script (50 VUs, http.get + check against
# nginx), counted by callgrind: a measure this VM's phases do not move, for A/B tests of the hot
# path. Each binary runs FEW and MANY iterations; the difference divided by MANY - FEW leaves
# start-up and shutdown out. V8's concurrent recompilation is off so the JIT's work lands at the
# same iteration in every run. Kernel time (the TCP loopback) is not counted.
# Usage: bench/k6_instructions.sh [BINARY...]   (default build/src/squall; FEW=2000 MANY=14000)
set -euo pipefail
cd "$(dirname "$0")/.."
FEW=${FEW:-2000}
MANY=${MANY:-14000}
PORT=${PORT:-18089}
source bench/nginx_target.sh
source bench/k6_scripts.sh

instructions() {  # binary iterations
  SQUALL_V8_FLAGS=--no-concurrent-recompilation valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    --smc-check=all-non-file "$1" run "$work/no-sleep.js" -u 50 -i "$2" -q 2>&1 >/dev/null |
    awk '/Collected :/ {print $NF}'
}

printf '| binary | instructions per iteration |\n|---|---|\n'
for binary in "${@:-build/src/squall}"; do
  few=$(instructions "$binary" "$FEW")
  many=$(instructions "$binary" "$MANY")
  printf '| %s | %s |\n' "$binary" "$(awk -v a="$few" -v b="$many" -v n=$((MANY - FEW)) 'BEGIN {printf "%.0f", (b - a) / n}')"
done
