import Foundation
import Testing
@testable import BlackholeCore

@Suite struct MultiaddrTests {
    static let peer = "12D3KooWLuXKgLh2KUi3H9WyyMdiM56bttYwvNPChdahotaD7Qh4"

    @Test(arguments: [
        "/ip4/127.0.0.1/tcp/4001", "/ip6/::1/tcp/4001", "/dns/node.example.org/tcp/4001", "/dns4/a-b.example/tcp/1",
        "/dns6/x.example/tcp/65535", "/ip4/10.0.0.1/tcp/4001/p2p/\(peer)", "/ip4/10.0.0.1/udp/4001/quic-v1",
        "/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN", "/p2p/\(peer)",
    ])
    func parsesAndPrintsBack(_ text: String) throws {
        #expect(try Multiaddr(text).description == text)
    }

    @Test(arguments: [
        ("ip4/1.2.3.4/tcp/1", "must start with /"),
        ("/ip4/256.1.1.1/tcp/1", "\"256.1.1.1\" is not an IPv4 address"),
        ("/ip6/12345::/tcp/1", "\"12345::\" is not an IPv6 address"),
        ("/ip4/1.2.3.4/tcp/70000", "\"70000\" is not a port (0-65535)"),
        ("/ip4/1.2.3.4/tcp", "/tcp needs a value"),
        ("/ip4/1.2.3.4/sctp/5", "unknown protocol /sctp"),
        ("/dns4/bad_host!/tcp/1", "\"bad_host!\" is not a DNS name"),
        ("/ip4/1.2.3.4/tcp/1/p2p/notapeerid", "\"notapeerid\" is not a peer id"),
        ("/p2p/\(peer)/tcp/1", "/p2p must come last"),
        ("/tcp/4001", "must start with /ip4, /ip6, /dns, /dns4, /dns6, /dnsaddr or /p2p"),
        ("/", "is empty"),
    ])
    func rejectsNamingTheComponent(_ text: String, _ reason: String) {
        let error = #expect(throws: BlackholeError.self) { try Multiaddr(text) }
        #expect(error?.message == "invalid multiaddr \"\(text)\": \(reason)")
    }

    /// Found by fuzzing: inet_pton stops at a NUL, so `::2\0junk` passed as an IPv6 address
    /// (a /dnsaddr TXT record from the network may carry one).
    @Test(arguments: ["/ip6/::2\0junk/tcp/1", "/ip4/1.2.3.4\0/tcp/1"])
    func refusesAnAddressWithANULInside(_ text: String) {
        let error = #expect(throws: BlackholeError.self) { try Multiaddr(text) }
        #expect(error?.message.hasPrefix("invalid multiaddr \"\(text)\": \"") == true)
        #expect(error?.message.hasSuffix("\" is not an IPv\(text.hasPrefix("/ip6") ? 6 : 4) address") == true)
    }

    @Test func knowsWhatItCanProbe() throws {
        let tcp = try Multiaddr("/ip4/127.0.0.1/tcp/4001/p2p/\(Self.peer)")
        #expect(tcp.tcpTarget?.host == "127.0.0.1" && tcp.tcpTarget?.port == 4001 && tcp.peerID == Self.peer)
        #expect(try Multiaddr("/dns4/node.example/tcp/1").tcpTarget?.host == "node.example")
        let quic = try Multiaddr("/ip4/1.2.3.4/udp/4001/quic-v1")
        #expect(quic.tcpTarget == nil && quic.unprobeableReason == "UDP/QUIC address: known, but not probeable over TCP")
        #expect(try Multiaddr("/dnsaddr/x.example").unprobeableReason == "/dnsaddr must be resolved first")
        #expect(try Multiaddr("/ip4/1.2.3.4/tcp/1/ws").tcpTarget == nil)
    }

    @Test func peerIDsAreMultihashes() {
        #expect(PeerID.isValid(Self.peer))  // identity multihash of an Ed25519 key
        #expect(PeerID.isValid("QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN"))  // sha2-256
        #expect(!PeerID.isValid("QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJ"))  // one character short
        #expect(!PeerID.isValid("0OIl"))  // not base58
    }
}

@Suite struct MultistreamTests {
    @Test func framesMessagesWithAUvarintLength() {
        let header = Multistream.encode("/multistream/1.0.0")
        #expect(header.first == 19 && header.count == 20 && header.last == UInt8(ascii: "\n"))
        #expect(Multistream.uvarint(300) == [0xAC, 0x02])
        let two = Multistream.encode("/noise") + Multistream.encode("na")
        #expect(Multistream.decode(two[...]) == .message("/noise", consumed: 8))
        #expect(Multistream.decode(two[8...]) == .message("na", consumed: 4))
        #expect(Multistream.decode(Array(header.prefix(10))[...]) == .incomplete)
        #expect(Multistream.decode([][...]) == .incomplete)
        #expect(Multistream.decode(Array("HTTP/1.1 400".utf8)[...]) == .incomplete)  // 'H' reads as length 72
        #expect(Multistream.decode([3, 0x61, 0x62, 0x63][...]) == .invalid("message does not end with a newline"))
        #expect(Multistream.decode([0xFF, 0xFF, 0xFF, 0xFF][...]) == .invalid("length prefix too long"))
    }
}

@Suite struct P2PStatusTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func peer(_ n: Int, latency: Double?) -> PeerProbeResult {
        PeerProbeResult(address: "/ip4/10.0.0.\(n)/tcp/4001", peerID: nil, state: latency == nil ? .unreachable : .reachable,
                        connectTime: latency, latency: latency, security: [], error: nil)
    }

    @Test func judgesReachablePeersAgainstMinConnectionsAndLatency() {
        let settings = P2PSettings(minConnections: 3, maxLatencyThreshold: 0.5, bootstrap: [], mdns: false)
        let none = P2PStatusReport(settings: settings, peers: [], sample: 5, checkedAt: now)
        #expect(none.status == .unhealthy && !none.networkReachable && none.averageLatency == nil)
        let down = P2PStatusReport(settings: settings, peers: [peer(1, latency: nil)], sample: 5, checkedAt: now)
        #expect(down.status == .unhealthy && down.reasons == ["no peer reachable"])
        let few = P2PStatusReport(settings: settings, peers: [peer(1, latency: 0.1), peer(2, latency: nil)], sample: 5, checkedAt: now)
        #expect(few.status == .degraded && few.connectedPeers == 1 && few.reasons == ["1 of min_connections 3 peers reachable"])
        let slow = P2PStatusReport(settings: settings, peers: (1...3).map { peer($0, latency: 0.6) }, sample: 5, checkedAt: now)
        #expect(slow.status == .degraded && slow.reasons == ["average latency 600ms over 500ms"])
        let fine = P2PStatusReport(settings: settings, peers: (1...4).map { peer($0, latency: 0.1) }, sample: 5, checkedAt: now)
        #expect(fine.status == .healthy && fine.networkReachable)
        // The average is over a sample of the reachable peers: a few fast peers judge the network, not every far one.
        let sampled = P2PStatusReport(settings: settings, peers: [peer(1, latency: 0.1), peer(2, latency: 0.3), peer(3, latency: 2)],
                                      sample: 2, checkedAt: now)
        #expect(abs((sampled.averageLatency ?? 0) - 0.2) < 1e-9 && sampled.status == .healthy)
    }
}

/// Probes of a real py-libp2p host, a TCP server that is not libp2p, one that never answers,
/// and a closed port.
@Suite(.serialized) struct PeerProberTests {
    @Test func probesRealPeers() async throws {
        let libp2p = try FixtureProcess(["python3", Fixtures.path("p2p_peer.py"), "libp2p"])
        let garbage = try FixtureProcess(["python3", Fixtures.path("p2p_peer.py"), "garbage"])
        let silent = try FixtureProcess(["python3", Fixtures.path("p2p_peer.py"), "silent"])
        let prober = PeerProber()

        let host = try Multiaddr(libp2p.firstLine)
        let found = await prober.probe(host, timeout: 5)
        #expect(found.state == .reachable, "\(found)")
        #expect((found.latency ?? 0) > 0 && (found.connectTime ?? 0) > 0)
        #expect(found.security.contains("/noise"))

        let http = await prober.probe(try Multiaddr(garbage.firstLine), timeout: 5)
        #expect(http.state == .notLibp2p && http.error?.hasPrefix("answered \"HTTP/1.1 400 Bad Request") == true, "\(http)")

        let started = Date()
        let mute = await prober.probe(try Multiaddr(silent.firstLine), timeout: 0.5)
        #expect(mute.state == .notLibp2p && mute.error == "timed out after 500ms waiting for multistream-select")
        #expect(Date().timeIntervalSince(started) < 2)

        let closed = await prober.probe(try Multiaddr("/ip4/127.0.0.1/tcp/1"), timeout: 2)
        #expect(closed.state == .unreachable && closed.error?.localizedCaseInsensitiveContains("refused") == true)
        let quic = await prober.probe(try Multiaddr("/ip4/127.0.0.1/udp/4001/quic-v1"), timeout: 2)
        #expect(quic.state == .notProbed)
    }
}

/// The spans and samples of a P2P check are timed by the clock handed in, so a test can place them.
@Suite struct P2PMonitorTests {
    @Test func spansAndSamplesTakeTheClocksTime() async throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let clock = ManualClock()
        let settings = P2PSettings(minConnections: 1, maxLatencyThreshold: 0.5, bootstrap: ["/ip4/127.0.0.1/tcp/1"], mdns: false)
        let report = try await P2PMonitor(store: store, clock: clock).run(settings, timeout: 2)
        #expect(report.status == .unhealthy && report.checkedAt == clock.now())

        let spans = SpanStore(store)
        let trace = try #require(try spans.traces(TraceFilter(since: clock.now() - 1)).first)
        let recorded = try spans.trace(trace.traceID)
        #expect(recorded.map(\.name).sorted() == ["p2p.ping", "p2p.status"])
        #expect(recorded.allSatisfy { $0.start == clock.now() && $0.end == clock.now() })
        #expect(try MetricStore(store).latest(name: "p2p.peer.connections").map(\.time) == [clock.now()])
    }
}
