#!/usr/bin/env python3
"""Load benchmark of `blackhole telemetry serve`: OTLP/HTTP protobuf trace exports under wrk.

    benchmarks/serve.py [--binary .build/release/blackhole] [--clients 8,32] [--duration 10]
                        [--threads 2] [--warmup 2] [--json] [--keep DIR]
                        [--no-baseline | --baseline-spans N]
    benchmarks/serve.py --endpoint http://127.0.0.1:PORT ...   (a server already running: no
                        start/stop, no RSS or CPU; /metrics is read if it answers)

Needs the release build (`swift build -c release --product blackhole`; this script builds
nothing), wrk (`apt-get install wrk`; benchmark-only, so not in scripts/install-deps) and
opentelemetry-proto (scripts/install-deps installs it with the SDK).

1. Makes --templates (64) distinct ExportTraceServiceRequest bodies with the span generator of
   benchmarks/generate_spans.py: each 8 traces of 64 spans (512 spans, 6-8 attributes each,
   gateway fanning out to identity/storage/ledger/p2p/social, errors, events), about 89 kB.
2. Starts `blackhole telemetry serve --listen 127.0.0.1:0 --grpc-listen 127.0.0.1:0 --json
   --db TMP/bench.db --config TMP/config.yaml` (a config with no services or rules) and reads
   its one startup line, {"http":"127.0.0.1:PORT","grpc":...}.
3. For each --clients value, after an unreported --warmup run: `wrk -tT -cC -dD --latency` POSTs
   to /v1/traces. Every request carries spans never sent before, so the server stores all of
   them (it keeps a span once per trace id and span id): wrk's Lua script rotates through the
   templates and overwrites the first 4 bytes of every trace id, span id and parent span id
   with a prefix unique to (run, wrk thread, round), at byte offsets found here; parent links
   stay intact. Cost in wrk: one table.concat of ~3,000 pieces a request (measured: about
   0.2 ms of user CPU a request, plus the kernel's for sending 89 kB). wrk drops the requests
   still in flight when a run ends: the server sees a few connections closed mid-request.
4. Reads /metrics (blackhole_serve_spans_accepted_total, summed over its series) before and
   after each run, the server's CPU time (/proc/PID/stat) and peak RSS (VmHWM).
5. Stops the server with SIGTERM, requires exit status 0, and counts the spans it stored.
6. Baseline (--baseline, the default; --no-baseline skips it), once serve has stopped: the same
   binary's `blackhole telemetry ingest`, no HTTP, on the same kind of data. Untimed, it writes
   one length-delimited protobuf file (each message preceded by its length as 4 bytes big-endian:
   what ingest detects as proto-delimited) of K request bodies: the templates in turn, patched at
   the same offsets as wrk's Lua script but with a prefix unique to each body, so that no span
   repeats. K: enough bodies for as many spans as the largest run accepted, at most 1,000,000
   spans and at least 100 bodies (--baseline-spans N: N spans, rounded up to whole bodies).
   Timed: `blackhole telemetry ingest FILE --db FRESH.db --json --config CONFIG` (CONFIG as
   serve's): spans/s over ingest's own duration_ms (file opened to last commit, like serve's
   steady-state rate, no process start), wall time, CPU and peak RSS (the child's, wait4).

Prints per run: clients, duration, requests/s, spans/s accepted (from the server's counter),
p50 and p99 latency (wrk's, from the start of sending a request to its full response),
non-2xx answers, socket errors, server CPU (cores) and peak RSS, and last the `ingest (no HTTP)`
row of the baseline (its CPU column: the ingest's CPU time over its wall time); --json prints one
JSON document instead (the baseline under "baseline"). On a 2-core machine wrk's threads share
the CPUs with the server: the server-CPU column shows how much it got.
"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
import generate_spans  # noqa: E402  (the same spans as the ingest benchmark)

PREFIX = 4  # bytes of each id that wrk overwrites

# Runs in wrk's LuaJIT. setup() and done() run in the main state, init() and request() in each
# thread's own state. Arguments after `--`: template dir, template count, run number, URL path.
LUA = r"""
threads = {}
local next_thread = 0

function setup(thread)
   thread:set("thread_number", next_thread)
   next_thread = next_thread + 1
   table.insert(threads, thread)
end

function init(args)
   local dir, count = args[1], tonumber(args[2])
   local path, headers = args[4], {["Content-Type"] = "application/x-protobuf"}
   run = tonumber(args[3])
   assert(run >= 0 and run < 16 and thread_number < 16, "run and thread numbers must fit in 4 bits each")
   templates = {}
   for i = 0, count - 1 do
      local file = assert(io.open(string.format("%s/%03d.pb", dir, i), "rb"))
      local body = file:read("*a")
      file:close()
      -- Fragments between the id prefixes: odd slots are body bytes, even slots the prefix.
      local pieces, position = {}, 1
      for line in io.lines(string.format("%s/%03d.offsets", dir, i)) do
         local offset = tonumber(line)  -- 0-based start of an id
         pieces[#pieces + 1] = body:sub(position, offset)
         pieces[#pieces + 1] = ""
         position = offset + 1 + PREFIX
      end
      pieces[#pieces + 1] = body:sub(position)
      -- The request head goes in front once: patching keeps the length, so one concat a request.
      local whole = wrk.format("POST", path, headers, body)
      pieces[1] = whole:sub(1, #whole - #body) .. pieces[1]
      templates[#templates + 1] = pieces
   end
   sent = 0
end

function request()
   local pieces = templates[sent % #templates + 1]
   local round = math.floor(sent / #templates)
   local prefix = string.char(run * 16 + thread_number, bit.band(bit.rshift(round, 16), 255),
                              bit.band(bit.rshift(round, 8), 255), bit.band(round, 255))
   for i = 2, #pieces - 1, 2 do
      pieces[i] = prefix
   end
   sent = sent + 1
   return table.concat(pieces)
end

function done(summary, latency, requests)
   local built = 0
   for _, thread in ipairs(threads) do
      built = built + thread:get("sent")
   end
   local e = summary.errors
   io.write(string.format('BENCH {"requests":%d,"duration_us":%d,"bytes_read":%d,"built":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
      summary.requests, summary.duration, summary.bytes, built, e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
""".replace("PREFIX", str(PREFIX))

CONFIG = """\
# benchmarks/serve.py: no services, rules or channels; every span kept.
storage:
  path: {db}
health:
  services: {{}}
tracing:
  sample_rate: 1.0
"""


# --- request bodies ----------------------------------------------------------------------------

def make_template(seed, traces, trace_size):
    """One ExportTraceServiceRequest of traces x trace_size spans, and the byte offsets of every
    trace id, span id and parent span id in it."""
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
    for attempt in range(10):
        rng = generate_spans.random.Random(f"{seed}/{attempt}")
        now = time.time_ns()
        batch = []
        for _ in range(traces):
            trace = generate_spans.make_trace(rng, now - rng.randrange(60 * 10**9), trace_size)
            for span in trace:
                span["attributes"] = generate_spans.attributes(rng, span)
                span["event"] = "exception" if span["error"] else ("retry" if rng.random() < 0.05 else None)
            batch.append(trace)
        body = generate_spans.proto_batch(batch)
        request = trace_service_pb2.ExportTraceServiceRequest.FromString(body)
        spans = [s for rs in request.resource_spans for ss in rs.scope_spans for s in ss.spans]
        # Ids stay distinct after their prefix is replaced: the tails must be, within a trace.
        tails = {(s.trace_id[PREFIX:], s.span_id[PREFIX:]) for s in spans}
        if len(tails) != len(spans) or len({s.trace_id[PREFIX:] for s in spans}) != traces:
            continue
        # Every occurrence of an id's bytes must be that id's field and no other bytes.
        expected = {}
        for s in spans:
            for value in (s.trace_id, s.span_id, s.parent_span_id):
                if value:
                    expected[value] = expected.get(value, 0) + 1
        offsets, ok = [], True
        for value, count in expected.items():
            found = [m.start() for m in re.finditer(re.escape(value), body)]
            if len(found) != count:
                ok = False
                break
            offsets += found
        offsets.sort()
        if ok and all(b - a >= PREFIX for a, b in zip(offsets, offsets[1:])):
            check_patch(body, offsets, request)
            return body, offsets
    raise RuntimeError("could not make a template with unambiguous ids")


def patch(body, offsets, prefix):
    """What the Lua request() does, for checking."""
    out = bytearray(body)
    for offset in offsets:
        out[offset:offset + PREFIX] = prefix
    return bytes(out)


def check_patch(body, offsets, original):
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
    prefix = b"\xf1\x00\x02\x03"
    patched = trace_service_pb2.ExportTraceServiceRequest.FromString(patch(body, offsets, prefix))
    before = [s for rs in original.resource_spans for ss in rs.scope_spans for s in ss.spans]
    after = [s for rs in patched.resource_spans for ss in rs.scope_spans for s in ss.spans]
    assert len(before) == len(after)
    for a, b in zip(before, after):
        assert b.trace_id == prefix + a.trace_id[PREFIX:] and b.span_id == prefix + a.span_id[PREFIX:]
        assert b.parent_span_id == (prefix + a.parent_span_id[PREFIX:] if a.parent_span_id else b"")
        assert (a.name, a.start_time_unix_nano, len(a.attributes)) == (b.name, b.start_time_unix_nano, len(b.attributes))


def write_templates(directory, count, traces, trace_size, seed):
    os.makedirs(directory, exist_ok=True)
    sizes = []
    for index in range(count):
        body, offsets = make_template(f"{seed}/{index}", traces, trace_size)
        with open(os.path.join(directory, f"{index:03d}.pb"), "wb") as f:
            f.write(body)
        with open(os.path.join(directory, f"{index:03d}.offsets"), "w") as f:
            f.write("".join(f"{o}\n" for o in offsets))
        sizes.append(len(body))
    return sizes


# --- the server --------------------------------------------------------------------------------

class Server:
    def __init__(self, binary, work):
        self.db = os.path.join(work, "bench.db")
        for suffix in ("", "-wal", "-shm"):  # a fresh database, also in a reused --keep directory
            if os.path.exists(self.db + suffix):
                os.remove(self.db + suffix)
        config = os.path.join(work, "config.yaml")
        with open(config, "w") as f:
            f.write(CONFIG.format(db=self.db))
        self.log_path = os.path.join(work, "serve.log")
        self.log = open(self.log_path, "wb")
        command = [binary, "telemetry", "serve", "--listen", "127.0.0.1:0", "--grpc-listen", "127.0.0.1:0", "--json",
                   "--db", self.db, "--config", config]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL)
        line = self._startup_line(30)
        try:
            self.addresses = json.loads(line)
            self.http = self.addresses["http"]
        except (ValueError, KeyError, TypeError):
            self.stop()
            sys.exit(f"serve's startup line is not {{\"http\":...,\"grpc\":...}}: {line!r}\n{self.log_tail()}")
        # Drain anything else it prints so that it never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in iter(lambda: self.process.stdout.read(65536), b"")],
                         daemon=True).start()

    def _startup_line(self, timeout):
        deadline = time.monotonic() + timeout
        data = b""
        while b"\n" not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.process.poll() is not None:
                status = self.process.poll()
                self.stop()
                sys.exit(f"serve printed no startup line in {timeout}s (exit status {status}): {data!r}\n{self.log_tail()}")
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:
                    continue
                data += chunk
        return data.split(b"\n", 1)[0].decode()

    def proc_status(self, field):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        return None

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def stop(self, timeout=60):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                self.log.close()
                return None  # did not stop on SIGTERM
        self.log.close()
        return self.process.returncode

    def log_tail(self, size=2000):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read()[-size:].decode(errors="replace")

    def stored_spans(self):
        try:
            connection = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
            try:
                return connection.execute("SELECT count(*) FROM spans").fetchone()[0]
            finally:
                connection.close()
        except sqlite3.Error as error:
            print(f"serve.py: cannot count stored spans: {error}", file=sys.stderr)
            return None


def spans_accepted(http):
    """blackhole_serve_spans_accepted_total from /metrics, summed over its label sets; None when
    /metrics does not answer or has no such counter."""
    try:
        with urllib.request.urlopen(f"http://{http}/metrics", timeout=10) as response:
            text = response.read().decode()
    except (OSError, ValueError):
        return None
    total, seen = 0.0, False
    for line in text.splitlines():
        match = re.match(r"blackhole_serve_spans_accepted_total(?:\{[^}]*\})?\s+(\S+)", line)
        if match:
            total += float(match.group(1))
            seen = True
    return int(total) if seen else None


# --- wrk ---------------------------------------------------------------------------------------

TIME_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_wrk_text(text):
    """The human output of `wrk --latency`, in seconds and counts (a fallback and a cross-check
    for the Lua done() line)."""
    result = {"non_2xx": 0, "socket_errors": 0}
    match = re.search(r"Requests/sec:\s+([\d.]+)", text)
    result["requests_per_s"] = float(match.group(1)) if match else None
    match = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)", text)
    if match:
        result["requests"] = int(match.group(1))
        result["duration_s"] = float(match.group(2)) * TIME_UNITS[match.group(3)]
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if match:
        result["non_2xx"] = int(match.group(1))
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if match:
        result["socket_errors"] = sum(int(g) for g in match.groups())
    distribution = text.split("Latency Distribution", 1)[1] if "Latency Distribution" in text else ""
    for percent in (50, 75, 90, 99):
        match = re.search(rf"^\s+{percent}(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", distribution, re.M)
        result[f"p{percent}_s"] = float(match.group(1)) * TIME_UNITS[match.group(2)] if match else None
    return result


def run_wrk(wrk, url, script, templates, template_count, run, threads, clients, duration, timeout):
    path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    command = [wrk, f"-t{min(threads, clients)}", f"-c{clients}", f"-d{duration}s", "--timeout", f"{timeout}s",
               "--latency", "-s", script, url, "--", templates, str(template_count), str(run), path]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}\n{completed.stdout}")
    text = completed.stdout
    parsed = parse_wrk_text(text)
    bench = None
    for line in text.splitlines():
        if line.startswith("BENCH "):
            bench = json.loads(line[len("BENCH "):])
    if bench:
        seconds = bench["duration_us"] / 1e6
        errors = bench["errors"]
        result = {"requests": bench["requests"], "duration_s": seconds,
                  "requests_per_s": bench["requests"] / seconds if seconds else 0.0,
                  "non_2xx": errors["status"],
                  "socket_errors": errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
                  "p50_s": bench["latency_us"]["p50"] / 1e6, "p90_s": bench["latency_us"]["p90"] / 1e6,
                  "p99_s": bench["latency_us"]["p99"] / 1e6, "max_s": bench["latency_us"]["max"] / 1e6,
                  "requests_built": bench["built"]}
    else:
        result = parsed
    result["wrk_text"] = parsed
    return result, text


# --- baseline: ingest, no HTTP --------------------------------------------------------------------

BASELINE_MAX_SPANS = 1_000_000
BASELINE_MIN_BODIES = 100


def template_pieces(directory, count):
    """Each template split at its id prefixes, as the Lua init() does: body bytes at even indexes,
    the 4-byte prefix slots (empty here) at odd ones."""
    templates = []
    for index in range(count):
        with open(os.path.join(directory, f"{index:03d}.pb"), "rb") as f:
            body = f.read()
        with open(os.path.join(directory, f"{index:03d}.offsets")) as f:
            offsets = [int(line) for line in f if line.strip()]
        pieces, position = [], 0
        for offset in offsets:
            pieces += [body[position:offset], b""]
            position = offset + PREFIX
        pieces.append(body[position:])
        templates.append(pieces)
    return templates


def baseline_prefix(index):
    """Unique to body `index`. First byte: run 0 and wrk thread 0 of the Lua scheme (wrk's runs
    count from 1), so the ids also differ from every id sent to serve; then the index."""
    assert index < 1 << 24
    return index.to_bytes(PREFIX, "big")


def write_delimited(path, templates, bodies):
    """`bodies` request bodies, the templates in turn, each patched with its own prefix and
    preceded by its length as 4 bytes big-endian. Returns the file's size."""
    size = 0
    with open(path, "wb") as f:
        for index in range(bodies):
            pieces = list(templates[index % len(templates)])
            prefix = baseline_prefix(index)
            pieces[1:-1:2] = [prefix] * (len(pieces) // 2)
            body = b"".join(pieces)
            f.write(len(body).to_bytes(4, "big"))
            f.write(body)
            size += 4 + len(body)
    return size


def run_baseline(binary, work, templates_dir, template_count, spans_per_request, target_spans, override):
    if override is not None:
        bodies = max(1, -(-override // spans_per_request))
    else:
        bodies = max(BASELINE_MIN_BODIES, -(-min(target_spans, BASELINE_MAX_SPANS) // spans_per_request))
    path = os.path.join(work, "ingest.pb")
    db = os.path.join(work, "ingest.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    config = os.path.join(work, "ingest-config.yaml")
    with open(config, "w") as f:
        f.write(CONFIG.format(db=db))
    started = time.perf_counter()
    file_bytes = write_delimited(path, template_pieces(templates_dir, template_count), bodies)
    written = time.perf_counter() - started

    command = [binary, "telemetry", "ingest", path, "--db", db, "--json", "--config", config]
    out_path, err_path = os.path.join(work, "ingest.out"), os.path.join(work, "ingest.log")
    with open(out_path, "wb") as out_file, open(err_path, "wb") as err_file:
        started = time.perf_counter()
        # Popen + wait4: this child's own rusage, not the maximum over all children (serve, wrk).
        process = subprocess.Popen(command, stdout=out_file, stderr=err_file, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    with open(out_path, "rb") as f:
        out = f.read()
    with open(err_path, "rb") as f:
        err = f.read()
    try:
        report = json.loads(out)
        accepted, duration = report["spans_accepted"], report["duration_ms"] / 1000
    except (ValueError, KeyError, TypeError):
        sys.exit(f"ingest printed no report (exit status {process.returncode}): {out[-500:]!r}\n"
                 f"{err.decode(errors='replace')[-2000:]}")
    db_bytes = sum(os.path.getsize(db + s) for s in ("", "-wal") if os.path.exists(db + s))
    return {
        "command": "blackhole telemetry ingest FILE --db FRESH.db --json --config CONFIG",
        "format": (report.get("files") or [{}])[0].get("format"),
        "bodies": bodies, "spans_per_body": spans_per_request, "spans_written": bodies * spans_per_request,
        "file_bytes": file_bytes, "file_written_s": round(written, 2),
        "exit_status": process.returncode,
        "spans_accepted": accepted, "spans_rejected": report.get("spans_rejected"),
        "spans_duplicate": report.get("spans_duplicate"), "problem_count": report.get("problem_count"),
        "duration_s": duration, "wall_s": wall,
        "spans_accepted_per_s": accepted / duration if duration else None,
        "spans_accepted_per_s_wall": accepted / wall if wall else None,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "cpu_cores": (usage.ru_utime + usage.ru_stime) / wall if wall else None,
        "peak_rss_bytes": usage.ru_maxrss * 1024,  # KiB on Linux
        "db_bytes": db_bytes,
        "stderr_tail": err.decode(errors="replace")[-2000:] if process.returncode != 0 else None,
    }


# --- report ------------------------------------------------------------------------------------

def fmt_time(seconds):
    if seconds is None:
        return "n/a"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f}us"
    if seconds < 1:
        return f"{seconds * 1e3:.1f}ms"
    return f"{seconds:.2f}s"


def fmt_bytes(size):
    return "n/a" if size is None else f"{size / 2**20:.1f} MiB"


def table(results, header, baseline=None):
    columns = ["clients", "duration", "requests/s", "spans/s accepted", "p50", "p99", "non-2xx", "sock err",
               "server CPU", "peak RSS"]
    rows = []
    for r in results:
        rows.append([str(r["clients"]), f"{r['duration_s']:.1f}s", f"{r['requests_per_s']:,.1f}",
                     "n/a" if r["spans_accepted_per_s"] is None else f"{r['spans_accepted_per_s']:,.0f}",
                     fmt_time(r["p50_s"]), fmt_time(r["p99_s"]), str(r["non_2xx"]), str(r["socket_errors"]),
                     "n/a" if r["server_cpu_cores"] is None else f"{r['server_cpu_cores']:.2f} cores",
                     fmt_bytes(r["server_peak_rss_bytes"])])
    if baseline:
        b = baseline
        rows.append(["ingest (no HTTP)", f"{b['duration_s']:.1f}s", "-",
                     "n/a" if b["spans_accepted_per_s"] is None else f"{b['spans_accepted_per_s']:,.0f}",
                     "-", "-", "-", "-", "n/a" if b["cpu_cores"] is None else f"{b['cpu_cores']:.2f} cores",
                     fmt_bytes(b["peak_rss_bytes"])])
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(columns)]
    lines = [header, "  ".join(c.rjust(w) for c, w in zip(columns, widths))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "blackhole"))
    parser.add_argument("--endpoint", help="benchmark a server already listening at this base URL instead")
    parser.add_argument("--clients", default="8,32", help="comma-separated wrk connection counts, one run each")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per run (-d)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of an unreported first run (0: none)")
    parser.add_argument("--timeout", type=int, default=10, help="wrk's per-request timeout, seconds")
    parser.add_argument("--templates", type=int, default=64, help="distinct request bodies wrk rotates through")
    parser.add_argument("--traces", type=int, default=8, help="traces per request")
    parser.add_argument("--trace-size", type=int, default=64, help="spans per trace")
    parser.add_argument("--seed", type=int, help="for the same spans in every invocation; default random, so that a second "
                        "invocation against the same --endpoint server sends new ids too")
    parser.add_argument("--wrk", default="wrk")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    parser.add_argument("--keep", help="keep the templates, config, database and logs in this directory")
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                        help="after the serve runs, time `blackhole telemetry ingest` of the same kind of spans from "
                        "a length-delimited protobuf file, no HTTP (default: on)")
    parser.add_argument("--baseline-spans", type=int, metavar="N",
                        help="spans in the baseline file (rounded up to whole request bodies); default: as many as "
                        f"the largest run accepted, at most {BASELINE_MAX_SPANS:,}, at least {BASELINE_MIN_BODIES} bodies")
    args = parser.parse_args()

    wrk = shutil.which(args.wrk)
    if not wrk:
        sys.exit("serve.py needs wrk: apt-get install wrk")
    if not args.endpoint and not os.access(args.binary, os.X_OK):
        sys.exit(f"no binary at {args.binary}: swift build -c release --product blackhole")
    if args.baseline and args.endpoint and not os.access(args.binary, os.X_OK):
        print(f"serve.py: no binary at {args.binary}: no ingest baseline", file=sys.stderr)
        args.baseline = False
    if args.baseline_spans is not None and args.baseline_spans < 1:
        sys.exit("--baseline-spans must be at least 1")
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    if len(clients) + (1 if args.warmup > 0 else 0) > 15 or args.threads > 16 or args.threads < 1:
        sys.exit("at most 15 runs (warm-up included) and 1-16 wrk threads: the id prefix has 4 bits for each")
    spans_per_request = args.traces * args.trace_size

    work = args.keep or tempfile.mkdtemp(prefix="blackhole-serve-bench-")
    os.makedirs(work, exist_ok=True)
    templates = os.path.join(work, "templates")
    started = time.perf_counter()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(8), "big")
    sizes = write_templates(templates, args.templates, args.traces, args.trace_size, seed)
    generated = time.perf_counter() - started
    script = os.path.join(work, "rotate.lua")
    with open(script, "w") as f:
        f.write(LUA)

    server = None
    exit_status = None
    results = []
    baseline = None
    stored = accepted_total = db_bytes = log_tail = None
    try:
        try:
            if args.endpoint:
                http = args.endpoint.split("://", 1)[-1].rstrip("/")
            else:
                server = Server(args.binary, work)
                http = server.http
            url = f"http://{http}/v1/traces"
            runs = ([("warmup", max(1, min(clients)), args.warmup)] if args.warmup > 0 else []) + \
                   [("run", c, args.duration) for c in clients]
            for number, (kind, connections, duration) in enumerate(runs, start=1):
                before = spans_accepted(http)
                cpu_before = server.cpu_seconds() if server else None
                measured, text = run_wrk(wrk, url, script, templates, args.templates, number, args.threads, connections,
                                         duration, args.timeout)
                time.sleep(0.5)  # requests still in flight when wrk stopped counting
                after = spans_accepted(http)
                if server and server.process.poll() is not None:
                    sys.exit(f"serve exited ({server.process.returncode}) during the run\n{server.log_tail()}")
                cpu = (server.cpu_seconds() - cpu_before) if server else None
                if kind == "warmup":
                    continue
                seconds = measured["duration_s"]
                accepted = after - before if before is not None and after is not None else None
                results.append({
                    "clients": connections, "threads": min(args.threads, connections), **{k: v for k, v in measured.items()},
                    "spans_per_request": spans_per_request,
                    # Spans of the requests wrk saw answered (any status). The server's counter may be
                    # a little higher: it also counts requests still in flight when wrk stopped.
                    "spans_in_answered_requests": measured["requests"] * spans_per_request,
                    "spans_accepted": accepted,
                    "spans_accepted_per_s": accepted / seconds if accepted is not None and seconds else None,
                    "server_cpu_cores": cpu / seconds if cpu is not None and seconds else None,
                    "server_peak_rss_bytes": server.proc_status("VmHWM") if server else None,
                    "server_rss_bytes": server.proc_status("VmRSS") if server else None,
                })
        finally:
            if server:
                accepted_total = spans_accepted(server.http) if server.process.poll() is None else None
                exit_status = server.stop()
                stored = server.stored_spans()
                db_bytes = sum(os.path.getsize(server.db + s) for s in ("", "-wal") if os.path.exists(server.db + s))
                log_tail = server.log_tail()
        if args.baseline:  # serve has stopped: the CPUs are the ingest's alone
            largest = max((r["spans_accepted"] if r["spans_accepted"] is not None else r["spans_in_answered_requests"]
                           for r in results), default=0)
            baseline = run_baseline(args.binary, work, templates, args.templates, spans_per_request, largest,
                                    args.baseline_spans)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    report = {
        "request": {"protocol": "http/protobuf", "path": "/v1/traces", "spans": spans_per_request,
                    "traces": args.traces, "bytes_mean": sum(sizes) // len(sizes), "templates": args.templates, "seed": seed,
                    "generated_s": round(generated, 2)},
        "wrk": {"threads": args.threads, "duration_s": args.duration, "warmup_s": args.warmup, "timeout_s": args.timeout},
        "runs": [{k: v for k, v in r.items() if k != "wrk_text"} for r in results],
        "server": None if not server else {
            "exit_status": exit_status, "spans_accepted_total": accepted_total, "stored_spans": stored,
            "db_bytes": db_bytes,
        },
        "baseline": baseline,
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        header = (f"blackhole telemetry serve, OTLP/HTTP protobuf POST /v1/traces, {spans_per_request} spans "
                  f"({args.traces} traces) and ~{report['request']['bytes_mean'] // 1000} kB per request, "
                  f"wrk -t{args.threads}, {args.duration:g}s per run, {os.cpu_count()} CPUs shared with wrk")
        print(table(results, header, baseline))
        if server:
            print(f"server: exit status {exit_status} on SIGTERM; spans accepted {accepted_total}, stored {stored} "
                  f"(warm-up included); database {fmt_bytes(db_bytes)}")
        if baseline:
            b = baseline
            print(f"ingest (no HTTP), after serve stopped: {b['bodies']} bodies of {b['spans_per_body']} spans in one "
                  f"{b['format']} file of {fmt_bytes(b['file_bytes'])} (written beforehand, untimed); exit status "
                  f"{b['exit_status']}; spans accepted {b['spans_accepted']}, duplicate {b['spans_duplicate']}, "
                  f"rejected {b['spans_rejected']}\n"
                  f"  spans/s over ingest's own duration_ms ({b['duration_s']:.2f}s); wall {b['wall_s']:.2f}s with "
                  f"process start ({b['spans_accepted_per_s_wall']:,.0f} spans/s); database {fmt_bytes(b['db_bytes'])}")
    failed = False
    if server and exit_status != 0:
        print(f"serve.py: serve exited with {exit_status} on SIGTERM (None: killed after 60 s)\n{log_tail}",
              file=sys.stderr)
        failed = True
    if baseline and (baseline["exit_status"] != 0 or baseline["spans_accepted"] != baseline["spans_written"]):
        print(f"serve.py: ingest exited with {baseline['exit_status']} and accepted {baseline['spans_accepted']} of "
              f"{baseline['spans_written']} spans\n{baseline['stderr_tail'] or ''}", file=sys.stderr)
        failed = True
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
