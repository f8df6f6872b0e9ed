import Foundation

/// One UDP question and its answers, for DNS and mDNS. The blocking socket calls run on a thread
/// of their own, bounded by `timeout`, never on the tasks' shared threads.
enum UDPExchange {
    /// Sends `query` to `host:port` (IPv4) and returns the datagrams received until `timeout`,
    /// or only the first when `collect` is false.
    static func exchange(_ query: [UInt8], host: String, port: UInt16, timeout: Double, collect: Bool) async throws -> [[UInt8]] {
        try await BlockingSocket.onOwnThread { try blockingExchange(query, host: host, port: port, timeout: timeout, collect: collect) }
    }

    private static func blockingExchange(_ query: [UInt8], host: String, port: UInt16, timeout: Double, collect: Bool) throws -> [[UInt8]] {
        var address = try BlockingSocket.address(host, port)
        let descriptor = try BlockingSocket.open(Int32(SOCK_DGRAM.rawValue))
        defer { close(descriptor) }
        if host.hasPrefix("224.") {
            var on: UInt8 = 1, ttl: UInt8 = 255
            setsockopt(descriptor, Int32(IPPROTO_IP), IP_MULTICAST_LOOP, &on, 1)
            setsockopt(descriptor, Int32(IPPROTO_IP), IP_MULTICAST_TTL, &ttl, 1)
        }
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(descriptor, query, query.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard sent == query.count else { throw BlockingSocket.failure("send to \(host):\(port)") }
        var answers: [[UInt8]] = []
        let deadline = BlockingSocket.deadline(timeout)
        var buffer = [UInt8](repeating: 0, count: 9000)
        while BlockingSocket.wait(descriptor, for: Int16(POLLIN), until: deadline) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 { answers.append(Array(buffer[..<count])) }
            if !collect && !answers.isEmpty { break }
        }
        return answers
    }
}
