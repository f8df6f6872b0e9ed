@testable import BlackholeServer
import Foundation
import HummingbirdTesting
import NIOCore
import Testing

/// Who may call serve: with a token, whoever carries it (monitors and the dashboard's own
/// files without); without one on loopback, this machine's clients and its own pages only.
@Suite struct AccessTests {
    @Test func aTokenIsNeededEverywhereButHealthAndThePagesFiles() async throws {
        let serve = try ServeFixture()
        try await serve.app(authToken: "s3cret").test(.router) { client in
            let missing = try await client.get("/api/alerts")
            #expect(missing.status == .unauthorized && missing.headers[.wwwAuthenticate] == "Bearer")
            #expect(missing.json["error"] as? String == "missing bearer token")
            let wrong = try await client.get("/api/alerts", headers: [.authorization: "Bearer s3cret2"])
            #expect(wrong.status == .unauthorized && wrong.json["error"] as? String == "wrong bearer token")
            #expect(try await client.get("/metrics", headers: [.authorization: "Bearer s3cre"]).status == .unauthorized)
            #expect(try await client.post("/v1/traces", "{}").status == .unauthorized)
            #expect(try await client.get("/telemetry/stream").status == .unauthorized)

            #expect(try await client.get("/api/alerts", headers: [.authorization: "Bearer s3cret"]).status == .ok)
            #expect(try await client.get("/api/alerts", headers: [.authorization: "bearer s3cret"]).status == .ok, "the scheme in any case")
            #expect(try await client.get("/api/alerts?token=s3cret").status == .ok, "for browsers")
            #expect(try await client.get("/telemetry/stream?token=s3cret").status == .ok, "the WebSocket upgrade goes ahead")

            for open in ["/health", "/", "/dashboard.css", "/dashboard.js"] {
                #expect(try await client.get(open).status == .ok, "\(open)")
            }
        }
    }

    @Test func withoutATokenForeignPagesAreRefused() async throws {
        let serve = try ServeFixture()
        try await serve.app().test(.router) { client in
            let foreign = try await client.get("/api/alerts", headers: [.origin: "http://evil.example"])
            #expect(foreign.status == .forbidden && (foreign.json["error"] as? String)?.hasPrefix("Origin http://evil.example is not this server") == true)
            #expect(try await client.get("/telemetry/stream", headers: [.origin: "http://evil.example"]).status == .forbidden)
            #expect(try await client.get("/api/alerts", headers: [.origin: "http://localhost"]).status == .ok, "its own page")
            #expect(try await client.get("/api/alerts", headers: [.origin: "null"]).status == .ok)
            #expect(try await client.get("/api/alerts").status == .ok, "not a browser")
        }
    }

    @Test func withoutATokenOnlyLoopbackNamesAreServed() async throws {
        let serve = try ServeFixture()
        // The router test client always names localhost: a real connection names another.
        try await serve.app().test(.live) { client in
            let raw = TestClient(host: "127.0.0.1", port: try #require(client.port))
            raw.connect()
            let rebound = try await raw.execute(.init("/api/alerts", method: .get, authority: "evil.example:4318"))
            #expect(rebound.status == .forbidden)
            #expect(String(buffer: rebound.body ?? .init()).contains("Host evil.example:4318: without --auth-token only loopback names are served"))
            for host in ["localhost:4318", "127.0.0.1:4318", "[::1]:4318"] {
                #expect(try await raw.execute(.init("/api/alerts", method: .get, authority: host)).status == .ok, "\(host)")
            }
            try await raw.shutdown()
        }
    }

    @Test func listeningBeyondLoopbackWithoutATokenChecksNothing() async throws {
        let serve = try ServeFixture()
        try await serve.app(localOnly: false).test(.router) { client in
            let foreign = try await client.get("/api/alerts", headers: [.origin: "http://evil.example"])
            #expect(foreign.status == .ok)
        }
    }
}
