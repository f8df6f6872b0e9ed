import AsyncHTTPClient
import NIOSSL

/// The one HTTP client of a command (probes and webhooks), shut down when the work is done.
public func withHTTPClient<T: Sendable>(trusting extraCAs: [String] = [], _ body: (HTTPClient) async throws -> T) async throws -> T {
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
    let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
