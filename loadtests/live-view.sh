#!/usr/bin/env bash
# The live view in a real browser: starts the demo, drives headless Chromium (Debian's chromium
# package, through playwright-core from npm) to http://127.0.0.1:8080/ and checks what a person
# would see (loadtests/live-view/check.mjs says what). From the repository root, with a built jar:
#   mvn -B -q package -DskipTests >&2 && loadtests/live-view.sh [default|mixed-1000]
# Prints one JSON line of results; exits non-zero with a one-line reason on a failed check.
# Screenshots and the demo's output go to loadtests/results/. Runs under flock /tmp/demo.lock, so
# that it never shares port 9092 or 8080 with another demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-default}
case $scenario in
  # cam-3's move comes some 45 s in; 90 s leaves time to see its latency after it.
  default) demo=(demo --duration 90s) ;;
  # Ended by this script once checked; the first predictions of 10,000 apps take a minute or more.
  mixed-1000) demo=(demo --scenario mixed-1000 --speed 1 --duration 6m) ;;
  *) echo "live-view: unknown scenario '$scenario' (default or mixed-1000)" >&2; exit 2 ;;
esac
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "live-view: no jar: mvn -B -q package -DskipTests first" >&2; exit 2; }
[ -x /usr/bin/chromium ] || { echo "live-view: /usr/bin/chromium not found (apt-get install chromium)" >&2; exit 2; }
if [ -z "${PERCH_DEMO_LOCKED:-}" ]; then
  PERCH_DEMO_LOCKED=1 exec flock /tmp/demo.lock "$0" "$@"
fi
[ -d loadtests/live-view/node_modules/playwright-core ] || (cd loadtests/live-view && npm ci --no-audit --no-fund --silent >&2)
results=loadtests/results
mkdir -p "$results"
java -Xmx2g -jar target/quarkus-app/quarkus-run.jar "${demo[@]}" > "$results/live-view-$scenario-demo.json" 2> "$results/live-view-$scenario-demo.log" &
pid=$!
trap 'kill $pid 2>/dev/null && wait $pid 2>/dev/null; true' EXIT
for _ in $(seq 1 120); do
  curl -sf -o /dev/null http://127.0.0.1:8080/api/v1/decisions && break
  kill -0 $pid 2>/dev/null || { echo "live-view: the demo ended before its API answered (see $results/live-view-$scenario-demo.log)" >&2; exit 1; }
  sleep 1
done
node loadtests/live-view/check.mjs "$scenario" http://127.0.0.1:8080/ "$results"
