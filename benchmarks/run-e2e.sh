#!/usr/bin/env bash
# End-to-end load tests side by side: the bare-Netty ceiling, jPOS 2.1.10 (the reference), and the gateway
# (H2 with the file journal at durability write (h2w) and fsync (h2, the shipped default); PostgreSQL for one node,
# the file journal committing and the tables its projection (pgw: write, pgf: fsync); PostgreSQL shared by nodes,
# the database the journal (pg); MAC+PIN).
# The fdatasync time T of the results directory's disk is measured before and after (journal-fsync), so each
# fsync figure is printed beside its bound N / (1.5 T). For each setting and run every server starts fresh,
# is warmed, measured and stopped. Prints one table and writes it into docs/benchmarks.md (between the
# E2E-BEGIN/E2E-END markers).
#
#   benchmarks/run-e2e.sh            full run: C=1,10,50,200 x P=1 and C=10 x P=8, 3 runs, 20 s (+40 s warm-up),
#                                    unpinned and pinned (taskset: server core 0, loadgen core 1), memory test
#   benchmarks/run-e2e.sh --quick    development: 1 run, 5 s (+10 s warm-up), C=10x1, 10x8, 200x1, unpinned only
#   The warm-up is long on purpose: C2 still compiles H2's code (the projection) 20-25 s into a run, at 64-91 % of a
#   core (its thread's CPU, sampled by one-setting.sh); after a 45 s warm-up it was down to 28 %. So the default is
#   40 s (docs/benchmarks.md, "Warm-up" and "Issue 14, sixth session").
#
# Options: --runs N --duration 20s --warmup 40s --settings "1x1 10x1 50x1 200x1 10x8"
#          --servers "ceiling jpos h2w h2 pgw pgf pg macpin" --modes "unpinned pinned" --no-memory --idle-conns 10000
#          --idle-hold 60 --no-build --no-docs --results DIR
#          --memory-only (only the idle-connection test) --report-only (rebuild the table from --results DIR)
# Environment: SERVER_JVM_OPTS (default -Xms1g -Xmx1g -XX:MaxGCPauseMillis=20, as bin/gateway runs the gateway), LOADGEN_JVM_OPTS (default -Xms512m -Xmx512m),
#          PG_URL (jdbc:postgresql://127.0.0.1:5432/test), PG_USER (postgres)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
GW_JAR="$ROOT/gateway-server/target/gateway-server.jar"

RUNS=3; DURATION=20s; WARMUP=40s
SETTINGS="1x1 10x1 50x1 200x1 10x8"
SERVERS="ceiling jpos h2w h2 pg macpin"
MODES="unpinned pinned"
MEMORY=1; IDLE_CONNS=10000; IDLE_HOLD=60
BUILD=1; DOCS=1; QUICK=0; MEMORY_ONLY=0; REPORT_ONLY=0
RESULTS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; RUNS=1; DURATION=5s; WARMUP=10s; SETTINGS="10x1 10x8 200x1"; MODES="unpinned"; IDLE_HOLD=15; shift ;;
    --runs) RUNS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --settings) SETTINGS="$2"; shift 2 ;;
    --servers) SERVERS="$2"; shift 2 ;;
    --modes) MODES="$2"; shift 2 ;;
    --no-memory) MEMORY=0; shift ;;
    --memory-only) MEMORY_ONLY=1; shift ;;
    --report-only) REPORT_ONLY=1; BUILD=0; shift ;;
    --idle-conns) IDLE_CONNS="$2"; shift 2 ;;
    --idle-hold) IDLE_HOLD="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-docs) DOCS=0; shift ;;
    --results) RESULTS="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run-e2e.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

SERVER_JVM_OPTS="${SERVER_JVM_OPTS:--Xms1g -Xmx1g -XX:MaxGCPauseMillis=20}"
LOADGEN_JVM_OPTS="${LOADGEN_JVM_OPTS:--Xms512m -Xmx512m}"
PG_URL="${PG_URL:-jdbc:postgresql://127.0.0.1:5432/test}"
PG_USER="${PG_USER:-postgres}"
TERMINALS=200
CARDS=1000
[ -n "$RESULTS" ] || RESULTS="$(mktemp -d /tmp/switchgate-e2e.XXXXXX)"
mkdir -p "$RESULTS"
LOG="$RESULTS/run.log"
echo "run-e2e: results in $RESULTS" | tee -a "$LOG"
UPTIME_BEFORE="$(uptime)"
if [ "$REPORT_ONLY" = 1 ] && [ -f "$RESULTS/params" ]; then . "$RESULTS/params"; fi
[ "$REPORT_ONLY" = 1 ] || [ "$MEMORY_ONLY" = 1 ] || printf 'QUICK=%s\nRUNS=%s\nDURATION=%s\nWARMUP=%s\n' "$QUICK" "$RUNS" "$DURATION" "$WARMUP" >"$RESULTS/params"
[ -f "$RESULTS/uptime-before" ] && [ "$REPORT_ONLY" = 1 ] && UPTIME_BEFORE="$(cat "$RESULTS/uptime-before")"
[ "$REPORT_ONLY" = 1 ] || [ "$MEMORY_ONLY" = 1 ] || echo "$UPTIME_BEFORE" >"$RESULTS/uptime-before"

if [ "$BUILD" = 1 ]; then
  echo "run-e2e: building (mvn -o install -DskipTests)" | tee -a "$LOG"
  mvn -B -q -o install -Dmaven.test.skip=true >>"$LOG" 2>&1
fi

# The gateway: `gateway-server.jar serve` when it has that command, else the benchmark jar's stand-in
# (same ConfigLoader + Gateway + TerminalServer, no admin API).
if [ -f "$GW_JAR" ] && java -jar "$GW_JAR" --help 2>&1 | grep -qE '^ +serve\b'; then
  GW_CMD=(java -jar "$GW_JAR" serve --config)
  GW_HOW="gateway-server.jar serve"
else
  GW_CMD=(java -jar "$BENCH_JAR" gateway-serve --config)
  GW_HOW="benchmarks.jar gateway-serve (stand-in: serve not yet in gateway-server.jar)"
fi
echo "run-e2e: gateway started with: $GW_HOW" | tee -a "$LOG"

SERVER_PID=""
SERVER_DIR=""
PG_SCHEMA=""
PORT_SEQ=0

cleanup() {
  stop_server || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql_do() { psql -q -h 127.0.0.1 -U "$PG_USER" -d "${PG_URL##*/}" -c "$1" >>"$LOG" 2>&1; }

# start_server NAME PIN(0/1) -> sets SERVER_PID, PORT
start_server() {
  local name="$1" pinned="$2"
  PORT_SEQ=$((PORT_SEQ + 1))
  PORT=$((19000 + (PORT_SEQ % 500)))
  SERVER_DIR="$(mktemp -d "$RESULTS/srv.XXXX")"
  local pin=()
  [ "$pinned" = 1 ] && pin=(taskset -c 0)
  local cmd=()
  case "$name" in
    ceiling) cmd=(java $SERVER_JVM_OPTS -jar "$BENCH_JAR" ceiling-server --port "$PORT") ;;
    jpos)    cmd=(java $SERVER_JVM_OPTS -jar "$BENCH_JAR" jpos-server --port "$PORT") ;;
    h2|h2w|macpin|pg|pgw|pgf)
      local extra=() url="jdbc:h2:file:$SERVER_DIR/data/gateway" user=sa
      if [[ "$name" == pg* ]]; then
        PG_SCHEMA="bench_$(date +%s)_$RANDOM"
        psql_do "CREATE SCHEMA $PG_SCHEMA"
        url="$PG_URL?currentSchema=$PG_SCHEMA"; user="$PG_USER"
      fi
      [ "$name" = macpin ] && extra=(--mac --pin)
      [ "$name" = h2w ] && extra=(--journal-durability write)
      # PostgreSQL for one node (sharedByNodes: false): the file journal commits, the tables are its projection
      [ "$name" = pgw ] && extra=(--shared-by-nodes false --journal-dir "$SERVER_DIR/data/journal" --journal-durability write)
      [ "$name" = pgf ] && extra=(--shared-by-nodes false --journal-dir "$SERVER_DIR/data/journal")
      java -jar "$BENCH_JAR" bench-config --out "$SERVER_DIR/gateway.yaml" --port "$PORT" --store-url "$url" \
        --store-user "$user" --terminals "$TERMINALS" --cards "$CARDS" "${extra[@]}" >>"$LOG" 2>&1
      cmd=(java $SERVER_JVM_OPTS "${GW_CMD[@]:1}" "$SERVER_DIR/gateway.yaml") ;;
  esac
  (cd "$SERVER_DIR" && exec "${pin[@]}" "${cmd[@]}" >"$SERVER_DIR/server.log" 2>&1) &
  SERVER_PID=$!
  for _ in $(seq 240); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "run-e2e: $name died at start:" >&2; tail -20 "$SERVER_DIR/server.log" >&2; return 1; fi
    sleep 0.25
  done
  echo "run-e2e: $name did not listen on $PORT within 60 s" >&2
  return 1
}

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
  if [ -n "$SERVER_DIR" ] && [ -f "$SERVER_DIR/server.log" ]; then
    grep -h "^journal:" "$SERVER_DIR/server.log" >>"$SERVER_DIR/../journal.log" 2>/dev/null || true
  fi
  if [ -n "$PG_SCHEMA" ]; then psql_do "DROP SCHEMA $PG_SCHEMA CASCADE" || true; PG_SCHEMA=""; fi
  if [ -n "$SERVER_DIR" ]; then rm -rf "$SERVER_DIR/data"; fi
  SERVER_DIR=""
}

# loadgen NAME PINNED C P OUTJSON [extra args]
run_loadgen() {
  local name="$1" pinned="$2" c="$3" p="$4" out="$5"; shift 5
  local pin=() args=(--port "$PORT" -c "$c" -p "$p" -d "$DURATION" -w "$WARMUP" --terminals "$TERMINALS" --cards "$CARDS" --json "$out" --label "$name")
  [ "$pinned" = 1 ] && pin=(taskset -c 1)
  case "$name" in
    ceiling) args+=(--match fifo) ;;
    macpin)  args+=(--mac --pin) ;;
  esac
  "${pin[@]}" java $LOADGEN_JVM_OPTS -jar "$BENCH_JAR" loadgen "${args[@]}" "$@" >>"$LOG" 2>&1
}

# fdatasync time of the disk the servers journal on (their data directories are under $RESULTS)
fsync_probe() {
  mkdir -p "$RESULTS/fsync-probe"
  java -jar "$BENCH_JAR" journal-fsync --dir "$RESULTS/fsync-probe" --count 1000 >>"$RESULTS/fsync.txt" 2>&1 || true
  rm -rf "$RESULTS/fsync-probe"
}
[ "$REPORT_ONLY" = 1 ] || [ "$MEMORY_ONLY" = 1 ] || fsync_probe

FAILED=0
if [ "$REPORT_ONLY" = 1 ] || [ "$MEMORY_ONLY" = 1 ]; then MODES=""; SERVERS_LOAD=""; else SERVERS_LOAD="$SERVERS"; fi
[ "$REPORT_ONLY" = 1 ] && MEMORY=0
[ "$MEMORY_ONLY" = 1 ] && MEMORY=1
for mode in $MODES; do
  pinned=0; [ "$mode" = pinned ] && pinned=1
  for setting in $SETTINGS; do
    c="${setting%x*}"; p="${setting#*x}"
    for name in $SERVERS; do
      for run in $(seq "$RUNS"); do
        dir="$RESULTS/$mode/$name/${c}x${p}"; mkdir -p "$dir"
        echo "run-e2e: $mode $name C=$c P=$p run $run/$RUNS" | tee -a "$LOG"
        if start_server "$name" "$pinned"; then
          if ! run_loadgen "$name" "$pinned" "$c" "$p" "$dir/run$run.json"; then
            echo "run-e2e:   loadgen reported errors (see $LOG)" | tee -a "$LOG"; FAILED=1
          fi
          tail -4 "$LOG" | grep -E "throughput|latency|errors" || true
        else
          FAILED=1
        fi
        stop_server
      done
    done
  done
done

[ "$REPORT_ONLY" = 1 ] || [ "$MEMORY_ONLY" = 1 ] || fsync_probe

# p99 at half of the peak with durability write (paced load), unpinned: H2 (halfpeak/), PostgreSQL for one node (halfpeak-pgw/)
for hp in h2w pgw; do
  [[ " $SERVERS_LOAD " == *" $hp "* ]] || continue
  peak=$(python3 - "$RESULTS" "$hp" <<'EOF'
import json, glob, sys
best = 0
for f in glob.glob(sys.argv[1] + "/unpinned/" + sys.argv[2] + "/*/run*.json"):
    best = max(best, json.load(open(f))["tps"])
print(int(best))
EOF
)
  if [ "${peak:-0}" -gt 0 ]; then
    half=$((peak / 2))
    hdir="$RESULTS/halfpeak"; [ "$hp" = h2w ] || hdir="$RESULTS/halfpeak-$hp"
    echo "run-e2e: $hp paced at half of peak ($half tps), C=10 P=8" | tee -a "$LOG"
    mkdir -p "$hdir"
    for run in $(seq "$RUNS"); do
      start_server "$hp" 0 && run_loadgen "$hp" 0 10 8 "$hdir/run$run.json" --rate "$half" || FAILED=1
      stop_server
    done
  fi
done

# Memory: idle connections held open; heap after a full GC and RSS of the server
heap_rss() {  # pid -> "heapMB rssMB"
  local pid="$1" heap rss
  jcmd "$pid" GC.run >/dev/null 2>&1 || true
  sleep 1
  heap=$(jcmd "$pid" GC.heap_info 2>/dev/null | awk '/garbage-first heap|def new generation|PSYoungGen/ && /used/ {for(i=1;i<=NF;i++) if($i=="used") {v=$(i+1); sub("K,?","",v); print int(v/1024); exit}}')
  rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
  echo "${heap:-?} ${rss:-?}"
}
if [ "$MEMORY" = 1 ]; then
  : >"$RESULTS/memory.txt"
  for name in jpos h2; do
    echo "run-e2e: memory: $IDLE_CONNS idle connections for ${IDLE_HOLD}s on $name" | tee -a "$LOG"
    start_server "$name" 0
    # the JVM's own pid (the subshell execs java)
    jpid="$SERVER_PID"
    base=$(heap_rss "$jpid")
    idlelog="$RESULTS/idle-$name.log"
    java $LOADGEN_JVM_OPTS -jar "$BENCH_JAR" loadgen --port "$PORT" -c "$IDLE_CONNS" --idle -d "${IDLE_HOLD}s" --quiet >"$idlelog" 2>&1 &
    lg=$!
    # measure once every connection is open, half-way through the hold
    while kill -0 "$lg" 2>/dev/null && ! grep -q "connections open" "$idlelog"; do sleep 1; done
    grep -h "connections open" "$idlelog" | tee -a "$LOG"
    sleep $((IDLE_HOLD / 2))
    held=$(heap_rss "$jpid")
    threads=$(ls "/proc/$jpid/task" | wc -l)
    wait "$lg" || { echo "run-e2e:   idle loadgen failed (see $LOG)" | tee -a "$LOG"; FAILED=1; }
    echo "$name $IDLE_CONNS $base $held $threads" | tee -a "$RESULTS/memory.txt"
    stop_server
  done
fi
UPTIME_AFTER="$(uptime)"
if [ "$REPORT_ONLY" = 1 ]; then [ -f "$RESULTS/uptime-after" ] && UPTIME_AFTER="$(cat "$RESULTS/uptime-after")"
elif [ "$MEMORY_ONLY" = 0 ]; then echo "$UPTIME_AFTER" >"$RESULTS/uptime-after"; fi

python3 - "$RESULTS" "$QUICK" "$RUNS" "$DURATION" "$WARMUP" "$SERVER_JVM_OPTS" "$LOADGEN_JVM_OPTS" "$GW_HOW" \
  "$UPTIME_BEFORE" "$UPTIME_AFTER" "$DOCS" "$ROOT/docs/benchmarks.md" <<'EOF'
import json, glob, os, sys, statistics, subprocess, datetime, re
res, quick, runs, dur, warm, sopts, lopts, gwhow, up0, up1, docs, md = sys.argv[1:]
names = {"ceiling": "ceiling (bare Netty)", "jpos": "jPOS 2.1.10", "h2w": "ours, H2, journal write",
         "h2": "ours, H2, journal fsync (shipped)", "pgw": "ours, PostgreSQL one node, journal write",
         "pgf": "ours, PostgreSQL one node, journal fsync", "pg": "ours, PostgreSQL shared (its fsync)",
         "macpin": "ours, H2 fsync + MAC + PIN"}
fs = os.path.join(res, "fsync.txt")
fsync_means = [float(m.group(1)) for m in re.finditer(r"mean ([0-9.]+) us", open(fs).read())] if os.path.exists(fs) else []
T = statistics.median(fsync_means) / 1e6 if fsync_means else None
def load(mode, name, setting):
    out = []
    for f in sorted(glob.glob(f"{res}/{mode}/{name}/{setting}/run*.json")):
        try: out.append(json.load(open(f)))
        except Exception: pass
    return out
def med(rs, k):
    return statistics.median([r[k] for r in rs]) if rs else None
def spread(rs):
    if len(rs) < 2: return ""
    t = [r["tps"] for r in rs]; m = statistics.median(t)
    return f" ±{(max(t)-min(t))/2/m*100:.0f}%" if m else ""
def fmt_tps(rs):
    if not rs: return "–"
    errs = sum(r["errors"] for r in rs)
    return f"{med(rs,'tps'):,.0f}{spread(rs)}" + (f" **{errs} err**" if errs else "")
def fmt_lat(rs):
    if not rs: return "–"
    return f"{med(rs,'p50_us')/1000:.2f} / {med(rs,'p99_us')/1000:.2f}"
modes = sorted({os.path.basename(os.path.dirname(os.path.dirname(p))) for p in glob.glob(f"{res}/*/*/*")} & {"unpinned", "pinned"}, reverse=True)
servers = [s for s in ["ceiling", "jpos", "h2w", "h2", "pgw", "pgf", "pg", "macpin"] if glob.glob(f"{res}/*/{s}")]
settings = []
for p in glob.glob(f"{res}/*/*/*x*"):
    s = os.path.basename(p)
    if s not in settings: settings.append(s)
settings.sort(key=lambda s: (int(s.split('x')[1]), int(s.split('x')[0])))
lines = []
for mode in modes:
    lines.append(f"\n**{mode}**{' (taskset: server on core 0, load generator on core 1)' if mode=='pinned' else ' (server and load generator share both cores)'}\n")
    lines.append("Throughput, transactions per second (median of runs, ± half the range):\n")
    hdr = "| C × P | " + " | ".join(names[s] for s in servers) + " | write / jPOS | fsync bound N/(1.5T) | fsync / bound |"
    lines.append(hdr); lines.append("|" + "---|" * (len(servers) + 4))
    for st in settings:
        row = {s: load(mode, s, st) for s in servers}
        if not any(row.values()): continue
        hw, hf, jp = med(row.get("h2w", []), "tps"), med(row.get("h2", []), "tps"), med(row.get("jpos", []), "tps")
        n = int(st.split('x')[0]) * int(st.split('x')[1])
        bound = n / (1.5 * T) if T else None
        r1 = f"{hw/jp:.2f}×" if hw and jp else "–"
        b = f"{bound:,.0f}" if bound else "–"
        r2 = f"{hf/bound*100:.0f}%" if hf and bound else "–"
        lines.append(f"| {st.replace('x',' × ')} | " + " | ".join(fmt_tps(row[s]) for s in servers) + f" | {r1} | {b} | {r2} |")
    lines.append("\nLatency p50 / p99, ms (median of runs):\n")
    lines.append("| C × P | " + " | ".join(names[s] for s in servers) + " |"); lines.append("|" + "---|" * (len(servers) + 1))
    for st in settings:
        row = {s: load(mode, s, st) for s in servers}
        if not any(row.values()): continue
        lines.append(f"| {st.replace('x',' × ')} | " + " | ".join(fmt_lat(row[s]) for s in servers) + " |")
if fsync_means:
    lines.append(f"\nfdatasync of the journal's disk (`benchmarks.jar journal-fsync --count 1000`, before and after the runs): "
                 f"means {', '.join(f'{m:.0f}' for m in fsync_means)} µs; T = {T*1e6:.0f} µs is used for the bound.")
for hdir, label in (("halfpeak", "H2, journal write"), ("halfpeak-pgw", "PostgreSQL one node, journal write")):
    half = [json.load(open(f)) for f in sorted(glob.glob(f"{res}/{hdir}/run*.json"))]
    if half:
        lines.append(f"\nOurs ({label}) paced at half of its peak, C = 10, P = 8: {med(half,'tps'):,.0f} tps, p50 {med(half,'p50_us')/1000:.2f} ms, "
                     f"p99 {med(half,'p99_us')/1000:.2f} ms, p99.9 {med(half,'p999_us')/1000:.2f} ms, errors {sum(r['errors'] for r in half)}.")
jl = os.path.join(res, "journal.log")
if os.path.exists(jl):
    gs = [float(m.group(1)) for m in re.finditer(r"avgGroup ([0-9.]+)", open(jl).read())]
    if gs: lines.append(f"\nJournal average group size over the gateway runs (per server run, from its shutdown line): "
                        f"median {statistics.median(gs):.1f}, min {min(gs):.1f}, max {max(gs):.1f}.")
mem = os.path.join(res, "memory.txt")
if os.path.exists(mem) and os.path.getsize(mem):
    lines.append("\nIdle connections (heap used after a full GC, RSS of the server process, threads):\n")
    lines.append("| server | connections | heap before | RSS before | heap holding | RSS holding | threads |")
    lines.append("|---|---|---|---|---|---|---|")
    for l in open(mem):
        n, c, hb, rb, hh, rh, th = l.split()
        lines.append(f"| {names.get(n,n)} | {int(c):,} | {hb} MB | {rb} MB | {hh} MB | {rh} MB | {th} |")
jv = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.strip().splitlines()
cpu = subprocess.run(["bash", "-c", "lscpu | grep -E 'Model name|^CPU\\(s\\)|Thread|MHz' | sed 's/  */ /g'"], capture_output=True, text=True).stdout.strip()
head = [f"Run: {'QUICK (--quick: 1 run, ' + dur + ' + ' + warm + ' warm-up, fewer settings, unpinned only)' if quick=='1' else 'full'}; "
        f"{runs} run(s) per cell, {dur} measured after {warm} warm-up, every server started fresh per run.",
        f"Date: {datetime.datetime.now().isoformat(timespec='minutes')}. JVM: {jv[0] if jv else '?'} / {jv[1] if len(jv)>1 else ''}.",
        f"Machine: {cpu.replace(chr(10), '; ')}. Shared with other work: `uptime` before: `{up0.strip()}`; after: `{up1.strip()}`.",
        f"Server JVM flags: `{sopts}`; load generator: `{lopts}`, 1 event-loop thread. Gateway: {gwhow}.",
        "Load: mix sale=90, balance=5, refund=5; 200 terminals, 1,000 cards, every response checked (`--expect 39=00`; MAC verified when on)."]
table = "\n".join(head) + "\n" + "\n".join(lines) + "\n"
print(table)
open(os.path.join(res, "table.md"), "w").write(table)
if docs == "1":
    text = open(md).read() if os.path.exists(md) else "# Benchmarks\n\n<!-- E2E-BEGIN -->\n<!-- E2E-END -->\n"
    b, e = "<!-- E2E-BEGIN -->", "<!-- E2E-END -->"
    if b in text and e in text:
        text = text[:text.index(b) + len(b)] + "\n" + table + text[text.index(e):]
    else:
        text += "\n" + b + "\n" + table + e + "\n"
    open(md, "w").write(text)
    print("run-e2e: table written into " + md)
EOF
echo "run-e2e: done (results in $RESULTS)"
exit "$FAILED"
