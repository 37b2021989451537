#!/usr/bin/env bash
# Seconds from `bin/procos start` to a healthy /api/health, and resident memory once idle.
# Runs N+1 starts of dist/ (the first one warms the OS caches and is not counted) and prints the median.
#   bench/startup.sh [N=5]
set -euo pipefail
cd "$(dirname "$0")/../dist"
N="${1:-5}"; PORT="${PROCOS_HTTP_PORT:-18181}"; export PROCOS_HTTP_PORT=$PORT
times=(); rss=()
for i in $(seq 0 "$N"); do
  t0=$(date +%s.%N)
  bin/procos start >/dev/null 2>&1 &
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat conf/api-token 2>/dev/null)" \
            "http://127.0.0.1:$PORT/api/health" 2>/dev/null)" = 200 ]; do sleep 0.02; done
  t1=$(date +%s.%N)
  sleep 10  # idle
  pid=$(cat data/procos.pid)
  r=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  bin/procos stop >/dev/null
  wait || true
  if [ "$i" -gt 0 ]; then times+=("$(echo "$t1 - $t0" | bc)"); rss+=("$r"); fi
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "start -> healthy /api/health (s): ${times[*]}"
echo "median: $(median "${times[@]}") s over $N starts"
echo "idle RSS after 10 s (MiB): $(for r in "${rss[@]}"; do echo -n "$((r/1024)) "; done)"
echo "median idle RSS: $(( $(median "${rss[@]}" | cut -d. -f1) / 1024 )) MiB"
