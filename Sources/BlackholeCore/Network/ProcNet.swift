import Foundation

/// A socket bound on this machine, as `/proc/net/{tcp,tcp6,udp,udp6}` list it.
public struct LocalSocket: Sendable, Equatable {
    public enum Transport: String, Sendable, Codable { case tcp, udp }

    public var transport: Transport
    public var address: String
    public var port: UInt16
    /// The inode that `/proc/PID/fd/N -> socket:[INODE]` names, to find the owning process.
    public var inode: UInt64

    public init(transport: Transport, address: String, port: UInt16, inode: UInt64) {
        self.transport = transport
        self.address = address
        self.port = port
        self.inode = inode
    }

    /// `127.0.0.1:4318`, `[::]:4001`.
    public var endpoint: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }
}

/// The default route of one address family.
public struct DefaultRoute: Sendable, Equatable, Encodable {
    public var family: String
    public var gateway: String
    public var interface: String

    public init(family: String, gateway: String, interface: String) {
        self.family = family
        self.gateway = gateway
        self.interface = interface
    }
}

/// Parsers for the kernel's network tables under `/proc/net`: text in, values out, no I/O.
public enum ProcNet {
    /// Sockets that hold a port: TCP in LISTEN (`0A`), UDP bound and unconnected (`07`).
    public static func boundSockets(_ text: String, transport: LocalSocket.Transport) -> [LocalSocket] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count >= 10, fields[3] == (transport == .tcp ? "0A" : "07") else { return nil }
            let local = fields[1].split(separator: ":")
            guard local.count == 2, let address = kernelAddress(local[0]), let port = UInt16(local[1], radix: 16),
                  let inode = UInt64(fields[9]) else { return nil }
            return LocalSocket(transport: transport, address: address, port: port, inode: inode)
        }
    }

    /// `/proc/net/route`: the entry with destination and mask 0.
    public static func ipv4DefaultRoutes(_ text: String) -> [DefaultRoute] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count >= 8, fields[1] == "00000000", fields[7] == "00000000",
                  let flags = UInt32(fields[3], radix: 16), flags & 0x1 != 0,  // RTF_UP
                  let gateway = kernelAddress(fields[2]) else { return nil }
            return DefaultRoute(family: "ipv4", gateway: gateway, interface: String(fields[0]))
        }
    }

    /// `/proc/net/ipv6_route`: `::/0` entries that are up and not rejecting (the kernel lists an
    /// unreachable default on `lo`).
    public static func ipv6DefaultRoutes(_ text: String) -> [DefaultRoute] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count >= 10, fields[0].allSatisfy({ $0 == "0" }), fields[1] == "00",
                  let flags = UInt32(fields[8], radix: 16), flags & 0x1 != 0, flags & 0x200 == 0,  // RTF_UP, not RTF_REJECT
                  let gateway = networkOrderIPv6(fields[4]) else { return nil }
            return DefaultRoute(family: "ipv6", gateway: gateway, interface: String(fields[9]))
        }
    }

    /// An address as `/proc/net/{tcp,udp,route}` print it: the in-memory (network order) words
    /// read as host-order integers, so each 32-bit word's bytes come reversed on this machine.
    static func kernelAddress(_ hex: Substring) -> String? {
        guard hex.count == 8 || hex.count == 32, let bytes = hexBytes(hex) else { return nil }
        var ordered: [UInt8] = []
        for word in stride(from: 0, to: bytes.count, by: 4) {
            let chunk = Array(bytes[word..<word + 4])
            ordered += UInt32(littleEndian: 1) == 1 ? chunk.reversed() : chunk
        }
        return presentation(ordered)
    }

    /// `/proc/net/ipv6_route` prints addresses in network order.
    static func networkOrderIPv6(_ hex: Substring) -> String? {
        guard hex.count == 32, let bytes = hexBytes(hex) else { return nil }
        return presentation(bytes)
    }

    private static func hexBytes(_ hex: Substring) -> [UInt8]? {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// Four or sixteen bytes in network order as `192.0.2.1` or `fd00::1`.
    static func presentation(_ bytes: [UInt8]) -> String? {
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let done = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
        return done == nil ? nil : String(cString: text)
    }
}

/// What `/etc/resolv.conf` says: the resolvers every name lookup on this machine goes to.
public struct ResolvConf: Sendable, Equatable {
    public var nameservers: [String] = []
    public var search: [String] = []

    public init(parsing text: String) {
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: \.isWhitespace)
            guard let keyword = words.first, !keyword.hasPrefix("#"), !keyword.hasPrefix(";") else { continue }
            switch keyword {
            case "nameserver" where words.count >= 2: nameservers.append(String(words[1]))
            case "search", "domain": search = words.dropFirst().map(String.init)
            default: continue
            }
        }
    }
}
