import AsyncHTTPClient
import NIOSSL
import Synchronization

/// The one HTTP client of a command (probes and webhooks), shut down when the work is done.
public func withHTTPClient<T: Sendable>(trusting extraCAs: [String] = [], _ body: (LazyHTTPClient) async throws -> T) async throws -> T {
    let http = LazyHTTPClient(trusting: extraCAs)
    do {
        let result = try await body(http)
        try await http.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        throw error
    }
}

/// The HTTP client, made when first asked for: a `check` whose probes and channels send no
/// HTTP request through it (plain `http://` probes, a log channel) starts no event loop.
public final class LazyHTTPClient: Sendable {
    private let extraCAs: [String]
    private let made = Mutex<HTTPClient?>(nil)

    init(trusting extraCAs: [String]) {
        self.extraCAs = extraCAs
    }

    public var client: HTTPClient {
        made.withLock { made in
            if let made { return made }
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration())
            made = client
            return client
        }
    }

    private func configuration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        if !extraCAs.isEmpty {
            // Besides the system's roots, not instead of them.
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.additionalTrustRoots = extraCAs.map { .file($0) }
            configuration.tlsConfiguration = tls
        }
        // A refused connection is an answer ("the service is down"), not something to retry until
        // the deadline; retries of notifications are the outbox's business.
        configuration.connectionPool.retryConnectionEstablishment = false
        // Every service of a node often sits on one host: probe them all at once.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return configuration
    }

    func shutdown() async throws {
        try await made.withLock { $0 }?.shutdown()
    }
}
