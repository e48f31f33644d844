#!/usr/bin/env bash
# Checks the alert rules of prometheusrule.yaml with Prometheus's own promtool: that they parse
# (check rules), and that each alert fires when, and only when, tests/perch-rules.test.yaml says
# (test rules). Needs promtool (Debian/Ubuntu: apt-get install prometheus) and python3 with PyYAML.
set -euo pipefail
cd "$(dirname "$0")"
command -v promtool >/dev/null || { echo "check-rules: promtool not found (apt-get install prometheus)" >&2; exit 2; }
# promtool reads plain rule files: the PrometheusRule's spec is one.
python3 - prometheusrule.yaml tests/perch-rules.yaml <<'PY'
import sys, yaml
rule = yaml.safe_load(open(sys.argv[1]))
yaml.safe_dump(rule["spec"], open(sys.argv[2], "w"), sort_keys=False)
PY
trap 'rm -f tests/perch-rules.yaml' EXIT
promtool check rules tests/perch-rules.yaml
promtool test rules tests/perch-rules.test.yaml
