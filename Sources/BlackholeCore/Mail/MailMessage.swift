import Foundation

/// A plain-text mail as it goes on the wire (RFC 5322, MIME's RFC 2045 and 2047): CRLF line
/// ends, header lines folded to stay under 78 characters, a non-ASCII header as encoded words,
/// the body as 8bit where the server takes it (8BITMIME) and quoted-printable where it does not.
/// Values in, bytes out; the SMTP dialogue dot-stuffs what this renders as it sends it.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var date: Date
    /// Without the angle brackets: `2f1c...@node1.example`.
    public var messageID: String
    /// Lines end however they like; rendering makes them CRLF.
    public var body: String

    public enum BodyEncoding: String, Sendable {
        case sevenBit = "7bit", eightBit = "8bit", quotedPrintable = "quoted-printable"
    }

    /// SMTP's limit on a line, without its CRLF (RFC 5321 §4.5.3.1.6).
    static let longestLine = 998

    /// 7bit for short ASCII lines; 8bit when the server takes it (8BITMIME) and every line is
    /// short enough for SMTP; quoted-printable otherwise.
    public func bodyEncoding(eightBitAllowed: Bool) -> BodyEncoding {
        let lines = Self.lines(body)
        let sendable = lines.allSatisfy { line in
            line.utf8.count <= Self.longestLine && line.unicodeScalars.allSatisfy { $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }
        }
        guard sendable else { return .quotedPrintable }
        if lines.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) { return .sevenBit }
        return eightBitAllowed ? .eightBit : .quotedPrintable
    }

    /// Headers and body, every line ending in CRLF.
    public func rendered(eightBitAllowed: Bool) -> [UInt8] {
        let encoding = bodyEncoding(eightBitAllowed: eightBitAllowed)
        let headers = [
            Self.header("Date", Self.rfc5322Date(date)),
            Self.header("From", from),
            Self.header("To", to.joined(separator: ", ")),
            Self.header("Subject", subject),
            Self.header("Message-ID", "<\(messageID)>"),
            // RFC 3834: machine-made, so vacation auto-replies leave it alone.
            Self.header("Auto-Submitted", "auto-generated"),
            Self.header("MIME-Version", "1.0"),
            Self.header("Content-Type", "text/plain; charset=utf-8"),
            Self.header("Content-Transfer-Encoding", encoding.rawValue),
        ]
        let lines = Self.lines(body)
        let bodyLines = encoding == .quotedPrintable ? lines.flatMap(Self.quotedPrintable) : lines
        return Array((headers + [""] + bodyLines).map { $0 + "\r\n" }.joined().utf8)
    }

    /// The lines of a text, whatever ends them (CRLF, LF or a lone CR).
    static func lines(_ text: String) -> [String] {
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.count > 1 && lines.last == "" { lines.removeLast() }
        return lines
    }

    // MARK: Headers

    /// `Name: value`, folded before a space to stay within 78 characters where the words allow;
    /// a value that is not ASCII goes as RFC 2047 encoded words. Control characters (a CR or LF
    /// would start a header of its own) become spaces.
    static func header(_ name: String, _ value: String) -> String {
        let clean = String(value.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        guard clean.unicodeScalars.allSatisfy(\.isASCII) else { return encodedWords(name, clean) }
        var lines = ["\(name):"]
        for word in clean.split(separator: " ", omittingEmptySubsequences: false) {
            if lines.last!.count + 1 + word.count > 78 && lines.last! != "\(name):" && !lines.last!.allSatisfy({ $0 == " " }) {
                lines.append("")
            }
            lines[lines.count - 1] += " " + word
        }
        return lines.joined(separator: "\r\n")
    }

    /// `Name: =?utf-8?B?...?=`, one encoded word per line, each line within 76 characters and
    /// each word holding whole characters, as RFC 2047 §5 and §6 want.
    static func encodedWords(_ name: String, _ value: String) -> String {
        var lines: [String] = []
        var chunk: [UInt8] = []
        var prefix = name.count + 2  // "Name: ", then " " on each folded line
        func flush() {
            lines.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=")
            chunk = []
            prefix = 1
        }
        for character in value {
            // 12 characters of =?utf-8?B? and ?=, then 4 of base64 per 3 bytes.
            let room = (76 - prefix - 12) / 4 * 3
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > room { flush() }
            chunk += bytes
        }
        if !chunk.isEmpty || lines.isEmpty { flush() }
        return "\(name): " + lines.joined(separator: "\r\n ")
    }

    /// `Sun, 29 Nov 2026 00:34:33 +0000`: RFC 5322's date, in UTC, in English whatever the locale.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.weekday, .year, .month, .day, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(format: "%@, %02d %@ %04d %02d:%02d:%02d +0000", days[c.weekday! - 1], c.day!, months[c.month! - 1],
                      c.year!, c.hour!, c.minute!, c.second!)
    }

    // MARK: Body

    /// One line of text as quoted-printable (RFC 2045 §6.7): printable ASCII as it is, every
    /// other byte and `=` as `=XX`, a space or tab ending the line encoded too (a mail system may
    /// strip it), lines of at most 76 characters joined by soft breaks (`=` at the end).
    static func quotedPrintable(_ line: String) -> [String] {
        let bytes = Array(line.utf8)
        let tokens = bytes.enumerated().map { index, byte -> String in
            let whitespace = byte == 0x20 || byte == 0x09
            if (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || (whitespace && index < bytes.count - 1) {
                return String(UnicodeScalar(byte))
            }
            return String(format: "=%02X", byte)
        }
        var lines = [""]
        for token in tokens {
            if lines[lines.count - 1].count + token.count > 75 {
                lines[lines.count - 1] += "="
                lines.append("")
            }
            lines[lines.count - 1] += token
        }
        return lines
    }

    // MARK: Addresses

    /// Whether `text` is a plain address SMTP can carry without SMTPUTF8 (`user@example.org`):
    /// ASCII, no spaces, brackets or commas (it goes between `<` and `>` in the envelope and into
    /// the headers as it is), one `@` before a domain of letters, digits, dots and hyphens.
    public static func isAddress(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at], domain = text[text.index(after: at)...]
        let forbidden = Set("<>()[],;:\\\"@")
        return !local.isEmpty && local.allSatisfy { $0.asciiValue.map { $0 > 0x20 && $0 < 0x7F } == true && !forbidden.contains($0) }
            && !domain.isEmpty && !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
            && domain.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
    }

    /// The part after the `@`, which names who makes the message ids.
    public static func domain(of address: String) -> String {
        address.lastIndex(of: "@").map { String(address[address.index(after: $0)...]) } ?? "localhost"
    }
}
