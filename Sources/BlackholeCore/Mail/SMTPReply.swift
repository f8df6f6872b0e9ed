import Foundation

/// One SMTP reply (RFC 5321 §4.2): a three-digit code and its text, on one line or several
/// (`250-first`, ..., `250 last`).
struct SMTPReply: Sendable, Equatable {
    let code: Int
    let lines: [String]

    /// As an error shows it: `454 4.7.0 TLS not available`, on one line, not endless.
    var text: String {
        let joined = "\(code) " + lines.filter { !$0.isEmpty }.joined(separator: " ")
        return joined.count > 200 ? joined.prefix(200) + "..." : joined.trimmed()
    }

    /// EHLO's service extensions (every line but the greeting), by upper-cased keyword, with
    /// their parameters: `AUTH PLAIN LOGIN` is `["AUTH": ["PLAIN", "LOGIN"]]`.
    var extensions: [String: [String]] {
        Dictionary(lines.dropFirst().compactMap { line in
            let words = line.split(separator: " ").map { $0.uppercased() }
            return words.first.map { ($0, Array(words.dropFirst())) }
        }, uniquingKeysWith: { first, _ in first })
    }
}

/// Reassembles replies from the bytes a server sends, however TCP cuts them up.
struct SMTPReplyReader {
    private var buffer: [UInt8] = []
    private var lines: [String] = []
    private var code: Int?
    /// RFC 5321 allows 512 octets a reply line; more than this is not an SMTP server talking.
    static let longestLine = 8192

    /// Bytes received and not yet part of a reply.
    var hasUnreadBytes: Bool { !buffer.isEmpty }

    mutating func append(_ bytes: some Sequence<UInt8>) { buffer += bytes }

    /// The next whole reply, or nil until more bytes arrive.
    mutating func next() throws -> SMTPReply? {
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            var line = buffer[..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            buffer.removeSubrange(...newline)
            let text = String(decoding: line, as: UTF8.self)
            let digits = text.prefix(3)
            guard digits.count == 3, digits.allSatisfy(\.isASCII), let lineCode = Int(digits), (200...599).contains(lineCode),
                  text.count == 3 || [" ", "-"].contains(text[text.index(text.startIndex, offsetBy: 3)])
            else { throw SMTPProtocolError("it answered \"\(text.prefix(80))\"") }
            if let code, code != lineCode {
                throw SMTPProtocolError("it changed its reply code from \(code) to \(lineCode) within one reply")
            }
            code = lineCode
            lines.append(String(text.dropFirst(4)))
            if text.count == 3 || text[text.index(text.startIndex, offsetBy: 3)] == " " {
                defer { (lines, code) = ([], nil) }
                return SMTPReply(code: lineCode, lines: lines)
            }
        }
        if buffer.count > Self.longestLine { throw SMTPProtocolError("it sent a reply line longer than \(Self.longestLine) bytes") }
        return nil
    }
}

struct SMTPProtocolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What SMTP's DATA sends (RFC 5321 §4.5.2): the message with a `.` doubled at the start of each
/// line that has one, then the lone `.` that ends it. `message` is CRLF-terminated lines.
func smtpData(_ message: [UInt8]) -> [UInt8] {
    var data: [UInt8] = []
    data.reserveCapacity(message.count + 64)
    var atLineStart = true
    for byte in message {
        if atLineStart && byte == UInt8(ascii: ".") { data.append(UInt8(ascii: ".")) }
        data.append(byte)
        atLineStart = byte == UInt8(ascii: "\n")
    }
    if !atLineStart { data += Array("\r\n".utf8) }
    return data + Array(".\r\n".utf8)
}
