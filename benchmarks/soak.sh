#!/usr/bin/env bash
# Soak benchmark: `telemetry serve` under steady OTLP load, cron-like checks and trace queries
# for HOURS, recording RSS, descriptors, database and WAL size and latency (benchmarks/soak.py
# says how). Builds the release binary first, in its own scratch folder.
#
#   benchmarks/soak.sh HOURS [--out DIR] [--rate SPANS_PER_S] [--sample SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: benchmarks/soak.sh HOURS [--out DIR] [--rate SPANS_PER_S] [--sample SECONDS]" >&2; exit 2; }
swift build -c release --scratch-path .build-dynamic --product blackhole >&2
exec python3 benchmarks/soak.py "$@" --binary .build-dynamic/release/blackhole
