"""Spans made by the real OpenTelemetry Python SDK, for the round-trip tests.

    otel_spans.py DIR

Writes, from one set of finished SDK spans:
  DIR/spans.pb      the SDK's own OTLP protobuf encoding (an ExportTraceServiceRequest, as an
                    OTLP/HTTP exporter would post it)
  DIR/spans.json    the same request as OTLP/JSON per the specification: lowerCamelCase keys,
                    ids in hex, 64-bit integers as strings, enums as integers
  DIR/expected.json what `blackhole telemetry trace --json` must report of each span, taken
                    from the SDK's span objects (not from either encoding)
and prints the trace id.
"""
import base64
import json
import sys
import time

from google.protobuf.json_format import MessageToDict
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

from otlp_json import attributes, span_as_sent

out = sys.argv[1]
exporter = InMemorySpanExporter()
provider = TracerProvider(resource=Resource.create({
    "service.name": "storage", "service.version": "2.1.0", "host.name": "node-7", "node.slots": 12,
}))
provider.add_span_processor(SimpleSpanProcessor(exporter))
tracer = provider.get_tracer("blackhole.storage", "0.3.1", attributes={"scope.owner": "storage-team"})

with tracer.start_as_current_span("PUT /files", kind=SpanKind.SERVER, attributes={
    "http.method": "PUT", "http.status_code": 201, "http.retry": False, "file.ratio": 0.75,
    "file.tags": ["cold", "replicated"], "file.shards": [1, 2, 3], "file.weights": [0.5, 1.5], "file.flags": [True, False],
}) as root:
    root.add_event("received", {"bytes": 1048576, "peer": "node-3"})
    with tracer.start_as_current_span("store chunk", kind=SpanKind.INTERNAL) as chunk:
        time.sleep(0.002)
        chunk.add_event("fsync")
    linked = trace.SpanContext(trace_id=0x0af7651916cd43dd8448eb211c80319c, span_id=0xb7ad6b7169203331, is_remote=True,
                               trace_flags=trace.TraceFlags(1), trace_state=trace.TraceState([("vendor", "value")]))
    with tracer.start_as_current_span("replicate", kind=SpanKind.CLIENT, links=[Link(linked, {"link.reason": "replica"})]) as rep:
        rep.set_status(Status(StatusCode.ERROR, "peer node-9 refused"))
    with tracer.start_as_current_span("publish", kind=SpanKind.PRODUCER) as publish:
        publish.set_status(Status(StatusCode.OK))
    with tracer.start_as_current_span("ack", kind=SpanKind.CONSUMER):
        pass

spans = exporter.get_finished_spans()
request = encode_spans(spans)
with open(f"{out}/spans.pb", "wb") as f:
    f.write(request.SerializeToString())


def hex_ids(value, key=None):
    """The protobuf JSON mapping writes bytes as base64; OTLP/JSON wants ids in hex."""
    if isinstance(value, dict):
        return {k: hex_ids(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [hex_ids(v) for v in value]
    if key in ("traceId", "spanId", "parentSpanId"):
        return base64.b64decode(value).hex()
    return value


document = hex_ids(MessageToDict(request, use_integers_for_enums=True))
with open(f"{out}/spans.json", "w") as f:
    json.dump(document, f, indent=1)




# The SDK's encoder does not send a link's trace state; expect what it sent.
sent_trace_states = {(link.trace_id.hex(), link.span_id.hex()): link.trace_state
                     for resource_spans in request.resource_spans for scope_spans in resource_spans.scope_spans
                     for encoded in scope_spans.spans for link in encoded.links}
expected = []
for span in spans:
    expected.append({
        **span_as_sent(span, "storage"),
        "links": [{"trace_id": format(l.context.trace_id, "032x"), "span_id": format(l.context.span_id, "016x"),
                   "trace_state": sent_trace_states[(format(l.context.trace_id, "032x"), format(l.context.span_id, "016x"))],
                   "attributes": attributes(l.attributes)}
                  for l in span.links],
        "resource": attributes(span.resource.attributes),
        "scope": {"name": span.instrumentation_scope.name, "version": span.instrumentation_scope.version,
                  "attributes": attributes(span.instrumentation_scope.attributes)},
    })
with open(f"{out}/expected.json", "w") as f:
    json.dump(expected, f, indent=1)
print(format(spans[0].context.trace_id, "032x"))
