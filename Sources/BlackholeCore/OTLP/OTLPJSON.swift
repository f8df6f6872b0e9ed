import Foundation

/// OTLP/JSON per the specification: lowerCamelCase keys, trace and span ids in hex, 64-bit
/// integers as strings or numbers, enums as integers (their names are accepted too), unknown
/// fields ignored.
///
/// Read by hand, straight from the bytes into a `SpanBatch`, as `OTLPSpanRows` reads protobuf:
/// ingestion reads gigabytes of it, and each span's ids, name and attributes go from the
/// request's bytes to their stored text with no `Span`, dictionary or string made on the way.
/// A request that cannot be read adds nothing.
public enum OTLPJSON {
    static func decode(_ data: Data, sampler: TraceSampler, into batch: inout SpanBatch) throws -> OTLPSpanRows.Outcome {
        // The batch is appended to in place: `rows` holds its only reference while reading.
        var rows = Rows(batch: batch, sampler: sampler)
        batch = SpanBatch()
        defer { batch = rows.batch }
        let mark = rows.batch.mark
        do {
            try data.withUnsafeBytes { raw in
                try JSONReader.document(raw) { reader in
                    try reader.object { reader, key in
                        guard key == "resourceSpans" else { return try reader.skipValue() }
                        try reader.array { reader, index in
                            try resourceSpans(&reader, index: index, into: &rows)
                        }
                    }
                }
            }
        } catch {
            rows.batch.restore(mark)
            if let problem = error as? JSONProblem { throw BlackholeError(.usage, problem.message) }
            throw error
        }
        return rows.outcome
    }

    /// A request's spans as values: what serve forwards upstream, re-encoded as protobuf.
    public static func decodeTraces(_ data: Data) throws -> DecodedSpans {
        var batch = SpanBatch()
        let outcome = try decode(data, sampler: TraceSampler(rate: 1), into: &batch)
        return DecodedSpans(spans: batch.spans, rejected: outcome.rejected, firstProblem: outcome.firstProblem)
    }

    /// What reading a request makes: the batch it adds to, what it decided of each span, and the
    /// buffers each span is read into, reused from span to span.
    private struct Rows {
        var batch: SpanBatch
        let sampler: TraceSampler
        var outcome = OTLPSpanRows.Outcome()
        var traceID: [UInt8] = [], spanID: [UInt8] = [], parentID: [UInt8] = []
        var name: [UInt8] = [], statusMessage: [UInt8] = []
        var attributes = AttributeList()
        var events: [UInt8] = [], links: [UInt8] = []
        /// An event's or link's own fields.
        var innerName: [UInt8] = [], linkTraceID: [UInt8] = [], linkSpanID: [UInt8] = []
        var innerAttributes = AttributeList()

        init(batch: SpanBatch, sampler: TraceSampler) {
            self.batch = batch
            self.sampler = sampler
        }
    }

    private static func resourceSpans(_ reader: inout JSONReader, index: Int, into rows: inout Rows) throws {
        var resource = AttributeList()
        // Each scope's origin, its resource still to come, and the rows of its spans.
        var scopes: [(origin: SpanOrigin, rows: Range<Int>)] = []
        try reader.object { reader, key in
            switch key {
            case "resource":
                try reader.object { reader, key in
                    guard key == "attributes" else { return try reader.skipValue() }
                    try resource.read(&reader)
                }
            case "scopeSpans":
                try reader.array { reader, scopeIndex in
                    scopes.append(try scopeSpans(&reader, path: (index, scopeIndex), into: &rows))
                }
            default: try reader.skipValue()
            }
        }
        // The resource may come after its spans: they get their origin once the whole object is read.
        let attributes = resource.values
        for (scopeOrigin, range) in scopes where !range.isEmpty {
            var origin = scopeOrigin
            origin.resource = attributes
            rows.batch.setOrigin(origin, of: range)
        }
    }

    private static func scopeSpans(_ reader: inout JSONReader, path: (Int, Int), into rows: inout Rows) throws -> (SpanOrigin, Range<Int>) {
        var origin = SpanOrigin()
        let first = rows.batch.count
        try reader.object { reader, key in
            switch key {
            case "scope":
                try reader.object { reader, key in
                    switch key {
                    case "name": origin.scopeName = try reader.string()
                    case "version": origin.scopeVersion = try reader.string()
                    case "attributes":
                        var attributes = AttributeList()
                        try attributes.read(&reader)
                        origin.scopeAttributes = attributes.values
                    default: try reader.skipValue()
                    }
                }
            case "spans":
                try reader.array { reader, spanIndex in
                    try span(&reader, path: (path.0, path.1, spanIndex), into: &rows)
                }
            default: try reader.skipValue()
            }
        }
        return (origin, first..<rows.batch.count)
    }

    /// Reads a span and adds its row, of no origin until its resource is read; or counts it
    /// rejected or sampled out.
    private static func span(_ reader: inout JSONReader, path: (Int, Int, Int), into rows: inout Rows) throws {
        rows.traceID.removeAll(keepingCapacity: true)
        rows.spanID.removeAll(keepingCapacity: true)
        rows.parentID.removeAll(keepingCapacity: true)
        rows.name.removeAll(keepingCapacity: true)
        rows.statusMessage.removeAll(keepingCapacity: true)
        rows.attributes.removeAll()
        rows.events.removeAll(keepingCapacity: true)
        rows.links.removeAll(keepingCapacity: true)
        var kind = Span.Kind.unspecified, statusCode = Span.StatusCode.unset
        var start: UInt64 = 0, end: UInt64 = 0
        var events = 0, links = 0
        var idProblem: String?
        try reader.object { reader, key in
            switch key {
            case "traceId": try id(&reader, bytes: 16, field: "traceId", into: &rows.traceID, problem: &idProblem)
            case "spanId": try id(&reader, bytes: 8, field: "spanId", into: &rows.spanID, problem: &idProblem)
            case "parentSpanId": try id(&reader, bytes: 8, field: "parentSpanId", into: &rows.parentID, problem: &idProblem)
            case "name": try string(&reader, into: &rows.name)
            case "kind": kind = Span.Kind(rawValue: try reader.enumeration(Span.Kind.self)) ?? .unspecified
            case "startTimeUnixNano": start = try reader.unsigned()
            case "endTimeUnixNano": end = try reader.unsigned()
            case "attributes":
                rows.attributes.removeAll()
                try rows.attributes.read(&reader)
            case "events":
                try reader.array { reader, _ in
                    try event(&reader, into: &rows, first: events == 0)
                    events += 1
                }
            case "links":
                try reader.array { reader, _ in
                    try link(&reader, into: &rows, first: links == 0, problem: &idProblem)
                    links += 1
                }
            case "status":
                try reader.object { reader, key in
                    switch key {
                    case "code": statusCode = Span.StatusCode(rawValue: try reader.enumeration(Span.StatusCode.self)) ?? .unset
                    case "message": try string(&reader, into: &rows.statusMessage)
                    default: try reader.skipValue()
                    }
                }
            default: try reader.skipValue()
            }
        }
        let isRoot = rows.parentID.allSatisfy { $0 == 0 }
        let problem = idProblem
            ?? DecodedSpans.problem(traceID: rows.traceID, spanID: rows.spanID, parentID: rows.parentID, start: start, end: end)
        if let problem {
            rows.outcome.rejected += 1
            if rows.outcome.firstProblem == nil {
                rows.outcome.firstProblem = "resourceSpans[\(path.0)].scopeSpans[\(path.1)].spans[\(path.2)]: \(problem)"
            }
            return
        }
        let trace = TraceKey(high: UInt64(bigEndianBytes: rows.traceID[0..<8]), low: UInt64(bigEndianBytes: rows.traceID[8..<16]))
        guard rows.sampler.keeps(trace) else {
            rows.outcome.sampledOut += 1
            return
        }
        let ids = rows.batch.write { text in
            text += rows.traceID
            text += rows.spanID
            if !isRoot { text += rows.parentID }
        }
        let name = rows.batch.write { $0 += rows.name }
        let statusMessage = rows.batch.write { $0 += rows.statusMessage }
        let attributes = rows.batch.write { rows.attributes.write(into: &$0) }
        let eventsText = events == 0 ? SpanBatch.Text.absent : rows.batch.write { text in
            text.append(UInt8(ascii: "["))
            text += rows.events
            text.append(UInt8(ascii: "]"))
        }
        let linksText = links == 0 ? SpanBatch.Text.absent : rows.batch.write { text in
            text.append(UInt8(ascii: "["))
            text += rows.links
            text.append(UInt8(ascii: "]"))
        }
        rows.batch.append(SpanBatch.Row(
            traceID: trace, ids: ids.start, isRoot: isRoot, origin: 0, kind: kind, statusCode: statusCode, startNanos: start,
            endNanos: end, name: name, statusMessage: statusMessage, attributes: attributes, events: eventsText, links: linksText))
        rows.outcome.accepted += 1
    }

    /// An event, as stored, onto `rows.events`.
    private static func event(_ reader: inout JSONReader, into rows: inout Rows, first: Bool) throws {
        var time: UInt64 = 0
        rows.innerName.removeAll(keepingCapacity: true)
        rows.innerAttributes.removeAll()
        try reader.object { reader, key in
            switch key {
            case "timeUnixNano": time = try reader.unsigned()
            case "name": try string(&reader, into: &rows.innerName)
            case "attributes":
                rows.innerAttributes.removeAll()
                try rows.innerAttributes.read(&reader)
            default: try reader.skipValue()
            }
        }
        if !first { rows.events.append(UInt8(ascii: ",")) }
        SpanJSON.eventStart(timeNanos: time, into: &rows.events)
        rows.innerName.withUnsafeBytes { SpanJSON.string(utf8: $0, into: &rows.events) }
        rows.events += #","attributes":"#.utf8
        rows.innerAttributes.write(into: &rows.events)
        rows.events.append(UInt8(ascii: "}"))
    }

    /// A link, as stored, onto `rows.links`.
    private static func link(_ reader: inout JSONReader, into rows: inout Rows, first: Bool, problem: inout String?) throws {
        rows.linkTraceID.removeAll(keepingCapacity: true)
        rows.linkSpanID.removeAll(keepingCapacity: true)
        rows.innerName.removeAll(keepingCapacity: true)
        rows.innerAttributes.removeAll()
        try reader.object { reader, key in
            switch key {
            case "traceId": try id(&reader, bytes: 16, field: "links.traceId", into: &rows.linkTraceID, problem: &problem)
            case "spanId": try id(&reader, bytes: 8, field: "links.spanId", into: &rows.linkSpanID, problem: &problem)
            case "traceState": try string(&reader, into: &rows.innerName)
            case "attributes":
                rows.innerAttributes.removeAll()
                try rows.innerAttributes.read(&reader)
            default: try reader.skipValue()
            }
        }
        if !first { rows.links.append(UInt8(ascii: ",")) }
        rows.linkTraceID.withUnsafeBytes { traceID in
            rows.linkSpanID.withUnsafeBytes { spanID in SpanJSON.linkStart(traceID: traceID, spanID: spanID, into: &rows.links) }
        }
        rows.innerName.withUnsafeBytes { SpanJSON.string(utf8: $0, into: &rows.links) }
        rows.links += #","attributes":"#.utf8
        rows.innerAttributes.write(into: &rows.links)
        rows.links.append(UInt8(ascii: "}"))
    }

    /// A string field given again replaces what it said.
    private static func string(_ reader: inout JSONReader, into out: inout [UInt8]) throws {
        out.removeAll(keepingCapacity: true)
        try reader.withString { out += $0 }
    }

    /// A hex id's bytes into `out`, empty for none. Base64 (what a generic protobuf JSON encoder
    /// writes) is refused by name; the first id refused is the span's problem.
    private static func id(_ reader: inout JSONReader, bytes: Int, field: String, into out: inout [UInt8], problem: inout String?) throws {
        out.removeAll(keepingCapacity: true)
        try reader.withString { text in
            guard !text.isEmpty else { return }
            if text.count == bytes * 2 {
                // Decoded on the stack and appended at once: an append a byte checked the array's
                // uniqueness each time.
                let valid = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes) { decoded in
                    for index in 0..<bytes {
                        guard let high = Data.nibble(text[2 * index]), let low = Data.nibble(text[2 * index + 1]) else { return false }
                        decoded[index] = high << 4 | low
                    }
                    out.append(contentsOf: decoded)
                    return true
                }
                if valid { return }
            }
            guard problem == nil else { return }
            let string = String(decoding: text, as: UTF8.self)
            if let data = Data(hex: string) {
                problem = "\(field) \(JSONReader.shown(string)) is \(data.count) bytes, expected \(bytes) (\(bytes * 2) hex digits)"
            } else if let data = Data(base64Encoded: string), data.count == bytes {
                problem = "\(field) \(JSONReader.shown(string)) is base64; OTLP/JSON ids are hex"
            } else {
                problem = "\(field) \(JSONReader.shown(string)) is not hex"
            }
        }
    }

    /// `[{"key": ..., "value": {...}}, ...]` as read, each value already in its stored text; written
    /// as stored attributes are (`SpanJSON`): sorted by key and, of equal keys, the first key with
    /// the last value, as a dictionary of them keeps.
    struct AttributeList {
        private var keys: [UInt8] = []
        private var text: [UInt8] = []
        private var entries: [(key: Range<Int>, value: Range<Int>)] = []

        mutating func removeAll() {
            keys.removeAll(keepingCapacity: true)
            text.removeAll(keepingCapacity: true)
            entries.removeAll(keepingCapacity: true)
        }

        /// Adds the entries of the list next in the reader.
        mutating func read(_ reader: inout JSONReader) throws {
            try reader.array { reader, _ in
                var key = keys.count..<keys.count
                var value: Range<Int>?
                try reader.object { reader, field in
                    switch field {
                    case "key":
                        // A key given again replaces the one before; mostly there is none to remove.
                        if keys.count > key.lowerBound { keys.removeSubrange(key.lowerBound...) }
                        try reader.withString { keys += $0 }
                        key = key.lowerBound..<keys.count
                    case "value":
                        let start = value?.lowerBound ?? text.count
                        if text.count > start { text.removeSubrange(start...) }
                        try Self.anyValue(&reader, into: &text)
                        value = start..<text.count
                    default: try reader.skipValue()
                    }
                }
                if value == nil {
                    let start = text.count
                    SpanJSON.stringValue(UnsafeRawBufferPointer(start: nil, count: 0), into: &text)
                    value = start..<text.count
                }
                entries.append((key, value!))
            }
        }

        /// `{"key":value,…}`, or as a `kvlistValue` when `asList`.
        func write(into out: inout [UInt8], asList: Bool = false) {
            keys.withUnsafeBytes { keys in
                func key(_ index: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: keys[entries[index].key]) }
                var order = Array(entries.indices)
                if order.count > 1 {
                    order.sort { a, b in
                        switch SpanJSON.compareKeys(key(a), key(b)) {
                        case .orderedSame: a < b
                        case .orderedAscending: true
                        case .orderedDescending: false
                        }
                    }
                }
                if asList { out += SpanJSON.mapStart } else { out.append(UInt8(ascii: "{")) }
                var index = 0
                while index < order.count {
                    // Of a run of equal keys, the first key and the last value.
                    var last = index
                    while last + 1 < order.count, SpanJSON.compareKeys(key(order[index]), key(order[last + 1])) == .orderedSame { last += 1 }
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    if asList { SpanJSON.mapEntryStart(into: &out) }
                    SpanJSON.string(utf8: key(order[index]), into: &out)
                    if asList { out += SpanJSON.mapEntryValue } else { out.append(UInt8(ascii: ":")) }
                    out += text[entries[order[last]].value]
                    if asList { out.append(UInt8(ascii: "}")) }
                    index = last + 1
                }
                if asList { out += SpanJSON.listEnd } else { out.append(UInt8(ascii: "}")) }
            }
        }

        /// As values: a resource's or scope's, once per group of spans.
        var values: Attributes {
            var text: [UInt8] = []
            write(into: &text)
            return SpanRows.attributes(String(decoding: text, as: UTF8.self))
        }

        /// An `AnyValue`, as stored: of the cases given, the last; none, or null, is an empty string.
        private static func anyValue(_ reader: inout JSONReader, into out: inout [UInt8]) throws {
            let start = out.count
            if !reader.null() {
                try reader.object { reader, key in
                    // The case given last replaces those before it.
                    func set(_ write: (inout [UInt8]) throws -> Void) rethrows {
                        out.removeSubrange(start...)
                        try write(&out)
                    }
                    switch key {
                    case "stringValue": try set { out in try reader.withString { SpanJSON.stringValue($0, into: &out) } }
                    case "boolValue": try set { SpanJSON.boolValue(try reader.bool(), into: &$0) }
                    case "intValue": try set { SpanJSON.intValue(try reader.signed(), into: &$0) }
                    case "doubleValue": try set { SpanJSON.doubleValue(try reader.double(), into: &$0) }
                    case "bytesValue":
                        try set { out in
                            let text = try reader.string()
                            guard let data = Data(base64Encoded: text) else { throw reader.problem("is not base64") }
                            data.withUnsafeBytes { SpanJSON.bytesValue($0, into: &out) }
                        }
                    case "arrayValue":
                        try set { out in
                            out += SpanJSON.arrayStart
                            var count = 0
                            try reader.object { reader, key in
                                guard key == "values" else { return try reader.skipValue() }
                                try reader.array { reader, _ in
                                    if count > 0 { out.append(UInt8(ascii: ",")) }
                                    count += 1
                                    try anyValue(&reader, into: &out)
                                }
                            }
                            out += SpanJSON.listEnd
                        }
                    case "kvlistValue":
                        var list = AttributeList()
                        try reader.object { reader, key in
                            guard key == "values" else { return try reader.skipValue() }
                            list.removeAll()
                            try list.read(&reader)
                        }
                        set { list.write(into: &$0, asList: true) }
                    default: try reader.skipValue()
                    }
                }
            }
            if out.count == start { SpanJSON.stringValue(UnsafeRawBufferPointer(start: nil, count: 0), into: &out) }
        }
    }
}
