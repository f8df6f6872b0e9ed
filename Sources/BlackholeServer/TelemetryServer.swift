import AsyncHTTPClient
import BlackholeCore
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `telemetry serve`: the OTLP receivers, the HTTP endpoints and the background check loop as
/// one group of services. SIGTERM or SIGINT stops them in order: listeners first (in-flight
/// requests finish and are committed), then the check loop, the forwarder, and the commit queue.
public struct TelemetryServer: Sendable {
    /// Where serve listens, once it does.
    public struct Listening: Sendable, Encodable {
        public var http: String
        public var grpc: String?
        /// Both listeners speak TLS.
        public var tls: Bool
    }

    let settings: ServeSettings
    let config: Configuration
    let store: Store
    let clock: any WallClock
    let diskPaths: [String]
    /// serve's own records, and at info and below those of the HTTP server and service group.
    let logger: Logger

    public init(settings: ServeSettings, config: Configuration, store: Store, clock: any WallClock, diskPaths: [String], logger: Logger) {
        self.settings = settings
        self.config = config
        self.store = store
        self.clock = clock
        self.diskPaths = diskPaths
        self.logger = logger
    }

    public func run(http: LazyHTTPClient, onListening: @escaping @Sendable (Listening) -> Void) async throws {
        let queue = CommitQueue(store: store)
        let metrics = ServeMetrics(started: clock.now())
        let events = EventHub()
        let forwarder = settings.forwardURL.map { OTLPForwarder(endpoint: $0, http: http, metrics: metrics, logger: logger) }
        let receiver = OTLPReceiver(queue: queue, sampleRate: config.tracing.sampleRate, maxBodyBytes: settings.maxBodyBytes,
                                    clock: clock, forwarding: forwarder != nil)
        let checks = settings.runChecks ? CheckLoopStatus(interval: config.health.checkInterval, started: clock.now()) : nil
        let state = ServeState(config: config, store: store, clock: clock, health: HealthStore(store), spans: SpanStore(store),
                               receiver: receiver, events: events, metrics: metrics, forwarder: forwarder, checks: checks, logger: logger)

        // The HTTP server's and the service group's own records are for developers (when a listener
        // fails they log the others' cancellation as errors): heard at --log-level info and below.
        var frameworkLogger = logger
        if logger.logLevel > .info { frameworkLogger.logLevel = .critical }

        if let open = settings.plaintextExposure {
            logger.warning("listening on \(open) without TLS: what is sent to serve, and its answers, cross the network in the clear")
        }
        let grpc = try settings.grpc.map {
            try GRPCService.make($0, state: state, authToken: settings.authToken, tls: settings.tls, readTimeout: .seconds(settings.readTimeout))
        }
        let announcer = Announcer(grpc: grpc, tls: settings.tls != nil, onListening: onListening)
        let router = HTTPRoutes.router(state, authToken: settings.authToken, localOnly: settings.http.isLoopback)
        let webSocketResponder = router.buildResponder()
        let readTimeout = TimeAmount.nanoseconds(Int64(settings.readTimeout * 1e9))
        var server = HTTPServerBuilder { responder in
            ReadDeadlineChannel(
                base: HTTP1WebSocketUpgradeChannel(
                    responder: responder, webSocketResponder: webSocketResponder,
                    configuration: .init(http1: .init(additionalChannelHandlers: [RequestDeadline(timeout: readTimeout)], idleTimeout: readTimeout))),
                timeout: readTimeout)
        }
        if let tls = settings.tls {
            server = try .tls(server, tlsConfiguration: tls.httpConfiguration())
        }
        let reloader = settings.tls.map { CertificateReload(tls: $0, logger: logger) }
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(settings.http.host, port: settings.http.port), serverName: nil),
            onServerRunning: { channel in await announcer.httpListening(channel.localAddress) },
            logger: frameworkLogger)

        // Shut down in reverse order of this list.
        var services: [any Service] = [CommitQueueService(queue: queue)]
        if let forwarder { services.append(forwarder) }
        if let checks {
            services.append(CheckLoop(config: config, store: store, clock: clock, http: http, diskPaths: diskPaths, events: events,
                                      status: checks, logger: logger))
        }
        if let grpc { services.append(GRPCService(server: grpc)) }
        services.append(app)
        services.append(StreamCloser(events: events))
        if let reloader { services.append(reloader) }
        var configuration = ServiceGroupConfiguration(services: services.map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: frameworkLogger)
        // A stop never hangs: what has not finished by then is cancelled.
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        let group = ServiceGroup(configuration: configuration)
        do {
            try await group.run()
        } catch {
            throw describe(error)
        }
    }

    /// A listener that cannot start, as one line naming the address.
    private func describe(_ error: any Error) -> any Error {
        var cause: (any Error)? = error
        var listener = "\(settings.http) (HTTP)"
        while let current = cause, !(current is IOError) {
            switch current {
            case let runtime as RuntimeError: cause = runtime.cause
            case let rpc as RPCError: cause = rpc.cause
            default: cause = nil
            }
            listener = "\(settings.grpc?.description ?? "?") (OTLP/gRPC)"
        }
        guard let io = cause as? IOError else { return BlackholeError(.environment, "serve stopped: \(BlackholeError.line(error))") }
        return BlackholeError(.environment, "cannot listen on \(listener): \(String(cString: strerror(io.errnoCode)))")
    }
}

/// Reports the addresses once both listeners are bound (ports chosen by the system included).
private actor Announcer {
    let grpc: GRPCServer<HTTP2ServerTransport.Posix>?
    let tls: Bool
    let onListening: @Sendable (TelemetryServer.Listening) -> Void

    init(grpc: GRPCServer<HTTP2ServerTransport.Posix>?, tls: Bool, onListening: @escaping @Sendable (TelemetryServer.Listening) -> Void) {
        self.grpc = grpc
        self.tls = tls
        self.onListening = onListening
    }

    func httpListening(_ address: NIOCore.SocketAddress?) async {
        let http = address.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        var grpcAddress: String?
        if let grpc {
            // Not listening: serve is failing and says why; announcing would mislead.
            guard let listening = try? await grpc.transport.listeningAddress else { return }
            grpcAddress = listening.ipv4.map { "\($0.host):\($0.port)" } ?? listening.ipv6.map { "[\($0.host)]:\($0.port)" }
        }
        onListening(TelemetryServer.Listening(http: http, grpc: grpcAddress, tls: tls))
    }
}

/// Closes the commit queue last, when every receiver has stopped: what was taken is committed.
private struct CommitQueueService: Service {
    let queue: CommitQueue

    func run() async throws {
        try? await gracefulShutdown()
        await Task.detached { queue.close() }.value
    }
}

/// Reads the certificate and key again on each SIGHUP, for as long as serve runs.
private struct CertificateReload: Service {
    let tls: ServeTLS
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try tls.reload()
                logger.notice("SIGHUP: certificate reloaded from \(tls.certificatePath); new connections use it")
            } catch {
                logger.error("SIGHUP: the certificate in use stays: \(BlackholeError.line(error))")
            }
        }
    }
}

/// Ends the WebSocket streams first, so open dashboard connections do not hold the HTTP server open.
private struct StreamCloser: Service {
    let events: EventHub

    func run() async throws {
        try? await gracefulShutdown()
        events.finishAll()
    }
}
