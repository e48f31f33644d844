#!/usr/bin/env bash
# The model of an app's SLO statistic over its window against the simulator, on the full grid of
# issue 19 (dev.perch.bench.WindowModelGrid): Edge TPU with one app and with two models, GPU with two
# apps; utilisation 0.3–0.85; windows of 10, 60 and 600 s; mean and p95; the share of judged windows
# over the thresholds the model puts 10 % and 1 % of windows over, and its mean absolute error.
#   loadtests/window-model.sh [JUDGED_SEC]      (simulated seconds per accelerator and utilisation;
#                                                default 100000)
# Compiles with Maven (offline by default; set MVN_FLAGS= to let Maven go online), then runs the bench
# main on the test classpath. The tables go to loadtests/results/window-model/, timings to its .log.
set -euo pipefail
cd "$(dirname "$0")/.."
judged=${1:-100000}
mvn_flags=${MVN_FLAGS--o}
out=loadtests/results/window-model
mkdir -p "$out"
# shellcheck disable=SC2086
mvn -B -q $mvn_flags test-compile >&2
# shellcheck disable=SC2086
mvn -B -q $mvn_flags dependency:build-classpath -Dmdep.outputFile=target/window-model.cp -Dmdep.includeScope=test >&2
start=$(date +%s)
java -cp "target/test-classes:target/classes:$(cat target/window-model.cp)" dev.perch.bench.WindowModelGrid "$judged" \
  2> >(tee "$out/grid-$judged.log" >&2) | tee "$out/grid-$judged.md"
echo "wall time: $(( $(date +%s) - start )) s" | tee -a "$out/grid-$judged.log" >&2
