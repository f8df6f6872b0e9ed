import BlackholeCore
import Foundation
import Synchronization

/// serve's own load and health, as counters and histograms on `/metrics`.
final class ServeMetrics: Sendable {
    struct RequestKey: Hashable {
        var transport: String
        var endpoint: String
        var code: String
    }

    private struct Counts {
        var requests: [RequestKey: Int] = [:]
        /// Per endpoint: cumulative counts per bucket bound, then the count and sum of durations.
        var durations: [String: (buckets: [Int], count: Int, sum: Double)] = [:]
        var accepted: [OTLPSignal: Int] = [:]
        var rejected: [OTLPSignal: Int] = [:]
        var forwarded: [OTLPSignal: Int] = [:]
        var forwardDropped: [OTLPSignal: Int] = [:]
        var forwardFailed = 0
    }

    static let durationBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private static let endpoints: Set<String> = ["/", "/dashboard.css", "/dashboard.js", "/health", "/metrics", "/v1/traces", "/v1/metrics",
                                                 "/telemetry/stream"]

    /// The `endpoint` label of an HTTP path: a known endpoint, `/api`, or `other` (so that
    /// clients cannot grow the label set).
    static func endpoint(path: String) -> String {
        endpoints.contains(path) ? path : path.hasPrefix("/api/") ? "/api" : "other"
    }

    private let counts = Mutex(Counts())
    let started: Date

    init(started: Date) {
        self.started = started
    }

    func request(transport: String, endpoint: String, code: String, since started: ContinuousClock.Instant) {
        let seconds = (ContinuousClock.now - started).timeInterval
        counts.withLock { counts in
            counts.requests[RequestKey(transport: transport, endpoint: endpoint, code: code), default: 0] += 1
            var entry = counts.durations[endpoint] ?? (Array(repeating: 0, count: Self.durationBounds.count), 0, 0)
            for (index, bound) in Self.durationBounds.enumerated() where seconds <= bound { entry.buckets[index] += 1 }
            entry.count += 1
            entry.sum += seconds
            counts.durations[endpoint] = entry
        }
    }

    func received(_ signal: OTLPSignal, _ receipt: OTLPReceipt) {
        counts.withLock { counts in
            counts.accepted[signal, default: 0] += receipt.accepted
            counts.rejected[signal, default: 0] += receipt.rejected
        }
    }

    func forwarded(_ signal: OTLPSignal, items: Int) { counts.withLock { $0.forwarded[signal, default: 0] += items } }
    func forwardDropped(_ signal: OTLPSignal, items: Int) { counts.withLock { $0.forwardDropped[signal, default: 0] += items } }
    func forwardFailed() { counts.withLock { $0.forwardFailed += 1 } }

    /// Adds serve's own families; `queueDepth` and `forwardQueueDepth` are read at scrape time.
    func expose(into text: inout PrometheusText, now: Date, queueDepth: Int, forwardQueueDepth: Int?, webSocketClients: Int) {
        let counts = counts.withLock { $0 }
        text.add("blackhole_serve_uptime_seconds", kind: .gauge, help: "Seconds since serve started",
                 value: now.timeIntervalSince(started).rounded())
        for (key, value) in counts.requests.sorted(by: { ($0.key.transport, $0.key.endpoint, $0.key.code) < ($1.key.transport, $1.key.endpoint, $1.key.code) }) {
            text.add("blackhole_serve_requests_total", kind: .counter, help: "Requests answered, by transport, endpoint and status code",
                     labels: ["transport": key.transport, "endpoint": key.endpoint, "code": key.code], value: Double(value))
        }
        for (endpoint, entry) in counts.durations.sorted(by: { $0.key < $1.key }) {
            let name = "blackhole_serve_request_duration_seconds"
            let help = "Time from request to answer, by endpoint"
            for (index, bound) in Self.durationBounds.enumerated() {
                text.add(name, kind: .histogram, help: help, suffix: "_bucket", labels: ["endpoint": endpoint, "le": PrometheusText.format(bound)],
                         value: Double(entry.buckets[index]))
            }
            text.add(name, kind: .histogram, help: help, suffix: "_bucket", labels: ["endpoint": endpoint, "le": "+Inf"], value: Double(entry.count))
            text.add(name, kind: .histogram, help: help, suffix: "_sum", labels: ["endpoint": endpoint], value: entry.sum)
            text.add(name, kind: .histogram, help: help, suffix: "_count", labels: ["endpoint": endpoint], value: Double(entry.count))
        }
        for (name, signal) in [("spans", OTLPSignal.traces), ("metric_points", .metrics)] {
            text.add("blackhole_serve_\(name)_accepted_total", kind: .counter, help: "OTLP \(signal.items) committed to the database",
                     value: Double(counts.accepted[signal] ?? 0))
            text.add("blackhole_serve_\(name)_rejected_total", kind: .counter, help: "OTLP \(signal.items) refused as invalid",
                     value: Double(counts.rejected[signal] ?? 0))
        }
        text.add("blackhole_serve_commit_queue_items", kind: .gauge, help: "Spans and samples waiting to be committed",
                 value: Double(queueDepth))
        text.add("blackhole_serve_websocket_clients", kind: .gauge, help: "Open /telemetry/stream connections",
                 value: Double(webSocketClients))
        guard let forwardQueueDepth else { return }
        text.add("blackhole_serve_forward_queue_batches", kind: .gauge, help: "Export requests waiting to be forwarded upstream",
                 value: Double(forwardQueueDepth))
        for signal in OTLPSignal.allCases {
            text.add("blackhole_serve_forwarded_total", kind: .counter, help: "Spans and data points exported upstream, by signal",
                     labels: ["signal": signal.rawValue], value: Double(counts.forwarded[signal] ?? 0))
        }
        for signal in OTLPSignal.allCases {
            text.add("blackhole_serve_forward_dropped_total", kind: .counter,
                     help: "Spans and data points dropped because the forward queue was full or upstream kept failing, by signal",
                     labels: ["signal": signal.rawValue], value: Double(counts.forwardDropped[signal] ?? 0))
        }
        text.add("blackhole_serve_forward_failures_total", kind: .counter, help: "Upstream export attempts that failed",
                 value: Double(counts.forwardFailed))
    }
}
