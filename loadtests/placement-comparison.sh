#!/usr/bin/env bash
# Placement strategies on a generated scenario, judged by the simulator, one seed after another.
# Needs a built jar:
#   mvn -B -q package -DskipTests && loadtests/placement-comparison.sh [SCENARIO] [FIRST_SEED] [LAST_SEED] [EVALUATE_OPTION ...]
# (defaults: mixed 1 10; options such as --slo-window-sec 600 or --strategies perch go to evaluate). Prints a Markdown table (appsPlaced / appsViolating / appsBeforeFirstViolation)
# and the median of perch's appsPlaced over the larger of knapsack-first's and knapsack-best's
# appsBeforeFirstViolation; each seed's JSON and plot go to loadtests/results/placement/.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-mixed}
first=${2:-1}
last=${3:-10}
shift $(( $# < 3 ? $# : 3 ))
extra=("$@")
tag=$(printf '%s' "${extra[*]:-}" | tr -c 'A-Za-z0-9' '-')
jar=${PERCH_JAR:-target/quarkus-app/quarkus-run.jar}
out=loadtests/results/placement
mkdir -p "$out"
for seed in $(seq "$first" "$last"); do
  java -jar "$jar" evaluate --scenario "$scenario" --seed "$seed" --plot "$out/$scenario$tag-$seed.png" "${extra[@]}" \
    > "$out/$scenario$tag-$seed.json" 2> "$out/$scenario$tag-$seed.log"
done
python3 - "$out" "$scenario$tag" "$first" "$last" <<'PY'
import json, statistics, sys
out, scenario, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ratios, behind = [], []
header = None
for seed in range(first, last + 1):
    report = json.load(open(f"{out}/{scenario}-{seed}.json"))
    s = {r["name"]: r for r in report["strategies"]}
    if header is None:
        header = list(s)
        print("| seed | " + " | ".join(header) + " | perch ÷ max(knapsack-first, -best) |")
        print("|---" * (len(header) + 2) + "|")
    perch = s["perch"]
    knaps = [s[k]["appsBeforeFirstViolation"] for k in ("knapsack-first", "knapsack-best") if k in s]
    knap = max(knaps) if knaps else 0
    ratio = perch["appsPlaced"] / knap if knap else float("inf")
    ratios.append(ratio)
    best_other = max([r["appsBeforeFirstViolation"] for n, r in s.items() if n != "perch"] or [0])
    if perch["appsViolating"] > 0 or perch["appsPlaced"] < best_other:
        behind.append(seed)
    cells = [f'{r["appsPlaced"]} / {r["appsViolating"]} / {r["appsBeforeFirstViolation"]}' for r in s.values()]
    print(f"| {seed} | " + " | ".join(cells) + f" | {ratio:.2f} |")
print(f"\nmedian ratio {statistics.median(ratios):.2f}; seeds where perch violates or places fewer than "
      f"another strategy's appsBeforeFirstViolation: {behind or 'none'}")
PY
