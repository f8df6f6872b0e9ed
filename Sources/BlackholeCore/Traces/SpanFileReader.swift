import Foundation

/// The encoding a user names with `--format`; the layout within it is still detected.
public enum IngestEncoding: String, Sendable, CaseIterable {
    case json, proto
}

/// How an OTLP trace file is laid out.
public enum IngestFormat: String, Sendable, CaseIterable, Encodable {
    /// One `ExportTraceServiceRequest` (or `TracesData`) in OTLP/JSON per line: the Collector file exporter.
    case jsonLines = "json-lines"
    /// One OTLP/JSON document, pretty-printed or not.
    case json
    /// One binary protobuf message, e.g. an OTLP/HTTP request body.
    case proto
    /// Messages each preceded by their length as 4 bytes big-endian: the Collector file exporter's `format: proto`.
    case protoDelimited = "proto-delimited"

    var isJSON: Bool { self == .json || self == .jsonLines }
}

/// Splits one file (or standard input) into OTLP messages, gzip or not, holding at most one
/// message in memory. Detection: gzip by its magic bytes; JSON when the first byte that is not
/// white space is `{`; a document rather than lines when that `{` stands alone on its line;
/// single protobuf when the first byte is field 1's tag, length-delimited otherwise.
/// One thread reads; others only look at its constants (`path`, `totalBytes`).
final class SpanFileReader: @unchecked Sendable {
    struct Unit {
        var data: Data
        /// `line 3`, `message 2`, `document`.
        var location: String
    }

    enum Item {
        case unit(Unit)
        case problem(location: String, message: String)
    }

    static let maxMessageBytes = 32 << 20

    let path: String
    private let encoding: IngestEncoding?
    private(set) var format: IngestFormat?
    private(set) var compressed = false
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var gunzip: Gunzip?
    private var buffer = Data()
    /// What one `read` fills, kept from read to read.
    private var chunk: [UInt8] = []
    private var bufferStart = 0
    private var endOfInput = false
    private var unitCount = 0
    private var skippingLine = false
    private let maxMessageBytes: Int
    private(set) var bytesRead = 0
    let totalBytes: Int?

    /// Opens the file now, so a missing file is an error before anything is ingested.
    init(path: String, encoding: IngestEncoding?, maxMessageBytes: Int = SpanFileReader.maxMessageBytes) throws {
        self.path = path
        self.encoding = encoding
        self.maxMessageBytes = maxMessageBytes
        if path == "-" {
            fd = STDIN_FILENO
            ownsDescriptor = false
            totalBytes = nil
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw BlackholeError(.usage, "\(path): \(String(cString: strerror(errno)))") }
            ownsDescriptor = true
            var info = stat()
            if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw BlackholeError(.usage, "\(path): is a directory")
            }
            totalBytes = (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
        }
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// The next message or problem; nil at the end. Throws when the rest of the file cannot be read.
    func next() throws -> Item? {
        if format == nil {
            guard try fill(atLeast: 1) else { return nil }
            format = try detect(encoding)
        }
        switch format! {
        case .jsonLines: return try nextLine()
        case .json, .proto: return try whole()
        case .protoDelimited: return try nextDelimited()
        }
    }

    private var available: Int { buffer.count - bufferStart }

    private func consume(_ count: Int) -> Data {
        let data = buffer.subdata(in: bufferStart..<(bufferStart + count))
        bufferStart += count
        return data
    }

    /// Reads until `count` bytes are buffered; false if the input ended first.
    private func fill(atLeast count: Int) throws -> Bool {
        while available < count {
            guard try readChunk() else { return false }
        }
        return true
    }

    private func readChunk() throws -> Bool {
        guard !endOfInput else { return false }
        if bufferStart > 0 && bufferStart >= buffer.count / 2 {
            buffer.removeSubrange(0..<bufferStart)
            bufferStart = 0
        }
        // Compressed input is read in small steps: a gzip bomb then inflates by at most ~64 MiB per step.
        let size = gunzip == nil && bytesRead > 0 ? 1 << 20 : 64 << 10
        if chunk.count < size { chunk = [UInt8](repeating: 0, count: size) }
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, size) }
        if count < 0 {
            if errno == EINTR { return true }
            throw BlackholeError(.environment, "\(IngestReport.displayName(path)): \(String(cString: strerror(errno)))")
        }
        if count == 0 {
            endOfInput = true
            try gunzip?.finish()
            return false
        }
        try chunk.withUnsafeBufferPointer { whole in
            let received = UnsafeBufferPointer(rebasing: whole[0..<count])
            if bytesRead == 0 && Gunzip.isGzip(received) {
                gunzip = try Gunzip()
                compressed = true
            }
            if let gunzip { buffer.append(try gunzip.decompress(Data(received))) } else { buffer.append(received) }
        }
        bytesRead += count
        return true
    }

    private func detect(_ encoding: IngestEncoding?) throws -> IngestFormat {
        while available < 4096, try readChunk() {}
        let head = buffer[bufferStart..<min(buffer.count, bufferStart + 4096)]
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        let firstText = head.first { !whitespace.contains($0) }
        // Protobuf is full of control bytes (tags, lengths); JSON has none but white space.
        let looksLikeText = !head.contains { $0 < 0x20 && !whitespace.contains($0) }
        let json = encoding.map { $0 == .json }
            ?? (looksLikeText && (firstText == UInt8(ascii: "{") || firstText == UInt8(ascii: "[")))
        guard json else { return head.first == 0x0A ? .proto : .protoDelimited }
        // A `{` alone on its line starts a pretty-printed document; `[` is a document too.
        guard firstText == UInt8(ascii: "{"), let brace = head.firstIndex(of: UInt8(ascii: "{")) else { return .json }
        let next = head[(brace + 1)...].first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }
        return next == 0x0A ? .json : .jsonLines
    }

    private func nextLine() throws -> Item? {
        var scanned = 0
        while true {
            if let newline = newline(after: bufferStart + scanned) {
                let line = consume(newline - bufferStart)
                bufferStart += 1
                scanned = 0
                if let item = lineItem(line) { return item }
                continue
            }
            scanned = available
            if available > maxMessageBytes {
                // Drop what is buffered of an over-long line and skip the rest of it.
                skippingLine = true
                buffer = Data()
                bufferStart = 0
                scanned = 0
            }
            guard try readChunk() else {
                guard available > 0 || skippingLine else { return nil }
                return lineItem(consume(available))
            }
        }
    }

    private func newline(after start: Int) -> Int? {
        guard start < buffer.count else { return nil }
        return buffer.withUnsafeBytes { bytes in
            memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start).map { $0 - UnsafeMutableRawPointer(mutating: bytes.baseAddress!) }
        }
    }

    /// A whole line: a message, a problem, or nil when blank.
    private func lineItem(_ line: Data) -> Item? {
        unitCount += 1
        let location = "line \(unitCount)"
        if skippingLine {
            skippingLine = false
            return .problem(location: location, message: "longer than \(maxMessageBytes >> 20) MiB, skipped")
        }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        return .unit(Unit(data: line, location: location))
    }

    private func whole() throws -> Item? {
        guard unitCount == 0 else { return nil }
        unitCount = 1
        let location = format == .json ? "document" : "message"
        while try readChunk() {
            if available > maxMessageBytes {
                throw BlackholeError(.usage, "\(IngestReport.displayName(path)): a single \(format!.rawValue) message larger than \(maxMessageBytes >> 20) MiB; "
                                     + "split it (one JSON document per line, or length-delimited protobuf)")
            }
        }
        guard available > 0 else { return nil }
        return .unit(Unit(data: consume(available), location: location))
    }

    private func nextDelimited() throws -> Item? {
        guard try fill(atLeast: 4) else {
            guard available > 0 else { return nil }
            throw BlackholeError(.usage, "\(IngestReport.displayName(path)): message \(unitCount + 1): truncated length prefix (\(available) of 4 bytes)")
        }
        let prefix = buffer[bufferStart..<(bufferStart + 4)].reduce(0) { $0 << 8 | Int($1) }
        unitCount += 1
        guard prefix <= maxMessageBytes else {
            throw BlackholeError(.usage, "\(IngestReport.displayName(path)): message \(unitCount): length \(prefix) is over \(maxMessageBytes >> 20) MiB "
                                 + "(not OTLP protobuf, or not length-delimited)")
        }
        guard try fill(atLeast: 4 + prefix) else {
            throw BlackholeError(.usage, "\(IngestReport.displayName(path)): message \(unitCount): truncated (\(available - 4) of \(prefix) bytes)")
        }
        bufferStart += 4
        return .unit(Unit(data: consume(prefix), location: "message \(unitCount)"))
    }
}
