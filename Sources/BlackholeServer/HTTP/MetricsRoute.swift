import BlackholeCore
import Hummingbird

/// `GET /metrics`, for Prometheus to scrape: the latest value of every stored series in its text
/// format, the alerts and their delivery, then serve's own counters.
struct MetricsRoute {
    let state: ServeState

    func addRoutes(to router: some RouterMethods<ServeContext>) {
        router.get("/metrics") { _, _ in try scrape() }
    }

    func scrape() throws -> Response {
        var text = PrometheusText()
        text.add(stored: try MetricStore(state.store).latest())
        let alerts = AlertStore(state.store)
        AlertExposition.add(into: &text, active: try alerts.active(), deliveries: try alerts.notificationCounts(),
                            outboxPending: try alerts.pendingNotifications())
        state.metrics.expose(into: &text, now: state.clock.now(), queueDepth: state.receiver.queue.depth,
                             forwardQueueDepth: state.forwarder?.depth, webSocketClients: state.events.count)
        return .text(text.render(), contentType: PrometheusText.contentType)
    }
}
