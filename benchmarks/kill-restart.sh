#!/bin/bash
# What a start after a kill under load writes again, and how long it takes (docs/benchmarks.md, "Issue 14, sixteenth
# and seventeenth sessions"). The shipped config (H2 file store, journal fsync), sales at 10 x 8 from the load
# generator, kill -9 of the gateway 16 s into the load, then a start on what it left: prints the start's FileJournal
# line (records written again since the tables' last save, records applied, time) and when it appeared.
#
#   benchmarks/kill-restart.sh [GATEWAY_JAR] [TAG]     (work directory /tmp/kill-restart-TAG; ports 9783, 9784)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${1:-$ROOT/gateway-server/target/gateway-server.jar}; TAG=${2:-run}
W=/tmp/kill-restart-$TAG; rm -rf "$W"; mkdir -p "$W"
B=$ROOT/benchmarks/target/benchmarks.jar
java -jar $B bench-config --out "$W"/b.yaml --port 9783 --admin-port 9784 --store-url "jdbc:h2:file:$W/data/gw" --terminals 200 --cards 1000 >/dev/null
java -Xms1g -Xmx1g -XX:MaxGCPauseMillis=20 -jar $JAR serve --config "$W"/b.yaml > "$W"/s1.log 2>&1 & SP=$!
for i in $(seq 1 60); do grep -q " ready (" "$W"/s1.log 2>/dev/null && break; sleep 0.5; done; sleep 2
java -jar $B loadgen --host 127.0.0.1 --port 9783 --connections 10 --pipeline 8 --duration 30s --warmup 1s --terminals 200 --quiet > "$W"/load.log 2>&1 & LP=$!
sleep 16; kill -9 $SP; wait $SP 2>/dev/null; kill $LP 2>/dev/null; wait $LP 2>/dev/null
T0=$(date +%s%N)
java -Xms1g -Xmx1g -XX:MaxGCPauseMillis=20 -jar $JAR serve --config "$W"/b.yaml > "$W"/s2.log 2>&1 & SP=$!
for i in $(seq 1 240); do grep -q "written again" "$W"/s2.log 2>/dev/null && break; sleep 0.25; done
echo "$TAG: $(grep -ho '[0-9,]* record(s) since the tables. last save written again, [0-9,]* applied, in [0-9]* ms' "$W"/s2.log)  (line seen after $(( ($(date +%s%N)-T0)/1000000 )) ms)"
kill -TERM $SP; wait $SP 2>/dev/null
