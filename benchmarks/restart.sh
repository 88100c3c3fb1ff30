#!/usr/bin/env bash
# Restart with a big store: how long until a gateway started on it is ready to serve (docs/benchmarks.md, "Restart
# with 10 million transactions"). Takes a directory made by `benchmarks.jar bench-config` + `benchmarks.jar history`
# (its bench.yaml and the H2 store that config names) and, for each run:
#   copies the store's directory fresh (so every run starts on the same files, never on what a previous run wrote)
#   and syncs it to disk (else the start's first fsync would write the copy back, and be charged for it),
#   starts gateway-server.jar serve on the copy (the config's store URL pointed at it; journal beside it, durability as
#   the config says), runs `benchmarks.jar restart-probe` beside it (ms from the server's process start to /health UP
#   and to the first sale answered 00; answer time of the first sale, which pays the engine's lazy loads, and of a
#   second), reads the heap used with jcmd GC.heap_info (as it is, then after a full GC: the live set), stops the
#   server. Prints each run and the medians.
#
#   benchmarks/restart.sh --history DIR [--runs 3] [--heap 1g] [--jvm "OPTS"] [--wait-for port|health] [--crash-records N]
#
#   --history  DIR holding bench.yaml (from bench-config, an H2 file store under DIR) filled by `history`
#   --heap     the server's -Xms/-Xmx (default 1g, as one-setting.sh)
#   --jvm      extra server JVM options, e.g. "-XX:StartFlightRecording=filename=/tmp/r.jfr,settings=profile"
#   --wait-for port (default): the first sale goes as soon as the listener accepts, /health is read after the sales;
#              health: /health is polled until UP first, as a load balancer does (before the fifth session's fix its
#              2 s H2 query timeout stayed on a pooled connection and cancelled the engine's first, long query: 96)
#   --crash-records N  a start after a crash with N journaled records the tables lack (the worst case is the lag
#              limit, 20,000 as shipped): made once before the runs, on a copy of the store, by a gateway whose
#              projection lingers 60 s, N sales at 5,000 a second, and kill -9; every run starts on a fresh copy
#              of that store and its journal, so each pays the catch-up (the server's journal line is printed)
# Each run's server log is kept as DIR/restart-run<N>.log.
# Needs the jars built (mvn -B install -DskipTests); BENCH_CLASSPATH, if set, runs the benchmarks classes from there
# instead of benchmarks.jar. Ports 9683 and 9684 (from bench-config --port 9683 --admin-port 9684) must be free.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
GW_JAR="$ROOT/gateway-server/target/gateway-server.jar"
HIST=""; RUNS=3; HEAP=1g; JVM=""; WAIT=port; CRASH=0
while [ $# -gt 0 ]; do
  case "$1" in
    --history) HIST="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --heap) HEAP="$2"; shift 2 ;;
    --jvm) JVM="$2"; shift 2 ;;
    --wait-for) WAIT="$2"; shift 2 ;;
    --crash-records) CRASH="$2"; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "restart.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$HIST" ] && [ -f "$HIST/bench.yaml" ] || { echo "restart.sh: --history DIR with DIR/bench.yaml is required" >&2; exit 2; }
[ -f "$GW_JAR" ] || { echo "restart.sh: build first: mvn -B install -DskipTests" >&2; exit 2; }
if [ -n "${BENCH_CLASSPATH:-}" ]; then BENCH=(java -cp "$BENCH_CLASSPATH" io.switchgate.bench.BenchMain); else BENCH=(java -jar "$BENCH_JAR"); fi
URL="$(grep -o 'jdbc:h2:file:[^";]*' "$HIST/bench.yaml" | head -1)"
DB="${URL#jdbc:h2:file:}"; DBDIR="$(dirname "$DB")"; DBNAME="$(basename "$DB")"
[ -f "$DB.mv.db" ] || { echo "restart.sh: no store at $DB.mv.db (run benchmarks.jar history first)" >&2; exit 2; }
echo "store $DB.mv.db: $(du -h "$DB.mv.db" | cut -f1); server -Xms$HEAP -Xmx$HEAP $JVM; $(nproc) cores"

WORK="$(mktemp -d /tmp/switchgate-restart.XXXXXX)"
SP=""
trap '[ -n "$SP" ] && kill -TERM $SP 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
heap_used() { jcmd "$1" GC.heap_info 2>/dev/null | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*'; }
SOURCE="$DBDIR"
if [ "$CRASH" -gt 0 ]; then
  # The crashed state, once: the store copied, a gateway on it whose projection waits, N sales, kill -9.
  SOURCE="$WORK/crashed"; cp -r "$DBDIR" "$SOURCE"; rm -rf "$SOURCE/journal"
  sed "s#$URL#jdbc:h2:file:$SOURCE/$DBNAME#" "$HIST/bench.yaml" >"$WORK/crash.yaml"
  java -Xms$HEAP -Xmx$HEAP -Dgateway.projection.lingerMillis=60000 -Dgateway.projection.maxBatch=1048576 \
       -jar "$GW_JAR" serve --config "$WORK/crash.yaml" >"$WORK/crash.log" 2>&1 &
  SP=$!
  for _ in $(seq 1 300); do (echo >/dev/tcp/127.0.0.1/9683) 2>/dev/null && break; sleep 0.2; done
  lag() { # gateway_projection_lag_records from /metrics (the admin token, if one was generated, is in the data dir)
    local tok; tok="$(find "$SOURCE" -name admin.token 2>/dev/null | head -1)"
    curl -s ${tok:+-H "Authorization: Bearer $(cat "$tok")"} http://127.0.0.1:9684/metrics \
      | awk '/^gateway_projection_lag_records/ {print int($2)}'
  }
  LAG=0
  for _ in $(seq 1 40); do # 1 s slices at up to 5,000 sales a second, until the tables lack N records
    LEFT=$((CRASH - LAG)); [ "$LEFT" -gt 0 ] || break
    "${BENCH[@]}" loadgen --host 127.0.0.1 --port 9683 --connections 10 --pipeline 8 --duration 1s --warmup 0s \
        --terminals 200 --rate "$(( LEFT < 5000 ? LEFT : 5000 ))" --quiet >/dev/null 2>&1 || true
    LAG=$(lag); LAG=${LAG:-0}
  done
  kill -9 $SP; wait $SP 2>/dev/null || true; SP=""
  echo "crashed (kill -9) with $LAG journal records the tables lack; each run's start catches them up (its journal line)"
fi
: >"$WORK/runs"
for run in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/data"; cp -r "$SOURCE" "$WORK/data"; [ "$CRASH" -gt 0 ] || rm -rf "$WORK/data/journal"
  sync # the copy's gigabytes on disk before the start: its first fsync (the store's checkpoint) must not write them back
  sed "s#$URL#jdbc:h2:file:$WORK/data/$DBNAME#" "$HIST/bench.yaml" >"$WORK/bench.yaml"
  T0=$(date +%s%3N)
  # shellcheck disable=SC2086
  java -Xms$HEAP -Xmx$HEAP $JVM -jar "$GW_JAR" serve --config "$WORK/bench.yaml" >"$WORK/server.log" 2>&1 &
  SP=$!
  if ! PROBE=$("${BENCH[@]}" restart-probe --port 9683 --admin-port 9684 --wait-for "$WAIT" --started-at-ms "$T0"); then
    echo "restart.sh: run $run failed: ${PROBE:-no answer}" >&2; cp "$WORK/server.log" "$HIST/restart-run$run.log"; grep -av " txn - " "$WORK/server.log" | tail -5 >&2; exit 1
  fi
  USED=$(heap_used $SP); jcmd $SP GC.run >/dev/null; LIVE=$(heap_used $SP)
  kill -TERM $SP; wait $SP || true; SP=""; cp "$WORK/server.log" "$HIST/restart-run$run.log"
  LINE="$PROBE heap_used_mb=$((USED / 1024)) heap_live_mb=$((LIVE / 1024))"
  echo "run $run: $LINE"; echo "$LINE" >>"$WORK/runs"
  grep -ao "the tables' last .* applied, in [0-9]* ms" "$WORK/server.log" | sed 's/^/  /' || true
done
# median of each key=value field over the runs
awk '{for (i = 1; i <= NF; i++) {split($i, kv, "="); if (kv[1] != "codes") v[kv[1]] = v[kv[1]] " " kv[2]; k[i] = kv[1]}}
     END {printf "median of %d:", NR; for (i = 1; i <= length(k); i++) if (k[i] != "codes") {n = split(v[k[i]], a, " ");
          asort(a); printf " %s=%s", k[i], a[int((n + 1) / 2)]} print ""}' "$WORK/runs"
