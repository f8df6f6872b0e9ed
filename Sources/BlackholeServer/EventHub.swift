import BlackholeCore
import Foundation
import Synchronization

/// The `/telemetry/stream` events, fanned out to every connected client. Each client has a bounded
/// buffer: a client that does not read loses its oldest events rather than growing serve's memory.
final class EventHub: Sendable {
    enum EventType: String {
        case healthUpdate = "health_update"
        case metricUpdate = "metric_update"
        case alert
        case traceCompleted = "trace_completed"
    }

    private struct Event<Data: Encodable>: Encodable {
        let type: String
        let data: Data
    }

    /// nil once closed: a client arriving during shutdown gets a stream that has ended.
    private let clients = Mutex<[UUID: AsyncStream<String>.Continuation]?>([:])
    static let bufferPerClient = 256

    var count: Int { clients.withLock { $0?.count ?? 0 } }

    func subscribe() -> (id: UUID, events: AsyncStream<String>) {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(Self.bufferPerClient))
        let id = UUID()
        let open = clients.withLock { clients in
            clients?[id] = continuation
            return clients != nil
        }
        if !open { continuation.finish() }
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        clients.withLock { $0?.removeValue(forKey: id) }?.finish()
    }

    func publish(_ type: EventType, _ data: some Encodable) {
        guard count > 0, let text = try? JSONOutput.encode(Event(type: type.rawValue, data: data), pretty: false) else { return }
        for client in clients.withLock({ $0.map { Array($0.values) } ?? [] }) { client.yield(text) }
    }

    /// Ends every stream, and those opened later: on shutdown, so WebSocket handlers return and
    /// connections close.
    func finishAll() {
        for client in clients.withLock({ clients in defer { clients = nil }; return clients.map { Array($0.values) } ?? [] }) {
            client.finish()
        }
    }
}

/// One sample as the stream sends it.
struct MetricEvent: Encodable {
    let sample: Sample

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(sample.name, forKey: .name)
        try container.encode(sample.labels, forKey: .labels)
        try container.encode(sample.value, forKey: .value)
        try container.encode(sample.time, forKey: .time)
    }

    private enum Keys: String, CodingKey { case name, labels, value, time }
}
