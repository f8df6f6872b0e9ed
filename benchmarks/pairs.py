#!/usr/bin/env python3
"""Two builds' `ingest` compared in interleaved pairs: is B faster than A, and by how much?

    benchmarks/pairs.py A B [--pairs 30] [--spans 200000] [--format json|proto] [--file PATH]

On a shared machine the same run took 5.0 s one minute and 8.9 s a few later: two single runs, or
even two medians taken minutes apart, cannot tell a 10% change from the neighbours. Here A and B
ingest the same file back to back, --pairs times, the first of each pair alternating; each pair
gives B's wall and user time as a fraction of A's, and the median of those fractions is the
answer, with how many pairs B won (a sign test: 20 or more of 30 is unlikely by chance, p < 0.05).

The file is generated (benchmarks/generate_spans.py) unless --file names one. Each run writes a
fresh database; the figures are the child's wall time and user CPU (wait4).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ingest(binary, path, db):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    started = time.perf_counter()
    process = subprocess.Popen([binary, "telemetry", "ingest", path, "--db", db, "-q"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit(f"{binary} ingest {path} failed: {err.decode()[-500:]}")
    return elapsed, usage.ru_utime


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", help="the build to compare with (before)")
    parser.add_argument("b", help="the build compared (after)")
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--spans", type=int, default=200_000)
    parser.add_argument("--format", choices=("json", "proto"), default="json")
    parser.add_argument("--file", help="ingest this file instead of a generated one")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="blackhole-pairs-")
    try:
        path = args.file
        if not path:
            path = os.path.join(work, "spans." + ("jsonl" if args.format == "json" else "pb"))
            subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "generate_spans.py"), "--spans", str(args.spans),
                            "--format", args.format, path], check=True)
        db = os.path.join(work, "pairs.db")
        runs = {"a": [], "b": []}
        for index in range(args.pairs):
            for side in ("ab" if index % 2 == 0 else "ba"):
                runs[side].append(ingest(getattr(args, side), path, db))
        wall = [b[0] / a[0] for a, b in zip(runs["a"], runs["b"])]
        user = [b[1] / a[1] for a, b in zip(runs["a"], runs["b"])]
        for side in ("a", "b"):
            print(f"{side.upper()} {getattr(args, side)}: median wall {statistics.median(r[0] for r in runs[side]):.3f} s, "
                  f"user {statistics.median(r[1] for r in runs[side]):.3f} s")
        print(f"B/A in {args.pairs} pairs: wall {statistics.median(wall):.3f}, user {statistics.median(user):.3f} (medians); "
              f"B faster in {sum(r < 1 for r in wall)} of {args.pairs}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
