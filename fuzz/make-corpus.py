#!/usr/bin/env python3
"""Writes the fuzz targets' starting corpus under fuzz/corpus/<target>/: small valid (and a few
nearly valid) inputs of each parser, from the README, the starter config, the tests and
opentelemetry-proto and dnslib (the tests' virtual environment has both).

  .build/test-venv/bin/python fuzz/make-corpus.py
"""

import hashlib
import json
import pathlib
import re
import struct

from dnslib import AAAA, A, DNSRecord, DNSHeader, PTR, QTYPE, RR, SRV, TXT, EDNS0
from google.protobuf import json_format
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
T0 = 1_700_000_000_000_000_000


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def value(v):
    if isinstance(v, bool):
        return AnyValue(bool_value=v)
    if isinstance(v, int):
        return AnyValue(int_value=v)
    if isinstance(v, float):
        return AnyValue(double_value=v)
    if isinstance(v, bytes):
        return AnyValue(bytes_value=v)
    if isinstance(v, dict):
        out = AnyValue()
        out.kvlist_value.values.extend(attrs(v))
        return out
    if isinstance(v, list):
        out = AnyValue()
        out.array_value.values.extend(value(x) for x in v)
        return out
    return AnyValue(string_value=v)


def attrs(mapping):
    return [KeyValue(key=k, value=value(v)) for k, v in mapping.items()]


def trace_requests():
    """ExportTraceServiceRequests: a plain one, one with every attribute type, events and links,
    several resources, and spans the decoders must reject."""
    def span(i, parent=b"", **fields):
        s = trace_pb2.Span(trace_id=bytes([1] * 15 + [i % 256 or 1]), span_id=bytes([2] * 7 + [i % 256 or 1]),
                           parent_span_id=parent, name=fields.pop("name", f"op-{i}"), kind=fields.pop("kind", 2),
                           start_time_unix_nano=T0 + i * 1000, end_time_unix_nano=T0 + i * 1000 + 500_000)
        for key, v in fields.items():
            setattr(s, key, v) if not isinstance(v, list) else getattr(s, key).extend(v)
        return s

    def request(resources):
        r = ExportTraceServiceRequest()
        for service, spans in resources:
            rs = r.resource_spans.add()
            rs.resource.attributes.extend(attrs({"service.name": service}))
            ss = rs.scope_spans.add()
            ss.scope.name, ss.scope.version = "fuzz", "1.0"
            ss.spans.extend(spans)
        return r

    yield request([("identity", [span(1)])])
    root = span(1, name="GET /peers", kind=2)
    child = span(2, parent=root.span_id, name="p2p.discover", kind=3,
                 attributes=attrs({"s": "text", "b": True, "i": -42, "d": 1.5, "raw": b"\x00\xff", "list": [1, "a"],
                                   "map": {"k": "v", "n": {"deep": 1}}}))
    child.events.add(time_unix_nano=T0 + 5000, name="retry", attributes=attrs({"attempt": 2}))
    child.links.add(trace_id=bytes(range(1, 17)), span_id=bytes(range(1, 9)), trace_state="a=b", attributes=attrs({"l": 1}))
    child.status.code, child.status.message = 2, "timeout"
    yield request([("api", [root, child])])
    yield request([("a", [span(i) for i in range(1, 6)]), ("b", [span(i, parent=bytes(8)) for i in range(6, 9)])])
    yield request([("bad", [span(1, trace_id=b"short"), span(2, span_id=bytes(8)), span(3, start_time_unix_nano=0),
                            span(4, end_time_unix_nano=1), span(5, parent_span_id=b"\x01\x02")])])


def metric_requests():
    """ExportMetricsServiceRequests: every kind of data point, and points the decoder refuses."""
    def request(metrics, service="node"):
        r = ExportMetricsServiceRequest()
        rm = r.resource_metrics.add()
        rm.resource.attributes.extend(attrs({"service.name": service}))
        sm = rm.scope_metrics.add()
        sm.scope.name = "fuzz"
        sm.metrics.extend(metrics)
        return r

    gauge = metrics_pb2.Metric(name="queue.depth")
    gauge.gauge.data_points.add(time_unix_nano=T0, as_double=3.5, attributes=attrs({"queue": "in"}))
    gauge.gauge.data_points.add(as_int=7)
    total = metrics_pb2.Metric(name="requests.total")
    total.sum.aggregation_temporality, total.sum.is_monotonic = 2, True
    total.sum.data_points.add(time_unix_nano=T0, as_int=1234, attributes=attrs({"service": "override"}))
    histogram = metrics_pb2.Metric(name="latency")
    histogram.histogram.data_points.add(time_unix_nano=T0, count=6, sum=0.9, bucket_counts=[1, 2, 3],
                                        explicit_bounds=[0.1, 0.5])
    histogram.histogram.data_points.add(time_unix_nano=T0, count=1, bucket_counts=[1], explicit_bounds=[0.1])
    exponential = metrics_pb2.Metric(name="size")
    exponential.exponential_histogram.data_points.add(time_unix_nano=T0, count=4, sum=10, scale=1)
    summary = metrics_pb2.Metric(name="rpc")
    point = summary.summary.data_points.add(time_unix_nano=T0, count=10, sum=5)
    point.quantile_values.add(quantile=0.5, value=0.4)
    point.quantile_values.add(quantile=0.99, value=1.2)
    flagged = metrics_pb2.Metric(name="stale")
    flagged.gauge.data_points.add(time_unix_nano=T0, as_double=1, flags=1)
    nameless = metrics_pb2.Metric()
    nameless.gauge.data_points.add(as_double=1)
    nonfinite = metrics_pb2.Metric(name="nan")
    nonfinite.gauge.data_points.add(as_double=float("nan"))
    empty = metrics_pb2.Metric(name="empty")

    yield request([gauge])
    yield request([total, histogram])
    yield request([exponential, summary])
    yield request([flagged, nameless, nonfinite, empty], service="")


def otlp_json(message):
    """OTLP/JSON: proto3's JSON mapping with ids in hex and enums as integers."""
    document = json_format.MessageToDict(message, use_integers_for_enums=True)

    def hexify(node):
        if isinstance(node, dict):
            for key, v in list(node.items()):
                if key in ("traceId", "spanId", "parentSpanId") and isinstance(v, str):
                    import base64
                    node[key] = base64.b64decode(v).hex()
                else:
                    hexify(v)
        elif isinstance(node, list):
            for v in node:
                hexify(v)
    hexify(document)
    return json.dumps(document, separators=(",", ":"))


def otlp():
    traces, metrics = list(trace_requests()), list(metric_requests())
    for message in traces + metrics:
        write("FuzzOTLPProtobuf", message.SerializeToString())
        write("FuzzOTLPJSON", otlp_json(message))
    # What exporters send besides the specification's shape: numbers for 64-bit fields, enum
    # names, escapes, null, non-finite doubles as strings, base64 ids (refused by name).
    write("FuzzOTLPJSON", '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"w\\u00e9b \\ud83d\\ude00"}}]},'
          '"scopeSpans":[{"scope":null,"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",'
          '"name":"x","kind":"SPAN_KIND_SERVER","startTimeUnixNano":1700000000000000000,"endTimeUnixNano":"1700000000000500000",'
          '"status":{"code":"STATUS_CODE_ERROR"},"attributes":[{"key":"d","value":{"doubleValue":"NaN"}},{"key":"n","value":null}]}]}]}]}')
    write("FuzzOTLPJSON", '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"AQIDBAUGBwgJCgsMDQ4PEA==","spanId":"0102030405060708",'
          '"startTimeUnixNano":"1"}]}]}]}')
    write("FuzzOTLPJSON", '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[{"asDouble":"Infinity"},'
          '{"asInt":"9007199254740993","timeUnixNano":"1700000000000000000"}]}}]}]}]}')
    write("FuzzOTLPJSON", '{}')


def multiaddrs():
    peer = "12D3KooWJ6tZddTsRGTeGBMAaNTcRstr3xhgJfnNjj4VnUDN8DtU"
    for text in [
        f"/ip4/127.0.0.1/tcp/35269/p2p/{peer}", "/ip4/127.0.0.1/tcp/1", "/ip4/198.51.100.7/udp/4001/quic-v1",
        "/ip4/0.0.0.0/tcp/4001", "/ip6/::1/tcp/4001", "/ip6/2001:db8::7/udp/4001/quic/webtransport",
        "/dns4/bootstrap.libp2p.io/tcp/443/wss", "/dns6/node.example/tcp/4001/tls/ws", "/dns/example.org/udp/53",
        f"/dnsaddr/bootstrap.libp2p.io/p2p/{peer}", "/ipfs/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
        "/p2p/bafzbeiaxzcfxnqbsjcv4dqrtqyvxhv4tyw7azlpkfpdqrbqgo3ezpenxti", "/ip4/1.2.3.4/tcp/99999", "/ip4/300.1.1.1/tcp/1",
        f"/p2p/{peer}/tcp/1", "/tcp/1", "ip4/1.2.3.4", "/ip4/1.2.3.4/sctp/1", "/",
    ]:
        write("FuzzMultiaddr", text)

    def frame(text):
        body = (text + "\n").encode()
        return bytes([len(body)]) + body
    write("FuzzMultiaddr", frame("/multistream/1.0.0") + frame("/noise"))
    write("FuzzMultiaddr", frame("/multistream/1.0.0") + frame("na"))
    write("FuzzMultiaddr", bytes([0x80, 0x01]) + b"x" * 127 + b"\n")
    write("FuzzMultiaddr", frame("/multistream/1.0.0")[:5])


def dns():
    def reply(qname, qtype, answers, **header):
        record = DNSRecord(DNSHeader(id=0x1234, qr=1, aa=1, ra=1, **header), q=None)
        record.add_question(__import__("dnslib").DNSQuestion(qname, qtype))
        for rr in answers:
            record.add_answer(rr)
        return record
    name = "_dnsaddr.bootstrap.libp2p.io"
    peer = "12D3KooWJ6tZddTsRGTeGBMAaNTcRstr3xhgJfnNjj4VnUDN8DtU"
    txt = reply(name, QTYPE.TXT, [RR(name, QTYPE.TXT, rdata=TXT(f"dnsaddr=/ip4/147.75.83.83/tcp/4001/p2p/{peer}"), ttl=60),
                                  RR(name, QTYPE.TXT, rdata=TXT(["a", "b" * 10]), ttl=60)])
    write("FuzzDNSMessage", txt.pack())
    edns = reply(name, QTYPE.TXT, [RR(name, QTYPE.TXT, rdata=TXT("dnsaddr=/dnsaddr/sv15.bootstrap.libp2p.io"), ttl=60)])
    edns.add_ar(EDNS0(udp_len=1232))
    write("FuzzDNSMessage", edns.pack())
    write("FuzzDNSMessage", reply(name, QTYPE.TXT, [], tc=1).pack())
    service = "_p2p._udp.local"
    instance = "abc123._p2p._udp.local"
    mdns = DNSRecord(DNSHeader(id=0, qr=1, aa=1))
    mdns.add_answer(RR(service, QTYPE.PTR, rdata=PTR(instance), ttl=120))
    mdns.add_ar(RR(instance, QTYPE.SRV, rdata=SRV(0, 0, 4001, "host.local"), ttl=120))
    mdns.add_ar(RR(instance, QTYPE.TXT, rdata=TXT(f"dnsaddr=/ip4/192.168.1.5/tcp/4001/p2p/{peer}"), ttl=120))
    mdns.add_ar(RR("host.local", QTYPE.A, rdata=A("192.168.1.5"), ttl=120))
    mdns.add_ar(RR("host.local", QTYPE.AAAA, rdata=AAAA("fe80::1"), ttl=120))
    write("FuzzDNSMessage", mdns.pack())
    write("FuzzDNSMessage", reply("example.org", QTYPE.A, [RR("example.org", QTYPE.A, rdata=A("192.0.2.1"))]).pack())
    query = DNSRecord.question(name, "TXT")
    query.header.id = 0x4242  # else random, and each run would add a file
    write("FuzzDNSMessage", query.pack())
    # A pointer to itself: a compression loop.
    loop = bytearray(struct.pack(">HHHHHH", 1, 0x8180, 0, 1, 0, 0)) + b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 60, 0)
    write("FuzzDNSMessage", bytes(loop))


def configs():
    texts = []
    for doc in [ROOT / "README.md", ROOT / "docs/integrations.md"]:
        texts += re.findall(r"```yaml\n(.*?)```", doc.read_text(), re.S)
    sources = [ROOT / "Sources/BlackholeCore/Config/StarterConfig.swift", *sorted((ROOT / "Tests").glob("*/*.swift"))]
    sections = ("storage:", "health:", "resources:", "p2p:", "serve:", "tracing:", "alerting:", "alert_rules:",
                "notification_channels:")
    for path in sources:
        for block in re.findall(r'"""\n(.*?)\n\s*"""', path.read_text(), re.S):
            lines = block.split("\n")
            indent = min((len(l) - len(l.lstrip(" ")) for l in lines if l.strip()), default=0)
            text = "\n".join(l[indent:] for l in lines) + "\n"
            if "\\(" not in text and (text.startswith(sections) or path.name in ("ConfigTests.swift", "StarterConfig.swift")):
                texts.append(text)
    for text in texts:
        write("FuzzConfig", text)
    write("FuzzConfig", "notification_channels:\n  - name: hook\n    type: webhook\n    config:\n      url: https://x.example/${TOKEN}\n"
                        "      headers: {Authorization: 'Bearer ${PASSWORD}'}\n")
    write("FuzzConfig", "alert_rules:\n  - id: disk\n    metric: system.disk.usage_percent\n    condition: forecast\n"
                        "    threshold: 95\n    window: 6h\n    horizon: 4h\nstorage:\n  retention: {metrics: 7d}\n")


def nagios():
    # Header byte: unit in the low two bits, rule count in the next two; a rule: condition in
    # the low two bits, critical in bit 2. The label follows.
    def case(label, value, unit=0, rules=()):
        data = bytes([unit | len(rules) << 2]) + struct.pack(">d", value)
        for condition, critical, threshold in rules:
            data += bytes([condition | critical << 2]) + struct.pack(">d", threshold)
        return data + label.encode()
    write("FuzzNagiosPlugin", case("cpu", 42.5, 1, [(0, 0, 80), (0, 1, 95)]))
    write("FuzzNagiosPlugin", case("load1", 0.75))
    write("FuzzNagiosPlugin", case("disk /var/lib", 91.2, 1, [(0, 1, 90), (1, 0, 3)]))
    write("FuzzNagiosPlugin", case("identity response", 12.3, 2, [(2, 1, 1)]))
    write("FuzzNagiosPlugin", case("it's", -1, 0, [(3, 0, 0.5)]))
    for line in ["/usr/lib/nagios/plugins/check_http -H 127.0.0.1 -p 8080", "check_disk -w '20%' -c \"10%\" -p /",
                 "prog 'unclosed", "  spaced\targs  "]:
        write("FuzzNagiosPlugin", line)


otlp()
multiaddrs()
dns()
configs()
nagios()
for folder in sorted(CORPUS.iterdir()):
    print(folder.name, len(list(folder.iterdir())), sum(f.stat().st_size for f in folder.iterdir()))
