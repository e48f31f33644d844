#!/usr/bin/env bash
# The placement policy's constants varied one at a time, measured through the controller users run
# (evaluate's perch: Reconciler.pass on the simulated cluster, ControllerSettings.DEFAULT with only
# the PlacementPolicy changed) and judged by the simulator as evaluate judges it:
#   loadtests/policy-variants.sh [SCENARIO] [FIRST_SEED] [LAST_SEED] [VARIANT ...]
# (defaults: mixed 1 10; variants: default maxUtilization=0.85 windowCompliance=0.95 rateHeadroom=0).
# A variant is `default` or field=value[,field=value] over PlacementPolicy's components
# (dev.perch.bench.PolicyVariants). Compiles the main and test classes with Maven (offline by
# default; set MVN_FLAGS= to let Maven go online), then runs the bench main on the test classpath.
# Prints per-seed cells (appsPlaced / appsViolating / appsBeforeFirstViolation) and a table of totals;
# the table goes to loadtests/results/policy-variants/, per-seed timings to its .log beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-mixed}
first=${2:-1}
last=${3:-10}
shift $(( $# < 3 ? $# : 3 ))
mvn_flags=${MVN_FLAGS--o}
out=loadtests/results/policy-variants
mkdir -p "$out"
# shellcheck disable=SC2086
mvn -B -q $mvn_flags test-compile >&2
# shellcheck disable=SC2086
mvn -B -q $mvn_flags dependency:build-classpath -Dmdep.outputFile=target/policy-variants.cp \
  -Dmdep.includeScope=test >&2
name="$scenario-$first-$last${*:+-$(echo "$*" | sed 's/ /_/g; s/=/-/g; s/,/+/g')}"
start=$(date +%s)
java -cp "target/test-classes:target/classes:$(cat target/policy-variants.cp)" dev.perch.bench.PolicyVariants \
  "$scenario" "$first" "$last" "$@" 2> >(tee "$out/$name.log" >&2) | tee "$out/$name.md"
echo "wall time: $(( $(date +%s) - start )) s" | tee -a "$out/$name.log" >&2
