/// Just enough of the DNS wire format (RFC 1035, with name compression, and EDNS0's OPT) for
/// libp2p discovery: a query, and the PTR, TXT and SRV records of the answers.
public struct DNSMessage: Sendable, Equatable {
    public enum RecordType: UInt16, Sendable {
        case a = 1, ptr = 12, txt = 16, aaaa = 28, srv = 33
    }

    public struct Record: Sendable, Equatable {
        public var name: String
        public var type: UInt16
        public var data: RecordData
    }

    public enum RecordData: Sendable, Equatable {
        case ptr(String)
        case txt([String])
        case srv(port: UInt16, target: String)
        case other
    }

    public var id: UInt16
    public var isResponse: Bool
    /// TC: the answer did not fit the UDP datagram; ask again over TCP.
    public var isTruncated: Bool
    public var records: [Record]

    /// The UDP answer size a query offers with EDNS0 (RFC 6891): what the DNS flag day of 2020
    /// settled on, below common path MTUs, so no answer is fragmented.
    public static let ednsPayloadSize: UInt16 = 1232
    /// The most records a message may carry before it is refused as hostile: a TXT set of a
    /// bootstrap name holds tens.
    static let maxRecords = 1000

    /// A query for one name and type; `unicastResponse` sets mDNS's QU bit; `edns` adds an OPT
    /// record offering `ednsPayloadSize`-byte answers over UDP.
    public static func query(id: UInt16, name: String, type: RecordType, unicastResponse: Bool = false, edns: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in [id, 0x0100, 1, 0, 0, edns ? 1 : 0] as [UInt16] { bytes += be(value) }  // recursion desired, one question
        bytes += encodeName(name)
        bytes += be(type.rawValue)
        bytes += be(unicastResponse ? 0x8001 : 0x0001)
        if edns {
            // OPT: the root name, type 41, the payload size as its class, no extended flags, no options.
            bytes += [0] + be(41) + be(ednsPayloadSize) + [0, 0, 0, 0] + be(0)
        }
        return bytes
    }

    static func be(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }

    static func encodeName(_ name: String) -> [UInt8] {
        name.split(separator: ".").flatMap { label in [UInt8(min(label.utf8.count, 63))] + Array(label.utf8.prefix(63)) } + [0]
    }

    /// Parses a response; throws on anything malformed (truncated, looping pointers).
    public init(parsing bytes: [UInt8]) throws {
        var reader = Reader(bytes: bytes)
        id = try reader.u16()
        let flags = try reader.u16()
        isResponse = flags & 0x8000 != 0
        isTruncated = flags & 0x0200 != 0
        // What follows a truncated header may itself be cut anywhere: the answer is asked again
        // over TCP, so nothing of it is read.
        guard !isTruncated else {
            records = []
            return
        }
        let questions = try reader.u16()
        let counts = try (0..<3).map { _ in try reader.u16() }
        guard counts.map(Int.init).reduce(0, +) <= Self.maxRecords else {
            throw DNSError.malformed("more than \(Self.maxRecords) records")
        }
        for _ in 0..<questions {
            _ = try reader.name()
            reader.offset += 4
        }
        var records: [Record] = []
        for _ in 0..<(Int(counts[0]) + Int(counts[1]) + Int(counts[2])) {
            let name = try reader.name()
            let type = try reader.u16()
            _ = try reader.u16()  // class (and mDNS's cache-flush bit)
            reader.offset += 4  // TTL
            let length = Int(try reader.u16())
            let end = reader.offset + length
            guard end <= bytes.count else { throw DNSError.truncated }
            let data: RecordData
            switch RecordType(rawValue: type) {
            case .ptr: data = .ptr(try reader.name())
            case .txt:
                var strings: [String] = []
                while reader.offset < end {
                    let count = Int(try reader.byte())
                    guard reader.offset + count <= end else { throw DNSError.truncated }
                    strings.append(String(decoding: bytes[reader.offset..<(reader.offset + count)], as: UTF8.self))
                    reader.offset += count
                }
                data = .txt(strings)
            case .srv:
                reader.offset += 4  // priority, weight
                data = .srv(port: try reader.u16(), target: try reader.name())
            default: data = .other
            }
            reader.offset = end
            records.append(Record(name: name, type: type, data: data))
        }
        self.records = records
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw DNSError.truncated }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func u16() throws -> UInt16 {
            UInt16(try byte()) << 8 | UInt16(try byte())
        }

        mutating func name() throws -> String {
            var labels: [String] = []
            var position = offset
            var jumped = false
            var jumps = 0
            while true {
                guard position < bytes.count else { throw DNSError.truncated }
                let length = Int(bytes[position])
                if length == 0 {
                    position += 1
                    break
                }
                if length & 0xC0 == 0xC0 {
                    guard position + 1 < bytes.count else { throw DNSError.truncated }
                    jumps += 1
                    guard jumps < 64 else { throw DNSError.malformed("compression loop") }
                    if !jumped { offset = position + 2 }
                    jumped = true
                    position = (length & 0x3F) << 8 | Int(bytes[position + 1])
                    continue
                }
                guard position + 1 + length <= bytes.count else { throw DNSError.truncated }
                labels.append(String(decoding: bytes[(position + 1)...(position + length)], as: UTF8.self))
                position += 1 + length
            }
            if !jumped { offset = position }
            return labels.joined(separator: ".")
        }
    }
}

enum DNSError: Error, CustomStringConvertible {
    case truncated
    case malformed(String)

    var description: String {
        switch self {
        case .truncated: "truncated DNS message"
        case .malformed(let reason): "malformed DNS message: \(reason)"
        }
    }
}
