import BlackholeCore
import Foundation

/// How `serve` runs, from its flags.
public struct ServeSettings: Sendable {
    public var http = ServeAddresses().listen
    /// nil: no OTLP/gRPC listener.
    public var grpc = ServeAddresses().grpcListen
    public var authToken: String?
    /// nil: plaintext.
    public var tls: ServeTLS?
    /// A token over plaintext beyond loopback, asked for by name.
    public var allowInsecureToken = false
    public var maxBodyBytes = 8 << 20
    /// Seconds a client has to send a request's head, then its body; an idle connection is
    /// closed after as long.
    public var readTimeout: TimeInterval = 30
    public var forwardURL: URL?
    /// Run what `check` runs every `health.check_interval`.
    public var runChecks = true

    public init() {}

    /// The first address served beyond loopback, if any.
    var exposed: ListenAddress? {
        ([http] + (grpc.map { [$0] } ?? [])).first { !$0.isLoopback }
    }

    /// Listening beyond loopback without a token, or with one over plaintext, must be asked for by name.
    public func validate(insecure: Bool) throws {
        if authToken?.isEmpty == true { throw BlackholeError(.usage, "--auth-token: empty token") }
        guard let open = exposed else { return }
        if authToken == nil, !insecure {
            throw BlackholeError(.usage, "listening on \(open) needs --auth-token (or BLACKHOLE_AUTH_TOKEN); --insecure to listen without one")
        }
        if authToken != nil, tls == nil, !allowInsecureToken {
            throw BlackholeError(.usage, "listening on \(open) with a token needs TLS (--tls-cert and --tls-key): over plaintext anyone on the path reads the token; --allow-insecure-token to send it in the clear")
        }
    }

    /// An address beyond loopback served without TLS: what is said once at start.
    public var plaintextExposure: ListenAddress? {
        tls == nil ? exposed : nil
    }
}
