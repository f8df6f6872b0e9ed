import Foundation

/// A libp2p multiaddr in its text form: `/ip4/192.0.2.1/tcp/4001/p2p/12D3KooW...`.
/// Parsed and validated component by component, so an error names the part that is wrong.
public struct Multiaddr: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case ip4(String), ip6(String), dns(String), dns4(String), dns6(String), dnsaddr(String)
        case tcp(UInt16), udp(UInt16), quic, quicV1, webtransport, ws, wss, tls, p2p(String)
    }

    public let components: [Component]

    public init(_ text: String) throws {
        guard text.hasPrefix("/") else { throw Self.invalid(text, "must start with /") }
        var parts = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if parts.last == "" { parts = parts.dropLast() }
        var components: [Component] = []
        var iterator = parts.makeIterator()
        while let name = iterator.next() {
            func value() throws -> String {
                guard let next = iterator.next(), !next.isEmpty else { throw Self.invalid(text, "/\(name) needs a value") }
                return String(next)
            }
            switch name {
            case "ip4":
                let address = try value()
                guard Self.isIP(address, family: AF_INET) else { throw Self.invalid(text, "\"\(address)\" is not an IPv4 address") }
                components.append(.ip4(address))
            case "ip6":
                let address = try value()
                guard Self.isIP(address, family: AF_INET6) else { throw Self.invalid(text, "\"\(address)\" is not an IPv6 address") }
                components.append(.ip6(address))
            case "dns", "dns4", "dns6", "dnsaddr":
                let host = try value()
                guard Self.isHostName(host) else { throw Self.invalid(text, "\"\(host)\" is not a DNS name") }
                components.append(["dns": .dns(host), "dns4": .dns4(host), "dns6": .dns6(host), "dnsaddr": .dnsaddr(host)][String(name)]!)
            case "tcp", "udp":
                let port = try value()
                guard let number = UInt16(port) else { throw Self.invalid(text, "\"\(port)\" is not a port (0-65535)") }
                components.append(name == "tcp" ? .tcp(number) : .udp(number))
            case "p2p", "ipfs":
                let id = try value()
                guard PeerID.isValid(id) else { throw Self.invalid(text, "\"\(id)\" is not a peer id") }
                components.append(.p2p(id))
            case "quic": components.append(.quic)
            case "quic-v1": components.append(.quicV1)
            case "webtransport": components.append(.webtransport)
            case "ws": components.append(.ws)
            case "wss": components.append(.wss)
            case "tls": components.append(.tls)
            default:
                throw Self.invalid(text, "unknown protocol /\(name)")
            }
        }
        guard let first = components.first else { throw Self.invalid(text, "is empty") }
        switch first {
        case .ip4, .ip6, .dns, .dns4, .dns6, .dnsaddr, .p2p: break
        default: throw Self.invalid(text, "must start with /ip4, /ip6, /dns, /dns4, /dns6, /dnsaddr or /p2p")
        }
        if components.dropLast().contains(where: { if case .p2p = $0 { true } else { false } }) {
            throw Self.invalid(text, "/p2p must come last")
        }
        self.components = components
    }

    private static func invalid(_ text: String, _ reason: String) -> BlackholeError {
        BlackholeError(.usage, "invalid multiaddr \"\(text)\": \(reason)")
    }

    public var description: String {
        components.map { component -> String in
            switch component {
            case .ip4(let value): "/ip4/\(value)"
            case .ip6(let value): "/ip6/\(value)"
            case .dns(let value): "/dns/\(value)"
            case .dns4(let value): "/dns4/\(value)"
            case .dns6(let value): "/dns6/\(value)"
            case .dnsaddr(let value): "/dnsaddr/\(value)"
            case .tcp(let port): "/tcp/\(port)"
            case .udp(let port): "/udp/\(port)"
            case .quic: "/quic"
            case .quicV1: "/quic-v1"
            case .webtransport: "/webtransport"
            case .ws: "/ws"
            case .wss: "/wss"
            case .tls: "/tls"
            case .p2p(let id): "/p2p/\(id)"
            }
        }.joined()
    }

    /// The peer id of a trailing `/p2p/...`.
    public var peerID: String? {
        if case .p2p(let id) = components.last { return id }
        return nil
    }

    /// Host and port when this is a plain TCP address (`/ip4|ip6|dns*/H/tcp/P[/p2p/ID]`): the
    /// only kind a TCP connect plus multistream-select can probe.
    public var tcpTarget: (host: String, port: UInt16)? {
        guard let socket, socket.transport == .tcp else { return nil }
        let rest = components.dropFirst(2)
        guard rest.isEmpty || (rest.count == 1 && peerID != nil) else { return nil }
        return (socket.host, socket.port)
    }

    /// The host (an address or a name), its address family, transport and port when this names
    /// a socket: `/ip4|ip6|dns|dns4|dns6/HOST/tcp|udp/PORT[/...]`.
    public var socket: (host: String, family: Int32, transport: LocalSocket.Transport, port: UInt16)? {
        guard components.count >= 2 else { return nil }
        let host: String, family: Int32
        switch components[0] {
        case .ip4(let name), .dns4(let name): (host, family) = (name, AF_INET)
        case .ip6(let name), .dns6(let name): (host, family) = (name, AF_INET6)
        case .dns(let name): (host, family) = (name, AF_UNSPEC)
        default: return nil
        }
        switch components[1] {
        case .tcp(let port): return (host, family, .tcp, port)
        case .udp(let port): return (host, family, .udp, port)
        default: return nil
        }
    }

    /// The same address with its first component (a DNS name) replaced by a resolved IP address.
    public func replacingHost(with address: String) -> Multiaddr {
        let first: Component = address.contains(":") ? .ip6(address) : .ip4(address)
        return Multiaddr(components: [first] + components.dropFirst())
    }

    private init(components: [Component]) { self.components = components }

    /// Why `tcpTarget` is nil, for the operator.
    public var unprobeableReason: String? {
        guard tcpTarget == nil else { return nil }
        if components.contains(where: { [.quic, .quicV1, .webtransport].contains($0) })
            || components.contains(where: { if case .udp = $0 { true } else { false } }) {
            return "UDP/QUIC address: known, but not probeable over TCP"
        }
        if case .dnsaddr = components.first { return "/dnsaddr must be resolved first" }
        if components.contains(.ws) || components.contains(.wss) { return "WebSocket address: not probed" }
        return "no /tcp port to probe"
    }

    static func isIP(_ text: String, family: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        // inet_pton reads a C string: what follows a NUL (`::2\0junk`, from a TXT record) it never sees.
        return !text.utf8.contains(0) && inet_pton(family, text, &buffer) == 1
    }

    static func isHostName(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return text.count <= 253 && !labels.isEmpty && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }
}

/// libp2p peer ids as text: base58btc multihashes (`Qm...`, `12D3KooW...`, `16Uiu2...`) or
/// CIDv1 in base32 (`bafz...`).
public enum PeerID {
    static let base58Alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")

    public static func isValid(_ text: String) -> Bool {
        if text.hasPrefix("b") {
            return text.count > 10 && text.dropFirst().allSatisfy { "abcdefghijklmnopqrstuvwxyz234567".contains($0) }
        }
        guard let bytes = base58Decode(text), bytes.count >= 2 else { return false }
        // A multihash: code, length, digest of that length (identity 0x00 or sha2-256 0x12).
        return (bytes[0] == 0x00 || bytes[0] == 0x12) && Int(bytes[1]) == bytes.count - 2
    }

    static func base58Decode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        for character in text {
            guard var carry = base58Alphabet.firstIndex(of: character) else { return nil }
            for index in bytes.indices.reversed() {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xff)
                carry >>= 8
            }
            while carry > 0 {
                bytes.insert(UInt8(carry & 0xff), at: 0)
                carry >>= 8
            }
        }
        let zeros = text.prefix { $0 == "1" }.count
        return Array(repeating: 0, count: zeros) + bytes
    }
}
