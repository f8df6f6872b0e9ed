import Foundation

/// `config network`: the node's network as P2P troubleshooting needs it, and what in the
/// configuration cannot work on it.
public struct NetworkReport: Report {
    public struct Listener: Sendable, Encodable {
        /// The configuration key it comes from: `p2p.listen_addresses`, `serve.listen`, `serve.grpc_listen`.
        public var source: String
        public var address: String
        public var transport: LocalSocket.Transport
        public var port: UInt16
        /// The addresses it would bind: the host itself, or what its name resolves to.
        public var hosts: [String] = []
        /// The sockets holding the port now.
        public var holders: [Holder] = []
        public var problem: String?

        enum CodingKeys: String, CodingKey { case source, address, transport, port, hosts, holders, state, problem }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(source, forKey: .source)
            try container.encode(address, forKey: .address)
            try container.encode(transport, forKey: .transport)
            try container.encode(port, forKey: .port)
            try container.encode(hosts, forKey: .hosts)
            try container.encode(holders, forKey: .holders)
            try container.encode(state, forKey: .state)
            try container.encode(problem, forKey: .problem)
        }

        /// `free`, `in_use`, or `unusable` (cannot resolve, not a local address).
        public var state: String {
            if !holders.isEmpty { return "in_use" }
            return problem == nil ? "free" : "unusable"
        }
    }

    public struct Holder: Sendable, Encodable, CustomStringConvertible {
        public var socket: String
        /// nil when this user may not see the owning process.
        public var pid: Int32?
        public var program: String?

        public var description: String {
            guard let pid, let program else { return "a process this user cannot identify (on \(socket))" }
            return "\(program) (pid \(pid)) on \(socket)"
        }
    }

    public struct Peer: Sendable, Encodable {
        public var address: String
        /// Multiaddrs with IP addresses: `/dnsaddr` TXT entries and `/dns*` names resolved.
        public var resolved: [String] = []
        public var route: Route?
        public var problem: String?

        enum CodingKeys: String, CodingKey { case address, resolved, route, problem }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(address, forKey: .address)
            try container.encode(resolved, forKey: .resolved)
            try container.encode(route, forKey: .route)
            try container.encode(problem, forKey: .problem)
        }
    }

    public struct Route: Sendable, Equatable, Encodable, CustomStringConvertible {
        public var interface: String
        /// nil: directly attached (or the loopback).
        public var gateway: String?

        enum CodingKeys: String, CodingKey { case interface, gateway }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(interface, forKey: .interface)
            try container.encode(gateway, forKey: .gateway)
        }

        public var description: String { gateway.map { "via \($0) dev \(interface)" } ?? "dev \(interface) (direct)" }
    }

    public struct Resolvers: Sendable, Encodable {
        public var file: String
        public var nameservers: [String]
        public var search: [String]
        public var problem: String?

        enum CodingKeys: String, CodingKey { case file, nameservers, search, problem }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            try container.encode(nameservers, forKey: .nameservers)
            try container.encode(search, forKey: .search)
            try container.encode(problem, forKey: .problem)
        }
    }

    public let interfaces: [NetworkInterface]
    public let defaultRoutes: [DefaultRoute]
    public let resolvers: Resolvers
    public let listeners: [Listener]
    public let peers: [Peer]

    public init(snapshot: NetworkSnapshot, listeners: [Listener], peers: [Peer]) {
        interfaces = snapshot.interfaces
        defaultRoutes = snapshot.defaultRoutes
        let conf = snapshot.resolvConf
        resolvers = Resolvers(file: snapshot.resolvConfPath, nameservers: conf?.nameservers ?? [], search: conf?.search ?? [],
                              problem: conf == nil ? "cannot read" : conf!.nameservers.isEmpty ? "no nameserver" : nil)
        self.listeners = listeners
        self.peers = peers
    }

    /// Everything configured that cannot work, one line each.
    public var problems: [String] {
        listeners.compactMap { listener in listener.problem.map { "\(listener.source) \(listener.address): \($0)" } }
            + peers.compactMap { peer in peer.problem.map { "p2p.bootstrap \(peer.address): \($0)" } }
    }

    enum CodingKeys: String, CodingKey {
        case interfaces, defaultRoutes = "default_routes", resolvers, listeners = "listen", peers = "bootstrap", problems, ok
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(interfaces, forKey: .interfaces)
        try container.encode(defaultRoutes, forKey: .defaultRoutes)
        try container.encode(resolvers, forKey: .resolvers)
        try container.encode(listeners, forKey: .listeners)
        try container.encode(peers, forKey: .peers)
        try container.encode(problems, forKey: .problems)
        try container.encode(problems.isEmpty, forKey: .ok)
    }

    public func renderText(_ style: TextStyle) -> String {
        var sections: [String] = []

        var table = Table([("INTERFACE", .left), ("STATE", .left), ("ADDRESSES", .left), ("MAC", .left)])
        for interface in interfaces {
            table.append([Table.Cell(interface.name, .bold), interface.up ? Table.Cell("up", .green) : Table.Cell("down", .yellow),
                          Table.Cell(interface.addresses.isEmpty ? "-" : interface.addresses.map(\.cidr).joined(separator: " ")),
                          Table.Cell(interface.loopback ? "loopback" : interface.mac ?? "-")])
        }
        sections.append(interfaces.isEmpty ? "No network interfaces." : table.render(style))

        let routes = defaultRoutes.map { "\($0.family == "ipv4" ? "IPv4" : "IPv6") via \($0.gateway) dev \($0.interface)" }
        sections.append("Default route: " + (routes.isEmpty ? style.paint("none (only directly attached networks are reachable)", .yellow)
                                                             : routes.joined(separator: "; ")))
        var dns = "DNS resolvers (\(resolvers.file)): "
        if let problem = resolvers.problem {
            dns += style.paint(problem, .yellow)
        } else {
            dns += resolvers.nameservers.joined(separator: ", ") + (resolvers.search.isEmpty ? "" : "; search \(resolvers.search.joined(separator: " "))")
        }
        sections.append(dns)

        var listen = Table([("LISTEN", .left), ("FROM", .left), ("STATE", .left), ("DETAIL", .left)])
        for listener in listeners {
            let state: Table.Cell = listener.problem != nil ? Table.Cell(listener.state, .red)
                : listener.holders.isEmpty ? Table.Cell("free", .green) : Table.Cell("in_use")
            let detail = listener.problem ?? (listener.holders.isEmpty
                ? (listener.hosts.allSatisfy { listener.address.contains($0) } ? "" : "resolves to " + listener.hosts.joined(separator: " "))
                : "held by " + listener.holders.map(\.description).joined(separator: ", "))
            listen.append([Table.Cell(listener.address), Table.Cell(listener.source), state, Table.Cell(detail)])
        }
        sections.append(listen.render(style))

        if peers.isEmpty {
            sections.append("No bootstrap peers configured (p2p.bootstrap).")
        } else {
            var table = Table([("BOOTSTRAP PEER", .left), ("RESOLVED", .left), ("ROUTE", .left)])
            for peer in peers {
                let resolved: Table.Cell
                if let problem = peer.problem, peer.route == nil {
                    resolved = Table.Cell(problem, .red)
                } else {
                    let hosts = peer.resolved.compactMap { try? Multiaddr($0).socket?.host }.removingDuplicates()
                    resolved = Table.Cell(hosts.count > 3 ? hosts.prefix(3).joined(separator: " ") + " (+\(hosts.count - 3))"
                                                          : hosts.isEmpty ? "-" : hosts.joined(separator: " "))
                }
                let route = peer.route.map { Table.Cell($0.description) } ?? Table.Cell(peer.resolved.isEmpty ? "-" : peer.problem ?? "-", .red)
                table.append([Table.Cell(peer.address), resolved, route])
            }
            sections.append(table.render(style))
        }

        let problems = problems
        sections.append(problems.isEmpty ? style.paint("No problems: every configured address can work here.", .green)
                                         : style.paint("\(problems.count) problem\(problems.count == 1 ? "" : "s"):", .red) + "\n"
                                           + problems.map { "  " + $0 }.joined(separator: "\n"))
        return sections.joined(separator: "\n\n")
    }
}
