import Foundation
import Testing
import TestSupport

/// `blackhole config network` against the real system: a port another program holds, and names
/// answered (or not) by a real DNS server inside a network namespace of the test's own.
@Suite struct NetworkCLITests {
    @Test func portHeldByAnotherProgramIsAProblem() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let holder = try FixtureProcess(["python3", Fixtures.path("p2p_peer.py"), "silent"])
        let held = holder.firstLine  // /ip4/127.0.0.1/tcp/PORT
        let config = cli.write("config.yaml", """
            p2p:
              listen_addresses: [\(held)]
            serve:
              listen: 127.0.0.1:0
              grpc_listen:
            """)

        let result = try cli.run("config", "network", "--config", config, "--json")
        #expect(result.status == 1, "\(result.stderr)")
        let listeners = try #require(result.json["listen"] as? [[String: Any]])
        #expect(listeners.count == 2, "serve.grpc_listen left empty is no listener")
        let p2p = try #require(listeners.first { $0["source"] as? String == "p2p.listen_addresses" })
        #expect(p2p["state"] as? String == "in_use")
        let owner = try #require((p2p["holders"] as? [[String: Any]])?.first)
        #expect(owner["pid"] as? Int == Int(holder.pid))
        #expect((owner["program"] as? String)?.hasPrefix("python") == true)
        let problems = try #require(result.json["problems"] as? [String])
        #expect(problems.count == 1)
        #expect(problems.first?.contains("in use by python") == true, "\(problems)")
        #expect(result.json["ok"] as? Bool == false)
        let serve = try #require(listeners.first { $0["source"] as? String == "serve.listen" })
        #expect(serve["state"] as? String == "free" && serve["problem"] is NSNull)
        // The machine's side: at least the loopback with its address, and where DNS goes.
        let interfaces = try #require(result.json["interfaces"] as? [[String: Any]])
        #expect(interfaces.contains { $0["loopback"] as? Bool == true && ($0["addresses"] as? [String])?.contains("127.0.0.1/8") == true })
        #expect((result.json["resolvers"] as? [String: Any])?["file"] as? String == "/etc/resolv.conf")

        let text = try cli.run("config", "network", "--config", config)
        #expect(text.status == 1)
        #expect(text.stdout.contains("in use by python") && text.stdout.contains("(pid \(holder.pid))"), "\(text.stdout)")
        #expect(text.stdout.contains("1 problem:"))
    }

    @Test func freeAddressesAndNoPeersAreFine() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let config = cli.write("config.yaml", """
            p2p:
              listen_addresses: [/ip4/127.0.0.1/tcp/0, /ip6/::1/udp/0/quic-v1]
            serve: {listen: "localhost:0", grpc_listen: "127.0.0.1:0"}
            """)
        let result = try cli.run("config", "network", "--config", config, "--json")
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.json["ok"] as? Bool == true)
        let listeners = try #require(result.json["listen"] as? [[String: Any]])
        #expect(listeners.map { $0["state"] as? String } == ["free", "free", "free", "free"])
        #expect(listeners.first { $0["source"] as? String == "serve.listen" }?["hosts"] as? [String] == ["127.0.0.1"])
        let text = try cli.run("config", "network", "--config", config)
        #expect(text.stdout.contains("No bootstrap peers configured (p2p.bootstrap)."))
        #expect(text.stdout.contains("No problems"))
    }

    @Test func namesAreResolvedAndOneThatDoesNotIsAProblem() throws {
        let namespace = try NetworkNamespace()
        let cli = CLI()
        defer { cli.cleanUp() }
        let peer = "/dns4/peer1.example.test/tcp/4001/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN"
        let dns = try FixtureProcess(namespace.inside(["python3", Fixtures.path("dns_server.py"), "bootstrap.example.test", peer,
                                                       "/ip4/127.0.0.9/tcp/4002", "--a=peer1.example.test=127.0.0.5"]))
        #expect(dns.firstLine == "ready")
        let config = cli.write("config.yaml", """
            p2p:
              bootstrap:
                - /dnsaddr/bootstrap.example.test
                - /dns4/peer1.example.test/tcp/4001
                - /dns4/missing.example.test/tcp/4001
                - /ip4/192.0.2.7/tcp/4001
              listen_addresses: [/dns4/missing.example.test/tcp/4001]
            serve: {listen: "127.0.0.1:0", grpc_listen: "127.0.0.1:0"}
            """)

        let result = try cli.run(["config", "network", "--config", config, "--timeout", "3s", "--json"], inside: namespace)
        #expect(result.status == 1, "\(result.stderr)")
        let peers = try #require(result.json["bootstrap"] as? [[String: Any]])
        #expect(peers.count == 4)
        #expect(peers[0]["resolved"] as? [String] == ["/ip4/127.0.0.5/tcp/4001/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
                                                      "/ip4/127.0.0.9/tcp/4002"])
        #expect((peers[0]["route"] as? [String: Any])?["interface"] as? String == "lo")
        #expect(peers[1]["resolved"] as? [String] == ["/ip4/127.0.0.5/tcp/4001"])
        #expect(peers[1]["problem"] is NSNull)
        #expect((peers[2]["problem"] as? String)?.hasPrefix("does not resolve") == true, "\(peers[2])")
        // The namespace has only a loopback: no default route, so nothing beyond it is reachable.
        #expect(peers[3]["problem"] as? String == "no route to 192.0.2.7")
        #expect((result.json["default_routes"] as? [Any])?.isEmpty == true)
        #expect((result.json["resolvers"] as? [String: Any])?["nameservers"] as? [String] == ["127.0.0.1"])
        let problems = try #require(result.json["problems"] as? [String])
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("p2p.listen_addresses /dns4/missing.example.test/tcp/4001: missing.example.test does not resolve") })
        #expect(problems.contains { $0.hasPrefix("p2p.bootstrap /dns4/missing.example.test/tcp/4001: does not resolve") })
    }

    @Test func listenAddressWithoutAPortIsAConfigProblem() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let config = cli.write("config.yaml", "p2p:\n  listen_addresses: [/ip4/0.0.0.0]\nserve:\n  listen: nowhere\n")
        let result = try cli.run("config", "validate", "--config", config)
        #expect(result.status == 1)
        #expect(result.stdout.contains("config.yaml:2:22: p2p.listen_addresses[0]: /ip4/0.0.0.0 is not a listen address"), "\(result.stdout)")
        #expect(result.stdout.contains("config.yaml:4:11: serve.listen: \"nowhere\" is not HOST:PORT"), "\(result.stdout)")
        expectOneLineError(try cli.run("config", "network", "--config", config), containing: "is not a listen address")
    }
}
