import Foundation

/// Why a document could not be read: `resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano: expected a number`.
struct JSONProblem: Error {
    let message: String
}

/// A forward-only reader of JSON bytes that knows where it is, for messages that say where.
struct JSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// Keys and indices from the document down to the value being read.
    private var path: [PathStep] = []

    private enum PathStep {
        case key(JSONKey)
        case index(Int)
    }

    /// Deeper documents are refused rather than read by ever deeper recursion.
    static let maxDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// What `body` reads of a whole document: only white space may follow it.
    static func document<Result>(_ bytes: UnsafeRawBufferPointer, _ body: (inout JSONReader) throws -> Result) throws -> Result {
        var reader = JSONReader(bytes.bindMemory(to: UInt8.self))
        let result = try body(&reader)
        try reader.end()
        return result
    }

    // MARK: Containers

    /// Calls `body` with each key of an object; `body` must read or skip the value.
    mutating func object(_ body: (inout JSONReader, JSONKey) throws -> Void) throws {
        if null() { return }
        guard path.count < Self.maxDepth else { throw problem("nested more than \(Self.maxDepth) levels deep") }
        guard skipSpace() == UInt8(ascii: "{") else { throw mismatch("an object") }
        position += 1
        if skipSpace() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            guard skipSpace() == UInt8(ascii: "\"") else { throw syntax("expected a key") }
            let key = try stringInPlace()
            guard skipSpace() == UInt8(ascii: ":") else { throw syntax("expected ':'") }
            position += 1
            path.append(.key(key))
            try body(&self, key)
            path.removeLast()
            switch skipSpace() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return
            default: throw syntax("expected ',' or '}'")
            }
        }
    }

    /// Calls `body` with each index of an array; null is an empty array.
    mutating func array(_ body: (inout JSONReader, Int) throws -> Void) throws {
        if null() { return }
        guard path.count < Self.maxDepth else { throw problem("nested more than \(Self.maxDepth) levels deep") }
        guard skipSpace() == UInt8(ascii: "[") else { throw mismatch("an array") }
        position += 1
        if skipSpace() == UInt8(ascii: "]") {
            position += 1
            return
        }
        var index = 0
        while true {
            path.append(.index(index))
            try body(&self, index)
            path.removeLast()
            index += 1
            switch skipSpace() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return
            default: throw syntax("expected ',' or ']'")
            }
        }
    }

    /// Only white space may follow the document.
    mutating func end() throws {
        guard skipSpace() == nil else { throw syntax("unexpected text after the document") }
    }

    // MARK: Values

    /// Consumes `null` if it comes next.
    mutating func null() -> Bool {
        guard skipSpace() == UInt8(ascii: "n"), matches("null") else { return false }
        position += 4
        return true
    }

    mutating func string() throws -> String {
        try withString { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with a string's UTF-8, unescaped (null is empty): the document's own bytes when
    /// the string has no escapes, so that reading it makes no copy. Bytes that are not UTF-8 become
    /// U+FFFD, as in `string()`.
    mutating func withString<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        if null() { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        guard skipSpace() == UInt8(ascii: "\"") else { throw mismatch("a string") }
        let (run, escaped) = try plainRun()
        guard escaped else { return try Self.validUTF8(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[run])), body) }
        var out = Array(bytes[run])
        try appendEscaped(to: &out)
        return try out.withUnsafeBytes { try Self.validUTF8($0, body) }
    }

    private static func validUTF8<Result>(_ text: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        if text.allSatisfy({ $0 < 0x80 }) || String(validating: text, as: UTF8.self) != nil { return try body(text) }
        var repaired = String(decoding: text, as: UTF8.self)
        return try repaired.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }

    mutating func bool() throws -> Bool {
        if null() { return false }
        if skipSpace() == UInt8(ascii: "t"), matches("true") {
            position += 4
            return true
        }
        if skipSpace() == UInt8(ascii: "f"), matches("false") {
            position += 5
            return false
        }
        throw mismatch("true or false")
    }

    /// A fixed64 written as a string (the specification) or a number (what some exporters send).
    mutating func unsigned() throws -> UInt64 {
        if null() { return 0 }
        if let value = plainDigits() { return value }
        let text = try numberText()
        guard let value = UInt64(text) else { throw problem("\(Self.shown(text)) is not a count of nanoseconds") }
        return value
    }

    mutating func signed() throws -> Int64 {
        if null() { return 0 }
        let text = try numberText()
        guard let value = Int64(text) else { throw problem("\(Self.shown(text)) is not a 64-bit integer") }
        return value
    }

    /// A number, or one of proto3's strings for non-finite values.
    mutating func double() throws -> Double {
        if null() { return 0 }
        let text = try numberText()
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let value = Double(text) else { throw problem("\(Self.shown(text)) is not a number") }
            return value
        }
    }

    /// An enum as its integer (the specification) or its proto name (`SPAN_KIND_SERVER`).
    mutating func enumeration<Value: RawRepresentable & CaseIterable>(_ type: Value.Type) throws -> Int
    where Value.RawValue == Int {
        if null() { return 0 }
        if skipSpace() == UInt8(ascii: "\"") {
            let text = try rawString()
            if let number = Int(text) { return number }
            let suffix = text.split(separator: "_").last.map { $0.lowercased() } ?? ""
            guard let match = Value.allCases.first(where: { "\($0)".lowercased() == suffix }) else {
                throw problem("unknown enum value \(Self.shown(text))")
            }
            return match.rawValue
        }
        let text = try numberText()
        guard let value = Int(text) else { throw problem("\(Self.shown(text)) is not an enum value") }
        return value
    }

    /// Skips any value, checking its syntax.
    mutating func skipValue() throws {
        switch skipSpace() {
        case UInt8(ascii: "{"): try object { reader, _ in try reader.skipValue() }
        case UInt8(ascii: "["): try array { reader, _ in try reader.skipValue() }
        case UInt8(ascii: "\""): _ = try stringInPlace()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "n"):
            guard null() else { throw syntax("expected a value") }
        case nil: throw syntax("unexpected end of the document")
        default: _ = try numberText()
        }
    }

    // MARK: Errors

    /// Input quoted for a one-line message: escaped, and cut after 40 characters.
    static func shown(_ text: String) -> String {
        var quoted = ""
        SpanJSON.string(text.count > 40 ? String(text.prefix(40)) + "…" : text, into: &quoted)
        return quoted
    }

    /// A problem with the value being read, located by its path.
    func problem(_ message: String) -> JSONProblem {
        var text = ""
        for step in path {
            switch step {
            case .key(let key): text += text.isEmpty ? key.string : "." + key.string
            case .index(let index): text += "[\(index)]"
            }
        }
        return JSONProblem(message: "\(text.isEmpty ? "document" : text): \(message)")
    }

    private func mismatch(_ expected: String) -> JSONProblem {
        if position >= bytes.count { return syntax("unexpected end of the document") }
        return problem("expected \(expected)")
    }

    private func syntax(_ message: String) -> JSONProblem {
        JSONProblem(message: "not valid JSON at byte \(position + 1): \(message)")
    }

    // MARK: Bytes

    /// The next byte that is not white space, not consumed; nil at the end.
    private mutating func skipSpace() -> UInt8? {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            case let byte: return byte
            }
        }
        return nil
    }

    private func matches(_ word: StaticString) -> Bool {
        word.withUTF8Buffer { expected in
            position + expected.count <= bytes.count && (0..<expected.count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
    }

    /// A number's text, or the contents of a string standing for a number (`"42"`).
    private mutating func numberText() throws -> String {
        switch skipSpace() {
        case UInt8(ascii: "\""): return try rawString()
        case let byte? where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
            let start = position
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                     UInt8(ascii: "e"), UInt8(ascii: "E"):
                    position += 1
                default:
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        default: throw mismatch("a number")
        }
    }

    /// A string whose opening quote is next, read in place (a member's name is read so): its
    /// bytes in the document, or what its escapes stand for.
    private mutating func stringInPlace() throws -> JSONKey {
        let (run, escaped) = try plainRun()
        guard escaped else { return JSONKey(bytes: UnsafeBufferPointer(rebasing: bytes[run])) }
        var out = Array(bytes[run])
        try appendEscaped(to: &out)
        return JSONKey(unescaped: String(decoding: out, as: UTF8.self))
    }

    /// A string whose opening quote is next.
    private mutating func rawString() throws -> String {
        try stringInPlace().string
    }

    /// Passes the opening quote next and the string's bytes up to its closing quote (consumed) or
    /// its first escape (where it stops, `escaped`).
    private mutating func plainRun() throws -> (run: Range<Int>, escaped: Bool) {
        position += 1
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return (start..<(position - 1), false)
            }
            if byte == UInt8(ascii: "\\") { return (start..<position, true) }
            if byte < 0x20 { throw syntax("control character in a string") }
            position += 1
        }
        throw syntax("unterminated string")
    }

    /// The rest of a string from its first escape, through its closing quote.
    private mutating func appendEscaped(to out: inout [UInt8]) throws {
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw syntax("unterminated string") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), matches("\\u") {
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw syntax("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out.append(contentsOf: String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8)
                default: throw syntax("invalid escape")
                }
            case let control where control < 0x20: throw syntax("control character in a string")
            default: out.append(byte)
            }
        }
        throw syntax("unterminated string")
    }

    /// A count of nanoseconds in the common form, read without making its text: 1 to 19 digits,
    /// quoted or not, followed by what ends a value. Nil, with nothing consumed, for any other form.
    private mutating func plainDigits() -> UInt64? {
        guard let first = skipSpace() else { return nil }
        let quoted = first == UInt8(ascii: "\"")
        var index = quoted ? position + 1 : position
        var value: UInt64 = 0
        var digits = 0
        while index < bytes.count, digits < 20, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            value = value &* 10 &+ UInt64(bytes[index] - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        guard (1...19).contains(digits) else { return nil }
        if quoted {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
        } else if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: break
            default: return nil
            }
        }
        position = index
        return value
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw syntax("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Data.nibble(bytes[position]) else { throw syntax("invalid \\u escape") }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}

/// A string as the reader found it, an object member's name above all, compared with literals
/// (`case "traceId":`) byte for byte: no `String` is made for the names of a million spans'
/// fields. Valid while its document is being read.
struct JSONKey {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// A name written with escapes, which its bytes in the document are not.
    private let unescaped: String?

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        unescaped = nil
    }

    init(unescaped: String) {
        bytes = UnsafeBufferPointer(start: nil, count: 0)
        self.unescaped = unescaped
    }

    /// The name, invalid UTF-8 repaired.
    var string: String { unescaped ?? String(decoding: bytes, as: UTF8.self) }

    @inline(__always)
    static func == (key: JSONKey, name: StaticString) -> Bool {
        if let unescaped = key.unescaped { return unescaped == name.description }
        return key.bytes.count == name.utf8CodeUnitCount
            && (key.bytes.count == 0 || memcmp(key.bytes.baseAddress!, name.utf8Start, key.bytes.count) == 0)
    }

    @inline(__always)
    static func ~= (name: StaticString, key: JSONKey) -> Bool { key == name }
}
