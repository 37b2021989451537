#!/usr/bin/env bash
# Hot-drop latency: from the moment a tool jar is renamed into tools/ (the copy is complete) until
# GET /api/tools lists it, and from its removal until it is gone. N rounds (default 10), median printed.
#   bench/hotdrop.sh [N]     (run after a build; uses dist/ on port 18182 and procos.tools.template)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT/dist"
N="${1:-10}"; export PROCOS_HTTP_PORT="${PROCOS_HTTP_PORT:-18182}"
JAR=$(ls "$ROOT"/procos.tools.template/target/procos.tools.template-*.jar | head -1)
bin/procos start --daemon >/dev/null
trap 'rm -f tools/bench-wordcount.jar tools/bench-wordcount.jar.part; bin/procos stop >/dev/null' EXIT
listed() { curl -s -H "Authorization: Bearer $(cat conf/api-token)" "http://127.0.0.1:$PORT/api/tools" | grep -q '"text.wordcount"'; }
PORT=$PROCOS_HTTP_PORT
ms() { echo $(( $(date +%s%N) / 1000000 )); }
adds=(); removes=()
for i in $(seq 1 "$N"); do
  cp "$JAR" tools/bench-wordcount.jar.part
  t0=$(ms); mv tools/bench-wordcount.jar.part tools/bench-wordcount.jar
  until listed; do sleep 0.01; done; adds+=($(( $(ms) - t0 )))
  t0=$(ms); rm tools/bench-wordcount.jar
  while listed; do sleep 0.01; done; removes+=($(( $(ms) - t0 )))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "copy complete -> listed (ms): ${adds[*]}"
echo "median: $(median "${adds[@]}") ms over $N drops (FileInstall polls tools/ every 250 ms)"
echo "removed -> gone (ms): ${removes[*]}"
echo "median: $(median "${removes[@]}") ms"
