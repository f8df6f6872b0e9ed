#!/usr/bin/env python3
"""Soak benchmark of `blackhole telemetry serve`: hours of steady load, watched for growth.

    benchmarks/soak.sh HOURS [--binary B] [--out DIR] [--rate SPANS_PER_S] [--sample SECONDS]

benchmarks/soak.sh builds the release binary first (in .build-dynamic) and runs this with it.

1. Starts `blackhole telemetry serve` (its own check loop every 15s) on a free loopback port
   with a fresh database and a config of two services (serve's own /health over HTTP and its
   port over TCP), two rules, and short retention (spans 10m, metrics 1h), so that pruning runs
   and the database reaches a steady size within the run.
2. Load, all at once, for HOURS:
   - OTLP/JSON trace exports over keep-alive HTTP/1.1 at --rate spans/s (default 500): each
     request 5 traces of 10 spans (a root and nine children, attributes, 1% errors), ids never
     repeated; each request's latency is timed from sending to the full answer;
   - `blackhole telemetry check` every 5s, as cron would run it, beside serve's own loop;
   - `blackhole telemetry traces --since 1h --limit 20 --json` every 10s.
3. Every --sample seconds (default: the run over 240, at least 5), one CSV row: serve's RSS
   (VmRSS) and open descriptors, database and WAL size, requests ok and failed, spans/s
   accepted, p50/p99 request latency, the slowest check and traces query of the interval.
   Before the load, a connection churn: 20,000 connections each opened for one `GET /health`
   and closed, with serve's RSS read before (after 2,000 to warm up) and after; more than
   8 MiB of growth fails the run (memory kept per connection).
4. At the end: SIGTERM (serve must exit 0), then the verdict. The first quarter is warm-up
   (caches fill, the database grows until retention starts pruning); between the second and
   the last quarter, RSS may grow by at most 10% + 8 MiB and descriptors by at most 8, and no
   request may fail. Exits 1 otherwise.

Writes DIR/soak.csv and DIR/soak.svg (RSS, descriptors, database + WAL, p99 latency over time;
no plotting library needed) and prints a summary. DIR defaults to .build/soak-YYYYmmdd-HHMM.
"""
import argparse
import csv
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVICES = ["gateway", "identity", "storage", "ledger", "p2p"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def export_body(rng, now_ns):
    """One OTLP/JSON export request: 5 traces of 10 spans, ids from `rng`."""
    resource_spans = []
    for _ in range(5):
        trace_id = "%032x" % rng.getrandbits(128)
        root_id = "%016x" % rng.getrandbits(64)
        start = now_ns - rng.randint(50, 500) * 1_000_000
        spans = [{"traceId": trace_id, "spanId": root_id, "name": "GET /api/v1/profile", "kind": 2,
                  "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + 40_000_000),
                  "attributes": [{"key": "http.method", "value": {"stringValue": "GET"}},
                                 {"key": "http.status_code", "value": {"intValue": "200"}}]}]
        for child in range(9):
            begin = start + child * 4_000_000
            failed = rng.random() < 0.01
            spans.append({"traceId": trace_id, "spanId": "%016x" % rng.getrandbits(64), "parentSpanId": root_id,
                          "name": f"db.get {child}", "kind": 3,
                          "startTimeUnixNano": str(begin), "endTimeUnixNano": str(begin + 3_000_000),
                          "attributes": [{"key": "db.system", "value": {"stringValue": "sqlite"}},
                                         {"key": "peer.service", "value": {"stringValue": rng.choice(SERVICES)}}],
                          "status": {"code": 2, "message": "timeout"} if failed else {}})
        resource_spans.append({"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": rng.choice(SERVICES)}}]},
                               "scopeSpans": [{"scope": {"name": "soak"}, "spans": spans}]})
    return json.dumps({"resourceSpans": resource_spans}).encode()


class Interval:
    """What happened since the last sample; swapped out by the sampler."""

    def __init__(self):
        self.latencies = []
        self.ok = 0
        self.failed = 0
        self.spans = 0
        self.checks = []
        self.queries = []
        self.errors = []


class Soak:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.lock = threading.Lock()
        self.interval = Interval()
        self.stop = threading.Event()
        self.port = free_port()
        self.db = os.path.join(work, "soak.db")
        self.config = os.path.join(work, "config.yaml")
        with open(self.config, "w") as file:
            file.write(f"""health:
  check_interval: 15s
  services:
    serve-http: {{ health_endpoint: "http://127.0.0.1:{self.port}/health" }}
    serve-port: {{ health_endpoint: "tcp://127.0.0.1:{self.port}" }}
alert_rules:
  - {{ id: cpu_high, metric: system.cpu.usage_percent, condition: gt, threshold: 99, duration: 1m }}
  - {{ id: serve_down, metric: service.health.status, condition: lt, threshold: 0.5 }}
storage:
  retention:
    spans: 10m
    metrics: 1h
""")
        self.environment = dict(os.environ, BLACKHOLE_DB=self.db, BLACKHOLE_CONFIG=self.config, HOME=work)

    def record(self, **values):
        with self.lock:
            for key, value in values.items():
                target = getattr(self.interval, key)
                if isinstance(target, list):
                    target.append(value)
                else:
                    setattr(self.interval, key, target + value)

    def start_serve(self):
        self.serve = subprocess.Popen([self.args.binary, "telemetry", "serve", "--listen", f"127.0.0.1:{self.port}",
                                       "--no-grpc", "--json"], env=self.environment, stdout=subprocess.PIPE,
                                      stderr=open(os.path.join(self.work, "serve.log"), "w"))
        line = self.serve.stdout.readline()
        if not line:
            sys.exit(f"serve did not start: see {self.work}/serve.log")

    def rss_kib(self):
        with open(f"/proc/{self.serve.pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

    def churn(self, count):
        """Opens `count` connections one after another, one request each."""
        for _ in range(count):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            connection.request("GET", "/health")
            connection.getresponse().read()
            connection.close()

    def load(self, index, threads):
        """Sends export requests at this thread's share of --rate."""
        rng = random.Random(index * 7919 + int(time.time()))
        per_request = 50
        period = per_request * threads / self.args.rate
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        next_at = time.monotonic()
        while not self.stop.is_set():
            body = export_body(rng, time.time_ns())
            started = time.monotonic()
            try:
                connection.request("POST", "/v1/traces", body=body, headers={"Content-Type": "application/json"})
                answer = connection.getresponse()
                answer.read()
                elapsed = (time.monotonic() - started) * 1000
                if answer.status == 200:
                    self.record(latencies=elapsed, ok=1, spans=per_request)
                else:
                    self.record(latencies=elapsed, failed=1, errors=f"HTTP {answer.status}")
            except (OSError, http.client.HTTPException) as error:
                self.record(failed=1, errors=f"{type(error).__name__}: {error}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            next_at += period
            self.stop.wait(max(0.0, next_at - time.monotonic()))

    def every(self, seconds, command, key):
        """Runs a blackhole command every `seconds`, timing it."""
        while not self.stop.wait(seconds):
            started = time.monotonic()
            result = subprocess.run([self.args.binary] + command, env=self.environment,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            # check exits 1 when something is unhealthy or firing; 2 and up is its own failure.
            if result.returncode > 1:
                self.record(errors=f"{command[1]} exit {result.returncode}: {result.stderr.strip()[:200]}")
            self.record(**{key: (time.monotonic() - started) * 1000})

    def sample(self):
        with self.lock:
            interval, self.interval = self.interval, Interval()
        rss_kib = self.rss_kib()
        descriptors = len(os.listdir(f"/proc/{self.serve.pid}/fd"))
        size = lambda path: os.path.getsize(path) if os.path.exists(path) else 0
        latencies = sorted(interval.latencies)
        percentile = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0
        return interval, {
            "rss_mib": round(rss_kib / 1024, 1),
            "fds": descriptors,
            "db_mib": round(size(self.db) / 2**20, 1),
            "wal_mib": round(size(self.db + "-wal") / 2**20, 1),
            "requests_ok": interval.ok,
            "requests_failed": interval.failed,
            "p50_ms": round(percentile(0.50), 1),
            "p99_ms": round(percentile(0.99), 1),
            "check_max_ms": round(max(interval.checks, default=0), 1),
            "traces_max_ms": round(max(interval.queries, default=0), 1),
        }

    def run(self):
        self.start_serve()
        self.churn(2000)
        before = self.rss_kib()
        self.churn(20000)
        self.churned = (before, self.rss_kib())
        print(f"connection churn: RSS {before / 1024:.1f} MiB before 20,000 connections, {self.churned[1] / 1024:.1f} MiB after",
              flush=True)
        threads = 2
        workers = [threading.Thread(target=self.load, args=(index, threads), daemon=True) for index in range(threads)]
        workers.append(threading.Thread(target=self.every, args=(5, ["telemetry", "check", "-q"], "checks"), daemon=True))
        workers.append(threading.Thread(target=self.every, args=(10, ["telemetry", "traces", "--since", "1h", "--limit", "20", "--json"],
                                                                 "queries"), daemon=True))
        for worker in workers:
            worker.start()
        rows, errors = [], []
        began = time.monotonic()
        end = began + self.args.hours * 3600
        csv_path = os.path.join(self.args.out, "soak.csv")
        fields = ["minute", "rss_mib", "fds", "db_mib", "wal_mib", "requests_ok", "requests_failed", "spans_per_s",
                  "p50_ms", "p99_ms", "check_max_ms", "traces_max_ms"]
        with open(csv_path, "w", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=fields)
            writer.writeheader()
            last = began
            while time.monotonic() < end:
                time.sleep(min(self.args.sample, max(0.0, end - time.monotonic())))
                if self.serve.poll() is not None:
                    errors.append(f"serve exited with status {self.serve.returncode}")
                    break
                interval, row = self.sample()
                now = time.monotonic()
                row["minute"] = round((now - began) / 60, 2)
                row["spans_per_s"] = round(interval.spans / (now - last))
                last = now
                rows.append(row)
                errors.extend(interval.errors)
                writer.writerow(row)
                file.flush()
                print("  ".join(f"{key}={row[key]}" for key in fields), flush=True)
        self.stop.set()
        if self.serve.poll() is None:
            self.serve.send_signal(signal.SIGTERM)
            if self.serve.wait(timeout=60) != 0:
                errors.append(f"serve exited with status {self.serve.returncode} on SIGTERM")
        return rows, errors


def verdict(rows, errors):
    """Problems found: growth between the second and the last quarter, failures."""
    problems = []
    if len(rows) < 8:
        return [f"only {len(rows)} samples: run longer"]
    quarter = len(rows) // 4
    second, last = rows[quarter:2 * quarter], rows[-quarter:]
    rss_before, rss_after = max(row["rss_mib"] for row in second), max(row["rss_mib"] for row in last)
    if rss_after > rss_before * 1.10 + 8:
        problems.append(f"RSS grew from {rss_before} MiB to {rss_after} MiB")
    fds_before, fds_after = max(row["fds"] for row in second), max(row["fds"] for row in last)
    if fds_after > fds_before + 8:
        problems.append(f"open descriptors grew from {fds_before} to {fds_after}")
    failed = sum(row["requests_failed"] for row in rows)
    if failed:
        problems.append(f"{failed} requests failed")
    problems.extend(sorted(set(errors))[:10])
    return problems


def plot(rows, path, title):
    """Four stacked line charts as one SVG."""
    panels = [("rss_mib", "serve RSS (MiB)", "#1f77b4"), ("fds", "open descriptors", "#2ca02c"),
              ("db_mib", "database + WAL (MiB)", "#9467bd"), ("p99_ms", "request p99 (ms)", "#d62728")]
    width, height, left, top, gap = 760, 150, 70, 40, 40
    minutes = [row["minute"] for row in rows]
    x_max = max(minutes) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 30}" height="{top + len(panels) * (height + gap)}" '
             f'font-family="sans-serif" font-size="11">',
             f'<rect width="100%" height="100%" fill="white"/><text x="{left}" y="20" font-size="14">{title}</text>']
    for index, (key, label, color) in enumerate(panels):
        values = [row[key] + (row["wal_mib"] if key == "db_mib" else 0) for row in rows]
        y_top = top + index * (height + gap)
        y_max = max(values) * 1.15 or 1
        points = " ".join(f"{left + (width - left) * m / x_max:.1f},{y_top + height - height * v / y_max:.1f}"
                          for m, v in zip(minutes, values))
        parts += [f'<text x="{left}" y="{y_top - 6}">{label}</text>',
                  f'<rect x="{left}" y="{y_top}" width="{width - left}" height="{height}" fill="none" stroke="#bbb"/>',
                  f'<text x="{left - 6}" y="{y_top + 10}" text-anchor="end">{y_max:.0f}</text>',
                  f'<text x="{left - 6}" y="{y_top + height}" text-anchor="end">0</text>',
                  f'<text x="{width}" y="{y_top + height + 14}" text-anchor="end">{x_max:.0f} min</text>',
                  f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="1.5"/>']
    parts.append("</svg>")
    with open(path, "w") as file:
        file.write("\n".join(parts) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("hours", type=float)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build-dynamic", "release", "blackhole"))
    parser.add_argument("--out", default=os.path.join(ROOT, ".build", time.strftime("soak-%Y%m%d-%H%M")))
    parser.add_argument("--rate", type=float, default=500, help="spans per second sent (default 500)")
    parser.add_argument("--sample", type=float, help="seconds between samples (default: the run / 240, at least 5)")
    args = parser.parse_args()
    if args.hours <= 0:
        sys.exit("HOURS: must be more than 0")
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"no binary at {args.binary}")
    args.sample = args.sample or max(5.0, args.hours * 3600 / 240)
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="blackhole-soak-") as work:
        soak = Soak(args, work)
        rows, errors = soak.run()
    problems = verdict(rows, errors)
    before, after = soak.churned
    if after - before > 8 * 1024:
        problems.append(f"RSS grew by {(after - before) / 1024:.1f} MiB over 20,000 connections")
    title = (f"blackhole serve, {args.hours:g} h at {args.rate:g} spans/s + check every 5s + traces every 10s "
             f"({time.strftime('%Y-%m-%d')})")
    plot(rows, os.path.join(args.out, "soak.svg"), title)
    if rows:
        steady = rows[len(rows) // 4:]
        print(f"\nRSS {min(r['rss_mib'] for r in steady)}-{max(r['rss_mib'] for r in steady)} MiB, "
              f"descriptors {min(r['fds'] for r in steady)}-{max(r['fds'] for r in steady)}, "
              f"database+WAL up to {max(r['db_mib'] + r['wal_mib'] for r in rows):.1f} MiB, "
              f"p99 median {statistics.median(r['p99_ms'] for r in steady)} ms (worst {max(r['p99_ms'] for r in rows)}), "
              f"{sum(r['requests_ok'] for r in rows)} requests ok, {sum(r['requests_failed'] for r in rows)} failed, "
              f"slowest check {max(r['check_max_ms'] for r in rows)} ms, slowest traces query {max(r['traces_max_ms'] for r in rows)} ms")
    print(f"written: {args.out}/soak.csv, {args.out}/soak.svg")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
