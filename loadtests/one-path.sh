#!/usr/bin/env bash
# The controller users run against what evaluate reports for it: for each scenario, `demo --speed max`
# (the whole pipeline: broker, Streams, alerts, the controller's loop) and `evaluate --strategies perch`
# (the same controller against the simulator, without Kafka), and whether the demo ends with at
# least as many apps on an accelerator. Needs a built jar:
#   mvn -B -q package -DskipTests && loadtests/one-path.sh [SCENARIO ...]
# (default: mixed and random:1 ... random:10). Each run's JSON goes to loadtests/results/one-path/.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/quarkus-app/quarkus-run.jar
out=loadtests/results/one-path
mkdir -p "$out"
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
  scenarios=(mixed)
  for seed in $(seq 1 10); do scenarios+=("random:$seed"); done
fi
echo "| scenario | demo: appsPlaced | evaluate perch: appsPlaced | demo: violation s | demo ≥ evaluate |"
echo "|---|---|---|---|---|"
for scenario in "${scenarios[@]}"; do
  name=${scenario//[:\/]/_}
  java -jar "$jar" demo --scenario "$scenario" --speed max > "$out/$name-demo.json" 2> "$out/$name-demo.log"
  java -jar "$jar" evaluate --scenario "$scenario" --strategies perch > "$out/$name-evaluate.json" 2> "$out/$name-evaluate.log"
  python3 - "$scenario" "$out/$name-demo.json" "$out/$name-evaluate.json" <<'PY'
import json, sys
scenario, demo, evaluate = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
perch = next(s for s in evaluate["strategies"] if s["name"] == "perch")
ok = "yes" if demo["appsPlaced"] >= perch["appsPlaced"] else "**no**"
print(f'| {scenario} | {demo["appsPlaced"]} | {perch["appsPlaced"]} | {demo["violationSeconds"]} | {ok} |')
PY
done
