#!/usr/bin/env bash
# Perch vs the Ibis paper's reactive rule on the built-in "boost" scenario, seeds 1-5, in lock-step
# (results in simulated time, independent of the machine). Needs a built jar:
#   mvn -B -q package -DskipTests && loadtests/boost-comparison.sh
# Prints one line per run and a summary; each run's full JSON goes to loadtests/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${PERCH_JAR:-target/quarkus-app/quarkus-run.jar}
out=loadtests/results/boost
mkdir -p "$out"
for policy in perch reactive; do
  for seed in 1 2 3 4 5; do
    java -jar "$jar" demo --scenario boost --speed max --seed "$seed" --policy "$policy" \
      > "$out/$policy-$seed.json" 2> "$out/$policy-$seed.log"
    python3 - "$out/$policy-$seed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e = next(a for a in d["apps"] if a["app"] == "efficientnet-s")
print(f'{d["policy"]:8} seed {d["seed"]}: violationSeconds {d["violationSeconds"]:3}  '
      f'efficientnet-s firstImpendingAlertSec {e.get("firstImpendingAlertSec")}  firstViolationSec {e.get("firstViolationSec")}')
PY
  done
done
python3 - "$out" <<'PY'
import json, sys, glob
for policy in ("perch", "reactive"):
    runs = [json.load(open(f)) for f in sorted(glob.glob(f"{sys.argv[1]}/{policy}-*.json"))]
    print(f"{policy}: violationSeconds total {sum(r['violationSeconds'] for r in runs)} over {len(runs)} seeds")
PY
