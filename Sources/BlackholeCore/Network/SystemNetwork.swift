import Foundation

/// A network interface and its addresses, as `getifaddrs(3)` reports them.
public struct NetworkInterface: Sendable, Equatable, Encodable {
    public struct Address: Sendable, Equatable {
        public var address: String
        public var prefixLength: Int

        public init(_ address: String, prefixLength: Int) {
            self.address = address
            self.prefixLength = prefixLength
        }

        public var cidr: String { "\(address)/\(prefixLength)" }
    }

    public var name: String
    public var up: Bool
    public var loopback: Bool
    public var mac: String?
    public var addresses: [Address]

    public init(name: String, up: Bool, loopback: Bool, mac: String? = nil, addresses: [Address]) {
        self.name = name
        self.up = up
        self.loopback = loopback
        self.mac = mac
        self.addresses = addresses
    }

    enum CodingKeys: String, CodingKey { case name, up, loopback, mac, addresses }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(up, forKey: .up)
        try container.encode(loopback, forKey: .loopback)
        try container.encode(mac, forKey: .mac)
        try container.encode(addresses.map(\.cidr), forKey: .addresses)
    }
}

/// A process holding a socket.
public struct SocketOwner: Sendable, Equatable {
    public var pid: Int32
    public var program: String

    public init(pid: Int32, program: String) {
        self.pid = pid
        self.program = program
    }
}

/// What the machine's network looks like right now: read once, then judged as a value.
public struct NetworkSnapshot: Sendable, Equatable {
    public var interfaces: [NetworkInterface]
    public var defaultRoutes: [DefaultRoute]
    public var resolvConf: ResolvConf?
    public var resolvConfPath: String
    public var sockets: [LocalSocket]
    /// Owners by socket inode, where this user may see them (other users' processes are hidden
    /// from non-root users).
    public var owners: [UInt64: SocketOwner]

    public init(interfaces: [NetworkInterface], defaultRoutes: [DefaultRoute], resolvConf: ResolvConf?, resolvConfPath: String = "/etc/resolv.conf",
                sockets: [LocalSocket], owners: [UInt64: SocketOwner]) {
        self.interfaces = interfaces
        self.defaultRoutes = defaultRoutes
        self.resolvConf = resolvConf
        self.resolvConfPath = resolvConfPath
        self.sockets = sockets
        self.owners = owners
    }
}

/// Reads the snapshot from the system: `getifaddrs(3)`, `/proc/net`, `/proc/PID/fd`, resolv.conf.
/// Nothing is shelled out to `ip` or `ss`.
public enum SystemNetwork {
    public static func snapshot(resolvConf path: String = "/etc/resolv.conf") throws -> NetworkSnapshot {
        func read(_ file: String) -> String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }
        let sockets = ProcNet.boundSockets(read("/proc/net/tcp"), transport: .tcp) + ProcNet.boundSockets(read("/proc/net/tcp6"), transport: .tcp)
            + ProcNet.boundSockets(read("/proc/net/udp"), transport: .udp) + ProcNet.boundSockets(read("/proc/net/udp6"), transport: .udp)
        return NetworkSnapshot(
            interfaces: try interfaces(),
            defaultRoutes: ProcNet.ipv4DefaultRoutes(read("/proc/net/route")) + ProcNet.ipv6DefaultRoutes(read("/proc/net/ipv6_route")),
            resolvConf: (try? String(contentsOfFile: path, encoding: .utf8)).map(ResolvConf.init(parsing:)),
            resolvConfPath: path,
            sockets: sockets,
            owners: owners(of: Set(sockets.map(\.inode))))
    }

    static func interfaces() throws -> [NetworkInterface] {
        var first: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&first) == 0 else {
            throw BlackholeError(.environment, "cannot list network interfaces: \(String(cString: strerror(errno)))")
        }
        defer { freeifaddrs(first) }
        var order: [String] = []
        var byName: [String: NetworkInterface] = [:]
        var entry = first
        while let current = entry?.pointee {
            defer { entry = current.ifa_next }
            let name = String(cString: current.ifa_name)
            if byName[name] == nil {
                order.append(name)
                byName[name] = NetworkInterface(name: name, up: current.ifa_flags & UInt32(IFF_UP) != 0,
                                                loopback: current.ifa_flags & UInt32(IFF_LOOPBACK) != 0, addresses: [])
            }
            guard let address = current.ifa_addr else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET, AF_INET6:
                guard let text = numericHost(address) else { continue }
                let prefix = current.ifa_netmask.map(prefixLength) ?? 0
                byName[name]?.addresses.append(.init(text, prefixLength: prefix))
            default: continue
            }
        }
        return order.compactMap { name in
            guard var interface = byName[name] else { return nil }
            // The hardware address as the kernel shows it; none (or all zero) for loopback and tunnels.
            let mac = (try? String(contentsOfFile: "/sys/class/net/\(name)/address", encoding: .utf8))?.trimmed()
            interface.mac = mac.flatMap { $0.isEmpty || $0.allSatisfy { "0:".contains($0) } ? nil : $0 }
            return interface
        }
    }

    /// `192.0.2.1` or `fe80::1` (without a `%zone`).
    static func numericHost(_ address: UnsafePointer<sockaddr>) -> String? {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let length = socklen_t(address.pointee.sa_family == sa_family_t(AF_INET) ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
        guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { return nil }
        return String(cString: host).split(separator: "%").first.map(String.init)
    }

    private static func prefixLength(_ mask: UnsafeMutablePointer<sockaddr>) -> Int {
        switch Int32(mask.pointee.sa_family) {
        case AF_INET:
            return mask.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr.nonzeroBitCount }
        case AF_INET6:
            return mask.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { $0.reduce(0) { $0 + $1.nonzeroBitCount } }
            }
        default:
            return 0
        }
    }

    /// Which process holds each socket: every `/proc/PID/fd/N` linking to `socket:[INODE]`.
    /// Processes this user may not look into are skipped.
    static func owners(of inodes: Set<UInt64>) -> [UInt64: SocketOwner] {
        guard !inodes.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [:] }
        var owners: [UInt64: SocketOwner] = [:]
        for entry in entries {
            guard let pid = Int32(entry), let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(entry)/fd") else { continue }
            for fd in fds {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/fd/\(fd)"),
                      target.hasPrefix("socket:["), let inode = UInt64(target.dropFirst(8).dropLast()), inodes.contains(inode),
                      owners[inode] == nil else { continue }
                let program = (try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8))?
                    .trimmed() ?? "?"
                owners[inode] = SocketOwner(pid: pid, program: program)
            }
        }
        return owners
    }
}

/// Turns names into addresses. The system's resolver (`getaddrinfo`, so `/etc/hosts` and
/// nsswitch count as they do for every program) and `/dnsaddr` TXT lookups, each bounded in time.
public protocol NameResolver: Sendable {
    func addresses(of host: String, family: Int32, timeout: Double) async throws -> [String]
    func dnsaddr(_ address: Multiaddr, timeout: Double) async throws -> [Multiaddr]
}

public struct SystemResolver: NameResolver {
    let discovery: PeerDiscovery

    public init(discovery: PeerDiscovery = PeerDiscovery()) { self.discovery = discovery }

    /// `getaddrinfo` on a thread of its own: it cannot be cancelled, so a slow resolver is
    /// abandoned at the timeout rather than waited for.
    public func addresses(of host: String, family: Int32, timeout: Double) async throws -> [String] {
        let outcome = LookupOutcome()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.install(continuation)
            Thread {
                outcome.finish(Result { try Self.lookup(host, family: family) })
            }.start()
            Thread {
                Thread.sleep(forTimeInterval: timeout)
                outcome.finish(.failure(BlackholeError(.environment, "no answer within \(DurationText.format(timeout))")))
            }.start()
        }
    }

    public func dnsaddr(_ address: Multiaddr, timeout: Double) async throws -> [Multiaddr] {
        try await discovery.resolve(address, timeout: timeout)
    }

    static func lookup(_ host: String, family: Int32) throws -> [String] {
        var hints = addrinfo()
        hints.ai_family = family
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var first: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &first)
        guard status == 0 else {
            let reason = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            throw BlackholeError(.environment, reason)
        }
        defer { freeaddrinfo(first) }
        var found: [String] = []
        var entry = first
        while let current = entry?.pointee {
            if let address = current.ai_addr, let text = SystemNetwork.numericHost(address) { found.append(text) }
            entry = current.ai_next
        }
        return found.removingDuplicates()
    }
}

/// The first of two answers wins: the lookup's or the timeout's.
private final class LookupOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<[String], any Error>?

    func install(_ continuation: CheckedContinuation<[String], any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    func finish(_ result: Result<[String], any Error>) {
        let waiting = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
    }
}
