"""A real OpenTelemetry Python SDK producer for the `telemetry serve` end-to-end tests.

    otel_export.py --protocol http|grpc --endpoint http(s)://127.0.0.1:PORT [--gzip] [--token T] [--timeout S] [--rounds N]
                   [--ca FILE [--client-cert FILE --client-key FILE]]

With a resource service.name "identity", makes one trace with the SDK's tracer and a few
metrics with its MeterProvider, and sends each through the SDK's own OTLP exporter, once:

  http  opentelemetry-exporter-otlp-proto-http: POST ENDPOINT/v1/traces, POST ENDPOINT/v1/metrics
        (protobuf bodies, Content-Type application/x-protobuf)
  grpc  opentelemetry-exporter-otlp-proto-grpc: TraceService/Export and MetricsService/Export on
        host:port of ENDPOINT, plaintext (insecure), or TLS with --ca

--gzip compresses the bodies (Content-Encoding: gzip / grpc-encoding: gzip); --token T sends
`authorization: Bearer T` (HTTP header or gRPC metadata). --rounds N records the metrics N times
over before the export: what the same service, still running, exports cumulatively after N rounds
of requests, so that a second export with more rounds makes its counters and histogram grow.
--ca FILE trusts that CA (PEM) for an https:// endpoint or gRPC over TLS; --client-cert and
--client-key present a client certificate (mutual TLS).

The trace: "handle_request" (SERVER) with children "db.query" (CLIENT, db.system=sqlite) and
"p2p.discover" (INTERNAL, status ERROR, event "timeout"). The metrics, cumulative:
  requests.total          counter, +3 with route=/api
  queue.depth             observable gauge, 7
  service.response_time   histogram (ms), buckets [5, 10, 25, 50, 100, 250, 500, 1000],
                          values 3, 7, 7, 30, 120, 2000

Spans are collected in memory and metrics read by an InMemoryMetricReader, then each signal is
exported exactly once by calling the OTLP exporter's export() and checking its result (the
batch processors and periodic reader would swallow a failure, and the periodic reader exports
again at shutdown). Exit 1, with the reason on stderr and nothing on stdout, if either export
failed (refused, timed out, or a non-2xx answer after the exporter's own retries). On success,
prints ONE JSON object on stdout: what was sent and what a server must store of it.
"""
import argparse
import json
import os
import sys
import time
from urllib.parse import urlparse

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, MetricExportResult
from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
from opentelemetry.metrics import Observation
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode

from otlp_json import span_as_sent

SERVICE = "identity"
BOUNDARIES = [5, 10, 25, 50, 100, 250, 500, 1000]
RESPONSE_TIMES = [3, 7, 7, 30, 120, 2000]

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--protocol", choices=["http", "grpc"], required=True)
parser.add_argument("--endpoint", required=True, help="http://127.0.0.1:PORT (base URL, no signal path)")
parser.add_argument("--gzip", action="store_true")
parser.add_argument("--token")
parser.add_argument("--timeout", type=float, default=10.0, help="seconds the exporter may take per export, retries included")
parser.add_argument("--rounds", type=int, default=1, help="times the metrics are recorded before the export")
parser.add_argument("--ca", help="CA certificate (PEM) the server's certificate is checked against: TLS")
parser.add_argument("--client-cert", help="client certificate (PEM) for mutual TLS")
parser.add_argument("--client-key", help="the client certificate's key (PEM)")
args = parser.parse_args()
if args.ca:
    # requests lets these override the CA a session is given (the exporter's certificate_file).
    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        os.environ.pop(variable, None)


def exporters():
    headers = {"authorization": f"Bearer {args.token}"} if args.token else None
    if args.protocol == "http":
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        base = args.endpoint.rstrip("/")
        compression = Compression.Gzip if args.gzip else Compression.NoCompression
        common = dict(headers=headers, timeout=args.timeout, compression=compression, certificate_file=args.ca,
                      client_certificate_file=args.client_cert, client_key_file=args.client_key)
        return (OTLPSpanExporter(endpoint=base + "/v1/traces", **common),
                OTLPMetricExporter(endpoint=base + "/v1/metrics", **common))
    import grpc
    from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    parsed = urlparse(args.endpoint if "://" in args.endpoint else "http://" + args.endpoint)
    target = parsed.netloc
    compression = grpc.Compression.Gzip if args.gzip else grpc.Compression.NoCompression
    common = dict(endpoint=target, insecure=args.ca is None, headers=headers, timeout=args.timeout, compression=compression)
    if args.ca:
        def read(path):
            with open(path, "rb") as file:
                return file.read()
        common["credentials"] = grpc.ssl_channel_credentials(
            read(args.ca), read(args.client_key) if args.client_key else None, read(args.client_cert) if args.client_cert else None)
    return OTLPSpanExporter(**common), OTLPMetricExporter(**common)


span_exporter, metric_exporter = exporters()
resource = Resource.create({"service.name": SERVICE})

# --- the trace ---------------------------------------------------------------------------------
memory = InMemorySpanExporter()
tracer_provider = TracerProvider(resource=resource)
tracer_provider.add_span_processor(SimpleSpanProcessor(memory))
tracer = tracer_provider.get_tracer("blackhole.identity", "1.0.0")

with tracer.start_as_current_span("handle_request", kind=SpanKind.SERVER,
                                  attributes={"http.method": "GET", "http.route": "/api"}):
    with tracer.start_as_current_span("db.query", kind=SpanKind.CLIENT,
                                      attributes={"db.system": "sqlite", "db.statement": "SELECT 1"}):
        time.sleep(0.002)
    with tracer.start_as_current_span("p2p.discover", kind=SpanKind.INTERNAL) as discover:
        discover.add_event("timeout", {"peers.found": 0})
        discover.set_status(Status(StatusCode.ERROR, "no peer answered"))
tracer_provider.force_flush()
spans = memory.get_finished_spans()

# --- the metrics -------------------------------------------------------------------------------
reader = InMemoryMetricReader()
meter_provider = MeterProvider(resource=resource, metric_readers=[reader], views=[
    View(instrument_name="service.response_time", aggregation=ExplicitBucketHistogramAggregation(boundaries=BOUNDARIES)),
])
meter = meter_provider.get_meter("blackhole.identity", "1.0.0")
requests = meter.create_counter("requests.total", unit="1", description="Requests handled")
meter.create_observable_gauge("queue.depth", callbacks=[lambda options: [Observation(7)]], unit="1",
                              description="Jobs waiting")
histogram = meter.create_histogram("service.response_time", unit="ms", description="Response time")
for _ in range(args.rounds):
    requests.add(3, {"route": "/api"})
    for value in RESPONSE_TIMES:
        histogram.record(value)
metrics_data = reader.get_metrics_data()

# --- export, once each, and check --------------------------------------------------------------
failures = []
span_result = span_exporter.export(spans)
if span_result != SpanExportResult.SUCCESS:
    failures.append(f"trace export: {span_result.name}")
metric_result = metric_exporter.export(metrics_data, timeout_millis=args.timeout * 1000)
if metric_result != MetricExportResult.SUCCESS:
    failures.append(f"metric export: {metric_result.name}")
span_exporter.shutdown()
metric_exporter.shutdown()
tracer_provider.shutdown()
meter_provider.shutdown()
if failures:
    print(f"otel_export.py: {args.protocol} {args.endpoint}: " + "; ".join(failures), file=sys.stderr)
    sys.exit(1)


# --- what was sent -----------------------------------------------------------------------------


trace_ids = {format(span.context.trace_id, "032x") for span in spans}
assert len(trace_ids) == 1 and len(spans) == 3, (trace_ids, spans)

buckets = {}
cumulative = 0
per_bucket = [args.rounds * sum(1 for v in RESPONSE_TIMES if (i == 0 or v > BOUNDARIES[i - 1]) and (i == len(BOUNDARIES) or v <= BOUNDARIES[i]))
              for i in range(len(BOUNDARIES) + 1)]
for bound, count in zip([str(b) for b in BOUNDARIES] + ["+Inf"], per_bucket):
    cumulative += count
    buckets[bound] = cumulative
# The same numbers as the SDK aggregated them (guards the table above against a mistake).
sent = {m.name: m for rm in metrics_data.resource_metrics for sm in rm.scope_metrics for m in sm.metrics}
point = sent["service.response_time"].data.data_points[0]
assert list(point.bucket_counts) == per_bucket and point.sum == args.rounds * sum(RESPONSE_TIMES), point
assert sent["requests.total"].data.data_points[0].value == 3 * args.rounds
assert sent["queue.depth"].data.data_points[0].value == 7

report = {
    "protocol": args.protocol,
    "endpoint": args.endpoint,
    "gzip": args.gzip,
    "service": SERVICE,
    "trace_id": trace_ids.pop(),
    "spans": [span_as_sent(span, SERVICE)
              for span in sorted(spans, key=lambda s: s.start_time)],  # root first
    # Labels: the data point's attributes plus `service` from the resource's service.name.
    "metrics": [
        {"name": "requests.total", "otlp_type": "sum", "monotonic": True, "temporality": "cumulative", "kind": "counter",
         "unit": "1", "labels": {"route": "/api", "service": SERVICE}, "value": 3 * args.rounds},
        {"name": "queue.depth", "otlp_type": "gauge", "kind": "gauge", "unit": "1", "labels": {"service": SERVICE},
         "value": 7},
        {"name": "service.response_time", "otlp_type": "histogram", "temporality": "cumulative", "kind": "histogram",
         "unit": "ms", "labels": {"service": SERVICE}, "boundaries": BOUNDARIES, "bucket_counts": per_bucket,
         "buckets": buckets, "count": args.rounds * len(RESPONSE_TIMES), "sum": args.rounds * sum(RESPONSE_TIMES),
         "min": min(RESPONSE_TIMES), "max": max(RESPONSE_TIMES)},
    ],
}
print(json.dumps(report, separators=(",", ":")))
