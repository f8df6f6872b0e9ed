/// multistream-select 1.0 framing: each message is a uvarint length, then the UTF-8 text and a
/// newline (`/multistream/1.0.0\n`, `/noise\n`, `na\n`).
public enum Multistream {
    public static let header = "/multistream/1.0.0"
    public static let notAvailable = "na"
    /// Longer than any protocol id: a peer announcing more is not speaking multistream-select.
    static let maximumLength = 1024

    public static func encode(_ message: String) -> [UInt8] {
        let body = Array((message + "\n").utf8)
        return uvarint(body.count) + body
    }

    static func uvarint(_ value: Int) -> [UInt8] {
        var value = UInt64(value)
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7f)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }

    public enum Decoded: Equatable {
        case message(String, consumed: Int)
        /// Not enough bytes yet.
        case incomplete
        /// These bytes are not multistream-select.
        case invalid(String)
    }

    public static func decode(_ bytes: ArraySlice<UInt8>) -> Decoded {
        var length = 0
        var shift = 0
        var index = bytes.startIndex
        while true {
            guard index < bytes.endIndex else { return .incomplete }
            let byte = bytes[index]
            index += 1
            length |= Int(byte & 0x7f) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            if shift > 21 { return .invalid("length prefix too long") }
        }
        guard length > 0, length <= maximumLength else { return .invalid("message length \(length)") }
        guard bytes.endIndex - index >= length else { return .incomplete }
        let body = bytes[index..<(index + length)]
        guard body.last == UInt8(ascii: "\n"), let text = String(bytes: body.dropLast(), encoding: .utf8) else {
            return .invalid("message does not end with a newline")
        }
        return .message(text, consumed: index + length - bytes.startIndex)
    }
}
