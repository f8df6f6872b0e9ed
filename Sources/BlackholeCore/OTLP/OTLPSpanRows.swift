import Foundation
import SwiftProtobuf

/// OTLP/protobuf `ExportTraceServiceRequest`s read straight from their bytes into a `SpanBatch`:
/// ingestion's path for millions of spans. Each span's fields are read in place and its
/// attributes, events and links written as their stored text, with no message, dictionary or
/// string made per span on the way. The resource and scope, once per group of spans, go through
/// the generated messages. What is taken and refused, and why, is what `OTLPProtobuf.decodeTraces`
/// decides; a request that cannot be read adds nothing.
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

    /// Protobuf's wire format over the request's bytes; positions are offsets into them.
    struct Wire {
        let bytes: UnsafeRawBufferPointer
        var position: Int
        let end: Int

        init(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
            self.bytes = bytes
            position = range.lowerBound
            end = range.upperBound
        }

        /// The next field's number and wire type; nil at the end.
        mutating func field() throws -> (number: Int, type: Int)? {
            guard position < end else { return nil }
            let key = try varint()
            let number = key >> 3
            guard number > 0, number <= 536_870_911 else { throw WireError.malformed }
            return (Int(number), Int(key & 7))
        }

        mutating func varint() throws -> UInt64 {
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

        mutating func fixed64() throws -> UInt64 {
            guard end - position >= 8 else { throw WireError.truncated }
            let value = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            position += 8
            return UInt64(littleEndian: value)
        }

        mutating func bytesField() throws -> Range<Int> {
            let length = try varint()
            guard length <= UInt64(end - position) else { throw WireError.truncated }
            let start = position
            position += Int(length)
            return start..<position
        }

        /// Reads a field of wire type `type` and checks it is what the field must be.
        mutating func expect(_ type: Int, is wanted: Int) throws {
            guard type == wanted else { throw WireError.malformed }
        }

        /// Passes over a field of no interest, groups included.
        mutating func skip(_ type: Int, number: Int, depth: Int = 0) throws {
            switch type {
            case 0: _ = try varint()
            case 1: try advance(8)
            case 2: _ = try bytesField()
            case 5: try advance(4)
            case 3:
                guard depth < maxDepth else { throw WireError.tooDeep }
                while true {
                    guard let (inner, innerType) = try field() else { throw WireError.truncated }
                    if innerType == 4 {
                        guard inner == number else { throw WireError.malformed }
                        return
                    }
                    try skip(innerType, number: inner, depth: depth + 1)
                }
            default: throw WireError.malformed
            }
        }

        private mutating func advance(_ count: Int) throws {
            guard end - position >= count else { throw WireError.truncated }
            position += count
        }
    }

    static let maxDepth = 100

    private static let wireVarint = 0, wireFixed64 = 1, wireBytes = 2, wireFixed32 = 5

    /// A key and value of a `KeyValue`, as ranges of the request's bytes.
    private struct Entry {
        var key: Range<Int>
        var value: Range<Int>?
        var order: Int
    }

    private struct Decoder {
        let bytes: UnsafeRawBufferPointer
        let sampler: TraceSampler
        var outcome = Outcome()
        // Reused from span to span.
        private var attributes: [Range<Int>] = []
        private var events: [Range<Int>] = []
        private var links: [Range<Int>] = []

        init(bytes: UnsafeRawBufferPointer, sampler: TraceSampler) {
            self.bytes = bytes
            self.sampler = sampler
        }

        mutating func request(into batch: inout SpanBatch) throws {
            var wire = Wire(bytes, 0..<bytes.count)
            var resourceIndex = 0
            while let (number, type) = try wire.field() {
                guard number == 1 else {
                    try wire.skip(type, number: number)
                    continue
                }
                try wire.expect(type, is: wireBytes)
                try resourceSpans(try wire.bytesField(), index: resourceIndex, into: &batch)
                resourceIndex += 1
            }
        }

        private mutating func resourceSpans(_ range: Range<Int>, index: Int, into batch: inout SpanBatch) throws {
            var wire = Wire(bytes, range)
            var resource = OTLPResource()
            var scopes: [Range<Int>] = []
            while let (number, type) = try wire.field() {
                switch number {
                case 1:
                    try wire.expect(type, is: wireBytes)
                    let field = try wire.bytesField()
                    try resource.merge(serializedBytes: Data(bytes.slice(field)))
                case 2:
                    try wire.expect(type, is: wireBytes)
                    scopes.append(try wire.bytesField())
                case 3:
                    try wire.expect(type, is: wireBytes)
                    try checkUTF8(try wire.bytesField())
                default: try wire.skip(type, number: number)
                }
            }
            let attributes = OTLPProtobuf.attributes(resource.attributes)
            for (scopeIndex, scope) in scopes.enumerated() {
                try scopeSpans(scope, resource: attributes, path: "resourceSpans[\(index)].scopeSpans[\(scopeIndex)]", into: &batch)
            }
        }

        private mutating func scopeSpans(_ range: Range<Int>, resource: Attributes, path: String, into batch: inout SpanBatch) throws {
            var wire = Wire(bytes, range)
            var scope = OTLPInstrumentationScope()
            var spans: [Range<Int>] = []
            while let (number, type) = try wire.field() {
                switch number {
                case 1:
                    try wire.expect(type, is: wireBytes)
                    let field = try wire.bytesField()
                    try scope.merge(serializedBytes: Data(bytes.slice(field)))
                case 2:
                    try wire.expect(type, is: wireBytes)
                    spans.append(try wire.bytesField())
                case 3:
                    try wire.expect(type, is: wireBytes)
                    try checkUTF8(try wire.bytesField())
                default: try wire.skip(type, number: number)
                }
            }
            let origin = SpanOrigin(resource: resource, scopeName: scope.name, scopeVersion: scope.version,
                                    scopeAttributes: OTLPProtobuf.attributes(scope.attributes))
            var originIndex: Int?
            for (spanIndex, span) in spans.enumerated() {
                try self.span(span, origin: origin, originIndex: &originIndex, path: "\(path).spans[\(spanIndex)]", into: &batch)
            }
        }

        private mutating func span(_ range: Range<Int>, origin: SpanOrigin, originIndex: inout Int?, path: @autoclosure () -> String,
                                   into batch: inout SpanBatch) throws {
            var wire = Wire(bytes, range)
            var traceID = 0..<0, spanID = 0..<0, parentID = 0..<0, name = 0..<0, statusMessage = 0..<0
            var kind: UInt64 = 0, statusCode: UInt64 = 0, start: UInt64 = 0, end: UInt64 = 0
            attributes.removeAll(keepingCapacity: true)
            events.removeAll(keepingCapacity: true)
            links.removeAll(keepingCapacity: true)
            while let (number, type) = try wire.field() {
                switch number {
                case 1: try wire.expect(type, is: wireBytes); traceID = try wire.bytesField()
                case 2: try wire.expect(type, is: wireBytes); spanID = try wire.bytesField()
                case 3: try wire.expect(type, is: wireBytes); try checkUTF8(try wire.bytesField())
                case 4: try wire.expect(type, is: wireBytes); parentID = try wire.bytesField()
                case 5: try wire.expect(type, is: wireBytes); name = try wire.bytesField(); try checkUTF8(name)
                case 6: try wire.expect(type, is: wireVarint); kind = try wire.varint()
                case 7: try wire.expect(type, is: wireFixed64); start = try wire.fixed64()
                case 8: try wire.expect(type, is: wireFixed64); end = try wire.fixed64()
                case 9: try wire.expect(type, is: wireBytes); attributes.append(try wire.bytesField())
                case 11: try wire.expect(type, is: wireBytes); events.append(try wire.bytesField())
                case 13: try wire.expect(type, is: wireBytes); links.append(try wire.bytesField())
                case 15:
                    try wire.expect(type, is: wireBytes)
                    var status = Wire(bytes, try wire.bytesField())
                    while let (field, fieldType) = try status.field() {
                        switch field {
                        case 2: try status.expect(fieldType, is: wireBytes); statusMessage = try status.bytesField(); try checkUTF8(statusMessage)
                        case 3: try status.expect(fieldType, is: wireVarint); statusCode = try status.varint()
                        default: try status.skip(fieldType, number: field)
                        }
                    }
                case 10, 12, 14: try wire.expect(type, is: wireVarint); _ = try wire.varint()
                case 16: try wire.expect(type, is: wireFixed32); try wire.skip(type, number: number)
                default: try wire.skip(type, number: number)
                }
            }
            // Everything is read before anything is judged: a malformed span fails the request.
            let attributeEntries = try entries(attributes, depth: 5)
            let eventParts = try events.map { try event($0) }
            let linkParts = try links.map { try link($0) }

            let parent = isZero(parentID) ? 0..<0 : parentID
            if traceID.count != 16 || isZero(traceID) {
                reject("\(path()): trace id must be 16 bytes, not all zero")
            } else if spanID.count != 8 || isZero(spanID) {
                reject("\(path()): span id must be 8 bytes, not all zero")
            } else if !parent.isEmpty && parent.count != 8 {
                reject("\(path()): parent span id must be 8 bytes or empty")
            } else if start == 0 {
                reject("\(path()): start time is missing")
            } else if end < start {
                reject("\(path()): ends before it starts")
            } else {
                let trace = TraceKey(high: integer(traceID.prefix(8)), low: integer(traceID.suffix(8)))
                guard sampler.keeps(trace) else {
                    outcome.sampledOut += 1
                    return
                }
                let origin = originIndex ?? batch.index(of: origin)
                originIndex = origin
                let bytes = self.bytes
                let ids = batch.write { text in
                    text += bytes[traceID]
                    text += bytes[spanID]
                    text += bytes[parent]
                }
                let row = SpanBatch.Row(
                    traceID: trace, ids: ids.start, isRoot: parent.isEmpty, origin: origin,
                    kind: Span.Kind(rawValue: Int(Int32(truncatingIfNeeded: kind))) ?? .unspecified,
                    statusCode: Span.StatusCode(rawValue: Int(Int32(truncatingIfNeeded: statusCode))) ?? .unset,
                    startNanos: start, endNanos: end,
                    name: batch.write { $0 += bytes[name] },
                    statusMessage: batch.write { $0 += bytes[statusMessage] },
                    attributes: batch.write { writeMap(attributeEntries, into: &$0) },
                    events: eventParts.isEmpty ? .absent : batch.write { out in
                        out.append(UInt8(ascii: "["))
                        for (index, part) in eventParts.enumerated() {
                            if index > 0 { out.append(UInt8(ascii: ",")) }
                            SpanJSON.eventStart(timeNanos: part.time, into: &out)
                            SpanJSON.string(utf8: bytes.slice(part.name), into: &out)
                            out += #","attributes":"#.utf8
                            writeMap(part.attributes, into: &out)
                            out.append(UInt8(ascii: "}"))
                        }
                        out.append(UInt8(ascii: "]"))
                    },
                    links: linkParts.isEmpty ? .absent : batch.write { out in
                        out.append(UInt8(ascii: "["))
                        for (index, part) in linkParts.enumerated() {
                            if index > 0 { out.append(UInt8(ascii: ",")) }
                            SpanJSON.linkStart(traceID: bytes.slice(part.traceID), spanID: bytes.slice(part.spanID), into: &out)
                            SpanJSON.string(utf8: bytes.slice(part.traceState), into: &out)
                            out += #","attributes":"#.utf8
                            writeMap(part.attributes, into: &out)
                            out.append(UInt8(ascii: "}"))
                        }
                        out.append(UInt8(ascii: "]"))
                    })
                batch.append(row)
                outcome.accepted += 1
            }
        }

        private mutating func reject(_ problem: String) {
            outcome.rejected += 1
            if outcome.firstProblem == nil { outcome.firstProblem = problem }
        }

        private func event(_ range: Range<Int>) throws -> (time: UInt64, name: Range<Int>, attributes: [Entry]) {
            var wire = Wire(bytes, range)
            var time: UInt64 = 0, name = 0..<0
            var attributes: [Range<Int>] = []
            while let (number, type) = try wire.field() {
                switch number {
                case 1: try wire.expect(type, is: wireFixed64); time = try wire.fixed64()
                case 2: try wire.expect(type, is: wireBytes); name = try wire.bytesField(); try checkUTF8(name)
                case 3: try wire.expect(type, is: wireBytes); attributes.append(try wire.bytesField())
                case 4: try wire.expect(type, is: wireVarint); _ = try wire.varint()
                default: try wire.skip(type, number: number)
                }
            }
            return (time, name, try entries(attributes, depth: 6))
        }

        private func link(_ range: Range<Int>) throws -> (traceID: Range<Int>, spanID: Range<Int>, traceState: Range<Int>, attributes: [Entry]) {
            var wire = Wire(bytes, range)
            var traceID = 0..<0, spanID = 0..<0, traceState = 0..<0
            var attributes: [Range<Int>] = []
            while let (number, type) = try wire.field() {
                switch number {
                case 1: try wire.expect(type, is: wireBytes); traceID = try wire.bytesField()
                case 2: try wire.expect(type, is: wireBytes); spanID = try wire.bytesField()
                case 3: try wire.expect(type, is: wireBytes); traceState = try wire.bytesField(); try checkUTF8(traceState)
                case 4: try wire.expect(type, is: wireBytes); attributes.append(try wire.bytesField())
                case 5: try wire.expect(type, is: wireVarint); _ = try wire.varint()
                case 6: try wire.expect(type, is: wireFixed32); try wire.skip(type, number: number)
                default: try wire.skip(type, number: number)
                }
            }
            return (traceID, spanID, traceState, try entries(attributes, depth: 6))
        }

        /// The `KeyValue`s of a list, checked, sorted by key; of equal keys the last is kept.
        private func entries(_ pairs: [Range<Int>], depth: Int) throws -> [Entry] {
            var entries: [Entry] = []
            entries.reserveCapacity(pairs.count)
            for (order, pair) in pairs.enumerated() {
                var wire = Wire(bytes, pair)
                var key = 0..<0
                var value: Range<Int>?
                while let (number, type) = try wire.field() {
                    switch number {
                    case 1: try wire.expect(type, is: wireBytes); key = try wire.bytesField(); try checkUTF8(key)
                    case 2:
                        try wire.expect(type, is: wireBytes)
                        let range = try wire.bytesField()
                        try checkValue(range, depth: depth + 1)
                        value = range
                    default: try wire.skip(type, number: number)
                    }
                }
                entries.append(Entry(key: key, value: value, order: order))
            }
            let bytes = self.bytes
            entries.sort { a, b in
                let left = bytes.slice(a.key), right = bytes.slice(b.key)
                if left.elementsEqual(right) { return a.order < b.order }
                return left.lexicographicallyPrecedes(right)
            }
            var unique: [Entry] = []
            unique.reserveCapacity(entries.count)
            for entry in entries {
                if let last = unique.last, bytes.slice(last.key).elementsEqual(bytes.slice(entry.key)) {
                    unique[unique.count - 1] = entry
                } else {
                    unique.append(entry)
                }
            }
            return unique
        }

        /// Checks an `AnyValue` (and what it holds) before anything of it is written.
        private func checkValue(_ range: Range<Int>, depth: Int) throws {
            guard depth <= maxDepth else { throw WireError.tooDeep }
            var wire = Wire(bytes, range)
            while let (number, type) = try wire.field() {
                switch number {
                case 1: try wire.expect(type, is: wireBytes); try checkUTF8(try wire.bytesField())
                case 2, 3: try wire.expect(type, is: wireVarint); _ = try wire.varint()
                case 4: try wire.expect(type, is: wireFixed64); _ = try wire.fixed64()
                case 5:
                    try wire.expect(type, is: wireBytes)
                    var values = Wire(bytes, try wire.bytesField())
                    while let (field, fieldType) = try values.field() {
                        if field == 1 {
                            try values.expect(fieldType, is: wireBytes)
                            try checkValue(try values.bytesField(), depth: depth + 2)
                        } else {
                            try values.skip(fieldType, number: field)
                        }
                    }
                case 6:
                    try wire.expect(type, is: wireBytes)
                    var list = Wire(bytes, try wire.bytesField())
                    var pairs: [Range<Int>] = []
                    while let (field, fieldType) = try list.field() {
                        if field == 1 {
                            try list.expect(fieldType, is: wireBytes)
                            pairs.append(try list.bytesField())
                        } else {
                            try list.skip(fieldType, number: field)
                        }
                    }
                    _ = try entries(pairs, depth: depth + 2)
                case 7: try wire.expect(type, is: wireBytes); _ = try wire.bytesField()
                default: try wire.skip(type, number: number)
                }
            }
        }

        /// `{"key":value,…}` of checked entries.
        private func writeMap(_ entries: [Entry], into out: inout [UInt8]) {
            out.append(UInt8(ascii: "{"))
            for (index, entry) in entries.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                SpanJSON.string(utf8: bytes.slice(entry.key), into: &out)
                out.append(UInt8(ascii: ":"))
                writeValue(entry.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }

        /// An `AnyValue` already checked, in its OTLP/JSON shape; the last of its cases set wins,
        /// and none is an empty string.
        private func writeValue(_ range: Range<Int>?, into out: inout [UInt8]) {
            var chosen: (number: Int, range: Range<Int>, scalar: UInt64)?
            if let range {
                var wire = Wire(bytes, range)
                // Checked already: nothing here throws.
                while let (number, type) = try? wire.field() {
                    switch number {
                    case 1, 5, 6, 7: if let field = try? wire.bytesField() { chosen = (number, field, 0) }
                    case 2, 3: if let value = try? wire.varint() { chosen = (number, 0..<0, value) }
                    case 4: if let value = try? wire.fixed64() { chosen = (number, 0..<0, value) }
                    default: try? wire.skip(type, number: number)
                    }
                }
            }
            guard let chosen else {
                SpanJSON.stringValue(UnsafeRawBufferPointer(start: nil, count: 0), into: &out)
                return
            }
            switch chosen.number {
            case 1: SpanJSON.stringValue(bytes.slice(chosen.range), into: &out)
            case 2: SpanJSON.boolValue(chosen.scalar != 0, into: &out)
            case 3: SpanJSON.intValue(Int64(bitPattern: chosen.scalar), into: &out)
            case 4: SpanJSON.doubleValue(Double(bitPattern: chosen.scalar), into: &out)
            case 7: SpanJSON.bytesValue(bytes.slice(chosen.range), into: &out)
            case 5:
                out += SpanJSON.arrayStart
                var values = Wire(bytes, chosen.range)
                var first = true
                while let (number, type) = try? values.field() {
                    guard number == 1, let value = try? values.bytesField() else {
                        try? values.skip(type, number: number)
                        continue
                    }
                    if !first { out.append(UInt8(ascii: ",")) }
                    first = false
                    writeValue(value, into: &out)
                }
                out += SpanJSON.listEnd
            default:
                out += SpanJSON.mapStart
                var list = Wire(bytes, chosen.range)
                var pairs: [Range<Int>] = []
                while let (number, type) = try? list.field() {
                    if number == 1, let pair = try? list.bytesField() { pairs.append(pair) } else { try? list.skip(type, number: number) }
                }
                for (index, entry) in ((try? entries(pairs, depth: 0)) ?? []).enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    SpanJSON.mapEntryStart(into: &out)
                    SpanJSON.string(utf8: bytes.slice(entry.key), into: &out)
                    out += SpanJSON.mapEntryValue
                    writeValue(entry.value, into: &out)
                    out.append(UInt8(ascii: "}"))
                }
                out += SpanJSON.listEnd
            }
        }

        private func checkUTF8(_ range: Range<Int>) throws {
            let text = bytes.slice(range)
            if text.allSatisfy({ $0 < 0x80 }) { return }
            guard String(validating: text, as: UTF8.self) != nil else { throw WireError.invalidUTF8 }
        }

        private func isZero(_ range: Range<Int>) -> Bool { bytes.slice(range).allSatisfy { $0 == 0 } }

        private func integer(_ range: Range<Int>) -> UInt64 { UInt64(bigEndianBytes: bytes.slice(range)) }
    }
}

extension UnsafeRawBufferPointer {
    fileprivate func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: self[range]) }
}
