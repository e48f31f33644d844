#!/usr/bin/env bash
# The live demo at mixed-1000 with the lag's course and each thread's CPU every 30 s: where the two
# cores go while the topology falls behind. Needs a built jar and a free 127.0.0.1:9092 and :8080:
#   mvn -B -q package -DskipTests && loadtests/demo-threads.sh [OUT_DIR] [JAVA_OPTION ...]
# (DURATION=90s for a shorter run; the issue's target is measured over 3m.)
# Writes OUT_DIR/summary.json (the demo summary without its apps), err.log (the DEBUG lag line every
# 10 s, decisions, /usr/bin/time -v), jstack-T.txt at T = 30, 60, ... 210 s, and prints per-thread
# CPU over each 30 s, summed by role.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-loadtests/results/demo-threads}
shift $(( $# > 0 ? 1 : 0 ))
jar=${PERCH_JAR:-target/quarkus-app/quarkus-run.jar}
mkdir -p "$out"
/usr/bin/time -v java -Xmx2g "$@" -Dquarkus.log.category.\"dev.perch.runtime.TelemetryLag\".level=DEBUG \
  -jar "$jar" demo --scenario mixed-1000 --speed 1 --duration "${DURATION:-3m}" > "$out/out.json" 2> "$out/err.log" &
demo=$!
pid=""
for _ in $(seq 1 30); do
  pid=$(pgrep -P "$demo" -x java || true) # the JVM that /usr/bin/time started, not another demo's
  [ -n "$pid" ] && break
  sleep 1
done
[ -n "$pid" ] || { echo "demo-threads: no JVM under /usr/bin/time (pid $demo)" >&2; exit 1; }
start=$(date +%s)
for t in 30 60 90 120 150 180 210; do
  while [ $(( $(date +%s) - start )) -lt "$t" ]; do sleep 1; done
  jstack "$pid" > "$out/jstack-$t.txt" 2>/dev/null || break
done
rc=0
wait "$demo" || rc=$?
[ "$rc" -eq 0 ] || echo "demo-threads: the demo exited $rc (see $out/err.log)" >&2
jq -c 'del(.apps)' "$out/out.json" > "$out/summary.json" || true
cat "$out/summary.json" 2>/dev/null || true
python3 - "$out" <<'PY'
import collections, glob, os, re, sys
out = sys.argv[1]
# First match wins: Kafka clients' "kafka-producer-network-thread" is no broker thread.
roles = [("StreamThread", "stream thread"), ("C2 Compiler", "C2"), ("C1 Compiler", "C1"), ("G1 ", "G1 concurrent"),
         ("GC Thread", "GC workers"), ("kafka-producer-network-thread", "producers"), ("request-handler", "broker handlers"),
         ("data-plane-kafka-network-thread", "broker network"),
         ("perch-demo-controller", "controller"), ("vert.x-eventloop", "inbox (event loop)")]
def load(f):
    d = {}
    for line in open(f):
        m = re.match(r'"(.*?)".*?cpu=([\d.]+)ms', line)
        if m:
            d[m.group(1)] = float(m.group(2))
    return d
def role(name):
    return next((r for k, r in roles if k in name), "other")
files = sorted(glob.glob(f"{out}/jstack-*.txt"), key=lambda f: int(re.search(r"(\d+)", os.path.basename(f)).group(1)))
snaps = [(f, load(f)) for f in files if os.path.getsize(f) > 0]
for (fa, a), (fb, b) in zip(snaps, snaps[1:]):
    per = collections.Counter()
    for name, ms in b.items():
        per[role(name)] += ms - a.get(name, 0)
    span = f"{os.path.basename(fa)[7:-4]}–{os.path.basename(fb)[7:-4]} s"
    print(span + ": " + ", ".join(f"{r} {ms / 1000:.1f} s" for r, ms in per.most_common()))
PY
exit "$rc"
