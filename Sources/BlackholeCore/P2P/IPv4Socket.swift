import Foundation

/// What the DNS exchanges over UDP and TCP share: the resolver's address, and a failed socket
/// call as one line.
enum IPv4Socket {
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
