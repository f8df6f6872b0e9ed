import Foundation

/// One UDP question and its answers, for DNS and mDNS. The blocking socket calls run on a thread
/// of their own, bounded by `timeout`, never on the tasks' shared threads.
enum UDPExchange {
    /// Sends `query` to `host:port` (IPv4) and returns the datagrams received until `timeout`,
    /// or only the first when `collect` is false.
    static func exchange(_ query: [UInt8], host: String, port: UInt16, timeout: Double, collect: Bool) async throws -> [[UInt8]] {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try blockingExchange(query, host: host, port: port, timeout: timeout, collect: collect) })
            }.start()
        }
    }

    private static func blockingExchange(_ query: [UInt8], host: String, port: UInt16, timeout: Double, collect: Bool) throws -> [[UInt8]] {
        var address = try IPv4Socket.address(host, port)
        let descriptor = try IPv4Socket.open(Int32(SOCK_DGRAM.rawValue))
        defer { close(descriptor) }
        if host.hasPrefix("224.") {
            var on: UInt8 = 1, ttl: UInt8 = 255
            setsockopt(descriptor, Int32(IPPROTO_IP), IP_MULTICAST_LOOP, &on, 1)
            setsockopt(descriptor, Int32(IPPROTO_IP), IP_MULTICAST_TTL, &ttl, 1)
        }
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(descriptor, query, query.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard sent == query.count else { throw IPv4Socket.failure("send to \(host):\(port)") }
        var answers: [[UInt8]] = []
        // A deadline for the socket's real wait: monotonic, so a wall-clock step cannot stretch or cut it.
        let deadline = ContinuousClock.now + .nanoseconds(Int64(timeout * 1e9))
        var buffer = [UInt8](repeating: 0, count: 9000)
        while true {
            let remaining = Int32(max(0, (deadline - ContinuousClock.now) / .milliseconds(1)))
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, remaining)
            if ready <= 0 { break }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 { answers.append(Array(buffer[..<count])) }
            if !collect && !answers.isEmpty { break }
        }
        return answers
    }
}
