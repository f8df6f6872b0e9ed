import Foundation

/// One GET over plain HTTP/1.1 with blocking socket calls on a thread of its own: what an
/// `http://` health probe needs (a status and a small body) without an event loop or a connection
/// pool. `https://` goes through the command's HTTP client.
enum PlainHTTPGet {
    struct Response {
        let status: Int
        /// Nil when it is longer than the limit asked for.
        let body: [UInt8]?
    }

    /// The answer to a GET of `url`; fails with a `BlockingSocket.Failure`.
    static func get(_ url: String, headers: [(String, String)], timeout: Double, bodyLimit: Int) async throws -> Response {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host, !host.isEmpty
        else { throw BlockingSocket.Failure.failed("not an http://host/path address") }
        let port = components.port ?? 80
        guard let port = UInt16(exactly: port) else { throw BlockingSocket.Failure.failed("port \(port) is out of range") }
        // A literal IPv6 address comes bracketed or not depending on the Foundation in use.
        let authority = (host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host) + (port == 80 ? "" : ":\(port)")
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?\(query)" }
        var request = "GET \(target) HTTP/1.1\r\nHost: \(authority)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        return try await BlockingSocket.onOwnThread {
            try exchange(bytes, host: host, port: port, timeout: timeout, bodyLimit: bodyLimit)
        }
    }

    private static func exchange(_ request: [UInt8], host: String, port: UInt16, timeout: Double,
                                 bodyLimit: Int) throws(BlockingSocket.Failure) -> Response {
        let deadline = BlockingSocket.deadline(timeout)
        let descriptor = try BlockingSocket.connect(host, port, until: deadline)
        defer { close(descriptor) }
        try BlockingSocket.send(request, on: descriptor, until: deadline)
        var reader = Reader(descriptor: descriptor, deadline: deadline)
        var head: Head
        repeat {  // 1xx answers are interim: the final one follows.
            head = try reader.head()
        } while (100..<200).contains(head.status)
        if head.chunked {
            var body: [UInt8] = []
            while true {
                let line = try reader.line()
                let digits = line.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: " ") }
                guard let size = Int(String(decoding: digits, as: UTF8.self), radix: 16), size >= 0 else {
                    throw .failed("malformed chunked body")
                }
                if size == 0 { return Response(status: head.status, body: body) }
                guard body.count + size <= bodyLimit else { return Response(status: head.status, body: nil) }
                body += try reader.bytes(size)
                _ = try reader.line()
            }
        }
        if let length = head.contentLength {
            guard length <= bodyLimit else { return Response(status: head.status, body: nil) }
            return Response(status: head.status, body: try reader.bytes(length))
        }
        let body = try reader.rest(limit: bodyLimit)
        return Response(status: head.status, body: body)
    }

    private struct Head {
        var status: Int
        var contentLength: Int?
        var chunked = false
    }

    /// The answer's bytes as they arrive, read in lines (the head, chunk sizes) or by count.
    private struct Reader {
        let descriptor: Int32
        let deadline: ContinuousClock.Instant
        var buffer: [UInt8] = []
        var start = 0
        /// The head of an answer is small; more than this is not a health answer.
        static let headLimit = 64 * 1024

        /// Reads more; false when the service has closed the connection.
        mutating func fill() throws(BlockingSocket.Failure) -> Bool {
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            return try BlockingSocket.receive(into: &buffer, from: descriptor, until: deadline)
        }

        /// The next line, without its CR LF.
        mutating func line() throws(BlockingSocket.Failure) -> ArraySlice<UInt8> {
            var searched = 0  // bytes past `start` with no line end among them
            while true {
                if let end = buffer[(start + searched)...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = buffer[start..<end]
                    start = end + 1
                    return line.last == UInt8(ascii: "\r") ? line.dropLast() : line
                }
                searched = buffer.count - start
                guard searched < Self.headLimit else { throw .failed("answer head longer than 64 KiB") }
                guard try fill() else { throw .closed }
            }
        }

        /// The status line and the headers that say where the body ends.
        mutating func head() throws(BlockingSocket.Failure) -> Head {
            let statusLine = try line()
            let fields = statusLine.split(separator: UInt8(ascii: " "), maxSplits: 2)
            guard fields.count >= 2, fields[0].starts(with: Array("HTTP/".utf8)),
                  let status = Int(String(decoding: fields[1], as: UTF8.self)), (100...999).contains(status)
            else { throw .failed("not an HTTP answer") }
            var head = Head(status: status)
            while true {
                let header = try line()
                if header.isEmpty { return head }
                guard let colon = header.firstIndex(of: UInt8(ascii: ":")) else { continue }
                let name = String(decoding: header[..<colon], as: UTF8.self).lowercased()
                let value = String(decoding: header[(colon + 1)...], as: UTF8.self).trimmed()
                switch name {
                case "content-length":
                    guard let length = Int(value), length >= 0 else { throw .failed("Content-Length \"\(value)\" is not a length") }
                    head.contentLength = length
                case "transfer-encoding": head.chunked = value.lowercased().contains("chunked")
                default: break
                }
            }
        }

        /// Exactly `count` bytes.
        mutating func bytes(_ count: Int) throws(BlockingSocket.Failure) -> [UInt8] {
            while buffer.count - start < count {
                guard try fill() else { throw .closed }
            }
            defer { start += count }
            return Array(buffer[start..<(start + count)])
        }

        /// Everything until the service closes the connection; nil past `limit` bytes.
        mutating func rest(limit: Int) throws(BlockingSocket.Failure) -> [UInt8]? {
            while try fill() {
                if buffer.count - start > limit { return nil }
            }
            return buffer.count - start > limit ? nil : Array(buffer[start...])
        }
    }
}
