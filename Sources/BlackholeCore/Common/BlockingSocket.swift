import Foundation

/// Blocking socket calls for short exchanges (DNS over UDP and TCP, plain HTTP health probes): a
/// thread of their own, waits bounded by one deadline, and a failed call as one line.
enum BlockingSocket {
    /// Why an exchange stopped short.
    enum Failure: Error {
        case timedOut
        /// The other side closed the connection before the whole answer.
        case closed
        /// A call failed, with the system's reason (`connection refused`).
        case failed(String)
    }

    /// Runs blocking socket calls on a thread of their own, never on the tasks' shared threads.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// The end of a wait of `timeout` seconds: monotonic, so a wall-clock step cannot stretch or cut it.
    static func deadline(_ timeout: Double) -> ContinuousClock.Instant {
        ContinuousClock.now + .nanoseconds(Int64(timeout * 1e9))
    }

    /// Whether `descriptor` is ready for `events` before `deadline`.
    static func wait(_ descriptor: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        ready(descriptor, for: events, until: deadline) & events != 0
    }

    /// What `descriptor` became ready for (an error or hang-up included) before `deadline`; 0 when
    /// the time ran out.
    private static func ready(_ descriptor: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Int16 {
        // Rounded up: a wait cut short by a fraction of a millisecond would end before the deadline.
        let remaining = Int32(max(0, ((deadline - ContinuousClock.now) / .milliseconds(1)).rounded(.up)))
        var poller = pollfd(fd: descriptor, events: events, revents: 0)
        return poll(&poller, 1, remaining) > 0 ? poller.revents : 0
    }

    /// `host:port` as a socket address; `host` must be an IPv4 address.
    static func address(_ host: String, _ port: UInt16) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw BlackholeError(.environment, "\(host) is not an IPv4 address")
        }
        return address
    }

    /// A socket of `type`, or the reason there is none.
    static func open(_ type: Int32) throws -> Int32 {
        let descriptor = socket(AF_INET, type, 0)
        guard descriptor >= 0 else { throw failure("socket") }
        return descriptor
    }

    static func failure(_ what: String) -> BlackholeError {
        BlackholeError(.environment, "\(what): \(String(cString: strerror(errno)))")
    }

    /// A non-blocking TCP socket connected to `host` (a name, an IPv4 or an IPv6 address, bracketed
    /// or not, as a URL gives it) at `port`, each of the host's addresses tried in turn until one
    /// answers or `deadline` passes; the caller closes it.
    static func connect(_ host: String, _ port: UInt16, until deadline: ContinuousClock.Instant) throws(Failure) -> Int32 {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(name, String(port), &hints, &list)
        guard resolved == 0, let list else { throw .failed("cannot resolve \(host): \(String(cString: gai_strerror(resolved)))") }
        defer { freeaddrinfo(list) }
        var reason = Failure.failed("no address for \(host)")
        for entry in sequence(first: list, next: { $0.pointee.ai_next }) {
            let info = entry.pointee
            let descriptor = socket(info.ai_family, info.ai_socktype | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), info.ai_protocol)
            guard descriptor >= 0 else {
                reason = .failed(String(cString: strerror(errno)))
                continue
            }
            if Glibc.connect(descriptor, info.ai_addr, info.ai_addrlen) == 0 { return descriptor }
            var error = errno
            if error == EINPROGRESS {
                guard ready(descriptor, for: Int16(POLLOUT), until: deadline) != 0 else {
                    close(descriptor)
                    throw .timedOut
                }
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
                if error == 0 { return descriptor }
            }
            close(descriptor)
            reason = .failed(String(cString: strerror(error)))
        }
        throw reason
    }

    /// Sends all of `bytes` on a connected non-blocking socket before `deadline`.
    static func send(_ bytes: [UInt8], on descriptor: Int32, until deadline: ContinuousClock.Instant) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            guard ready(descriptor, for: Int16(POLLOUT), until: deadline) != 0 else { throw .timedOut }
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard sent > 0 else { throw .failed(String(cString: strerror(errno))) }
            offset += sent
        }
    }

    /// Appends what arrives next on a connected non-blocking socket (at most `limit` bytes) to
    /// `bytes`; false when the other side has closed the connection.
    static func receive(into bytes: inout [UInt8], limit: Int = 16384, from descriptor: Int32,
                        until deadline: ContinuousClock.Instant) throws(Failure) -> Bool {
        while true {
            guard ready(descriptor, for: Int16(POLLIN), until: deadline) != 0 else { throw .timedOut }
            let received = withUnsafeTemporaryAllocation(byteCount: max(1, limit), alignment: 1) { buffer in
                let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
                if count > 0 { bytes.append(contentsOf: buffer[..<count]) }
                return count
            }
            if received < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard received >= 0 else { throw .failed(String(cString: strerror(errno))) }
            return received > 0
        }
    }
}
