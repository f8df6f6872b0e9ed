import Hummingbird
import HummingbirdWebSocket

/// `/telemetry/stream`: a WebSocket of `{"type": ..., "data": ...}` events (`health_update`,
/// `metric_update`, `alert`, `trace_completed`) as they happen, for the dashboard and scripts.
struct StreamRoute {
    static let path = "/telemetry/stream"
    let events: EventHub

    func addRoutes(to router: some RouterMethods<ServeContext>) {
        router.ws(RouterPath(Self.path)) { inbound, outbound, _ in
            let (id, stream) = events.subscribe()
            defer { events.unsubscribe(id) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The client closing ends the inbound sequence; shutting down ends the events.
                group.addTask { for try await _ in inbound {} }
                group.addTask { for await event in stream { try await outbound.write(.text(event)) } }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}
