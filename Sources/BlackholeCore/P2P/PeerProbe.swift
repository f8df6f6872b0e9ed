import Foundation
import NIOCore
import NIOPosix

/// What one probe of one peer found.
public struct PeerProbeResult: Sendable, Equatable, Encodable {
    public enum State: String, Sendable, Encodable {
        /// TCP connected and the peer speaks multistream-select.
        case reachable
        /// TCP connected but the peer does not speak multistream-select.
        case notLibp2p = "not_libp2p"
        case unreachable
        /// A UDP/QUIC or unresolved address: known, not probed over TCP.
        case notProbed = "not_probed"
    }

    public var address: String
    public var peerID: String?
    public var state: State
    public var connectTime: Double?
    /// multistream-select round trip: our header out, theirs back.
    public var latency: Double?
    /// Security protocols the peer accepted, of `/noise` and `/tls/1.0.0`.
    public var security: [String]
    public var error: String?

    public var reachable: Bool { state == .reachable }

    enum CodingKeys: String, CodingKey {
        case address, peerID = "peer_id", state, reachable, connectTime = "connect_time_ms", latency = "latency_ms"
        case security = "security_protocols", error
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(address, forKey: .address)
        try container.encode(peerID, forKey: .peerID)
        try container.encode(state, forKey: .state)
        try container.encode(reachable, forKey: .reachable)
        try container.encode(connectTime.map { ($0 * 10_000).rounded() / 10 }, forKey: .connectTime)
        try container.encode(latency.map { ($0 * 10_000).rounded() / 10 }, forKey: .latency)
        try container.encode(security, forKey: .security)
        try container.encode(error, forKey: .error)
    }
}

/// Probes a peer for real: TCP connect (timed), the multistream-select header exchange (its
/// round trip is the latency), then proposals of `/noise` and `/tls/1.0.0`. A proposal the peer
/// accepts switches that connection to the security protocol, so the next proposal gets a
/// connection of its own. The whole probe is bounded by `timeout`.
public struct PeerProber: Sendable {
    public static let securityProtocols = ["/noise", "/tls/1.0.0"]
    let group: any EventLoopGroup

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) { self.group = group }

    public func probe(_ address: Multiaddr, timeout: Double) async -> PeerProbeResult {
        let progress = Progress(PeerProbeResult(address: address.description, peerID: address.peerID, state: .notProbed, security: []))
        guard let (host, port) = address.tcpTarget else {
            progress.update { $0.error = address.unprobeableReason }
            return progress.result
        }
        let group = self.group
        do {
            try await withThrowingTaskGroup(of: Bool.self) { tasks in
                tasks.addTask {
                    try await Self.run(host: host, port: Int(port), timeout: timeout, group: group, progress: progress)
                    return true
                }
                tasks.addTask {
                    try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                    return false
                }
                defer { tasks.cancelAll() }
                if try await tasks.next() == false { throw PeerProbeError.timedOut }
            }
        } catch {
            progress.update { result in
                switch error {
                case PeerProbeError.notMultistream(let reason):
                    result.state = .notLibp2p
                    result.error = reason
                case PeerProbeError.protocolViolation(let reason):
                    result.error = reason
                case PeerProbeError.closed where result.state != .reachable:
                    result.state = .notLibp2p
                    result.error = "closed the connection without speaking multistream-select"
                case PeerProbeError.timedOut, is CancellationError:
                    if result.state != .reachable { result.state = result.connectTime == nil ? .unreachable : .notLibp2p }
                    result.error = "timed out after \(DurationText.format(timeout))"
                        + (result.connectTime != nil && result.latency == nil ? " waiting for multistream-select" : "")
                default:
                    if result.connectTime == nil { result.state = .unreachable }
                    result.error = ServiceProber.describe(error, timeout: timeout)
                }
            }
        }
        return progress.result
    }

    private static func run(host: String, port: Int, timeout: Double, group: any EventLoopGroup, progress: Progress) async throws {
        var pending = securityProtocols[...]
        var first = true
        while first || !pending.isEmpty {
            let started = ContinuousClock.now
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(Int64(timeout * 1e9)))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            if first { progress.update { $0.connectTime = (ContinuousClock.now - started).timeInterval } }
            let wasFirst = first
            pending = try await channel.executeThenClose { inbound, outbound in
                var reader = MessageReader(inbound.makeAsyncIterator())
                var pending = pending
                let sent = ContinuousClock.now
                try await outbound.write(ByteBuffer(bytes: Multistream.encode(Multistream.header)))
                try await reader.expect(Multistream.header)
                if wasFirst {
                    progress.update {
                        $0.latency = (ContinuousClock.now - sent).timeInterval
                        $0.state = .reachable
                    }
                }
                while let proposal = pending.popFirst() {
                    try await outbound.write(ByteBuffer(bytes: Multistream.encode(proposal)))
                    let answer = try await reader.next()
                    if answer == proposal {
                        progress.update { $0.security.append(proposal) }
                        break  // this connection now speaks that protocol
                    } else if answer != Multistream.notAvailable {
                        throw PeerProbeError.protocolViolation("answered \"\(answer.prefix(40))\" to \(proposal)")
                    }
                }
                return pending
            }
            first = false
        }
    }
}

enum PeerProbeError: Error {
    case notMultistream(String)
    case protocolViolation(String)
    case timedOut
    case closed
}

/// What a probe has learnt so far, kept when a deadline cuts it short.
private final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private var value: PeerProbeResult

    init(_ value: PeerProbeResult) { self.value = value }

    var result: PeerProbeResult { lock.withLock { value } }

    func update(_ change: (inout PeerProbeResult) -> Void) { lock.withLock { change(&value) } }
}

/// Reassembles multistream-select messages from whatever chunks TCP delivers.
private struct MessageReader {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var buffer: [UInt8] = []

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

    /// Reads `message`, failing on the first byte that differs: a peer that is not speaking
    /// multistream-select is found out at once, not at the timeout.
    mutating func expect(_ message: String) async throws {
        let expected = Multistream.encode(message)
        while buffer.count < expected.count {
            if !expected.starts(with: buffer) { break }
            guard let chunk = try await iterator.next() else { throw PeerProbeError.closed }
            buffer += chunk.readableBytesView
        }
        guard buffer.starts(with: expected) else {
            let shown = String(decoding: buffer.prefix(40), as: UTF8.self).map { $0.isNewline ? " " : String($0) }.joined()
            throw PeerProbeError.notMultistream("answered \"\(shown)\" instead of \(message)")
        }
        buffer.removeFirst(expected.count)
    }

    mutating func next() async throws -> String {
        while true {
            switch Multistream.decode(buffer[...]) {
            case .message(let text, let consumed):
                buffer.removeFirst(consumed)
                return text
            case .invalid(let reason):
                throw PeerProbeError.notMultistream("not multistream-select: \(reason)")
            case .incomplete:
                guard let chunk = try await iterator.next() else { throw PeerProbeError.closed }
                buffer += chunk.readableBytesView
            }
        }
    }
}

extension PeerProber {
    /// Probes every address at once. Each probe is also a `p2p.ping` span, a child of `parent`
    /// in trace `traceID`, so slow or failing peers show up in the traces.
    func probeAll(_ addresses: [Multiaddr], timeout: Double, traceID: Data, parent: Data,
                  clock: any WallClock) async -> (results: [PeerProbeResult], spans: [Span]) {
        let probed = await withTaskGroup(of: (Int, PeerProbeResult, Span).self) { group in
            for (index, address) in addresses.enumerated() {
                group.addTask {
                    let start = clock.now()
                    let result = await probe(address, timeout: timeout)
                    return (index, result, Self.span(for: result, traceID: traceID, parent: parent, start: start, end: clock.now()))
                }
            }
            return await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }
        }
        return (probed.map(\.1), probed.map(\.2))
    }

    static func span(for result: PeerProbeResult, traceID: Data, parent: Data, start: Date, end: Date) -> Span {
        var attributes: [String: AttributeValue] = [
            "peer.address": .string(result.address), "p2p.state": .string(result.state.rawValue),
            "p2p.security_protocols": .array(result.security.map(AttributeValue.string)),
        ]
        if let peerID = result.peerID { attributes["peer.id"] = .string(peerID) }
        if let latency = result.latency { attributes["p2p.latency_ms"] = .double(latency * 1000) }
        let failed = !result.reachable && result.state != .notProbed
        return Span(traceID: traceID, spanID: Span.newSpanID(), parentSpanID: parent, name: "p2p.ping", kind: .client,
                    start: start, end: end, statusCode: failed ? .error : .unset, statusMessage: result.error ?? "", attributes: attributes)
    }
}
