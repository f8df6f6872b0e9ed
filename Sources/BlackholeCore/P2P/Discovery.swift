import Foundation

/// Where peers come from: the bootstrap list (with `/dnsaddr/` names resolved through DNS TXT
/// records) and the local network (libp2p's mDNS discovery).
public struct PeerDiscovery: Sendable {
    public static let mdnsService = "_p2p._udp.local"
    static let mdnsGroup = "224.0.0.251"

    let resolvConf: String

    public init(resolvConf: String = "/etc/resolv.conf") { self.resolvConf = resolvConf }

    /// libp2p mDNS: one PTR query for `_p2p._udp.local`, then every `dnsaddr=` TXT string of the
    /// answers that arrive within `timeout`.
    public func mdns(timeout: Double, port: UInt16 = 5353) async throws -> [Multiaddr] {
        let query = DNSMessage.query(id: 0, name: Self.mdnsService, type: .ptr)
        let answers = try await UDPExchange.exchange(query, host: Self.mdnsGroup, port: port, timeout: timeout, collect: true)
        var found: [Multiaddr] = []
        for datagram in answers {
            guard let message = try? DNSMessage(parsing: datagram), message.isResponse else { continue }
            found += Self.dnsaddrs(in: message.records, name: nil)
        }
        return found.removingDuplicates()
    }

    /// `/dnsaddr/host[/p2p/ID]` to the addresses in `_dnsaddr.host`'s TXT records (following
    /// nested `/dnsaddr/` entries a few levels), keeping those of the same peer id.
    public func resolve(_ address: Multiaddr, timeout: Double, depth: Int = 3) async throws -> [Multiaddr] {
        guard case .dnsaddr(let host) = address.components.first else { return [address] }
        guard depth > 0 else { return [] }
        let nameserver = try self.nameserver()
        let id = UInt16.random(in: 1...UInt16.max)
        let query = DNSMessage.query(id: id, name: "_dnsaddr." + host, type: .txt, edns: true)
        let answers = try await UDPExchange.exchange(query, host: nameserver, port: 53, timeout: timeout, collect: false)
        guard let datagram = answers.first else {
            throw BlackholeError(.environment, "/dnsaddr/\(host): no answer from the resolver \(nameserver) within \(DurationText.format(timeout))")
        }
        var message = try DNSMessage(parsing: datagram)
        let otherQuestion = BlackholeError(.environment, "/dnsaddr/\(host): the resolver \(nameserver) answered another question")
        guard message.id == id else { throw otherQuestion }
        if message.isTruncated {
            // More TXT records than a datagram holds: the whole answer comes over TCP.
            message = try DNSMessage(parsing: try await TCPExchange.exchange(query, host: nameserver, port: 53, timeout: timeout))
            guard message.id == id else { throw otherQuestion }
        }
        var resolved: [Multiaddr] = []
        for entry in Self.dnsaddrs(in: message.records, name: "_dnsaddr." + host)
        where address.peerID == nil || entry.peerID == address.peerID {
            resolved += try await resolve(entry, timeout: timeout, depth: depth - 1)
        }
        return resolved
    }

    /// The first IPv4 `nameserver` of resolv.conf.
    func nameserver() throws -> String {
        guard let text = try? String(contentsOfFile: resolvConf, encoding: .utf8) else {
            throw BlackholeError(.environment, "\(resolvConf): cannot read; no DNS resolver to resolve /dnsaddr names")
        }
        guard let server = ResolvConf(parsing: text).nameservers.first(where: { Multiaddr.isIP($0, family: AF_INET) }) else {
            throw BlackholeError(.environment, "\(resolvConf): no IPv4 nameserver; cannot resolve /dnsaddr names")
        }
        return server
    }

    static func dnsaddrs(in records: [DNSMessage.Record], name: String?) -> [Multiaddr] {
        records.flatMap { record -> [Multiaddr] in
            guard case .txt(let strings) = record.data, name == nil || record.name.lowercased() == name!.lowercased() else { return [] }
            return strings.compactMap { text in
                text.hasPrefix("dnsaddr=") ? try? Multiaddr(String(text.dropFirst("dnsaddr=".count))) : nil
            }
        }
    }
}
