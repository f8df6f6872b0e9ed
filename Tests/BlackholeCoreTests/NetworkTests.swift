import Foundation
import Testing
@testable import BlackholeCore

@Suite struct NetworkTests {
    @Test func procNetSocketsKeepOnlyThoseHoldingAPort() {
        let tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1528 1 0000 100 0 0 10 0
               1: 0100007F:10DE 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000 100 0 0 10 0
               2: 020200C0:D0F0 507100CB:0050 06 00000000:00000000 03:0000061C 00000000     0        0 0 3 0000
            """
        #expect(ProcNet.boundSockets(tcp, transport: .tcp) == [
            LocalSocket(transport: .tcp, address: "0.0.0.0", port: 2024, inode: 1528),
            LocalSocket(transport: .tcp, address: "127.0.0.1", port: 4318, inode: 4242),
        ])
        let tcp6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000000000000:0FA1 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0000
               1: 00000000000000000000000001000000:10DD 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 78 1 0000
            """
        #expect(ProcNet.boundSockets(tcp6, transport: .tcp).map(\.endpoint) == ["[::]:4001", "[::1]:4317"])
        let udp = """
               sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
              123: 00000000:0FA1 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 99 2 0000 0
              124: 0100007F:0FA2 0200007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 98 2 0000 0
            """
        #expect(ProcNet.boundSockets(udp, transport: .udp).map(\.endpoint) == ["0.0.0.0:4001"])
    }

    @Test func defaultRoutesOfBothFamilies() {
        let ipv4 = """
            Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
            eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
            eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
            """
        #expect(ProcNet.ipv4DefaultRoutes(ipv4) == [DefaultRoute(family: "ipv4", gateway: "192.0.2.1", interface: "eth0")])
        let ipv6 = """
            fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
            00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0
            00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
            """
        #expect(ProcNet.ipv6DefaultRoutes(ipv6) == [DefaultRoute(family: "ipv6", gateway: "fd00::1", interface: "eth0")])
        #expect(ProcNet.ipv4DefaultRoutes("Iface\tDestination\n").isEmpty)
    }

    @Test func resolvConf() {
        let conf = ResolvConf(parsing: """
            # generated
            nameserver 10.0.0.2
            ; old style comment
            nameserver   fd00::53
            search corp.example lab.example
            options edns0
            """)
        #expect(conf.nameservers == ["10.0.0.2", "fd00::53"])
        #expect(conf.search == ["corp.example", "lab.example"])
    }

    static let snapshot = NetworkSnapshot(
        interfaces: [
            NetworkInterface(name: "lo", up: true, loopback: true, addresses: [.init("127.0.0.1", prefixLength: 8), .init("::1", prefixLength: 128)]),
            NetworkInterface(name: "eth0", up: true, loopback: false, mac: "02:00:00:00:00:01",
                             addresses: [.init("10.1.0.5", prefixLength: 16), .init("fd00::5", prefixLength: 64)]),
            NetworkInterface(name: "wg0", up: true, loopback: false, addresses: [.init("10.1.2.1", prefixLength: 24)]),
        ],
        defaultRoutes: [DefaultRoute(family: "ipv4", gateway: "10.1.0.1", interface: "eth0")],
        resolvConf: ResolvConf(parsing: "nameserver 10.1.0.1\n"),
        sockets: [
            LocalSocket(transport: .tcp, address: "0.0.0.0", port: 4001, inode: 1),
            LocalSocket(transport: .tcp, address: "127.0.0.1", port: 4318, inode: 2),
            LocalSocket(transport: .udp, address: "::", port: 4001, inode: 3),
            LocalSocket(transport: .tcp, address: "10.1.0.5", port: 9000, inode: 4),
        ],
        owners: [1: SocketOwner(pid: 10, program: "nginx"), 2: SocketOwner(pid: 11, program: "blackhole"), 3: SocketOwner(pid: 12, program: "blackhole-node")])

    /// Names as a test says, counted; `/dnsaddr` entries as a TXT record would give them.
    struct FakeResolver: NameResolver {
        var names: [String: [String]] = [:]
        var dnsaddrs: [String: [String]] = [:]

        func addresses(of host: String, family: Int32, timeout: Double) async throws -> [String] {
            guard let found = names[host] else { throw BlackholeError(.environment, "Name or service not known") }
            return found
        }

        func dnsaddr(_ address: Multiaddr, timeout: Double) async throws -> [Multiaddr] {
            guard let found = dnsaddrs[address.description] else { throw BlackholeError(.environment, "no answer") }
            return try found.map(Multiaddr.init)
        }
    }

    func listener(_ address: String, _ transport: LocalSocket.Transport = .tcp, hosts: [String]) -> NetworkReport.Listener {
        let port = UInt16(address.split(separator: ":").last!)!
        var listener = NetworkReport.Listener(source: "test", address: address, transport: transport, port: port)
        listener.hosts = hosts
        NetworkInspector().judge(&listener, snapshot: Self.snapshot)
        return listener
    }

    @Test func listenersAreJudgedByWhoHoldsThePort() {
        // Another program on the wildcard: a specific address on the same port clashes too.
        let nginx = listener("10.1.0.5:4001", hosts: ["10.1.0.5"])
        #expect(nginx.state == "in_use" && nginx.problem == "port 4001/tcp is in use by nginx (pid 10) on 0.0.0.0:4001")
        // blackhole's own (serve running) is expected, not a conflict.
        let own = listener("127.0.0.1:4318", hosts: ["127.0.0.1"])
        #expect(own.state == "in_use" && own.problem == nil && own.holders.first?.description == "blackhole (pid 11) on 127.0.0.1:4318")
        // `::` takes IPv4 too; the node's daemon is a blackhole program.
        let quic = listener("0.0.0.0:4001", .udp, hosts: ["0.0.0.0"])
        #expect(quic.holders.map(\.socket) == ["[::]:4001"] && quic.problem == nil)
        // Held by a process whose owner is not visible: reported, not judged.
        let hidden = listener("0.0.0.0:9000", hosts: ["0.0.0.0"])
        #expect(hidden.state == "in_use" && hidden.problem == nil)
        #expect(hidden.holders.first?.description == "a process this user cannot identify (on 10.1.0.5:9000)")
        // A different specific address on a port held elsewhere is free.
        #expect(listener("10.1.2.1:9000", hosts: ["10.1.2.1"]).state == "free")
        // Any loopback address is local; an address no interface has is not.
        #expect(listener("127.0.0.53:53", hosts: ["127.0.0.53"]).problem == nil)
        let foreign = listener("192.0.2.1:4001", hosts: ["192.0.2.1"])
        #expect(foreign.state == "unusable" && foreign.problem == "no interface has the address 192.0.2.1: nothing can listen on it")
    }

    @Test func routesPreferTheLongestAttachedPrefixThenTheDefault() {
        #expect(NetworkInspector.route(to: "10.1.2.9", snapshot: Self.snapshot) == .init(interface: "wg0", gateway: nil))
        #expect(NetworkInspector.route(to: "10.1.9.9", snapshot: Self.snapshot) == .init(interface: "eth0", gateway: nil))
        #expect(NetworkInspector.route(to: "127.0.0.1", snapshot: Self.snapshot) == .init(interface: "lo", gateway: nil))
        #expect(NetworkInspector.route(to: "198.51.100.1", snapshot: Self.snapshot) == .init(interface: "eth0", gateway: "10.1.0.1"))
        #expect(NetworkInspector.route(to: "fd00::77", snapshot: Self.snapshot) == .init(interface: "eth0", gateway: nil))
        #expect(NetworkInspector.route(to: "2001:db8::1", snapshot: Self.snapshot) == nil, "no IPv6 default route")
    }

    @Test func inspectionResolvesEverythingConfigured() async {
        var config = Configuration()
        config.p2p.bootstrap = ["/dnsaddr/boot.example", "/dns4/gone.example/tcp/4001", "/ip6/2001:db8::1/tcp/4001",
                                "/ip4/198.51.100.1/udp/4001/quic-v1"]
        config.p2p.listenAddresses = ["/dns4/node.example/tcp/4001"]
        config.serve.grpcListen = nil
        let resolver = FakeResolver(
            names: ["node.example": ["10.1.0.5"], "peer.example": ["10.1.2.7", "10.1.2.8"]],
            dnsaddrs: ["/dnsaddr/boot.example": ["/dns4/peer.example/tcp/4001", "/ip4/198.51.100.9/tcp/4001"]])
        let report = await NetworkInspector(resolver: resolver).inspect(config, snapshot: Self.snapshot, timeout: 1)

        #expect(report.listeners.map(\.source) == ["p2p.listen_addresses", "serve.listen"])
        #expect(report.listeners[0].hosts == ["10.1.0.5"])
        #expect(report.listeners[0].problem == "port 4001/tcp is in use by nginx (pid 10) on 0.0.0.0:4001")
        #expect(report.peers[0].resolved == ["/ip4/10.1.2.7/tcp/4001", "/ip4/10.1.2.8/tcp/4001", "/ip4/198.51.100.9/tcp/4001"])
        #expect(report.peers[0].route == .init(interface: "wg0", gateway: nil))
        #expect(report.peers[1].problem == "does not resolve: Name or service not known")
        #expect(report.peers[2].problem == "no route to 2001:db8::1")
        #expect(report.peers[3].route == .init(interface: "eth0", gateway: "10.1.0.1"))
        #expect(report.problems == [
            "p2p.listen_addresses /dns4/node.example/tcp/4001: port 4001/tcp is in use by nginx (pid 10) on 0.0.0.0:4001",
            "p2p.bootstrap /dns4/gone.example/tcp/4001: does not resolve: Name or service not known",
            "p2p.bootstrap /ip6/2001:db8::1/tcp/4001: no route to 2001:db8::1",
        ])
        let text = report.renderText(TextStyle())
        #expect(text.contains("Default route: IPv4 via 10.1.0.1 dev eth0"))
        #expect(text.contains("DNS resolvers (/etc/resolv.conf): 10.1.0.1"))
        #expect(text.contains("10.1.2.7 10.1.2.8 198.51.100.9"))
        #expect(text.hasSuffix("""
            3 problems:
              p2p.listen_addresses /dns4/node.example/tcp/4001: port 4001/tcp is in use by nginx (pid 10) on 0.0.0.0:4001
              p2p.bootstrap /dns4/gone.example/tcp/4001: does not resolve: Name or service not known
              p2p.bootstrap /ip6/2001:db8::1/tcp/4001: no route to 2001:db8::1
            """))
    }

    @Test func multiaddrSockets() throws {
        let quic = try #require(try Multiaddr("/ip6/::/udp/4001/quic-v1").socket)
        #expect(quic.host == "::" && quic.family == AF_INET6 && quic.transport == .udp && quic.port == 4001)
        #expect(try Multiaddr("/dnsaddr/boot.example").socket == nil)
        #expect(try Multiaddr("/dns/node.example/tcp/4001/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN").replacingHost(with: "fd00::1").description
                    == "/ip6/fd00::1/tcp/4001/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN")
    }
}
