import Foundation

/// What the DNS exchanges over UDP and TCP share: the resolver's address, a thread of their own
/// for the blocking calls, waits bounded by one deadline, and a failed socket call as one line.
enum IPv4Socket {
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
        let remaining = Int32(max(0, (deadline - ContinuousClock.now) / .milliseconds(1)))
        var poller = pollfd(fd: descriptor, events: events, revents: 0)
        return poll(&poller, 1, remaining) > 0 && poller.revents & events != 0
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
}
