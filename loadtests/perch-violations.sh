#!/usr/bin/env bash
# Perch alone on many generated clusters, judged by the simulator: per seed, apps placed and apps the
# simulator sees over their SLO; then the totals. Quicker than placement-comparison.sh (one strategy),
# for checking on many clusters that the planner stays within SLOs. Needs a built jar:
#   mvn -B -q package -DskipTests && loadtests/perch-violations.sh [SCENARIO] [FIRST_SEED] [LAST_SEED]
# (defaults: random 21 84).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-random}
first=${2:-21}
last=${3:-84}
jar=target/quarkus-app/quarkus-run.jar
out=loadtests/results/perch-violations
mkdir -p "$out"
for seed in $(seq "$first" "$last"); do
  java -jar "$jar" evaluate --scenario "$scenario" --seed "$seed" --strategies perch \
    > "$out/$scenario-$seed.json" 2> "$out/$scenario-$seed.log"
done
python3 - "$out" "$scenario" "$first" "$last" <<'PY'
import json, sys
out, scenario, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
placed = violating = 0
over = []
for seed in range(first, last + 1):
    perch = json.load(open(f"{out}/{scenario}-{seed}.json"))["strategies"][0]
    placed += perch["appsPlaced"]
    violating += perch["appsViolating"]
    if perch["appsViolating"]:
        over.append(f'{seed} ({perch["appsViolating"]} of {perch["appsPlaced"]})')
print(f"{scenario} seeds {first}-{last}: {placed} apps placed, {violating} over their SLO in simulation;"
      f" seeds with any: {', '.join(over) if over else 'none'}")
PY
