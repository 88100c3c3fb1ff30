#!/usr/bin/env bash
# One server, one setting, with the server's CPU per thread: what the hot-spot figures in docs/benchmarks.md come from.
# Starts the gateway (gateway-server.jar serve) on a fresh config from `benchmarks.jar bench-config`, runs the load
# generator (warm-up, then measured), samples /proc for the server's threads over 5 s in the middle of the measured
# part, prints the thread table and the load generator's summary, stops the server and deletes its data.
#
#   benchmarks/one-setting.sh [--store URL] [--store-user U] [--durability fsync|write] [-c 10] [-p 8] [-d 10] [-w 40]
#                             [--rate TPS] [--jvm "OPTS"]
#
#   --durability  journal.durability of the file journal (an H2 file store; default: the shipped fsync)
#   --store   default jdbc:h2:file:<tmp>/data/gw (the shipped kind of store); memory: or jdbc:postgresql://...
#   --alone   store.sharedByNodes: false (on PostgreSQL: this node alone, the file journal in <tmp>/data/journal
#             commits and the tables are its projection; without it PostgreSQL is the journal)
#   --shared  store.sharedByNodes: true (the key written; left out, PostgreSQL is shared all the same since issue 14's
#             twenty-sixth session)
#   -d, -w    measured and warm-up seconds (the warm-up is long: C2 still compiles H2 20-25 s into a run)
#   --jvm     extra server JVM options (after -Xms1g -Xmx1g -XX:MaxGCPauseMillis=20, as bin/gateway runs it), e.g. "-Xlog:gc:file=gc.log" or "-XX:StartFlightRecording=filename=gw.jfr,settings=profile"
# Needs the jars built (mvn -B install -DskipTests). Port 9683 (admin 9684) must be free.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
GW_JAR="$ROOT/gateway-server/target/gateway-server.jar"
WORK="$(mktemp -d /tmp/switchgate-one.XXXXXX)"
STORE="jdbc:h2:file:$WORK/data/gw"; STORE_USER=sa; C=10; P=8; D=10; W=40; RATE=(); JVM=""; DURABILITY=(); ALONE=()
while [ $# -gt 0 ]; do
  case "$1" in
    --store) STORE="$2"; shift 2 ;;
    --store-user) STORE_USER="$2"; shift 2 ;;
    --alone) ALONE=(--shared-by-nodes false --journal-dir "$WORK/data/journal"); shift ;;
    --shared) ALONE=(--shared-by-nodes true); shift ;;
    --durability) DURABILITY=(--journal-durability "$2"); shift 2 ;;
    -c) C="$2"; shift 2 ;;
    -p) P="$2"; shift 2 ;;
    -d) D="$2"; shift 2 ;;
    -w) W="$2"; shift 2 ;;
    --rate) RATE=(--rate "$2"); shift 2 ;;
    --jvm) JVM="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "one-setting.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -f "$BENCH_JAR" ] && [ -f "$GW_JAR" ] || { echo "one-setting.sh: build first: mvn -B install -DskipTests" >&2; exit 2; }

java -jar "$BENCH_JAR" bench-config --out "$WORK/bench.yaml" --port 9683 --admin-port 9684 --store-url "$STORE" \
     --store-user "$STORE_USER" --terminals 200 --cards 1000 "${DURABILITY[@]}" "${ALONE[@]}" >/dev/null
# shellcheck disable=SC2086
java -Xms1g -Xmx1g -XX:MaxGCPauseMillis=20 $JVM -jar "$GW_JAR" serve --config "$WORK/bench.yaml" >"$WORK/server.log" 2>&1 &
SP=$!
trap 'kill -TERM $SP 2>/dev/null || true; wait $SP 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 150); do (echo >/dev/tcp/127.0.0.1/9683) 2>/dev/null && break; sleep 0.2; done
kill -0 $SP 2>/dev/null || { echo "one-setting.sh: the server did not start:" >&2; grep -av " txn - " "$WORK/server.log" | tail -5 >&2; exit 1; }

java -jar "$BENCH_JAR" loadgen --host 127.0.0.1 --port 9683 --connections "$C" --pipeline "$P" --duration "${D}s" \
     --warmup "${W}s" --terminals 200 --quiet "${RATE[@]}" >"$WORK/loadgen.out" 2>&1 &
LP=$!
threads() { # thread name (digits folded) -> CPU ticks, summed over threads of the same name
  for t in /proc/$SP/task/*; do
    printf '%s %s\n' "$(tr ' ' _ <"$t/comm" 2>/dev/null | sed 's/#[0-9]\+/#N/; s/-[0-9]\+/-N/g')" "$(awk '{print $14+$15}' "$t/stat" 2>/dev/null)"
  done | awk 'NF==2 {a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort
}
sleep $((W + D / 2 - 2)); threads >"$WORK/t1"; sleep 5; threads >"$WORK/t2"
HZ=$(getconf CLK_TCK)
echo "server threads, % of one core over 5 s mid-run (C=$C P=$P, store ${STORE%%;*}, journal ${DURABILITY[1]:-fsync}):"
join "$WORK/t1" "$WORK/t2" | awk -v hz="$HZ" '{d=($3-$2)*100/hz/5; if (d>=1) printf "  %-28s %5.1f%%\n", $1, d}' | sort -k2 -rn
wait $LP || true
tail -3 "$WORK/loadgen.out"
