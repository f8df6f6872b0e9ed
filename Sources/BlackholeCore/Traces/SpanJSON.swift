import Foundation

/// The stored text of attributes, events and links: keys sorted, strings and booleans as plain
/// JSON (`"GET"`, `true`), every other value in OTLP/JSON's own shape (`{"intValue":"42"}`,
/// `{"doubleValue":1.5}`), so that no type is lost or guessed: most values are strings, and
/// their wrapping would be a fifth of a span's bytes. Written by hand as UTF-8 bytes because
/// ingestion writes it for every span, by the functions below whether the value comes from an
/// `AttributeValue` or straight from protobuf bytes (`OTLPSpanRows`).
enum SpanJSON {
    static func attributes(_ attributes: Attributes) -> String {
        text { write(attributes, into: &$0) }
    }

    /// What `body` writes, as a string.
    static func text(_ body: (inout [UInt8]) -> Void) -> String {
        var out: [UInt8] = []
        body(&out)
        return String(decoding: out, as: UTF8.self)
    }

    static func events(_ events: [Span.Event], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, event) in events.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            eventStart(timeNanos: event.timeNanos, into: &out)
            string(event.name, into: &out)
            out += #","attributes":"#.utf8
            write(event.attributes, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `{"time_unix_nano":"N","name":` of an event, its name and attributes to follow.
    static func eventStart(timeNanos: UInt64, into out: inout [UInt8]) {
        out += #"{"time_unix_nano":""#.utf8
        out += String(timeNanos).utf8
        out += #"","name":"#.utf8
    }

    static func links(_ links: [Span.Link], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, link) in links.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            link.traceID.withUnsafeBytes { traceID in
                link.spanID.withUnsafeBytes { spanID in linkStart(traceID: traceID, spanID: spanID, into: &out) }
            }
            string(link.traceState, into: &out)
            out += #","attributes":"#.utf8
            write(link.attributes, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `{"trace_id":"…","span_id":"…","trace_state":` of a link, its state and attributes to follow.
    static func linkStart(traceID: UnsafeRawBufferPointer, spanID: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out += #"{"trace_id":""#.utf8
        hex(traceID, into: &out)
        out += #"","span_id":""#.utf8
        hex(spanID, into: &out)
        out += #"","trace_state":"#.utf8
    }

    static func write(_ attributes: Attributes, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, key) in attributes.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            string(key, into: &out)
            out.append(UInt8(ascii: ":"))
            write(attributes[key]!, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func write(_ value: AttributeValue, into out: inout [UInt8]) {
        switch value {
        case .string(var text): text.withUTF8 { stringValue(UnsafeRawBufferPointer($0), into: &out) }
        case .bool(let flag): boolValue(flag, into: &out)
        case .int(let number): intValue(number, into: &out)
        case .double(let number): doubleValue(number, into: &out)
        case .bytes(let data): data.withUnsafeBytes { bytesValue($0, into: &out) }
        case .array(let values):
            out += arrayStart
            for (index, element) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out += listEnd
        case .map(let values):
            out += mapStart
            for (index, key) in values.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                mapEntryStart(into: &out)
                string(key, into: &out)
                out += mapEntryValue
                write(values[key]!, into: &out)
                out.append(UInt8(ascii: "}"))
            }
            out += listEnd
        }
    }

    static func stringValue(_ utf8: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        string(utf8: utf8, into: &out)
    }

    static func boolValue(_ flag: Bool, into out: inout [UInt8]) {
        out += (flag ? "true" : "false").utf8
    }

    static func intValue(_ number: Int64, into out: inout [UInt8]) {
        out += #"{"intValue":""#.utf8
        out += String(number).utf8
        out += #""}"#.utf8
    }

    static func doubleValue(_ number: Double, into out: inout [UInt8]) {
        out += #"{"doubleValue":"#.utf8
        if number.isFinite {
            out += "\(number)".utf8
        } else {
            out += (number.isNaN ? #""NaN""# : number > 0 ? #""Infinity""# : #""-Infinity""#).utf8
        }
        out.append(UInt8(ascii: "}"))
    }

    static func bytesValue(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out += #"{"bytesValue":""#.utf8
        out += Data(bytes).base64EncodedString().utf8
        out += #""}"#.utf8
    }

    static let arrayStart = Array(#"{"arrayValue":{"values":["#.utf8)
    static let mapStart = Array(#"{"kvlistValue":{"values":["#.utf8)
    static let listEnd = Array("]}}".utf8)
    static let mapEntryValue = Array(#","value":"#.utf8)

    static func mapEntryStart(into out: inout [UInt8]) {
        out += #"{"key":"#.utf8
    }

    static func string(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { string(utf8: UnsafeRawBufferPointer($0), into: &out) }
    }

    static func string(_ text: String, into out: inout String) {
        out += Self.text { string(text, into: &$0) }
    }

    /// A JSON string of valid UTF-8: quotes, backslashes and control characters escaped.
    static func string(utf8: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Runs of plain bytes copied whole: most strings are one.
        var plainStart = 0, index = 0
        while index < utf8.count {
            let byte = utf8[index]
            index += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            out += UnsafeRawBufferPointer(rebasing: utf8[plainStart..<(index - 1)])
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case UInt8(ascii: "\n"): out += #"\n"#.utf8
            case UInt8(ascii: "\r"): out += #"\r"#.utf8
            case UInt8(ascii: "\t"): out += #"\t"#.utf8
            case 0x08: out += #"\b"#.utf8
            case 0x0C: out += #"\f"#.utf8
            default:
                out += #"\u00"#.utf8
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
            plainStart = index
        }
        out += UnsafeRawBufferPointer(rebasing: utf8[plainStart...])
        out.append(UInt8(ascii: "\""))
    }

    /// Keys in the order and sameness of Swift's strings, which sort and tell apart the
    /// attributes of a `Span`: byte order for ASCII, Unicode's canonical equivalence otherwise.
    static func compareKeys(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> ComparisonResult {
        func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool { bytes.reduce(0, |) < 0x80 }
        if isASCII(left) && isASCII(right) {
            let common = min(left.count, right.count)
            let order = common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common)
            if order != 0 { return order < 0 ? .orderedAscending : .orderedDescending }
            return left.count == right.count ? .orderedSame : left.count < right.count ? .orderedAscending : .orderedDescending
        }
        let a = String(decoding: left, as: UTF8.self), b = String(decoding: right, as: UTF8.self)
        return a == b ? .orderedSame : a < b ? .orderedAscending : .orderedDescending
    }

    static func hex(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
