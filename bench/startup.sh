#!/usr/bin/env bash
# Seconds from `bin/procos start` to a healthy /api/health, and resident memory of the ProcOS JVM and of its graph
# server's JVM once idle, side by side: ProcOS's JVM defaults (bin/procos) and the JVM's own (PROCOS_JVM_DEFAULTS=).
# The two take turns, N starts each after one start that warms the OS caches and is not counted; medians printed.
#   bench/startup.sh [N=5]
set -euo pipefail
cd "$(dirname "$0")/../dist"
N="${1:-5}"; PORT="${PROCOS_HTTP_PORT:-18181}"; export PROCOS_HTTP_PORT=$PORT
declare -A times rss graph
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
run() { # $1: variant name; the rest: the environment of the start
  local v=$1; shift
  local t0 t1 pid gpid r g
  t0=$(date +%s.%N)
  env "$@" bin/procos start >/dev/null 2>&1 &
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat conf/api-token 2>/dev/null)" \
            "http://127.0.0.1:$PORT/api/health" 2>/dev/null)" = 200 ]; do sleep 0.02; done
  t1=$(date +%s.%N)
  sleep 10  # idle
  pid=$(cat data/procos.pid)
  r=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  gpid=$(pgrep -f "io.procos.neo4j.GraphServer $PWD/data/neo4j" | head -1 || true)
  g=$([ -n "$gpid" ] && awk '/VmRSS/ {print $2}' "/proc/$gpid/status" || echo 0)
  bin/procos stop >/dev/null
  wait || true
  if [ "${COUNT:-0}" = 1 ]; then
    times[$v]+="$(printf '%.2f' "$(echo "$t1 - $t0" | bc)") "; rss[$v]+="$((r / 1024)) "; graph[$v]+="$((g / 1024)) "
  fi
}
COUNT=0 run procos PATH="$PATH"
for i in $(seq 1 "$N"); do
  COUNT=1 run procos PATH="$PATH"
  COUNT=1 run jvm PROCOS_JVM_DEFAULTS=
done
printf '%-34s %22s %22s %22s\n' "" "start -> healthy (s)" "ProcOS JVM RSS (MiB)" "graph JVM RSS (MiB)"
for v in procos jvm; do
  label=$([ $v = procos ] && echo "ProcOS's JVM defaults" || echo "the JVM's own defaults")
  # shellcheck disable=SC2086
  printf '%-34s %22s %22s %22s\n' "$label (median of $N)" "$(printf '%.2f' "$(median ${times[$v]})")" "$(median ${rss[$v]})" "$(median ${graph[$v]})"
  echo "  each start: ${times[$v]}| RSS: ${rss[$v]}| graph: ${graph[$v]}"
done
