import Foundation

/// `config network`: the configured listen addresses and bootstrap peers held against the
/// machine's network as it is now. The snapshot and the resolver come in; judgement is pure.
public struct NetworkInspector: Sendable {
    let resolver: any NameResolver

    public init(resolver: any NameResolver = SystemResolver()) { self.resolver = resolver }

    public func inspect(_ config: Configuration, snapshot: NetworkSnapshot, timeout: Double) async -> NetworkReport {
        var wanted: [(source: String, text: String, host: String, family: Int32, transport: LocalSocket.Transport, port: UInt16)] = []
        for text in config.p2p.listenAddresses {
            guard let socket = try? Multiaddr(text).socket else { continue }  // the config loader refused these already
            wanted.append(("p2p.listen_addresses", text, socket.host, socket.family, socket.transport, socket.port))
        }
        let serve = [("serve.listen", config.serve.listen)] + (config.serve.grpcListen.map { [("serve.grpc_listen", $0)] } ?? [])
        for (source, address) in serve {
            wanted.append((source, address.description, address.host, AF_UNSPEC, .tcp, UInt16(address.port)))
        }
        var listeners: [NetworkReport.Listener] = []
        for entry in wanted {
            var listener = NetworkReport.Listener(source: entry.source, address: entry.text, transport: entry.transport, port: entry.port)
            do {
                listener.hosts = try await hostAddresses(entry.host, family: entry.family, timeout: timeout)
                judge(&listener, snapshot: snapshot)
            } catch {
                listener.problem = "\(entry.host) does not resolve: \(BlackholeError.line(error))"
            }
            listeners.append(listener)
        }

        var peers: [NetworkReport.Peer] = []
        for text in config.p2p.bootstrap {
            var peer = NetworkReport.Peer(address: text)
            do {
                peer.resolved = try await resolve(try Multiaddr(text), timeout: timeout).map(\.description)
                if peer.resolved.isEmpty {
                    peer.problem = "resolves to no addresses"
                } else if let first = peer.resolved.lazy.compactMap({ try? Multiaddr($0).socket?.host }).first {
                    peer.route = Self.route(to: first, snapshot: snapshot)
                    if peer.route == nil { peer.problem = "no route to \(first)" }
                }
            } catch {
                peer.problem = "does not resolve: \(BlackholeError.line(error))"
            }
            peers.append(peer)
        }
        return NetworkReport(snapshot: snapshot, listeners: listeners, peers: peers)
    }

    /// An IP address stays as it is; a name becomes every address it resolves to.
    private func hostAddresses(_ host: String, family: Int32, timeout: Double) async throws -> [String] {
        if Multiaddr.isIP(host, family: AF_INET) || Multiaddr.isIP(host, family: AF_INET6) { return [host] }
        let found = try await resolver.addresses(of: host, family: family, timeout: timeout)
        guard !found.isEmpty else { throw BlackholeError(.environment, "no addresses") }
        return found
    }

    /// A bootstrap multiaddr down to addresses with IPs: `/dnsaddr` through its TXT records,
    /// `/dns*` names through the system's resolver.
    private func resolve(_ address: Multiaddr, timeout: Double) async throws -> [Multiaddr] {
        if case .dnsaddr = address.components.first {
            var resolved: [Multiaddr] = []
            for entry in try await resolver.dnsaddr(address, timeout: timeout) {
                resolved += try await resolve(entry, timeout: timeout)
            }
            return resolved.removingDuplicates()
        }
        guard let socket = address.socket else { return [address] }
        return try await hostAddresses(socket.host, family: socket.family, timeout: timeout).map(address.replacingHost(with:))
    }

    /// Whether the addresses can be listened on, and who holds the port now. A port held by a
    /// program whose name does not start with `blackhole` is a conflict; one this user cannot
    /// see the owner of is reported, not judged.
    func judge(_ listener: inout NetworkReport.Listener, snapshot: NetworkSnapshot) {
        let local = listener.hosts.filter { Self.isWildcard($0) || Self.isLocal($0, snapshot: snapshot) }
        if let foreign = listener.hosts.first(where: { !local.contains($0) }) {
            listener.problem = "no interface has the address \(foreign): nothing can listen on it"
            return
        }
        let holders = snapshot.sockets.filter { socket in
            socket.transport == listener.transport && socket.port == listener.port
                && listener.hosts.contains { Self.overlap($0, socket.address) }
        }
        listener.holders = holders.map { socket in
            NetworkReport.Holder(socket: socket.endpoint, pid: snapshot.owners[socket.inode]?.pid, program: snapshot.owners[socket.inode]?.program)
        }
        if let other = listener.holders.first(where: { $0.program.map { !$0.hasPrefix("blackhole") } ?? false }) {
            listener.problem = "port \(listener.port)/\(listener.transport.rawValue) is in use by \(other.description)"
        }
    }

    static func isWildcard(_ address: String) -> Bool { address == "0.0.0.0" || address == "::" }

    /// Assigned to an interface, or anywhere in 127.0.0.0/8 (all of it is the loopback's).
    static func isLocal(_ address: String, snapshot: NetworkSnapshot) -> Bool {
        ListenAddress.isLoopbackName(address)
            || snapshot.interfaces.contains { $0.addresses.contains { $0.address == address } }
    }

    /// Two bound addresses clash on one port when equal or when either is a wildcard of a
    /// family that covers the other (`::` takes IPv4 too, as Linux binds dual-stack by default).
    static func overlap(_ first: String, _ second: String) -> Bool {
        if first == second { return true }
        func covers(_ wildcard: String, _ other: String) -> Bool {
            wildcard == "::" || (wildcard == "0.0.0.0" && !other.contains(":")) || (wildcard == "0.0.0.0" && other == "::")
        }
        return covers(first, second) || covers(second, first)
    }

    /// Which way the kernel would send to `address`: the loopback, a directly attached subnet
    /// (longest prefix), else the family's default route; nil when there is none.
    static func route(to address: String, snapshot: NetworkSnapshot) -> NetworkReport.Route? {
        let family = address.contains(":") ? AF_INET6 : AF_INET
        guard let target = bytes(address, family: family) else { return nil }
        var best: (interface: String, prefix: Int)?
        for interface in snapshot.interfaces where interface.up {
            for assigned in interface.addresses {
                guard let network = bytes(assigned.address, family: family), network.count == target.count,
                      sameNetwork(target, network, prefix: assigned.prefixLength), assigned.prefixLength > (best?.prefix ?? -1) else { continue }
                best = (interface.name, assigned.prefixLength)
            }
        }
        if let best { return NetworkReport.Route(interface: best.interface, gateway: nil) }
        let name = family == AF_INET ? "ipv4" : "ipv6"
        return snapshot.defaultRoutes.first { $0.family == name }.map { NetworkReport.Route(interface: $0.interface, gateway: $0.gateway) }
    }

    private static func bytes(_ address: String, family: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: family == AF_INET ? 4 : 16)
        return inet_pton(family, address, &buffer) == 1 ? buffer : nil
    }

    private static func sameNetwork(_ first: [UInt8], _ second: [UInt8], prefix: Int) -> Bool {
        for bit in 0..<min(prefix, first.count * 8) {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            if first[bit / 8] & mask != second[bit / 8] & mask { return false }
        }
        return true
    }
}
