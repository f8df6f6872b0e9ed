#!/usr/bin/env python3
"""Trace ingestion and query benchmark, release build, with its baseline in the same run.

    benchmarks/traces.py [--spans 1000000] [--rounds 3] [--runs 10] [--keep DIR] [--binary LABEL=PATH ...]

1. Generates a realistic span file (benchmarks/generate_spans.py) as OTLP/JSON lines and as
   length-delimited OTLP/protobuf, and the same spans as parsed rows.
2. `blackhole telemetry ingest` of each file into a fresh database: wall time, spans/s, peak
   resident memory (the child's ru_maxrss), database bytes per span.
3. Baseline: the same rows, already parsed and in memory, inserted by Python's
   sqlite3.executemany (prepared statements) in 5,000-row transactions into a table with the same
   columns, indexes and pragmas as blackhole's `spans` (WAL, synchronous=NORMAL).
   Steps 2 and 3 run --rounds times, in turn; the median round's wall time is reported, with the
   slowest and fastest rounds' spans/s and the largest peak RSS.
4. Wall time, process start included, of `traces --since 1h --limit 20`,
   `traces --service storage --min-duration 1s`, `trace ID` and `analyze` on the JSON-fed
   database: median and max of --runs runs.

With --binary (repeatable), steps 2 and 4 run for each binary given, side by side in the same
run (e.g. before and after a change), instead of for the current release build.
"""
import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "blackhole")


def remove_database(db):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)


def ingest(binary, path, db, env):
    # Popen + wait4 gives the child's own rusage (peak RSS), not the sum of all children.
    started = time.perf_counter()
    process = subprocess.Popen([binary, "telemetry", "ingest", path, "--db", db, "--json", "-q"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit(f"ingest {path} failed: {err.decode()[-500:]}")
    report = json.loads(out)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(db + suffix):
            subprocess.run(["sqlite3", db, "PRAGMA wal_checkpoint(TRUNCATE);"], check=True, capture_output=True)
    return elapsed, usage.ru_maxrss / 1024, report


def baseline(rows_path, db):
    """In a process of its own (`--baseline ROWS DB`): a child started while this process held the
    parsed rows would report them as its peak RSS (Linux keeps ru_maxrss across exec)."""
    result = subprocess.run([sys.executable, os.path.abspath(__file__), "--baseline", rows_path, db],
                            check=True, capture_output=True, text=True)
    elapsed, count = result.stdout.split()
    return float(elapsed), int(count)


def baseline_insert(rows_path, db):
    rows = []
    with open(rows_path) as f:
        for line in f:
            t, s, p, service, name, kind, start, end, status, attributes = line.rstrip("\n").split("\t")
            rows.append((bytes.fromhex(t), bytes.fromhex(s), bytes.fromhex(p) if p else None, 1, service, name, int(kind),
                         int(start), int(end), int(status), "", attributes))
    remove_database(db)
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.executescript("""
        CREATE TABLE spans (trace_id BLOB NOT NULL, span_id BLOB NOT NULL, parent_span_id BLOB, origin_id INTEGER NOT NULL,
            service TEXT NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL, start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL,
            status_code INTEGER NOT NULL, status_message TEXT NOT NULL, attributes TEXT NOT NULL, events TEXT, links TEXT);
        CREATE UNIQUE INDEX spans_by_trace ON spans(trace_id, span_id);
        CREATE INDEX spans_by_start ON spans(start_ns);
        CREATE INDEX spans_by_service ON spans(service, start_ns);
        """)
    started = time.perf_counter()
    for offset in range(0, len(rows), 5000):
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany("INSERT OR IGNORE INTO spans (trace_id, span_id, parent_span_id, origin_id, service, name, kind, "
                               "start_ns, end_ns, status_code, status_message, attributes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                               rows[offset:offset + 5000])
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    print(elapsed, len(rows))


def query(command, env, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True)
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} failed: {result.stderr.decode()}")
    return statistics.median(times), max(times), result.stdout


def main():
    if sys.argv[1:2] == ["--baseline"]:
        return baseline_insert(*sys.argv[2:4])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10, help="runs of each query")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of ingestion, each binary and the baseline in turn")
    parser.add_argument("--keep", help="work in this folder and keep it")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--binary", action="append", default=[], metavar="LABEL=PATH",
                        help="measure this binary (repeatable) instead of the current release build")
    args = parser.parse_args()
    binaries = [tuple(item.split("=", 1)) for item in args.binary] or [("blackhole", BIN)]
    if not args.binary and not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "blackhole"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    work = args.keep or tempfile.mkdtemp(prefix="blackhole-traces-")
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, HOME=work, XDG_CONFIG_HOME=work + "/config", XDG_STATE_HOME=work + "/state")
    try:
        jsonl, proto, rows_path = (os.path.join(work, name) for name in ("spans.jsonl", "spans.pb", "rows.tsv"))
        generator = os.path.join(ROOT, "benchmarks", "generate_spans.py")
        print(f"generating {args.spans:,} spans ...", file=sys.stderr)
        subprocess.run([sys.executable, generator, "--spans", str(args.spans), "--format", "json", "--rows", rows_path, jsonl], check=True)
        subprocess.run([sys.executable, generator, "--spans", str(args.spans), "--format", "proto", proto], check=True)

        print(f"spans: {args.spans:,}   OTLP/JSON lines {os.path.getsize(jsonl) / 2**20:.0f} MiB, "
              f"OTLP/protobuf {os.path.getsize(proto) / 2**20:.0f} MiB")
        # Each round measures every binary and the baseline in turn; the figures are the median
        # round's, with the fastest and slowest beside them: on a shared machine identical runs
        # differ by a quarter, and a single run says as much about the neighbours as the code.
        measured = {}
        for round_ in range(args.rounds):
            print(f"round {round_ + 1} of {args.rounds} ...", file=sys.stderr)
            for name, binary in binaries:
                for label, path, db in (("ingest (OTLP/JSON lines)", jsonl, "json.db"), ("ingest (OTLP/protobuf)", proto, "proto.db")):
                    db = os.path.join(work, name + "-" + db)
                    remove_database(db)
                    elapsed, peak, report = ingest(binary, path, db, env)
                    stored = report["spans_accepted"]
                    assert stored == args.spans, f"{stored} of {args.spans} spans stored: {report}"
                    measured.setdefault(name + ": " + label, []).append((elapsed, stored, peak, os.path.getsize(db)))
            db = os.path.join(work, "baseline.db")
            elapsed, count = baseline(rows_path, db)
            measured.setdefault("baseline: executemany of parsed rows, same indexes", []).append(
                (elapsed, count, None, os.path.getsize(db)))

        print(f"\n{'ingestion, median of ' + str(args.rounds) + ' rounds':<58}{'wall':>8}{'spans/s':>11}{'slowest–fastest':>19}"
              f"{'peak RSS':>10}{'bytes/span':>12}")
        for label, runs in measured.items():
            runs.sort()
            elapsed, count, _, size = runs[len(runs) // 2]
            peaks = [peak for _, _, peak, _ in runs if peak is not None]
            peak = f"{max(peaks):>7.0f} MiB" if peaks else f"{'-':>10}"
            spread = f"{runs[-1][1] / runs[-1][0]:,.0f}–{runs[0][1] / runs[0][0]:,.0f}"
            print(f"{label:<58}{elapsed:>7.2f}s{count / elapsed:>11,.0f}{spread:>19}{peak}{size / count:>12.0f}")

        print(f"\n{'query (process start included), ' + str(args.runs) + ' runs':<58}{'median':>8}{'max':>9}")
        for name, binary in binaries:
            db = os.path.join(work, name + "-json.db")
            listed = json.loads(subprocess.run([binary, "telemetry", "traces", "--db", db, "--json", "--limit", "1"], env=env,
                                               capture_output=True, check=True).stdout)
            trace_id = listed["traces"][0]["trace_id"]
            for label, command in (
                    ("traces --since 1h --limit 20", ["traces", "--since", "1h", "--limit", "20"]),
                    ("traces --service storage --min-duration 1s", ["traces", "--service", "storage", "--min-duration", "1s"]),
                    ("trace ID", ["trace", trace_id]),
                    ("analyze (detectors + bottleneck summary)", ["analyze", "--since", "1h"])):
                median, worst, _ = query([binary, "telemetry"] + command + ["--db", db], env, args.runs)
                print(f"{name + ': ' + label:<58}{median * 1000:>6.0f}ms{worst * 1000:>7.0f}ms")
    finally:
        if not args.keep:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
