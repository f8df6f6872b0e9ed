import Foundation

/// One DNS question over TCP (RFC 1035 4.2.2: each message behind its two-byte length), for an
/// answer too big for UDP. The blocking socket calls run on a thread of their own, bounded by
/// `timeout` as a whole, never on the tasks' shared threads.
enum TCPExchange {
    static func exchange(_ query: [UInt8], host: String, port: UInt16, timeout: Double) async throws -> [UInt8] {
        try await BlockingSocket.onOwnThread {
            do throws(BlockingSocket.Failure) {
                return try blockingExchange(query, host: host, port: port, timeout: timeout)
            } catch {
                switch error {
                case .timedOut: throw BlackholeError(.environment, "no answer from \(host) over TCP within \(DurationText.format(timeout))")
                case .closed: throw BlackholeError(.environment, "\(host) closed the TCP connection before its whole answer")
                case .failed(let reason): throw BlackholeError(.environment, "\(host):\(port) over TCP: \(reason)")
                }
            }
        }
    }

    private static func blockingExchange(_ query: [UInt8], host: String, port: UInt16, timeout: Double) throws(BlockingSocket.Failure) -> [UInt8] {
        let deadline = BlockingSocket.deadline(timeout)
        let descriptor = try BlockingSocket.connect(host, port, until: deadline)
        defer { close(descriptor) }
        try BlockingSocket.send(DNSMessage.be(UInt16(query.count)) + query, on: descriptor, until: deadline)
        var answer: [UInt8] = []
        func wanted() -> Int { answer.count < 2 ? 2 : 2 + (Int(answer[0]) << 8 | Int(answer[1])) }
        while answer.count < wanted() {
            guard try BlockingSocket.receive(into: &answer, limit: wanted() - answer.count, from: descriptor, until: deadline) else {
                throw .closed
            }
        }
        return Array(answer.dropFirst(2))
    }
}
