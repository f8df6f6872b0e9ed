import BlackholeCore
import Hummingbird

/// The dashboard's JSON API under `/api`: the `--json` bodies of `telemetry health`, `alerts`,
/// `metrics NAME` and `traces`/`trace ID`, read from the database as those commands read it.
struct APIRoutes {
    let state: ServeState

    func addRoutes(to api: some RouterMethods<ServeContext>) {
        api.get("/health") { _, _ in try Response.json(state.health.report(state.config.health)) }
        api.get("/alerts") { _, _ in
            let alerts = AlertStore(state.store)
            return try Response.json(AlertListReport(alerts: try alerts.active(),
                                                     silences: try alerts.silences(at: state.clock.now())))
        }
        api.get("/metrics") { request, _ in
            guard let name = request.uri.queryParameters["name"].map(String.init) else {
                return Response.problem(.badRequest, "name: missing (e.g. ?name=system.cpu.usage_percent)")
            }
            let now = state.clock.now()
            let since = try TimeText.parseInstant(request.uri.queryParameters["since"].map(String.init) ?? "15m", now: now)
            return try Response.json(try MetricsQuery.series(MetricStore(state.store), name: name, labels: [:],
                                                             since: since, until: now))
        }
        api.get("/traces") { request, _ in
            let now = state.clock.now()
            var filter = TraceFilter(since: try TimeText.parseInstant(request.uri.queryParameters["since"].map(String.init) ?? "1h", now: now))
            filter.limit = request.uri.queryParameters["limit"].flatMap { Int($0) }.map { min(max($0, 1), 500) } ?? 20
            return try Response.json(TraceListReport(traces: try state.spans.traces(filter), since: filter.since,
                                                     limit: filter.limit))
        }
        api.get("/traces/:id") { _, context in
            let spans = state.spans
            let summary = try spans.resolveTrace(context.parameters.get("id") ?? "")
            return try Response.json(TraceDetailReport(trace: summary, spans: try spans.trace(summary.traceID)))
        }
    }
}
