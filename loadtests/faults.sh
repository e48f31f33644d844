#!/usr/bin/env bash
# Issue 23's fault suite: injects each fault into a running Perch and prints, last, one JSON line per
# fault (what was sent, what the topology counted, what was dead-lettered, what became of a move, how
# long recovery took). Not part of `mvn verify`; it takes several minutes.
#   loadtests/faults.sh              every fault
#   loadtests/faults.sh flood,kill-9 some of them
# Output also goes to loadtests/results/faults/ (not committed). Exit 1 when a fault found something broken.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p loadtests/results/faults
mvn -B -q package -DskipTests >&2
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mvn -B -q -Pbench exec:exec -Dbench.main=dev.perch.faults.FaultSuite -Dbench="${1:-all}" \
  2> >(tee "loadtests/results/faults/$stamp.log" >&2) \
  | sed -u 's/\x1b\[[0-9;]*m//g' | tee "loadtests/results/faults/$stamp.json"  # Maven's colour resets, even with -B
