import ArgumentParser
import BlackholeCore
import BlackholeServer
import Foundation

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "OTLP receiver (HTTP and gRPC), /health, /metrics, live stream and dashboard; runs check on its interval.",
        discussion: """
            Receives OpenTelemetry traces and metrics over OTLP/HTTP (POST /v1/traces, /v1/metrics; \
            protobuf or JSON, gzip) and OTLP/gRPC (TraceService/Export, MetricsService/Export) and \
            answers a request only once its data is committed. Also serves:
              GET /health          200 healthy or degraded, 503 unhealthy; JSON per service
              GET /metrics         latest value of every stored series, Prometheus format
              GET /                dashboard (services, alerts, CPU and memory, traces)
              /telemetry/stream    WebSocket: health_update, metric_update, alert,
                                   trace_completed

            Every health.check_interval it runs what `telemetry check` runs (cron and serve can share a \
            database). Listening beyond loopback needs --auth-token (a bearer token every endpoint but \
            /health and the dashboard's own files requires; ?token= for browsers) unless --insecure; a \
            token beyond loopback needs TLS (--tls-cert and --tls-key, PEM, read again on SIGHUP; \
            --tls-client-ca for mutual TLS) unless --allow-insecure-token. Port 0 picks a free port; the \
            addresses are printed once listening (--json: one JSON line). SIGTERM or SIGINT: stop \
            accepting, finish and commit what is in flight, exit 0.

            Failed check runs, dropped forwarding and an unreadable database are logged on stderr \
            (--log-level, default notice; --log-format json for journald or Loki).

            Examples:
              blackhole telemetry serve
              blackhole telemetry serve --listen 0.0.0.0:4318 --auth-token "$TOKEN" \\
                --tls-cert node.pem --tls-key node.key
              blackhole telemetry serve --forward-otlp http://collector:4318
              blackhole telemetry serve --listen 127.0.0.1:0 --no-grpc --json
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("OTLP/HTTP, /health, /metrics and dashboard address (default: serve.listen, 127.0.0.1:4318).",
                               valueName: "host:port"))
    var listen: String?

    @Option(help: ArgumentHelp("OTLP/gRPC address (default: serve.grpc_listen, 127.0.0.1:4317).", valueName: "host:port"))
    var grpcListen: String?

    @Flag(help: "No OTLP/gRPC listener.")
    var noGrpc = false

    @Option(help: ArgumentHelp("Bearer token required on every endpoint but /health and the dashboard page (env BLACKHOLE_AUTH_TOKEN).",
                               valueName: "token"))
    var authToken: String?

    @Flag(help: "Listen beyond loopback without a token.")
    var insecure = false

    @Option(help: ArgumentHelp("TLS certificate chain (PEM) for every listener (default: serve.tls_cert); read again on SIGHUP.", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The certificate's private key (PEM; default: serve.tls_key).", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("Mutual TLS: clients must present a certificate signed by this CA (PEM; default: serve.tls_client_ca).",
                               valueName: "file"))
    var tlsClientCa: String?

    @Flag(help: "Send the bearer token over plaintext beyond loopback (without TLS).")
    var allowInsecureToken = false

    @Option(help: ArgumentHelp("Largest OTLP request body, compressed or inflated (e.g. 8MiB).", valueName: "size"))
    var maxBodySize = "8MiB"

    @Option(help: ArgumentHelp("Time a client has to send a request's head, then its body; an idle connection is closed after as long.",
                               valueName: "duration"))
    var readTimeout = "30s"

    @Option(help: ArgumentHelp("Also export what is received to this OTLP/HTTP endpoint (…/v1/traces, …/v1/metrics are appended).",
                               valueName: "url"))
    var forwardOtlp: String?

    @Option(help: ArgumentHelp("A CA (PEM) to trust, besides the system's, for an https --forward-otlp (and serve's other HTTPS clients).",
                               valueName: "file"))
    var forwardCa: String?

    @Flag(help: "Do not run check in the background (receive and serve only).")
    var noCheck = false

    func run() async throws {
        let context = global.context
        let config = try context.loadConfig()
        var settings = ServeSettings()
        settings.http = try listen.map { try ListenAddress(parsing: $0, option: "--listen") } ?? config.serve.listen
        settings.grpc = noGrpc ? nil : try grpcListen.map { try ListenAddress(parsing: $0, option: "--grpc-listen") } ?? config.serve.grpcListen
        settings.authToken = authToken ?? context.environment["BLACKHOLE_AUTH_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        guard let bytes = ByteText.parse(maxBodySize), bytes > 0 else {
            throw BlackholeError(.usage, "--max-body-size: \"\(maxBodySize)\" is not a size (e.g. 512KiB, 8MiB)")
        }
        settings.maxBodyBytes = bytes
        settings.readTimeout = try DurationText.parse(readTimeout)
        guard settings.readTimeout > 0 else { throw BlackholeError(.usage, "--read-timeout: must be longer than 0") }
        if let forwardOtlp {
            guard let url = URL(string: forwardOtlp), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw BlackholeError(.usage, "--forward-otlp: \"\(forwardOtlp)\" is not an http(s) URL")
            }
            settings.forwardURL = url
        }
        settings.runChecks = !noCheck
        let clientCA = tlsClientCa ?? config.serve.tlsClientCA
        switch (tlsCert ?? config.serve.tlsCert, tlsKey ?? config.serve.tlsKey) {
        case (let cert?, let key?):
            settings.tls = try ServeTLS(certificatePath: cert, keyPath: key, clientCAPath: clientCA)
        case (nil, nil):
            if clientCA != nil { throw BlackholeError(.usage, "--tls-client-ca needs --tls-cert and --tls-key") }
        default:
            throw BlackholeError(.usage, "--tls-cert and --tls-key go together")
        }
        settings.allowInsecureToken = allowInsecureToken
        if let forwardCa {
            guard forwardOtlp != nil else { throw BlackholeError(.usage, "--forward-ca goes with --forward-otlp") }
            _ = try ServeTLS.certificates(forwardCa, option: "--forward-ca")
        }
        try settings.validate(insecure: insecure)
        let store = try context.openStore(config, concurrentReads: true)
        let server = TelemetryServer(settings: settings, config: config, store: store, clock: context.clock,
                                     diskPaths: context.diskPaths(config), logger: context.logger)
        let json = global.json
        let quiet = global.quiet
        try await withHTTPClient(trusting: forwardCa.map { [$0] } ?? []) { http in
            try await server.run(http: http, onListening: { listening in
                // Written at once (not buffered): scripts and tests wait for this line.
                let line = json ? (try? JSONOutput.encode(listening, pretty: false)) ?? "{}"
                    : "Listening: \(listening.tls ? "https" : "http")://\(listening.http) (OTLP/HTTP, /health, /metrics, dashboard)"
                        + (listening.grpc.map { ", \($0) (OTLP/gRPC)" } ?? "")
                if json || !quiet { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
            })
        }
    }
}
