import BlackholeCore
import Foundation
import Logging

/// What serve's endpoints share, whichever transport: one per run, built by `TelemetryServer`.
struct ServeState: Sendable {
    let config: Configuration
    let store: Store
    let clock: any WallClock
    let health: any HealthRecords
    /// The trace queries of `/api/traces*` and the stream's `trace_completed`.
    let spans: any SpanReader
    let receiver: OTLPReceiver
    let events: EventHub
    let metrics: ServeMetrics
    let forwarder: OTLPForwarder?
    /// nil when serve runs no checks.
    let checks: CheckLoopStatus?
    let logger: Logger

    /// After a commit, whichever transport brought it: count it, pass it upstream, announce traces.
    func received(_ signal: OTLPSignal, _ receipt: OTLPReceipt) {
        metrics.received(signal, receipt)
        if let forwarder, let payload = receipt.forward { forwarder.enqueue(signal, payload, items: receipt.accepted) }
        guard events.count > 0 else { return }
        for traceID in receipt.completedTraces {
            if let summary = try? spans.resolveTrace(traceID.hex) { events.publish(.traceCompleted, summary) }
        }
    }

    /// A refused export, whichever transport: a failing database or a full queue is the operator's
    /// problem; a bad request is its sender's, who was told why.
    func refused(_ signal: OTLPSignal, _ error: ReceiveError, transport: String) {
        let level: Logger.Level = switch error {
        case .unavailable: .error
        case .overloaded: .warning
        case .tooLarge, .undecodable: .debug
        }
        logger.log(level: level, "refused an OTLP export of \(signal.items)", metadata: ["transport": "\(transport)", "error": "\(error.message)"])
    }
}
