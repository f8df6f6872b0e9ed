import Foundation
import Testing
import TestSupport

/// `p2p status` and its part in `check`, against a real py-libp2p host on 127.0.0.1.
@Suite(.serialized) struct P2PCLITests {
    @Test func statusOfARealPeer() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let host = try FixtureProcess(["python3", Fixtures.path("p2p_peer.py"), "libp2p"])
        let peerID = try #require(host.firstLine.components(separatedBy: "/p2p/").last)
        let result = try cli.run("p2p", "status", "--peer", host.firstLine, "--peer", "/ip4/127.0.0.1/tcp/1", "--json")
        #expect(result.status == 1, "degraded: 1 reachable of min_connections 3; \(result.stderr)")
        let json = result.json
        #expect(json["status"] as? String == "degraded" && json["connected_peers"] as? Int == 1)
        #expect(json["network_reachable"] as? Bool == true && (json["average_latency_ms"] as? Double ?? 0) > 0)
        #expect(json["last_checked"] as? String != nil)
        let peers = try #require(json["peers"] as? [[String: Any]])
        let found = try #require(peers.first { $0["reachable"] as? Bool == true })
        #expect(found["peer_id"] as? String == peerID)
        #expect((found["security_protocols"] as? [String])?.contains("/noise") == true)
        #expect((found["latency_ms"] as? Double ?? 0) > 0)
        #expect(peers.contains { $0["state"] as? String == "unreachable" })

        let recorded = try cli.run("telemetry", "metrics", "p2p.peer.connections", "--json")
        #expect((recorded.json["series"] as? [[String: Any]])?.first?["last"] as? Double == 1)
        #expect(try cli.run("telemetry", "metrics", "p2p.latency_ms", "--json").json["series"] as? [Any] != nil)

        // One p2p.ping span per probe, under the run's p2p.status span, in the real SQLite file.
        let spans = try sqlite(cli.path("state/blackhole/telemetry.db"),
                               "SELECT name, count(*) FROM spans GROUP BY name ORDER BY name; SELECT count(DISTINCT trace_ref) FROM spans;")
        #expect(spans == "p2p.ping|2\np2p.status|1\n1\n")

        let text = try cli.run("p2p", "status")
        #expect(text.status == 1 && text.stdout.contains(peerID), "peers probed once are remembered for later runs")
    }

    @Test func noPeersIsUnhealthyAndBadAddressesAreNamed() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let none = try cli.run("p2p", "status")
        #expect(none.status == 2 && none.stdout.hasPrefix("P2P unhealthy: 0 peers reachable (no peers known"))
        let bad = try cli.run("p2p", "status", "--peer", "/ip4/999.1.1.1/tcp/4001")
        expectOneLineError(bad, containing: "invalid multiaddr \"/ip4/999.1.1.1/tcp/4001\": \"999.1.1.1\" is not an IPv4 address")
        #expect(bad.status == 64)
        let config = cli.write("c.yaml", "p2p:\n  bootstrap:\n    - /ip4/1.2.3.4/tcp/4001\n    - /ip4/1.2.3.4/tcp/99999\n")
        let validate = try cli.run("config", "validate", "--config", config)
        #expect(validate.stdout.hasPrefix("\(config):4:7: p2p.bootstrap[1]: invalid multiaddr"), "\(validate.stdout)")
    }

    /// The starter config's p2p_low_connectivity rule, end to end: one reachable bootstrap peer
    /// of min_connections 3, for the rule's duration (shortened from 1m to 2s so the test does
    /// not wait a minute; the 1m case is the evaluator's, with an injected clock).
    @Test func lowConnectivityFiresThroughCheck() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let host = try FixtureProcess(["python3", Fixtures.path("p2p_peer.py"), "libp2p"])
        let receiver = try FixtureServer()
        let config = cli.write("c.yaml", """
            p2p:
              min_connections: 3
              bootstrap: [\(host.firstLine)]
            alert_rules:
              - id: p2p_low_connectivity
                name: Low P2P Connectivity
                description: Number of P2P connections is below minimum
                metric: p2p.peer.connections
                condition: lt
                threshold: 3.0
                duration: 2s
                severity: warning
                notification_channels: [hook]
            notification_channels:
              - { name: hook, type: webhook, config: { url: "\(receiver.url("/webhook"))" } }
            """)
        let first = try cli.run("telemetry", "check", "--config", config, "--json")
        #expect(first.status == 1, "\(first.stderr)")
        #expect((first.json["p2p"] as? [String: Any])?["connected_peers"] as? Int == 1)
        #expect((first.json["alerts"] as? [[String: Any]])?.first?["state"] as? String == "pending")
        try await Task.sleep(nanoseconds: 2_200_000_000)
        let second = try cli.run("telemetry", "check", "--config", config, "--nagios")
        #expect(second.status == 1 && second.stdout.contains("'p2p peers'=1"), "\(second.stdout)")
        let received = try await receiver.received()
        #expect(received.count == 1 && received.first?["rule_id"] as? String == "p2p_low_connectivity")
        #expect(received.first?["type"] as? String == "p2p_network" && received.first?["state"] as? String == "firing")
    }
}

/// `p2p discover` inside a network namespace of the test's own: a real py-libp2p host announced
/// by python-zeroconf over mDNS, and a /dnsaddr name served by a dnslib DNS server.
@Suite(.serialized) struct DiscoverCLITests {
    @Test func findsPeersOverMDNSAndDNSAddr() throws {
        let namespace = try NetworkNamespace()
        let cli = CLI()
        defer { cli.cleanUp() }
        let host = try FixtureProcess(namespace.inside(["python3", Fixtures.path("p2p_peer.py"), "libp2p"]))
        let peerID = try #require(host.firstLine.components(separatedBy: "/p2p/").last)
        let other = "/ip4/127.0.0.1/tcp/9/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN"
        let responder = try FixtureProcess(namespace.inside(["python3", Fixtures.path("mdns_responder.py"), host.firstLine]))
        let dns = try FixtureProcess(namespace.inside(["python3", Fixtures.path("dns_server.py"), "bootstrap.example.test",
                                                       host.firstLine, other]))
        #expect(responder.firstLine == "ready" && dns.firstLine == "ready")

        func discover(_ arguments: String...) throws -> CLI.Result {
            try cli.run(["p2p", "discover"] + arguments, inside: namespace)
        }
        let viaMDNS = try discover("--mdns", "--timeout", "2s", "--json")
        #expect(viaMDNS.status == 0, "\(viaMDNS.stderr)")
        let sources = try #require(viaMDNS.json["sources"] as? [[String: Any]])
        #expect(sources.first { $0["name"] as? String == "mdns" }?["found"] as? Int == 1)
        let peer = try #require((viaMDNS.json["peers"] as? [[String: Any]])?.first)
        #expect(peer["address"] as? String == host.firstLine && peer["source"] as? String == "mdns")
        #expect(peer["new"] as? Bool == true && peer["reachable"] as? Bool == true && peer["peer_id"] as? String == peerID)

        let config = cli.write("c.yaml", "p2p:\n  bootstrap: [/dnsaddr/bootstrap.example.test/p2p/\(peerID)]\n")
        let viaDNS = try discover("--config", config, "--timeout", "2s", "--json")
        let found = try #require(viaDNS.json["peers"] as? [[String: Any]])
        #expect(found.map { $0["address"] as? String } == [host.firstLine], "the entry of another peer id is left out")
        #expect(found.first?["new"] as? Bool == false, "already known from mDNS")

        let status = try cli.run(["p2p", "status", "--json"], inside: namespace)
        #expect(status.json["connected_peers"] as? Int == 1, "discovered peers are probed by status from then on")
        let metric = try cli.run("telemetry", "metrics", "p2p.discovery.duration_ms", "--json")
        #expect((metric.json["series"] as? [[String: Any]])?.first?["count"] as? Int == 2)

        let discoveries = try sqlite(cli.path("state/blackhole/telemetry.db"), """
            SELECT s.name, p.name FROM spans s JOIN spans p ON s.parent_span_id = p.span_id AND s.trace_ref = p.trace_ref
            WHERE p.name = 'p2p.discovery' ORDER BY s.name;
            """)
        #expect(discoveries == """
            p2p.discovery.bootstrap|p2p.discovery
            p2p.discovery.bootstrap|p2p.discovery
            p2p.discovery.mdns|p2p.discovery
            p2p.ping|p2p.discovery
            p2p.ping|p2p.discovery

            """, "one p2p.discovery span per run, a child per source and per probe")

        let unresolvable = cli.write("u.yaml", "p2p:\n  bootstrap: [/dnsaddr/nothing.example.test]\n")
        let empty = try discover("--config", unresolvable, "--timeout", "1s")
        #expect(empty.status == 1 && empty.stdout.contains("No peers found."))
    }

    /// A bootstrap name with more TXT records than 512 bytes hold is answered over UDP thanks to
    /// EDNS0; one with more than 1232 bytes' worth comes back truncated, and over TCP in full.
    @Test func largeTXTSetsComeOverEDNS0AndTCP() throws {
        let namespace = try NetworkNamespace()
        let cli = CLI()
        defer { cli.cleanUp() }
        let log = cli.path("dns.log")
        func addresses(_ count: Int) -> [String] {
            (0..<count).map { "/ip4/127.0.0.1/tcp/\(10_000 + $0)/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN" }
        }
        for (count, transports) in [(12, ["udp edns=1232"]), (40, ["udp edns=1232", "tcp edns=1232"])] {
            try? FileManager.default.removeItem(atPath: log)
            let dns = try FixtureProcess(namespace.inside(["python3", Fixtures.path("dns_server.py"), "big.example.test"]
                                                          + addresses(count) + ["--log=\(log)"]))
            #expect(dns.firstLine == "ready")
            let config = cli.write("c.yaml", "p2p:\n  bootstrap: [/dnsaddr/big.example.test]\n")
            let found = try cli.run(["p2p", "discover", "--config", config, "--timeout", "2s", "--json"], inside: namespace)
            let peers = (found.json["peers"] as? [[String: Any]] ?? []).compactMap { $0["address"] as? String }
            #expect(Set(peers) == Set(addresses(count)), "\(count) records: \(peers.count) found; \(found.stderr)")
            let asked = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(asked == transports, "\(count) records")
            kill(dns.pid, SIGKILL)
        }
    }
}

/// Debian's sqlite3 reading the database as an operator would.
func sqlite(_ database: String, _ sql: String) throws -> String {
    try CLI.program(["sqlite3", database, sql]).stdout
}
