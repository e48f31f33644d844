#!/usr/bin/env bash
# The dashboard's queries and the alert rules against a real Prometheus scraping a running demo.
# Needs a built jar, Prometheus (Debian/Ubuntu: apt-get install prometheus) and python3 with PyYAML:
#   mvn -B -q package -DskipTests && loadtests/monitoring-live-check.sh [SECONDS]
# Runs the demo for SECONDS (default 90) with Prometheus scraping /q/metrics every second and
# evaluating deploy/monitoring's rules; then asks Prometheus every query of every dashboard panel
# ($app as .*) and the health of every rule. Prints one line per query: status, series, the
# series with the largest value.
# Exits 1 when a query fails or returns nothing, or a rule is unhealthy.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-90}
command -v prometheus >/dev/null || { echo "monitoring-live-check: prometheus not found (apt-get install prometheus)" >&2; exit 2; }
for port in 8080 9090; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "monitoring-live-check: 127.0.0.1:$port is in use (a demo or Prometheus still running?)" >&2
    exit 2
  fi
done
work=$(mktemp -d)
python3 - deploy/monitoring/prometheusrule.yaml "$work/rules.yaml" <<'PY'
import sys, yaml
yaml.safe_dump(yaml.safe_load(open(sys.argv[1]))["spec"], open(sys.argv[2], "w"), sort_keys=False)
PY
cat > "$work/prometheus.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [$work/rules.yaml]
scrape_configs:
  - job_name: perch
    metrics_path: /q/metrics
    static_configs: [{targets: ['127.0.0.1:8080'], labels: {pod: perch-demo}}]
YML
java -jar target/quarkus-app/quarkus-run.jar demo --duration "${seconds}s" > "$work/demo.json" 2> "$work/demo.log" &
demo=$!
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address=127.0.0.1:9090 > "$work/prometheus.log" 2>&1 &
prom=$!
trap 'kill $prom 2>/dev/null; kill $demo 2>/dev/null; true' EXIT
sleep $((seconds - 10))
python3 - dashboards/*.json <<'PY'
import json, sys, urllib.parse, urllib.request
def get(path, **params):
    url = "http://127.0.0.1:9090/api/v1/" + path + ("?" + urllib.parse.urlencode(params) if params else "")
    return json.load(urllib.request.urlopen(url))
bad = 0
for file in sys.argv[1:]:
    for panel in json.load(open(file))["panels"]:
        for target in panel.get("targets", []):
            answer = get("query", query=target["expr"].replace("$app", ".*"))
            series = answer["data"]["result"] if answer["status"] == "success" else []
            top = max(series, key=lambda s: float(s["value"][1]), default=None)
            sample = f'{top["metric"]} = {top["value"][1]}' if top else "none"
            print(f'{answer["status"]:7} {len(series):3} series | {panel["title"]} | {sample}')
            bad += answer["status"] != "success" or not series
for group in get("rules")["data"]["groups"]:
    for rule in group["rules"]:
        print(f'rule {rule["name"]}: {rule["health"]} {rule.get("lastError", "")} ({rule["state"]})')
        bad += rule["health"] != "ok"
sys.exit(1 if bad else 0)
PY
