import Foundation

/// The stored text of attributes, events and links: OTLP/JSON's own value shapes
/// (`{"intValue":"42"}`), keys sorted, written by hand because ingestion writes it for every span.
enum SpanJSON {
    static func attributes(_ attributes: Attributes) -> String {
        var out = ""
        out.reserveCapacity(32 * attributes.count + 2)
        write(attributes, into: &out)
        return out
    }

    static func events(_ events: [Span.Event]) -> String? {
        guard !events.isEmpty else { return nil }
        var out = "["
        for (index, event) in events.enumerated() {
            if index > 0 { out += "," }
            out += "{\"time_unix_nano\":\"\(event.timeNanos)\",\"name\":"
            string(event.name, into: &out)
            out += ",\"attributes\":"
            write(event.attributes, into: &out)
            out += "}"
        }
        return out + "]"
    }

    static func links(_ links: [Span.Link]) -> String? {
        guard !links.isEmpty else { return nil }
        var out = "["
        for (index, link) in links.enumerated() {
            if index > 0 { out += "," }
            out += "{\"trace_id\":\"\(link.traceID.hex)\",\"span_id\":\"\(link.spanID.hex)\",\"trace_state\":"
            string(link.traceState, into: &out)
            out += ",\"attributes\":"
            write(link.attributes, into: &out)
            out += "}"
        }
        return out + "]"
    }

    static func write(_ attributes: Attributes, into out: inout String) {
        out += "{"
        var first = true
        for key in attributes.keys.sorted() {
            if !first { out += "," }
            first = false
            string(key, into: &out)
            out += ":"
            write(attributes[key]!, into: &out)
        }
        out += "}"
    }

    static func write(_ value: AttributeValue, into out: inout String) {
        switch value {
        case .string(let text):
            out += "{\"stringValue\":"
            string(text, into: &out)
            out += "}"
        case .bool(let flag): out += flag ? "{\"boolValue\":true}" : "{\"boolValue\":false}"
        case .int(let number): out += "{\"intValue\":\"\(number)\"}"
        case .double(let number):
            if number.isFinite {
                out += "{\"doubleValue\":\(number)}"
            } else {
                out += "{\"doubleValue\":\"\(number.isNaN ? "NaN" : number > 0 ? "Infinity" : "-Infinity")\"}"
            }
        case .bytes(let data): out += "{\"bytesValue\":\"\(data.base64EncodedString())\"}"
        case .array(let values):
            out += "{\"arrayValue\":{\"values\":["
            for (index, element) in values.enumerated() {
                if index > 0 { out += "," }
                write(element, into: &out)
            }
            out += "]}}"
        case .map(let values):
            out += "{\"kvlistValue\":{\"values\":["
            for (index, key) in values.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                out += "{\"key\":"
                string(key, into: &out)
                out += ",\"value\":"
                write(values[key]!, into: &out)
                out += "}"
            }
            out += "]}}"
        }
    }

    static func string(_ text: String, into out: inout String) {
        out += "\""
        var plain = true
        for byte in text.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
