#!/usr/bin/env python3
"""Writes a realistic OTLP trace file for benchmarks and tests, reproducibly (seeded).

Traces of a Blackhole node: an API request enters `gateway`, fans out to identity, storage,
ledger and p2p services, with HTTP/RPC attributes, a few errors, events and slow outliers;
start times over the last 50 minutes, roughly in order.

  generate_spans.py --spans 1000000 --format json  spans.jsonl
  generate_spans.py --spans 1000000 --format proto spans.pb   (length-delimited, like the Collector's file exporter)
  generate_spans.py ... --rows rows.tsv   also writes the parsed rows for the baseline insert
"""
import argparse, json, random, struct, time

SERVICES = ["gateway", "identity", "storage", "ledger", "p2p", "social"]
OPERATIONS = {
    "gateway": ["GET /api/v1/files", "POST /api/v1/files", "GET /api/v1/profile", "POST /api/v1/transfer"],
    "identity": ["identity.verify_token", "identity.lookup_did", "db.query"],
    "storage": ["storage.put_chunk", "storage.get_chunk", "storage.replicate", "db.query"],
    "ledger": ["ledger.submit_tx", "ledger.get_balance", "db.query"],
    "p2p": ["p2p.discovery.mdns", "p2p.dial", "p2p.ping", "p2p.gossip.publish"],
    "social": ["social.feed", "social.post", "db.query"],
}


def make_trace(rng, start_ns, size):
    trace_id = rng.getrandbits(128).to_bytes(16, "big")
    spans = []
    root_id = rng.getrandbits(64).to_bytes(8, "big")
    duration = int(rng.lognormvariate(17.8, 0.9))  # ~55 ms median, long tail into seconds
    if rng.random() < 0.002:
        duration = int(rng.uniform(5.5e9, 12e9))  # slow outliers for the detectors
    spans.append(dict(trace=trace_id, span=root_id, parent=b"", service="gateway",
                      name=rng.choice(OPERATIONS["gateway"]), kind=2, start=start_ns, end=start_ns + duration, error=False))
    errors = rng.random() < 0.01
    for index in range(size - 1):
        parent = rng.choice(spans)
        service = rng.choice(SERVICES[1:])
        offset = int((parent["end"] - parent["start"]) * rng.uniform(0, 0.6))
        child_start = parent["start"] + offset
        child_end = child_start + int((parent["end"] - child_start) * rng.uniform(0.1, 0.9))
        spans.append(dict(trace=trace_id, span=rng.getrandbits(64).to_bytes(8, "big"), parent=parent["span"], service=service,
                          name=rng.choice(OPERATIONS[service]), kind=rng.choice([1, 3]), start=child_start, end=child_end,
                          error=errors and index < 3))
    return spans


def attributes(rng, span):
    attrs = {"rpc.system": "grpc" if span["kind"] == 3 else "internal", "node.id": "node-7", "thread.id": rng.randrange(1, 64)}
    if span["service"] == "gateway":
        attrs.update({"http.method": span["name"].split()[0], "http.route": span["name"].split()[1],
                      "http.status_code": 500 if span["error"] else 200, "user_agent.original": "blackhole-cli/1.4"})
    if span["name"] == "db.query":
        attrs.update({"db.system": "sqlite", "db.statement": "SELECT * FROM chunks WHERE cid = ?"})
    if span["service"] == "p2p":
        attrs.update({"peer.id": "12D3KooW" + "%032x" % rng.getrandbits(128)})
    return attrs


def spans(count, seed, now):
    rng = random.Random(seed)
    window = 50 * 60 * 10**9
    made = 0
    while made < count:
        size = min(count - made, rng.randint(4, 16))
        # Roughly in time order, as a collector writes them: a trace starts up to 2 s out of order.
        start = now - window + window * made // count + rng.randrange(2 * 10**9)
        trace = make_trace(rng, start, size)
        for span in trace:
            span["attributes"] = attributes(rng, span)
            span["event"] = "exception" if span["error"] else ("retry" if rng.random() < 0.05 else None)
        made += size
        yield trace


def json_value(value):
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    return {"stringValue": value}


def json_batches(traces):
    by_service = {}
    for trace in traces:
        for span in trace:
            out = {"traceId": span["trace"].hex(), "spanId": span["span"].hex(), "parentSpanId": span["parent"].hex(),
                   "name": span["name"], "kind": span["kind"], "startTimeUnixNano": str(span["start"]),
                   "endTimeUnixNano": str(span["end"]),
                   "attributes": [{"key": k, "value": json_value(v)} for k, v in span["attributes"].items()],
                   "status": {"code": 2, "message": "upstream failed"} if span["error"] else {}}
            if span["event"]:
                out["events"] = [{"timeUnixNano": str(span["start"] + 1000), "name": span["event"],
                                  "attributes": [{"key": "attempt", "value": {"intValue": "1"}}]}]
            by_service.setdefault(span["service"], []).append(out)
    return {"resourceSpans": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": service}},
        {"key": "service.version", "value": {"stringValue": "1.4.2"}},
        {"key": "host.name", "value": {"stringValue": "node-7"}}]},
        "scopeSpans": [{"scope": {"name": "blackhole-instrumentation", "version": "0.9.0"}, "spans": items}]}
        for service, items in by_service.items()]}


def proto_batch(traces):
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
    from opentelemetry.proto.common.v1 import common_pb2
    from opentelemetry.proto.trace.v1 import trace_pb2
    doc = json_batches(traces)
    request = trace_service_pb2.ExportTraceServiceRequest()
    for rs in doc["resourceSpans"]:
        out = request.resource_spans.add()
        for kv in rs["resource"]["attributes"]:
            out.resource.attributes.add(key=kv["key"], value=common_pb2.AnyValue(string_value=kv["value"]["stringValue"]))
        scope = out.scope_spans.add()
        scope.scope.name = "blackhole-instrumentation"
        scope.scope.version = "0.9.0"
        for s in rs["scopeSpans"][0]["spans"]:
            span = scope.spans.add(trace_id=bytes.fromhex(s["traceId"]), span_id=bytes.fromhex(s["spanId"]),
                                   parent_span_id=bytes.fromhex(s["parentSpanId"]), name=s["name"], kind=s["kind"],
                                   start_time_unix_nano=int(s["startTimeUnixNano"]), end_time_unix_nano=int(s["endTimeUnixNano"]))
            for kv in s["attributes"]:
                v = kv["value"]
                value = common_pb2.AnyValue(string_value=v["stringValue"]) if "stringValue" in v else \
                    common_pb2.AnyValue(bool_value=v["boolValue"]) if "boolValue" in v else common_pb2.AnyValue(int_value=int(v["intValue"]))
                span.attributes.add(key=kv["key"], value=value)
            if s["status"]:
                span.status.code = 2
                span.status.message = s["status"]["message"]
            for e in s.get("events", []):
                span.events.add(time_unix_nano=int(e["timeUnixNano"]), name=e["name"]).attributes.add(
                    key="attempt", value=common_pb2.AnyValue(int_value=1))
    return request.SerializeToString()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--per-message", type=int, default=50, help="traces per line or message")
    parser.add_argument("--format", choices=["json", "proto"], default="json")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rows", help="also write the parsed rows (TSV) for the baseline")
    parser.add_argument("--now", type=int, default=None,
                        help="nanoseconds since the epoch the spans end near (default: now); the same value makes the same spans")
    parser.add_argument("output")
    args = parser.parse_args()
    rows = open(args.rows, "w") if args.rows else None
    with open(args.output, "wb") as out:
        pending = []
        def flush():
            if not pending:
                return
            if args.format == "json":
                out.write(json.dumps(json_batches(pending), separators=(",", ":")).encode() + b"\n")
            else:
                data = proto_batch(pending)
                out.write(struct.pack(">I", len(data)) + data)
            pending.clear()
        for trace in spans(args.spans, args.seed, args.now if args.now is not None else time.time_ns()):
            pending.append(trace)
            if rows:
                for s in trace:
                    rows.write("\t".join([s["trace"].hex(), s["span"].hex(), s["parent"].hex(), s["service"], s["name"],
                                          str(s["kind"]), str(s["start"]), str(s["end"]), "2" if s["error"] else "0",
                                          json.dumps(s["attributes"], separators=(",", ":"))]) + "\n")
            if len(pending) >= args.per_message:
                flush()
        flush()
    if rows:
        rows.close()


if __name__ == "__main__":
    main()
