#!/usr/bin/env bash
# Issue 21's bounded state: the live demo on SCENARIO (default mixed-100: 100 nodes, 1,000 apps) at
# real time for MINUTES (default 30), sampled every minute — the process's RSS, its live heap (after a
# full collection, which a class histogram forces, taken just after the minute's scrape), every
# topology store's entries (perch_topology_store_entries) and the topology's consumer lag in records
# (kafka_consumer_fetch_manager_records_lag_max of its stream thread) — then judged: after WARMUP
# minutes (default 5) every series stays within 10 % of its value at minute WARMUP (lag, which is 0
# when the topology keeps up, is judged against 10 % of the telemetry published per second instead).
# The heap is fixed and touched at start (-Xms = -Xmx = PERCH_SOAK_HEAP, default 1g, AlwaysPreTouch):
# G1 otherwise grows the heap it holds towards -Xmx whenever its pauses take a larger share of time
# (they do on a shared 2-core machine) and keeps it, so RSS rose with the collector's sizing rather
# than with any state (2026-12-05: +1.1 GB of committed heap over a live set flat at ~260 MB). So RSS
# judges native memory (RocksDB, threads, metaspace) and the live heap judges the heap.
# Needs a built jar, port 8080 and 9092 free, and MINUTES + 1 minutes:
#   mvn -B -q package -DskipTests && loadtests/soak.sh [MINUTES] [SCENARIO] [WARMUP]
# One line per minute, then one JSON line with the verdict; raw files go to loadtests/results/soak/.
set -euo pipefail
# One function, read whole before it runs: bash reads a script as it goes, so an edit to this file
# during a half-hour run would otherwise change what the rest of the run does.
main() {
cd "$(dirname "$0")/.."
minutes=${1:-30}
scenario=${2:-mixed-100}
warmup=${3:-5}
jar=${PERCH_JAR:-target/quarkus-app/quarkus-run.jar}
out=loadtests/results/soak
mkdir -p "$out"
for port in 8080 9092; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "soak: 127.0.0.1:$port is in use (a demo still running?)" >&2
    exit 2
  fi
done
# A scenario ends at its lengthSec (300 s for the generated ones): run the same cluster and apps, as
# --print-scenario writes them, for the whole soak.
java -jar "$jar" demo --scenario "$scenario" --duration 1s --print-scenario "$out/scenario.yaml" > /dev/null 2> "$out/print.log"
sed -i "s/^lengthSec: .*/lengthSec: $(( (minutes + 2) * 60 ))/" "$out/scenario.yaml"
heap=${PERCH_SOAK_HEAP:-1g}
# The live view's history is a ring of a fixed number of points (perch.live-view.*, docs/monitoring.md)
# whose arrays double as it fills: at the defaults (1,000,000 app points, some 44 MB) mixed-100 fills
# it after about 22 minutes, a live heap rising for a bound's sake. The soak sets bounds that fill
# within its warm-up at mixed-100's ~770 apps and ~100 accelerators, so that what rises after is not it.
# Its event log likewise: mixed-100's controller makes a few thousand decisions in its first minutes
# and a few hundred a minute after, each an event of its app and of the apps it touches, so the
# default 20,000 events fill long after the warm-up, and 2,000 within it.
history_points=${PERCH_SOAK_HISTORY_POINTS:-200000}
accelerator_points=${PERCH_SOAK_ACCELERATOR_HISTORY_POINTS:-20000}
history_events=${PERCH_SOAK_HISTORY_EVENTS:-2000}
java -Xms$heap -Xmx$heap -XX:+AlwaysPreTouch -Dperch.live-view.history-points="$history_points" \
  -Dperch.live-view.accelerator-history-points="$accelerator_points" \
  -Dperch.live-view.history-events="$history_events" \
  -jar "$jar" demo --scenario "$out/scenario.yaml" --speed 1 --duration "$((minutes + 1))m" \
  > "$out/demo.json" 2> "$out/demo.log" &
demo=$!
trap 'kill $demo 2>/dev/null; true' EXIT
: > "$out/samples.jsonl"
for minute in $(seq 1 "$minutes"); do
  sleep 60
  kill -0 "$demo" 2>/dev/null || { echo "soak: the demo stopped at minute $minute (see $out/demo.log)" >&2; exit 1; }
  rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$demo/status")
  curl -sf http://127.0.0.1:8080/q/metrics > "$out/metrics-$minute.txt" || true
  # After the scrape, so that the collection's pause is a minute old at the next one.
  # The histogram's head is kept: what the live heap holds, class by class, when it moves.
  jcmd "$demo" GC.class_histogram > "$out/histogram.tmp" 2> /dev/null || true
  # Its three header lines, its 40 largest classes and its total.
  { head -43 "$out/histogram.tmp"; grep '^Total' "$out/histogram.tmp"; } > "$out/histogram-$minute.txt" || true
  live_bytes=$(awk '$1 == "Total" {print $3}' "$out/histogram.tmp")
  python3 - "$minute" "$rss_kb" "$out/metrics-$minute.txt" "${live_bytes:-0}" >> "$out/samples.jsonl" <<'PY'
import json, re, sys
minute, rss_kb, path, live = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
sample = {"minute": minute, "rssMb": round(rss_kb / 1024), "liveHeapMb": round(live / 2**20), "heapMb": 0,
          "lagRecords": 0, "stores": {}, "telemetryRecords": 0}
for line in open(path):
    if line.startswith("#"):
        continue
    m = re.match(r'(\w+)(\{[^}]*\})? (\S+)', line)
    if not m:
        continue
    name, labels, value = m.group(1), m.group(2) or "", float(m.group(3))
    if name == "jvm_memory_used_bytes" and 'area="heap"' in labels:
        sample["heapMb"] += value / 2**20
    elif name == "perch_topology_store_entries":
        sample["stores"][re.search(r'store="([^"]*)"', labels).group(1)] = value
    elif name == "kafka_consumer_fetch_manager_records_lag_max" and "StreamThread" in labels and value == value:
        sample["lagRecords"] = max(sample["lagRecords"], value)
    elif name == "kafka_stream_thread_process_total" and value == value:
        sample["telemetryRecords"] += value
sample["heapMb"] = round(sample["heapMb"])
print(json.dumps(sample))
PY
  tail -1 "$out/samples.jsonl"
done
python3 - "$out/samples.jsonl" "$warmup" "$scenario" <<'PY'
import json, sys
samples = [json.loads(l) for l in open(sys.argv[1])]
warmup, scenario = int(sys.argv[2]), sys.argv[3]
base = next(s for s in samples if s["minute"] == warmup)
later = [s for s in samples if s["minute"] > warmup]
series = {"rssMb": lambda s: s["rssMb"], "liveHeapMb": lambda s: s.get("liveHeapMb", float("nan"))}
for store in base["stores"]:
    series["store:" + store] = lambda s, store=store: s["stores"].get(store, float("nan"))
worst = {}
for name, get in series.items():
    b = get(base)
    worst[name] = max((abs(get(s) - b) / b if b else (0 if get(s) == b else float("inf"))) for s in later) if later else 0
per_sec = (later[-1]["telemetryRecords"] - base["telemetryRecords"]) / (60 * len(later)) if later else 0
lag_bound = 0.1 * per_sec
max_lag = max((s["lagRecords"] for s in later), default=0)
flat = all(v <= 0.10 for v in worst.values()) and max_lag <= lag_bound
print(json.dumps({"scenario": scenario, "minutes": len(samples), "warmupMinute": warmup,
                  "worstDeviationFromWarmup": {k: round(v, 3) for k, v in worst.items()},
                  "maxLagRecords": max_lag, "recordsPerSec": round(per_sec), "flat": flat}))
PY
}
main "$@"; exit
