@testable import BlackholeCore
@testable import BlackholeServer
import Foundation
import HummingbirdTesting
import HummingbirdWSTesting
import Testing

/// `/telemetry/stream` on a live in-process server: what the check loop publishes reaches a
/// connected client in the shape the dashboard reads.
@Suite struct StreamRouteTests {
    @Test func anAlertTransitionArrivesAsTheAlertWithItsState() async throws {
        let serve = try ServeFixture()
        let now = serve.clock.now()
        let alert = ActiveAlert(id: "16a07c408aaeeeaf", ruleID: "service_down", metric: "service.health.status", labels: ["service": "storage"],
                                severity: .critical, phase: .firing, value: 0, activeSince: now, firedAt: now, lastSeen: now, count: 3,
                                message: "Service Down")
        // With a token, as a browser elsewhere opens it: the test client's Origin (`ws://localhost`,
        // no port) is not this server's own page.
        try await serve.app(authToken: "s3cret").test(.live) { client in
            _ = try await client.ws("/telemetry/stream?token=s3cret") { inbound, _, _ in
                // Subscribed once the server's side of the connection runs.
                while serve.state.events.count == 0 { try await Task.sleep(for: .milliseconds(10)) }
                serve.state.events.publish(.alert, AlertTransition(kind: .resolved, alert: alert, at: now))
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    guard case .text(let text) = message else { continue }
                    let event = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                    #expect(event["type"] as? String == "alert")
                    let data = try #require(event["data"] as? [String: Any])
                    #expect(data["id"] as? String == "16a07c408aaeeeaf" && data["rule_id"] as? String == "service_down")
                    #expect(data["state"] as? String == "resolved" && data["count"] as? Int == 3, "\(text)")
                    #expect(data["labels"] as? [String: String] == ["service": "storage"])
                    return
                }
                Issue.record("the stream ended without an event")
            }
        }
    }
}
