import Foundation

/// One DNS question over TCP (RFC 1035 4.2.2: each message behind its two-byte length), for an
/// answer too big for UDP. The blocking socket calls run on a thread of their own, bounded by
/// `timeout` as a whole, never on the tasks' shared threads.
enum TCPExchange {
    static func exchange(_ query: [UInt8], host: String, port: UInt16, timeout: Double) async throws -> [UInt8] {
        try await IPv4Socket.onOwnThread { try blockingExchange(query, host: host, port: port, timeout: timeout) }
    }

    private static func blockingExchange(_ query: [UInt8], host: String, port: UInt16, timeout: Double) throws -> [UInt8] {
        let deadline = IPv4Socket.deadline(timeout)
        var address = try IPv4Socket.address(host, port)
        let descriptor = try IPv4Socket.open(Int32(SOCK_STREAM.rawValue))
        defer { close(descriptor) }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 {
            guard errno == EINPROGRESS, IPv4Socket.wait(descriptor, for: Int16(POLLOUT), until: deadline) else {
                throw IPv4Socket.failure("connect to \(host):\(port) over TCP")
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { throw BlackholeError(.environment, "connect to \(host):\(port) over TCP: \(String(cString: strerror(error)))") }
        }
        var outgoing = DNSMessage.be(UInt16(query.count)) + query
        while !outgoing.isEmpty {
            guard IPv4Socket.wait(descriptor, for: Int16(POLLOUT), until: deadline) else { throw timedOut(host, timeout) }
            let sent = send(descriptor, outgoing, outgoing.count, Int32(MSG_NOSIGNAL))
            guard sent > 0 else { throw IPv4Socket.failure("send to \(host):\(port) over TCP") }
            outgoing.removeFirst(sent)
        }
        let header = try read(2, from: descriptor, until: deadline, host: host, timeout: timeout)
        return try read(Int(header[0]) << 8 | Int(header[1]), from: descriptor, until: deadline, host: host, timeout: timeout)
    }

    /// Exactly `count` bytes (at most 64 KiB: the length is two bytes), or an error.
    private static func read(_ count: Int, from descriptor: Int32, until deadline: ContinuousClock.Instant, host: String,
                             timeout: Double) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < count {
            guard IPv4Socket.wait(descriptor, for: Int16(POLLIN), until: deadline) else { throw timedOut(host, timeout) }
            let received = recv(descriptor, &buffer, min(buffer.count, count - bytes.count), 0)
            if received < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard received > 0 else { throw BlackholeError(.environment, "\(host) closed the TCP connection before its whole answer") }
            bytes += buffer[..<received]
        }
        return bytes
    }

    private static func timedOut(_ host: String, _ timeout: Double) -> BlackholeError {
        BlackholeError(.environment, "no answer from \(host) over TCP within \(DurationText.format(timeout))")
    }
}
