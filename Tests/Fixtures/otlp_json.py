"""Spans and attribute values as the fixtures report what they sent: ids in hex, attribute values
as OTLP/JSON writes them."""

from opentelemetry.trace import SpanKind, StatusCode

KINDS = {SpanKind.INTERNAL: "internal", SpanKind.SERVER: "server", SpanKind.CLIENT: "client",
         SpanKind.PRODUCER: "producer", SpanKind.CONSUMER: "consumer"}
STATUSES = {StatusCode.UNSET: "unset", StatusCode.OK: "ok", StatusCode.ERROR: "error"}


def any_value(value):
    """An AnyValue; 64-bit integers as strings."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    return {"arrayValue": {"values": [any_value(v) for v in value]}}


def attributes(mapping):
    return {k: any_value(v) for k, v in (mapping or {}).items()}


def span_as_sent(span, service):
    """The fields of an SDK span that `blackhole telemetry trace --json` reports the same way."""
    return {
        "span_id": format(span.context.span_id, "016x"),
        "parent_span_id": format(span.parent.span_id, "016x") if span.parent else None,
        "name": span.name,
        "service": service,
        "kind": KINDS[span.kind],
        "start_time_unix_nano": str(span.start_time),
        "end_time_unix_nano": str(span.end_time),
        "status": {"code": STATUSES[span.status.status_code], "message": span.status.description or ""},
        "attributes": attributes(span.attributes),
        "events": [{"name": e.name, "time_unix_nano": str(e.timestamp), "attributes": attributes(e.attributes)}
                   for e in span.events],
    }
