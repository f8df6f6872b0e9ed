#!/usr/bin/env bash
# Start-up of the installed binary, side by side in one run: `--version` and `--help` of the
# static, stripped release build (scripts/build-release), of the dynamic release build
# SwiftPM makes by default (its own scratch folder, .build-dynamic, so neither build undoes
# the other), and of a static hello-world that imports Foundation; then `telemetry check`
# with no services, as cron runs it every minute. Also the binary's size by section.
# Needs hyperfine (apt-get install hyperfine). A first run builds both from clean (~25 min).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-100}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

static=$(scripts/build-release)
swift build -c release --scratch-path .build-dynamic --product blackhole >&2
dynamic=.build-dynamic/release/blackhole
mkdir -p "$work/hello/Sources/hello"
printf '// swift-tools-version: 6.0\nimport PackageDescription\nlet package = Package(name: "hello", targets: [.executableTarget(name: "hello")])\n' \
  > "$work/hello/Package.swift"
printf 'import Foundation\nprint("hello, \\(ProcessInfo.processInfo.arguments.count)")\n' > "$work/hello/Sources/hello/main.swift"
swift build -c release --static-swift-stdlib --package-path "$work/hello" >&2
strip -o "$work/hello-static" "$work/hello/.build/release/hello"

export HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" XDG_STATE_HOME="$work/home/state"
mkdir -p "$HOME"
hyperfine -N --warmup 10 --runs "$runs" --export-json "$work/startup.json" \
  "$dynamic --version" "$static --version" "$dynamic --help" "$static --help" "$work/hello-static" >&2
# As from cron: the previous run's CPU counters are older than the 200 ms that check would
# otherwise wait for two fresh readings.
hyperfine -N --warmup 3 --runs "$(( runs / 4 ))" --prepare "sleep 0.25" --export-json "$work/check.json" \
  "$dynamic telemetry check" "$static telemetry check" >&2
python3 - "$work/startup.json" "$work/check.json" <<'PY'
import json, sys
print(f"{'command':52} {'median':>9} {'mean ± sd':>17} {'user+sys CPU':>13}")
for path in sys.argv[1:]:
    for result in json.load(open(path))["results"]:
        command = result["command"].replace(path.rsplit("/", 1)[0] + "/", "")
        cpu = (result["user"] + result["system"]) * 1000
        print(f"{command:52} {result['median'] * 1000:6.2f} ms {result['mean'] * 1000:7.2f} ± {result['stddev'] * 1000:4.2f} ms {cpu:9.1f} ms")
PY
echo
ls -l "$static" "$dynamic" | awk '{printf "%-40s %6.1f MiB\n", $9, $5 / 1048576}'
echo "largest sections of $static (size -A):"
size -A "$static" | sort -k2 -n -r | awk 'NR <= 8 {printf "  %-34s %7.1f MiB\n", $1, $2 / 1048576}'
icu=$(printf '%d' "0x$(nm --size-sort -S .build/release/blackhole | awk '/icudt[0-9]+_dat$/ {print $2}')")
echo "ICU data (icudt*_dat, linked by Foundation, in .rodata): $(awk -v b="$icu" 'BEGIN {printf "%.1f MiB", b / 1048576}')"
