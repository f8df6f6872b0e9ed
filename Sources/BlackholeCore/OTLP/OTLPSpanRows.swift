import Foundation
import SwiftProtobuf

/// OTLP/protobuf `ExportTraceServiceRequest`s read straight from their bytes into a `SpanBatch`:
/// ingestion's path for millions of spans. Each span's fields are read in place and its
/// attributes, events and links written as their stored text, with no message, dictionary or
/// string made per span on the way. The resource and scope, once per group of spans, go through
/// the generated messages. What is taken and refused is what `OTLPProtobuf.decodeTraces`
/// decides, by protobuf's rules as SwiftProtobuf applies them: a field of the wrong wire type is
/// an unknown field, the last of a repeated singular field wins, a message field given twice is
/// merged, every string is UTF-8, messages nest at most 100 deep. A request that cannot be read
/// adds nothing. `FuzzOTLPProtobuf` holds the two to the same answers.
enum OTLPSpanRows {
    struct Outcome: Equatable {
        var accepted = 0
        var sampledOut = 0
        var rejected = 0
        var firstProblem: String?
    }

    static func decode(_ data: Data, sampler: TraceSampler, into batch: inout SpanBatch) throws -> Outcome {
        let mark = batch.mark
        do {
            return try data.withUnsafeBytes { bytes in
                var decoder = Decoder(bytes: bytes, sampler: sampler)
                try decoder.request(into: &batch)
                return decoder.outcome
            }
        } catch {
            batch.restore(mark)
            let reason = (error as? WireError)?.description ?? OTLPProtobuf.describe(error)
            throw BlackholeError(.usage, "not an OTLP protobuf ExportTraceServiceRequest (\(reason))")
        }
    }

    enum WireError: Error, CustomStringConvertible {
        case truncated, malformed, invalidUTF8, tooDeep

        var description: String {
            switch self {
            case .truncated: "truncated message"
            case .malformed: "malformed protobuf"
            case .invalidUTF8: "a string is not UTF-8"
            case .tooDeep: "nested too deeply"
            }
        }
    }

    /// How deep messages may nest, the request being 1 (SwiftProtobuf's default).
    static let maxDepth = 100

    private static let varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5

    /// Protobuf's wire format over one message of the request, at its depth; positions are offsets
    /// into the request's bytes.
    struct Wire {
        let bytes: UnsafeRawBufferPointer
        let depth: Int
        var position: Int
        let end: Int
        /// The wire type of the field last read by `field()`.
        private var type = 0
        private var number = 0

        init(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, depth: Int) throws {
            guard depth <= maxDepth else { throw WireError.tooDeep }
            self.bytes = bytes
            self.depth = depth
            position = range.lowerBound
            end = range.upperBound
        }

        /// The next field's number; nil at the end.
        mutating func field() throws -> Int? {
            guard position < end else { return nil }
            (number, type) = try readKey()
            return number
        }

        /// A field's number (1 to 2²⁹-1) and wire type (0 to 5).
        private mutating func readKey() throws -> (number: Int, type: Int) {
            let key = try readVarint()
            guard key & 7 <= UInt64(fixed32), key >> 3 > 0, key >> 3 <= 536_870_911 else { throw WireError.malformed }
            return (Int(key >> 3), Int(key & 7))
        }

        /// Whether the field just read has the wire type its definition gives; one that has not is
        /// an unknown field, passed over here.
        mutating func has(_ wanted: Int) throws -> Bool {
            if type == wanted { return true }
            try skip()
            return false
        }

        mutating func varint() throws -> UInt64? { try has(OTLPSpanRows.varint) ? try readVarint() : nil }

        mutating func fixed64() throws -> UInt64? {
            guard try has(OTLPSpanRows.fixed64) else { return nil }
            guard end - position >= 8 else { throw WireError.truncated }
            let value = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            position += 8
            return UInt64(littleEndian: value)
        }

        /// The bytes of a length-delimited field (a string, bytes or a message).
        mutating func bytesField() throws -> Range<Int>? { try has(lengthDelimited) ? try readBytes() : nil }

        /// The bytes of a string field, checked to be UTF-8.
        mutating func string() throws -> Range<Int>? {
            guard let range = try bytesField() else { return nil }
            let text = bytes.slice(range)
            if !text.allSatisfy({ $0 < 0x80 }) && String(validating: text, as: UTF8.self) == nil { throw WireError.invalidUTF8 }
            return range
        }

        /// A message field's bytes, to be read at the next depth.
        mutating func message() throws -> Wire? {
            guard let range = try bytesField() else { return nil }
            return try Wire(bytes, range, depth: depth + 1)
        }

        /// Passes over the field just read, groups included.
        mutating func skip() throws {
            try skip(type: type, number: number, depth: depth)
        }

        private mutating func skip(type: Int, number: Int, depth: Int) throws {
            switch type {
            case OTLPSpanRows.varint: _ = try readVarint()
            case OTLPSpanRows.fixed64: try advance(8)
            case lengthDelimited: _ = try readBytes()
            case fixed32: try advance(4)
            case startGroup:
                guard depth < maxDepth else { throw WireError.tooDeep }
                while true {
                    guard position < end else { throw WireError.truncated }
                    let (inner, innerType) = try readKey()
                    if innerType == endGroup {
                        guard inner == number else { throw WireError.malformed }
                        return
                    }
                    try skip(type: innerType, number: inner, depth: depth + 1)
                }
            default: throw WireError.malformed
            }
        }

        private mutating func readVarint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard position < end else { throw WireError.truncated }
                let byte = bytes[position]
                position += 1
                guard shift < 64 else { throw WireError.malformed }
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }

        private mutating func readBytes() throws -> Range<Int> {
            let length = try readVarint()
            guard length <= UInt64(end - position) else { throw WireError.truncated }
            let start = position
            position += Int(length)
            return start..<position
        }

        private mutating func advance(_ count: Int) throws {
            guard end - position >= count else { throw WireError.truncated }
            position += count
        }
    }

    /// A `KeyValue`: its key and every occurrence of its value (merged, as protobuf merges a
    /// message field given twice).
    private struct Entry {
        var key: Range<Int>
        var values: [Wire]
        var order: Int
    }

    private struct Decoder {
        let bytes: UnsafeRawBufferPointer
        let sampler: TraceSampler
        var outcome = Outcome()

        init(bytes: UnsafeRawBufferPointer, sampler: TraceSampler) {
            self.bytes = bytes
            self.sampler = sampler
        }

        mutating func request(into batch: inout SpanBatch) throws {
            var wire = try Wire(bytes, 0..<bytes.count, depth: 1)
            var resourceIndex = 0
            while let number = try wire.field() {
                guard number == 1, let resourceSpans = try wire.message() else {
                    if number != 1 { try wire.skip() }
                    continue
                }
                try self.resourceSpans(resourceSpans, index: resourceIndex, into: &batch)
                resourceIndex += 1
            }
        }

        /// `ResourceSpans` and `ScopeSpans` alike: what they are about (field 1, the resource or
        /// scope, read into `head`), what they hold (2), and a schema URL (3).
        private func group(_ message: Wire, head: inout some SwiftProtobuf.Message) throws -> [Wire] {
            var wire = message
            var members: [Wire] = []
            while let number = try wire.field() {
                switch number {
                case 1: if let field = try wire.bytesField() { try merge(&head, field, depth: wire.depth + 1) }
                case 2: if let member = try wire.message() { members.append(member) }
                case 3: _ = try wire.string()
                default: try wire.skip()
                }
            }
            return members
        }

        private mutating func resourceSpans(_ message: Wire, index: Int, into batch: inout SpanBatch) throws {
            var resource = OTLPResource()
            let scopes = try group(message, head: &resource)
            let attributes = OTLPProtobuf.attributes(resource.attributes)
            for (scopeIndex, scope) in scopes.enumerated() {
                try scopeSpans(scope, resource: attributes, path: "resourceSpans[\(index)].scopeSpans[\(scopeIndex)]", into: &batch)
            }
        }

        private mutating func scopeSpans(_ message: Wire, resource: Attributes, path: String, into batch: inout SpanBatch) throws {
            var scope = OTLPInstrumentationScope()
            let spans = try group(message, head: &scope)
            let origin = SpanOrigin(resource: resource, scopeName: scope.name, scopeVersion: scope.version,
                                    scopeAttributes: OTLPProtobuf.attributes(scope.attributes))
            var originIndex: Int?
            for (spanIndex, span) in spans.enumerated() {
                try self.span(span, origin: origin, originIndex: &originIndex, path: "\(path).spans[\(spanIndex)]", into: &batch)
            }
        }

        /// A resource or scope through the generated code, as deep as it lies in the request.
        private func merge(_ message: inout some SwiftProtobuf.Message, _ range: Range<Int>, depth: Int) throws {
            guard depth <= maxDepth else { throw WireError.tooDeep }
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = maxDepth - depth + 1
            try message.merge(serializedBytes: Data(bytes.slice(range)), options: options)
        }

        private mutating func span(_ message: Wire, origin: SpanOrigin, originIndex: inout Int?, path: @autoclosure () -> String,
                                   into batch: inout SpanBatch) throws {
            var wire = message
            var traceID = 0..<0, spanID = 0..<0, parentID = 0..<0, name = 0..<0, statusMessage = 0..<0
            var kind: UInt64 = 0, statusCode: UInt64 = 0, start: UInt64 = 0, end: UInt64 = 0
            var attributes: [Wire] = [], events: [Wire] = [], links: [Wire] = []
            while let number = try wire.field() {
                switch number {
                case 1: traceID = try wire.bytesField() ?? traceID
                case 2: spanID = try wire.bytesField() ?? spanID
                case 3: _ = try wire.string()
                case 4: parentID = try wire.bytesField() ?? parentID
                case 5: name = try wire.string() ?? name
                case 6: kind = try wire.varint() ?? kind
                case 7: start = try wire.fixed64() ?? start
                case 8: end = try wire.fixed64() ?? end
                case 9: if let pair = try wire.message() { attributes.append(pair) }
                case 11: if let event = try wire.message() { events.append(event) }
                case 13: if let link = try wire.message() { links.append(link) }
                case 15:
                    guard var status = try wire.message() else { continue }
                    while let field = try status.field() {
                        switch field {
                        case 2: statusMessage = try status.string() ?? statusMessage
                        case 3: statusCode = try status.varint() ?? statusCode
                        default: try status.skip()
                        }
                    }
                default: try wire.skip()
                }
            }
            // The span's text is written (and its values checked) whatever is decided of it: a
            // value that is not valid fails the request, as in the generated code.
            let mark = batch.mark
            let bytes = self.bytes
            let parent = bytes.slice(parentID).allSatisfy { $0 == 0 } ? 0..<0 : parentID
            let ids = batch.write { text in
                text += bytes[traceID]
                text += bytes[spanID]
                text += bytes[parent]
            }
            let nameText = batch.write { $0 += bytes[name] }
            let statusText = batch.write { $0 += bytes[statusMessage] }
            let attributesText = try batch.write { try writeMap(try entries(attributes), into: &$0) }
            let eventsText = try writeArray(events, into: &batch, writeEvent)
            let linksText = try writeArray(links, into: &batch, writeLink)

            let problem = DecodedSpans.problem(traceID: bytes.slice(traceID), spanID: bytes.slice(spanID), parentID: bytes.slice(parentID),
                                               start: start, end: end)
            if let problem {
                batch.restore(mark)
                outcome.rejected += 1
                if outcome.firstProblem == nil { outcome.firstProblem = "\(path()): \(problem)" }
                return
            }
            let trace = TraceKey(high: UInt64(bigEndianBytes: bytes.slice(traceID.prefix(8))),
                                 low: UInt64(bigEndianBytes: bytes.slice(traceID.suffix(8))))
            guard sampler.keeps(trace) else {
                batch.restore(mark)
                outcome.sampledOut += 1
                return
            }
            let originRow = originIndex ?? batch.index(of: origin)
            originIndex = originRow
            batch.append(SpanBatch.Row(
                traceID: trace, ids: ids.start, isRoot: parent.isEmpty, origin: originRow,
                kind: Span.Kind(rawValue: Int(Int32(truncatingIfNeeded: kind))) ?? .unspecified,
                statusCode: Span.StatusCode(rawValue: Int(Int32(truncatingIfNeeded: statusCode))) ?? .unset,
                startNanos: start, endNanos: end, name: nameText, statusMessage: statusText, attributes: attributesText,
                events: eventsText, links: linksText))
            outcome.accepted += 1
        }

        /// A JSON array of what `write` makes of each message; none (NULL) for no messages.
        private func writeArray(_ messages: [Wire], into batch: inout SpanBatch,
                                _ write: (Wire, inout [UInt8]) throws -> Void) throws -> SpanBatch.Text {
            guard !messages.isEmpty else { return .absent }
            return try batch.write { out in
                out.append(UInt8(ascii: "["))
                for (index, message) in messages.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    try write(message, &out)
                }
                out.append(UInt8(ascii: "]"))
            }
        }

        /// `{"time_unix_nano":"N","name":…,"attributes":{…}}` of an `Event`.
        private func writeEvent(_ message: Wire, into out: inout [UInt8]) throws {
            var wire = message
            var time: UInt64 = 0, name = 0..<0
            var attributes: [Wire] = []
            while let number = try wire.field() {
                switch number {
                case 1: time = try wire.fixed64() ?? time
                case 2: name = try wire.string() ?? name
                case 3: if let pair = try wire.message() { attributes.append(pair) }
                default: try wire.skip()
                }
            }
            SpanJSON.eventStart(timeNanos: time, into: &out)
            SpanJSON.string(utf8: bytes.slice(name), into: &out)
            out += #","attributes":"#.utf8
            try writeMap(try entries(attributes), into: &out)
            out.append(UInt8(ascii: "}"))
        }

        /// `{"trace_id":"…","span_id":"…","trace_state":…,"attributes":{…}}` of a `Link`.
        private func writeLink(_ message: Wire, into out: inout [UInt8]) throws {
            var wire = message
            var traceID = 0..<0, spanID = 0..<0, traceState = 0..<0
            var attributes: [Wire] = []
            while let number = try wire.field() {
                switch number {
                case 1: traceID = try wire.bytesField() ?? traceID
                case 2: spanID = try wire.bytesField() ?? spanID
                case 3: traceState = try wire.string() ?? traceState
                case 4: if let pair = try wire.message() { attributes.append(pair) }
                default: try wire.skip()
                }
            }
            SpanJSON.linkStart(traceID: bytes.slice(traceID), spanID: bytes.slice(spanID), into: &out)
            SpanJSON.string(utf8: bytes.slice(traceState), into: &out)
            out += #","attributes":"#.utf8
            try writeMap(try entries(attributes), into: &out)
            out.append(UInt8(ascii: "}"))
        }

        /// The `KeyValue`s of a list, sorted by key; of equal keys the last is kept (as in the
        /// map the generated code's values become), the others only checked.
        private func entries(_ pairs: [Wire]) throws -> [Entry] {
            var entries: [Entry] = []
            entries.reserveCapacity(pairs.count)
            for (order, pair) in pairs.enumerated() {
                var wire = pair
                var entry = Entry(key: 0..<0, values: [], order: order)
                while let number = try wire.field() {
                    switch number {
                    case 1: entry.key = try wire.string() ?? entry.key
                    case 2: if let value = try wire.message() { entry.values.append(value) }
                    default: try wire.skip()
                    }
                }
                entries.append(entry)
            }
            let bytes = self.bytes
            entries.sort { a, b in
                switch SpanJSON.compareKeys(bytes.slice(a.key), bytes.slice(b.key)) {
                case .orderedSame: a.order < b.order
                case .orderedAscending: true
                case .orderedDescending: false
                }
            }
            var unique: [Entry] = []
            unique.reserveCapacity(entries.count)
            var unused: [UInt8] = []
            for entry in entries {
                if let last = unique.last, SpanJSON.compareKeys(bytes.slice(last.key), bytes.slice(entry.key)) == .orderedSame {
                    // A dictionary keeps the first key and the last value.
                    try writeValue(last.values, into: &unused)
                    unique[unique.count - 1].values = entry.values
                } else {
                    unique.append(entry)
                }
            }
            return unique
        }

        /// `{"key":value,…}` of sorted entries.
        private func writeMap(_ entries: [Entry], into out: inout [UInt8]) throws {
            out.append(UInt8(ascii: "{"))
            for (index, entry) in entries.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                SpanJSON.string(utf8: bytes.slice(entry.key), into: &out)
                out.append(UInt8(ascii: ":"))
                try writeValue(entry.values, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }

        /// An `AnyValue` given once or more, merged: the last case set wins, and lists given more
        /// than once in a row add up. None set is an empty string. A list replaced by a later case
        /// is still checked, as the generated code reads it before it is replaced.
        private func writeValue(_ occurrences: [Wire], into out: inout [UInt8]) throws {
            var chosen = 0
            var scalar: UInt64 = 0
            var text = 0..<0
            var lists: [Wire] = []
            var replaced: [(number: Int, lists: [Wire])] = []
            func choose(_ number: Int) {
                if chosen != number && !lists.isEmpty {
                    replaced.append((chosen, lists))
                    lists = []
                }
                chosen = number
            }
            for occurrence in occurrences {
                var wire = occurrence
                while let number = try wire.field() {
                    switch number {
                    case 1, 7:
                        guard let field = number == 1 ? try wire.string() : try wire.bytesField() else { continue }
                        choose(number)
                        text = field
                    case 2, 3:
                        guard let value = try wire.varint() else { continue }
                        choose(number)
                        scalar = value
                    case 4:
                        guard let value = try wire.fixed64() else { continue }
                        choose(number)
                        scalar = value
                    case 5, 6:
                        guard let list = try wire.message() else { continue }
                        choose(number)
                        lists.append(list)
                    default: try wire.skip()
                    }
                }
            }
            var unused: [UInt8] = []
            for list in replaced { try writeList(list.number, list.lists, into: &unused) }
            switch chosen {
            case 2: SpanJSON.boolValue(scalar != 0, into: &out)
            case 3: SpanJSON.intValue(Int64(bitPattern: scalar), into: &out)
            case 4: SpanJSON.doubleValue(Double(bitPattern: scalar), into: &out)
            case 7: SpanJSON.bytesValue(bytes.slice(text), into: &out)
            case 5, 6: try writeList(chosen, lists, into: &out)
            default: SpanJSON.stringValue(bytes.slice(text), into: &out)
            }
        }

        /// An `ArrayValue` (field 5 of `AnyValue`) or `KeyValueList` (6), given once or more.
        private func writeList(_ number: Int, _ lists: [Wire], into out: inout [UInt8]) throws {
            var values: [Wire] = []
            for list in lists {
                var wire = list
                while let field = try wire.field() {
                    if field == 1, let value = try wire.message() { values.append(value) } else if field != 1 { try wire.skip() }
                }
            }
            if number == 5 {
                out += SpanJSON.arrayStart
                for (index, value) in values.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    try writeValue([value], into: &out)
                }
            } else {
                // A map like attributes.
                out += SpanJSON.mapStart
                for (index, entry) in try entries(values).enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    SpanJSON.mapEntryStart(into: &out)
                    SpanJSON.string(utf8: bytes.slice(entry.key), into: &out)
                    out += SpanJSON.mapEntryValue
                    try writeValue(entry.values, into: &out)
                    out.append(UInt8(ascii: "}"))
                }
            }
            out += SpanJSON.listEnd
        }
    }
}

extension UnsafeRawBufferPointer {
    fileprivate func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: self[range]) }
}
