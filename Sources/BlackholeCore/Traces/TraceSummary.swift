import Foundation

/// One trace at a glance: what `traces` lists, one row of the `traces` table.
public struct TraceSummary: Sendable, Equatable, Encodable {
    public let traceID: Data
    public let rootService: String
    public let rootName: String
    /// False while the root span (the one without a parent) has not been received; the root
    /// fields then name the earliest span.
    public let hasRoot: Bool
    public let startNanos: UInt64
    public let endNanos: UInt64
    public let spanCount: Int
    public let errorCount: Int
    public let services: [String]

    public var start: Date { Span.date(nanos: startNanos) }
    public var duration: TimeInterval { Double(endNanos - startNanos) / 1e9 }

    enum CodingKeys: String, CodingKey {
        case traceID = "trace_id", rootService = "root_service", rootName = "root_name", hasRoot = "has_root"
        case start = "start_time", duration = "duration_ms", spanCount = "span_count", errorCount = "error_count", services
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(traceID.hex, forKey: .traceID)
        try container.encode(rootService, forKey: .rootService)
        try container.encode(rootName, forKey: .rootName)
        try container.encode(hasRoot, forKey: .hasRoot)
        try container.encode(start, forKey: .start)
        try container.encode(duration * 1000, forKey: .duration)
        try container.encode(spanCount, forKey: .spanCount)
        try container.encode(errorCount, forKey: .errorCount)
        try container.encode(services, forKey: .services)
    }

    public init(traceID: Data, rootService: String, rootName: String, hasRoot: Bool, startNanos: UInt64, endNanos: UInt64,
                spanCount: Int, errorCount: Int, services: [String]) {
        self.traceID = traceID
        self.rootService = rootService
        self.rootName = rootName
        self.hasRoot = hasRoot
        self.startNanos = startNanos
        self.endNanos = endNanos
        self.spanCount = spanCount
        self.errorCount = errorCount
        self.services = services
    }

    /// What a batch of spans adds to a trace's summary, merged with what is stored.
    struct Delta {
        /// The trace's row in `traces`.
        var traceRef: Int64
        var startNanos = UInt64.max
        var endNanos: UInt64 = 0
        var hasRoot = false
        var rootService = ""
        var rootName = ""
        var rootStart = UInt64.max
        var spanCount = 0
        var errorCount = 0
        var services: Set<String> = []
        /// The `span_origins` of the spans added, whose services join `services` in `resolve`:
        /// a trace's spans come from a few, and comparing integers is cheaper than hashing names.
        private var origins: [Int64] = []
        private var rootOrigin: Int64?

        init(traceRef: Int64) { self.traceRef = traceRef }

        /// Adds a stored span of a batch (its text in `text`), made by the origin with that
        /// `span_origins.id`.
        mutating func add(_ row: SpanBatch.Row, origin: Int64, in text: UnsafeBufferPointer<UInt8>) {
            startNanos = min(startNanos, row.startNanos)
            endNanos = max(endNanos, row.endNanos)
            spanCount += 1
            if row.statusCode == .error { errorCount += 1 }
            if !origins.contains(origin) { origins.append(origin) }
            let isRoot = row.isRoot
            if (isRoot && !hasRoot) || (isRoot == hasRoot && row.startNanos < rootStart) {
                hasRoot = isRoot
                rootOrigin = origin
                rootName = String(decoding: UnsafeBufferPointer(rebasing: text[row.name.start..<row.name.start + row.name.count]),
                                  as: UTF8.self)
                rootStart = row.startNanos
            }
        }

        /// Names the root's service, from the service of each origin id, and gives the trace's
        /// services with those of the origins added as stored (`encode`). `known` keeps the text
        /// of each set of origins met, for traces without stored services: a batch's traces come
        /// from few sets.
        mutating func resolve(services names: [Int64: String], known: inout [[Int64]: String]) -> String {
            if let rootOrigin { rootService = names[rootOrigin]! }
            rootOrigin = nil
            defer { origins = [] }
            guard services.isEmpty else {
                for origin in origins { services.insert(names[origin]!) }
                return Self.encode(services: services)
            }
            origins.sort()
            if let text = known[origins] { return text }
            let text = Self.encode(services: Set(origins.map { names[$0]! }))
            known[origins] = text
            return text
        }

        /// A JSON array of names, so `instr(services, '"name"')` finds a service without LIKE's escapes.
        static func encode(services: Set<String>) -> String {
            var out = "["
            for (index, name) in services.sorted().enumerated() {
                if index > 0 { out += "," }
                SpanJSON.string(name, into: &out)
            }
            return out + "]"
        }

        static func decode(services text: String) -> [String] {
            (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
        }
    }
}

extension Data {
    /// Bytes from lowercase or uppercase hex; nil for odd lengths or other characters.
    public init?(hex: some StringProtocol) {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes)
    }

    static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
