import BlackholeCore
import Foundation

/// How `serve` runs, from its flags.
public struct ServeSettings: Sendable {
    public var http = ServeAddresses().listen
    /// nil: no OTLP/gRPC listener.
    public var grpc = ServeAddresses().grpcListen
    public var authToken: String?
    public var maxBodyBytes = 8 << 20
    public var forwardURL: URL?
    /// Run what `check` runs every `health.check_interval`.
    public var runChecks = true

    public init() {}

    /// Listening beyond loopback without a token must be asked for by name.
    public func validate(insecure: Bool) throws {
        let exposed = [http] + (grpc.map { [$0] } ?? [])
        if let open = exposed.first(where: { !$0.isLoopback }), authToken == nil, !insecure {
            throw BlackholeError(.usage, "listening on \(open) needs --auth-token (or BLACKHOLE_AUTH_TOKEN); --insecure to listen without one")
        }
        if authToken?.isEmpty == true { throw BlackholeError(.usage, "--auth-token: empty token") }
    }
}
