#!/usr/bin/env bash
# The cost of one `blackhole telemetry check` with 10 services and 10 rules on loopback, beside
# ten runs of Debian's check_http (monitoring-plugins-basic) against the same services, in one
# hyperfine run. Release build, or the binary given: benchmarks/check.sh [BINARY]. Prints
# hyperfine's table (wall time, user and system CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
scripts/install-deps
if [ $# -ge 1 ]; then
  bin=$(realpath "$1")
else
  swift build -c release --product blackhole >/dev/null
  bin=$PWD/.build/release/blackhole
fi
check_http=/usr/lib/nagios/plugins/check_http

work=$(mktemp -d)
python3 Tests/Fixtures/health_server.py > "$work/port" &
server=$!
trap 'kill $server; rm -rf "$work"' EXIT
while [ ! -s "$work/port" ]; do sleep 0.1; done
port=$(head -1 "$work/port")

{
  echo "health:"
  echo "  services:"
  for i in $(seq 1 10); do
    echo "    svc$i: { health_endpoint: \"http://127.0.0.1:$port/healthy?svc=$i\", timeout: 2s }"
  done
  echo "alert_rules:"
  for i in $(seq 1 10); do
    echo "  - { id: down_$i, metric: service.health.status, labels: { service: svc$i }, condition: lt, threshold: 0.5, duration: 30s, severity: critical, notification_channels: [log] }"
  done
  echo "notification_channels:"
  echo "  - { name: log, type: log, config: { path: $work/alerts.log } }"
} > "$work/config.yaml"

export BLACKHOLE_CONFIG=$work/config.yaml BLACKHOLE_DB=$work/telemetry.db
"$bin" telemetry check -q   # creates the database and the first resource baseline
ten_check_http="for i in 1 2 3 4 5 6 7 8 9 10; do $check_http -H 127.0.0.1 -p $port -u /healthy?svc=\$i >/dev/null; done"
# As from cron, runs are more than 200 ms apart, so CPU and network rates are taken against the
# previous run's counters instead of two reads 200 ms apart (--prepare is not timed).
hyperfine --warmup 3 --runs 30 -N --prepare "sleep 0.3" \
  --command-name "blackhole telemetry check (10 services, 10 rules)" "$bin telemetry check -q" \
  --command-name "10 x check_http" "sh -c '$ten_check_http'" \
  --export-markdown "$work/result.md"
cat "$work/result.md"
