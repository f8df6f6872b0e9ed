import AsyncHTTPClient
import BlackholeCore
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

typealias ServeContext = BasicWebSocketRequestContext

/// What every endpoint reads: one per serve.
struct ServeState: Sendable {
    let config: Configuration
    let store: Store
    let clock: any WallClock
    let http: HTTPClient
    let receiver: OTLPReceiver
    let events: EventHub
    let metrics: ServeMetrics
    let forwarder: OTLPForwarder?
    /// nil when serve runs no checks.
    let checks: CheckLoopStatus?
    let logger: Logger
}

/// The HTTP side of serve: OTLP/HTTP, `/health`, `/metrics`, the dashboard, its JSON API and
/// the `/telemetry/stream` WebSocket.
enum HTTPRoutes {
    /// `localOnly`: listening on loopback without a token, so only this machine's clients may come.
    static func router(_ state: ServeState, authToken: String?, localOnly: Bool) -> Router<ServeContext> {
        let router = Router(context: ServeContext.self)
        router.add(middleware: RequestMetrics(metrics: state.metrics))
        if let authToken {
            // Monitors probe /health without credentials; the dashboard's own files hold no data,
            // and a browser fetches its stylesheet and script without the page's ?token=.
            router.add(middleware: BearerAuth(token: authToken, exempt: Set(["/health"] + DashboardRoute.paths)))
        } else if localOnly {
            router.add(middleware: LocalOnly())
        }

        for signal in OTLPSignal.allCases {
            router.post("/v1/\(signal.rawValue)") { request, _ in await otlp(signal, request, state) }
        }
        router.get("/health") { _, _ in try health(state) }
        router.get("/metrics") { _, _ in
            var text = PrometheusText()
            text.add(stored: try MetricStore(state.store).latest())
            state.metrics.expose(into: &text, queueDepth: state.receiver.queue.depth, forwardQueueDepth: state.forwarder?.depth,
                                 webSocketClients: state.events.count)
            return respond(.ok, PrometheusText.contentType, text.render())
        }
        DashboardRoute().addRoutes(to: router)

        let api = router.group("/api")
        api.get("/health") { _, _ in try json(healthReport(state)) }
        api.get("/alerts") { _, _ in
            let alerts = AlertStore(state.store)
            return try json(AlertListReport(alerts: try alerts.active(), silences: try alerts.silences(at: state.clock.now())))
        }
        api.get("/metrics") { request, _ in
            guard let name = request.uri.queryParameters["name"].map(String.init) else {
                return problem(.badRequest, "name: missing (e.g. ?name=system.cpu.usage_percent)")
            }
            let now = state.clock.now()
            let since = try TimeText.parseInstant(request.uri.queryParameters["since"].map(String.init) ?? "15m", now: now)
            return try json(try MetricsQuery.series(MetricStore(state.store), name: name, labels: [:], since: since, until: now))
        }
        api.get("/traces") { request, _ in
            let now = state.clock.now()
            var filter = TraceFilter(since: try TimeText.parseInstant(request.uri.queryParameters["since"].map(String.init) ?? "1h", now: now))
            filter.limit = request.uri.queryParameters["limit"].flatMap { Int($0) }.map { min(max($0, 1), 500) } ?? 20
            return try json(TraceListReport(traces: try SpanStore(state.store).traces(filter), since: filter.since, limit: filter.limit))
        }
        api.get("/traces/:id") { _, context in
            let spans = SpanStore(state.store)
            let summary = try spans.resolveTrace(context.parameters.get("id") ?? "")
            return try json(TraceDetailReport(trace: summary, spans: try spans.trace(summary.traceID)))
        }

        router.ws("/telemetry/stream") { inbound, outbound, _ in
            let (id, events) = state.events.subscribe()
            defer { state.events.unsubscribe(id) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The client closing ends the inbound sequence; shutting down ends the events.
                group.addTask { for try await _ in inbound {} }
                group.addTask { for await event in events { try await outbound.write(.text(event)) } }
                try await group.next()
                group.cancelAll()
            }
        }
        return router
    }

    /// One OTLP/HTTP export request, answered after its data is committed.
    private static func otlp(_ signal: OTLPSignal, _ request: Request, _ state: ServeState) async -> Response {
        guard let encoding = OTLPEncoding(contentType: request.headers[.contentType]) else {
            return problem(.unsupportedMediaType,
                           "Content-Type \(request.headers[.contentType] ?? "missing"): OTLP/HTTP takes application/x-protobuf or application/json")
        }
        let contentEncoding = request.headers[.contentEncoding]?.lowercased() ?? "identity"
        guard contentEncoding == "gzip" || contentEncoding == "identity" else {
            return problem(.unsupportedMediaType, "Content-Encoding \(contentEncoding): only gzip is supported")
        }
        let limit = state.receiver.maxBodyBytes
        var body: ByteBuffer
        do {
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw ReceiveError.tooLarge(limit: limit) }
            var request = request
            body = try await request.collectBody(upTo: limit)
        } catch is ReceiveError, is NIOTooManyBytesError {
            return failure(.tooLarge(limit: limit), encoding)
        } catch {
            return failure(.undecodable("request body not read: \(error)"), encoding)
        }
        let receipt: OTLPReceipt
        do {
            receipt = try await state.receiver.receive(signal, body: Data(body.readableBytesView), encoding: encoding, gzip: contentEncoding == "gzip")
        } catch {
            return failure(error, encoding)
        }
        ServeState.received(signal, receipt, state)
        return Response(status: .ok, headers: [.contentType: encoding.contentType],
                        body: .init(byteBuffer: ByteBuffer(bytes: OTLPReceiver.response(signal, receipt, encoding: encoding))))
    }

    /// A refused OTLP request: the status OTLP/HTTP names, with `Retry-After` when retrying will help.
    private static func failure(_ error: ReceiveError, _ encoding: OTLPEncoding) -> Response {
        let (status, code, retryAfter): (HTTPResponse.Status, Int32, Int?) = switch error {
        case .tooLarge: (.contentTooLarge, 3, nil)
        case .undecodable: (.badRequest, 3, nil)
        case .overloaded: (.tooManyRequests, 8, 1)
        case .unavailable: (.serviceUnavailable, 14, 5)
        }
        var headers: HTTPFields = [.contentType: encoding.contentType]
        if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
        return Response(status: status, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: OTLPReceiver.status(error, code: code, encoding: encoding))))
    }

    /// The seed's HealthHandler: 200 healthy or degraded, 503 unhealthy, per-service JSON.
    private static func health(_ state: ServeState) throws -> Response {
        // A database that cannot be read is blackhole unhealthy, not a failed request.
        let report = (try? healthReport(state)) ?? HealthReport(services: [], states: [:])
        let status = ServeHealth(report: report, state: state)
        return respond(status.status == .unhealthy ? .serviceUnavailable : .ok, "application/json",
                       try JSONOutput.encode(status, pretty: false))
    }

    private static func healthReport(_ state: ServeState) throws -> HealthReport {
        try HealthMonitor(prober: ServiceProber(http: state.http), store: state.store, clock: state.clock).recorded(state.config.health)
    }

    private static func json(_ report: some Encodable) throws -> Response {
        respond(.ok, "application/json", try JSONOutput.encode(report, pretty: false))
    }

    static func problem(_ status: HTTPResponse.Status, _ message: String) -> Response {
        respond(status, "application/json", (try? JSONOutput.encode(["error": message], pretty: false)) ?? "{}")
    }

    static func respond(_ status: HTTPResponse.Status, _ contentType: String, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension ServeState {
    /// After a commit, whichever transport brought it: count it, pass it upstream, announce traces.
    static func received(_ signal: OTLPSignal, _ receipt: OTLPReceipt, _ state: ServeState) {
        state.metrics.received(signal, receipt)
        if let forwarder = state.forwarder, let payload = receipt.forward { forwarder.enqueue(signal, payload, items: receipt.accepted) }
        guard state.events.count > 0 else { return }
        let spans = SpanStore(state.store)
        for traceID in receipt.completedTraces {
            if let summary = try? spans.resolveTrace(traceID.hex) { state.events.publish(.traceCompleted, summary) }
        }
    }
}

/// `/health`'s body: blackhole's own state and every watched service's.
struct ServeHealth: Encodable {
    let status: HealthStatus
    let time: Date
    let blackhole: Own
    let services: [HealthReport.Service]

    struct Own: Encodable {
        let status: HealthStatus
        let database: String
        let lastCheck: Date?
        let checkError: String?
        let commitQueueItems: Int
        let uptimeSeconds: Int

        enum CodingKeys: String, CodingKey {
            case status, database, lastCheck = "last_check", checkError = "check_error"
            case commitQueueItems = "commit_queue_items", uptimeSeconds = "uptime_seconds"
        }
    }

    /// Unhealthy when blackhole cannot use its database or a critical service is unhealthy;
    /// degraded when its checks have not completed for a while or any other service is not
    /// healthy (never probed yet counts as healthy).
    init(report: HealthReport, state: ServeState) {
        let now = state.clock.now()
        var database = "ok"
        do {
            try state.store.read { db in try db.execute(sql: "SELECT 1 FROM sqlite_master LIMIT 1") }
        } catch {
            database = "unusable (see serve's log)"
            state.logger.error("/health: cannot read the database", metadata: ["error": "\(BlackholeError.line(error))"])
        }
        let checks = state.checks?.snapshot
        let own: HealthStatus = database != "ok" ? .unhealthy : state.checks?.isLate(now: now) == true ? .degraded : .healthy
        var status = own
        for service in report.services where service.status != .healthy && service.status != .unknown {
            status = max(status, service.status == .unhealthy && service.criticality == .critical ? .unhealthy : .degraded)
        }
        self.status = status
        time = now
        blackhole = Own(status: own, database: database, lastCheck: checks?.lastSuccess, checkError: checks?.lastError,
                        commitQueueItems: state.receiver.queue.depth, uptimeSeconds: Int(Date().timeIntervalSince(state.metrics.started)))
        services = report.services
    }
}

/// Every request but those to `exempt` paths must carry the token: `Authorization: Bearer TOKEN`,
/// or `?token=TOKEN` where a header cannot be set (a browser opening the dashboard or a WebSocket).
struct BearerAuth<Context: RequestContext>: RouterMiddleware {
    let token: String
    let exempt: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if exempt.contains(request.uri.path) { return try await next(request, context) }
        let header = request.headers[.authorization]
        let query = request.uri.queryParameters["token"].map(String.init)
        guard BearerToken.matches(header: header, token) || BearerToken.matches(query, token) else {
            var response = HTTPRoutes.problem(.unauthorized, header == nil && query == nil ? "missing bearer token" : "wrong bearer token")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}

enum BearerToken {
    /// `Authorization: Bearer TOKEN`, the scheme in any case (RFC 7235).
    static func matches(header: String?, _ expected: String) -> Bool {
        guard let header, let space = header.firstIndex(of: " "), header[..<space].lowercased() == "bearer" else { return false }
        return matches(String(header[header.index(after: space)...]).trimmingCharacters(in: .whitespaces), expected)
    }

    /// Compares every byte of the longer of the two, so timing tells nothing of the token.
    static func matches(_ given: String?, _ expected: String) -> Bool {
        guard let given else { return false }
        let (a, b) = (Array(given.utf8), Array(expected.utf8))
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | (a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}

/// Without a token serve trusts this machine only: a request must name a loopback host, and a
/// browser's request must come from a page served here. Otherwise any web page could read the
/// stream (browsers let pages open WebSockets anywhere) or reach the API by DNS rebinding.
struct LocalOnly<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority ?? ""
        guard ListenAddress.isLoopbackName(Self.hostName(host)) else {
            return HTTPRoutes.problem(.forbidden, "Host \(host): without --auth-token only loopback names are served")
        }
        if let origin = request.headers[.origin], origin != "null",
           URL(string: origin).map({ "\($0.host ?? "")\($0.port.map { ":\($0)" } ?? "")" }) != host {
            return HTTPRoutes.problem(.forbidden, "Origin \(origin) is not this server; without --auth-token only its own pages may call it")
        }
        return try await next(request, context)
    }

    /// `127.0.0.1:4318` → `127.0.0.1`, `[::1]:4318` → `::1`.
    static func hostName(_ host: String) -> String {
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") { return String(host[host.index(after: host.startIndex)..<end]) }
        return host.split(separator: ":").first.map(String.init) ?? host
    }
}

/// Counts and times every request by endpoint and status code.
struct RequestMetrics<Context: RequestContext>: RouterMiddleware {
    let metrics: ServeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let endpoint = ServeMetrics.endpoint(path: request.uri.path)
        func record(_ code: Int) {
            metrics.request(transport: "http", endpoint: endpoint, code: "\(code)", since: started)
        }
        do {
            let response = try await next(request, context)
            record(response.status.code)
            return response
        } catch let error as any HTTPResponseError {
            record(error.status.code)
            throw error
        } catch {
            record(500)
            throw error
        }
    }
}

/// A command's error in an API handler: the operator-readable line, 400 when the request was wrong.
extension BlackholeError: HTTPResponseError {
    public var status: HTTPResponse.Status { kind == .usage ? .badRequest : .internalServerError }
    public var headers: HTTPFields { [:] }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        HTTPRoutes.problem(status, message)
    }
}
